// Indexes every transcript of every log source into the ledger: the CLI runs it on demand
// before a report, the agent on start, on file changes and on a slow rescan. One file's
// failure is recorded and the rest go on.

import { statSync } from 'node:fs';
import type { UsageEvent } from '../../domain/events.ts';
import type { Cursor, LedgerStore } from '../../store/types.ts';
import type { LogFormat } from '../types.ts';
import { type FileIndexResult, indexFile } from './index-file.ts';
import { type FoundFile, listFiles, underRoot } from './walk.ts';

export interface LogSource {
  format: LogFormat<unknown>;
  roots: string[];
}

export interface IndexRun {
  files: number;
  changedFiles: number;
  bytes: number;
  lines: number;
  events: number;
  malformed: number;
  errors: Array<{ path: string; message: string }>;
  ms: number;
}

export interface Progress {
  /** Bytes read so far and bytes to read in this run. */
  done: number;
  total: number;
}

export interface IndexerOptions {
  price: (e: UsageEvent) => UsageEvent;
  now?: () => number;
  /** Between chunks of a big file; the agent passes a yield to its event loop. */
  yieldBetweenChunks?: () => Promise<void>;
}

export class LogIndexer {
  readonly #store: LedgerStore;
  readonly #sources: readonly LogSource[];
  readonly #opts: IndexerOptions;
  /** One run at a time: a change during a run is picked up by the next. */
  #running: Promise<unknown> = Promise.resolve();

  constructor(store: LedgerStore, sources: readonly LogSource[], opts: IndexerOptions) {
    this.#store = store;
    this.#sources = sources;
    this.#opts = opts;
  }

  get sources(): readonly LogSource[] {
    return this.#sources;
  }

  /** Every root directory being indexed. */
  roots(): string[] {
    return this.#sources.flatMap((s) => s.roots);
  }

  #files(): FoundFile[] {
    const all: FoundFile[] = [];
    for (const s of this.#sources) all.push(...listFiles(s.format, s.roots));
    return all;
  }

  /** Bytes not yet indexed, over every file (a stat each). */
  pendingBytes(): number {
    return this.#pendingBytes(
      this.#files(),
      new Map(this.#store.cursors().map((c) => [c.path, c])),
    );
  }

  /** Indexes whatever is new in every file; `onProgress` hears about bytes as they are read. */
  indexAll(onProgress?: (p: Progress) => void): Promise<IndexRun> {
    const run = this.#running.then(() => this.#indexAll(onProgress));
    this.#running = run.catch(() => undefined);
    return run;
  }

  /** Indexes one path if it is a transcript under a root (a file watcher's change). */
  indexPaths(paths: readonly string[]): Promise<IndexRun> {
    const run = this.#running.then(() => this.#indexFound(this.#resolve(paths)));
    this.#running = run.catch(() => undefined);
    return run;
  }

  #resolve(paths: readonly string[]): FoundFile[] {
    const found: FoundFile[] = [];
    for (const path of new Set(paths)) {
      for (const s of this.#sources) {
        const at = underRoot(path, s.roots);
        if (at !== undefined && s.format.matches(at.rel)) {
          found.push({ file: { path, root: at.root }, format: s.format });
          break;
        }
      }
    }
    return found;
  }

  async #indexAll(onProgress?: (p: Progress) => void): Promise<IndexRun> {
    return this.#indexFound(this.#files(), onProgress);
  }

  async #indexFound(files: FoundFile[], onProgress?: (p: Progress) => void): Promise<IndexRun> {
    const now = this.#opts.now ?? Date.now;
    const started = now();
    // One query for every cursor, and commits that span files: a first import of thousands
    // of small transcripts is a few transactions, not thousands.
    const cursors = new Map(this.#store.cursors().map((c) => [c.path, c]));
    const batch = new CommitBatch(this.#store);
    const run: IndexRun = {
      files: files.length,
      changedFiles: 0,
      bytes: 0,
      lines: 0,
      events: 0,
      malformed: 0,
      errors: [],
      ms: 0,
    };
    const progress: Progress = { done: 0, total: 0 };
    if (onProgress !== undefined) progress.total = this.#pendingBytes(files, cursors);
    for (const { file, format } of files) {
      let r: FileIndexResult;
      try {
        r = await indexFile(cursors.get(file.path), file, format, batch.add, {
          price: this.#opts.price,
          now,
          ...(onProgress !== undefined
            ? {
                onBytes: (b: number) => {
                  progress.done += b;
                  onProgress(progress);
                },
              }
            : {}),
          ...(this.#opts.yieldBetweenChunks !== undefined
            ? { yieldBetweenChunks: this.#opts.yieldBetweenChunks }
            : {}),
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Gone between listing and reading: nothing to index.
        if (code !== 'ENOENT')
          run.errors.push({ path: file.path, message: (err as Error).message });
        continue;
      }
      if (!r.unchanged) run.changedFiles++;
      run.bytes += r.bytes;
      run.lines += r.lines;
      run.events += r.events;
      run.malformed += r.malformed;
    }
    batch.flush();
    run.ms = now() - started;
    return run;
  }

  #pendingBytes(files: FoundFile[], cursors: Map<string, Cursor>): number {
    let total = 0;
    for (const { file } of files) {
      try {
        const st = statSync(file.path);
        const c = cursors.get(file.path);
        total +=
          c !== undefined && c.ino === st.ino && st.size >= c.offset ? st.size - c.offset : st.size;
      } catch {
        // Gone: nothing to read.
      }
    }
    return total;
  }
}

/** Files' cursors and events gathered across files and committed together. */
class CommitBatch {
  readonly #store: LedgerStore;
  #cursors = new Map<string, Cursor>();
  #events: UsageEvent[] = [];

  constructor(store: LedgerStore) {
    this.#store = store;
  }

  readonly add = (cursor: Cursor, events: UsageEvent[]): void => {
    this.#cursors.set(cursor.path, cursor);
    for (const e of events) this.#events.push(e);
    if (this.#events.length >= 20_000 || this.#cursors.size >= 1000) this.flush();
  };

  flush(): void {
    if (this.#cursors.size === 0) return;
    this.#store.commitFiles([...this.#cursors.values()], this.#events);
    this.#cursors = new Map();
    this.#events = [];
  }
}
