// The agent's side of the usage ledger: it is the ledger's one writer, folds in the billed
// requests the OTLP receiver sees, indexes the tools' transcripts on start, on every change
// (within a second) and on a slow rescan, and never lets one bad file or a full disk stop
// the live monitor.

import { existsSync, type FSWatcher, watch } from 'node:fs';
import type { Paths } from '../config/paths.ts';
import type { Config } from '../config/schema.ts';
import type { UsageEvent } from '../domain/events.ts';
import { ledgerFile } from '../ledger/files.ts';
import { type LedgerWriter, openLedgerWriter } from '../ledger/writer.ts';
import type { IndexRun } from '../sources/files/indexer.ts';
import { MemoryLedger } from '../store/memory.ts';
import { SqliteLedger } from '../store/sqlite/ledger.ts';
import type { LedgerStore } from '../store/types.ts';

export interface LedgerServiceOptions {
  config: Config;
  paths: Paths;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** How long file changes are gathered before they are indexed. */
  debounceMs?: number;
  /** How often to try again for the writer lock while a CLI command holds it. */
  lockRetryMs?: number;
}

export interface LedgerStatus {
  writer: boolean;
  /** False while writes fail (a full or read-only data directory); true again once one works. */
  writable: boolean;
  lastIndex: IndexRun | undefined;
  lastError: string | undefined;
  watching: string[];
}

/** How SQLite and the file system say that the data directory cannot be written. */
const WRITE_ERROR = /readonly|read-only|disk is full|disk I\/O|EROFS|ENOSPC|EDQUOT/i;

/** Billed requests held while the lock is not ours yet (a report holds it for a moment). */
const MAX_PENDING = 10_000;

export class LedgerService {
  readonly #opts: LedgerServiceOptions;
  #writer: LedgerWriter | undefined;
  /** A read-only connection for the API while a CLI command holds the writer's lock. */
  #reader: LedgerStore | undefined;
  #pending: UsageEvent[] = [];
  readonly #watchers = new Map<string, FSWatcher>();
  #changed = new Set<string>();
  #debounce: NodeJS.Timeout | undefined;
  #rescan: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;
  #loggedError = false;
  readonly status: LedgerStatus = {
    writer: false,
    writable: true,
    lastIndex: undefined,
    lastError: undefined,
    watching: [],
  };
  /** Settles when the current indexing run is done (tests and shutdown wait on it). */
  idle: Promise<unknown> = Promise.resolve();

  constructor(opts: LedgerServiceOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.#tryAcquire();
  }

  /** The ledger while this process is its writer (the metrics export reads its totals). */
  get store(): LedgerStore | undefined {
    return this.#writer?.store;
  }

  #tryAcquire(): void {
    if (this.#closed) return;
    try {
      // Between chunks of a big import: let requests through, and stop promptly on close
      // (what was read so far is committed with its cursor).
      this.#writer = openLedgerWriter(this.#opts.config, this.#opts.paths, this.#opts.env, () =>
        this.#closed
          ? Promise.reject(new Error('the agent is stopping'))
          : new Promise((resolve) => setImmediate(resolve)),
      );
    } catch (err) {
      const e = err as Error;
      if (WRITE_ERROR.test(e.message)) this.#writeFailed(e);
      else this.#fail(`cannot open the ledger: ${e.message}`);
    }
    if (this.#writer === undefined) {
      this.#retry = setTimeout(() => this.#tryAcquire(), this.#opts.lockRetryMs ?? 2000);
      this.#retry.unref();
      return;
    }
    this.status.writer = true;
    this.#writing();
    this.#reader?.close();
    this.#reader = undefined;
    if (this.#pending.length > 0) {
      const held = this.#pending;
      this.#pending = [];
      this.addUsage(held);
    }
    if (!this.#opts.config.ledger.enabled) return;
    this.#indexAll();
    this.#watchRoots();
    const every = this.#opts.config.ledger.rescanIntervalMs;
    this.#rescan = setInterval(() => {
      this.#watchRoots();
      this.#indexAll();
    }, every);
    this.#rescan.unref();
  }

  /**
   * The ledger to read from (the dashboard's API): the writer's own connection, or a
   * read-only one until the lock is ours; an empty ledger before the first one is written.
   */
  reader(): LedgerStore {
    if (this.#writer !== undefined) return this.#writer.store;
    if (this.#reader === undefined || this.#reader instanceof MemoryLedger) {
      const file = ledgerFile(this.#opts.paths);
      try {
        this.#reader = existsSync(file)
          ? new SqliteLedger(file, { readOnly: true })
          : new MemoryLedger();
      } catch {
        this.#reader = new MemoryLedger();
      }
    }
    return this.#reader;
  }

  /** Folds in billed requests from telemetry; a failure is thrown to fail the export. */
  addUsage(events: UsageEvent[]): void {
    const w = this.#writer;
    if (w === undefined) {
      // The data directory cannot be written: refused, so that the sender keeps them.
      if (!this.status.writable)
        throw new Error(this.status.lastError ?? 'the ledger cannot be written');
      if (this.#pending.length + events.length <= MAX_PENDING) this.#pending.push(...events);
      return;
    }
    try {
      w.store.mergeUsage(events.map(w.price));
    } catch (err) {
      this.#writeFailed(err as Error);
      throw err;
    }
    this.#writing();
  }

  #writeFailed(err: Error): void {
    this.status.writable = false;
    this.#fail(
      `cannot write to ${ledgerFile(this.#opts.paths)}: ${err.message}; live sessions go on, and what cannot be stored now is taken when the disk can be written again`,
    );
  }

  /** A write went through: a write problem, if there was one, is over. */
  #writing(): void {
    if (this.status.writable) return;
    this.status.writable = true;
    this.status.lastError = undefined;
    this.#loggedError = false;
    this.#opts.log(`ledger: writing to ${ledgerFile(this.#opts.paths)} again`);
  }

  /** An indexing run that failed on writing rather than on reading a log. */
  #indexFailed(err: Error): void {
    if (WRITE_ERROR.test(err.message)) this.#writeFailed(err);
    else this.#fail(`indexing logs: ${err.message}`);
  }

  #indexAll(): void {
    const w = this.#writer;
    if (w === undefined || this.#closed) return;
    this.idle = w.indexer.indexAll().then(
      (run) => this.#done(run),
      (err: Error) => this.#indexFailed(err),
    );
  }

  #indexChanged(): void {
    const w = this.#writer;
    this.#debounce = undefined;
    if (w === undefined || this.#closed) return;
    const paths = [...this.#changed];
    this.#changed = new Set();
    this.idle = w.indexer.indexPaths(paths).then(
      (run) => this.#done(run),
      (err: Error) => this.#indexFailed(err),
    );
  }

  #done(run: IndexRun): void {
    this.status.lastIndex = run;
    this.#writing();
    if (run.errors.length > 0)
      this.#fail(`cannot read ${run.errors[0]!.path}: ${run.errors[0]!.message}`);
    else {
      this.status.lastError = undefined;
      this.#loggedError = false;
    }
  }

  #fail(message: string): void {
    this.status.lastError = message;
    // Once per outage: a full disk must not fill the log too.
    if (!this.#loggedError) this.#opts.log(`ledger: ${message}`);
    this.#loggedError = true;
  }

  /** Watches every root that exists (a tool installed later is picked up by the rescan). */
  #watchRoots(): void {
    const w = this.#writer;
    if (w === undefined || this.#closed) return;
    for (const root of w.indexer.roots()) {
      if (this.#watchers.has(root) || !existsSync(root)) continue;
      try {
        const watcher = watch(root, { recursive: true, persistent: false }, (_event, name) => {
          if (name === null) return;
          this.#changed.add(`${root}/${name}`);
          this.#debounce ??= setTimeout(() => this.#indexChanged(), this.#opts.debounceMs ?? 150);
        });
        watcher.on('error', () => {
          // Gone or out of watches: the rescan still finds new lines, later.
          watcher.close();
          this.#watchers.delete(root);
          this.status.watching = [...this.#watchers.keys()];
        });
        this.#watchers.set(root, watcher);
      } catch (err) {
        this.#fail(
          `cannot watch ${root}: ${(err as Error).message}; rescanning every ${Math.round(this.#opts.config.ledger.rescanIntervalMs / 1000)} s`,
        );
      }
    }
    this.status.watching = [...this.#watchers.keys()];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of [this.#debounce, this.#retry]) if (t !== undefined) clearTimeout(t);
    if (this.#rescan !== undefined) clearInterval(this.#rescan);
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    await this.idle.catch(() => undefined);
    this.#writer?.close();
    this.#writer = undefined;
    this.#reader?.close();
    this.#reader = undefined;
  }
}
