// The live monitor's counters (waiting time, completed turns) kept in the data directory, so
// they continue across restarts as the ledger's do. Exported values are always what is on
// disk: a `kill -9` can lose the last second of increments, but a counter never reads lower
// after a restart than it did before it (which Prometheus would take for a reset).

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  parseSessionTotals,
  SessionTotals,
  type SessionTotalsData,
} from '../domain/session-totals.ts';
import type { SessionState, Transition } from '../domain/sessions.ts';

/** Changes are written within this long (and on every collection and on close). */
const FLUSH_DELAY_MS = 1000;
/** While an agent waits, its accrued time is saved this often between collections. */
const WAITING_SAVE_MS = 10_000;

export interface SessionCountersOptions {
  file: string;
  /** What the monitor holds now for a session id. */
  stateOf: (sessionId: string) => SessionState | undefined;
  log: (line: string) => void;
  now?: () => number;
}

export class SessionCounters {
  readonly #opts: SessionCountersOptions;
  readonly #totals: SessionTotals;
  #saved: SessionTotalsData;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #failed = false;
  #closed = false;

  constructor(opts: SessionCountersOptions) {
    this.#opts = opts;
    this.#totals = new SessionTotals(this.#load());
    this.#saved = structuredClone(this.#totals.data);
  }

  #load(): SessionTotalsData {
    let text: string;
    try {
      text = readFileSync(this.#opts.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#opts.log(
          `cannot read ${this.#opts.file}: ${(err as Error).message}; counting from 0`,
        );
      }
      return parseSessionTotals(undefined);
    }
    try {
      return parseSessionTotals(JSON.parse(text));
    } catch (err) {
      this.#opts.log(`cannot read ${this.#opts.file}: ${(err as Error).message}; counting from 0`);
      return parseSessionTotals(undefined);
    }
  }

  transition(t: Transition): void {
    if (this.#closed) return;
    this.#totals.transition(t, this.#now());
    this.#dirty = true;
    this.#schedule(FLUSH_DELAY_MS);
  }

  /** The totals as saved, after crediting open waits up to now and saving them. */
  current(): SessionTotalsData {
    if (!this.#closed) {
      this.#tick();
      if (this.#dirty) this.#flush();
    }
    return this.#saved;
  }

  close(): void {
    if (this.#closed) return;
    this.#tick();
    if (this.#dirty) this.#flush();
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }

  #tick(): void {
    if (this.#totals.openWaits === 0) return;
    this.#totals.tick(this.#now(), this.#opts.stateOf);
    this.#dirty = true;
  }

  #schedule(delay: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#tick();
      if (this.#dirty) this.#flush();
      if (this.#totals.openWaits > 0) this.#schedule(WAITING_SAVE_MS);
    }, delay);
    this.#timer.unref();
  }

  #flush(): void {
    const file = this.#opts.file;
    const data = structuredClone(this.#totals.data);
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ version: 1, ...data })}\n`, { mode: 0o600 });
      renameSync(tmp, file);
      this.#saved = data;
      this.#dirty = false;
      this.#failed = false;
    } catch (err) {
      // Exported values stay at what was saved; they catch up once the disk takes writes.
      if (!this.#failed) this.#opts.log(`cannot write ${file}: ${(err as Error).message}`);
      this.#failed = true;
    }
  }
}
