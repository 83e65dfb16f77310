// Indexes every transcript of every log source into the ledger: the CLI runs it on demand
// before a report, the agent on start, on file changes and on a slow rescan. One file's
// failure is recorded and the rest go on.

import { type Stats, statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { UsageEvent } from '../../domain/events.ts';
import type { Cursor, FileStamp, LedgerStore } from '../../store/types.ts';
import type { LogFormat } from '../types.ts';
import { type FileIndexResult, indexFile } from './index-file.ts';
import type { ParseJob } from './parse-protocol.ts';
import type { DirCache } from './dir-cache.ts';
import { unchangedSince } from './stamp.ts';
import { type FoundFile, listFiles, underRoot } from './walk.ts';
import type { WalkRecorder } from './walk-record.ts';
import { importInWorker, WorkerFailure } from './worker-import.ts';

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
  /**
   * Starts a worker thread that reads and parses the given files (ledger/parse-worker.ts):
   * a run with at least `workerMinBytes` to read uses one, and this thread only commits.
   */
  startWorker?: (jobs: ParseJob[]) => Worker;
  /** How many workers share such an import (0: none, everything on this thread). */
  workers?: number;
  workerMinBytes?: number;
  /**
   * A worker failed (e.g. out of memory): told here, and the import goes on on this thread
   * from the cursors committed so far. Without it the failure is thrown.
   */
  onWorkerFailure?: (err: Error) => void;
  /** Directory listings kept between walks (saved after each). */
  dirCache?: DirCache & { save(): void };
}

/** Below this, starting a worker costs more than it saves. */
export const WORKER_MIN_BYTES = 32 * 1024 * 1024;

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

  #files(recorder?: WalkRecorder): FoundFile[] {
    const all: FoundFile[] = [];
    const cache = this.#opts.dirCache;
    const now = (this.#opts.now ?? Date.now)();
    for (const s of this.#sources) all.push(...listFiles(s.format, s.roots, cache, now, recorder));
    cache?.save();
    return all;
  }

  /** Bytes not yet indexed, over every file (a stat each). */
  pendingBytes(): number {
    return this.#pendingBytes(this.#files(), this.#store.fileStamps());
  }

  /**
   * Indexes whatever is new in every file; `onProgress` hears about bytes as they are read.
   * `recorder` takes down the walk and every file as the ledger then has it (walk-record.ts).
   */
  indexAll(onProgress?: (p: Progress) => void, recorder?: WalkRecorder): Promise<IndexRun> {
    const run = this.#running.then(() => this.#indexAll(onProgress, recorder));
    this.#running = run.catch(() => undefined);
    return run;
  }

  /** Indexes one path if it is a transcript under a root (a file watcher's change). */
  indexPaths(paths: readonly string[]): Promise<IndexRun> {
    const run = this.#running.then(async () => (await this.#indexFound(this.#resolve(paths))).run);
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

  async #indexAll(onProgress?: (p: Progress) => void, recorder?: WalkRecorder): Promise<IndexRun> {
    const files = this.#files(recorder);
    const { run, stamps, moved } = await this.#indexFound(files, onProgress);
    if (recorder !== undefined) this.#record(recorder, files, stamps, moved, run);
    return run;
  }

  /**
   * `moved`: the files this run may have moved on (undefined when it cannot say), beside the
   * stamps every other file still has.
   */
  async #indexFound(
    files: FoundFile[],
    onProgress?: (p: Progress) => void,
  ): Promise<{ run: IndexRun; stamps: Map<string, FileStamp>; moved: Set<string> | undefined }> {
    const now = this.#opts.now ?? Date.now;
    const started = now();
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
    const changed = this.#changed(files, run);
    let moved: Set<string> | undefined = new Set(changed.files.map((c) => c.found.file.path));
    const progress: Progress = { done: 0, total: changed.bytes };
    const onBytes =
      onProgress === undefined
        ? undefined
        : (b: number) => {
            progress.done += b;
            onProgress(progress);
          };
    const { startWorker, workerMinBytes = WORKER_MIN_BYTES, workers = 0 } = this.#opts;
    if (startWorker !== undefined && workers > 0 && changed.bytes >= workerMinBytes) {
      try {
        await this.#indexInWorkers(changed.files, workers, startWorker, run, onBytes);
      } catch (err) {
        if (!(err instanceof WorkerFailure) || this.#opts.onWorkerFailure === undefined) throw err;
        // What the workers sent is committed with its cursors: read the rest here.
        this.#opts.onWorkerFailure(err as Error);
        run.changedFiles = 0;
        moved = undefined;
        await this.#indexHere(this.#changed(files, run).files, run, onBytes);
      }
    } else await this.#indexHere(changed.files, run, onBytes);
    run.ms = now() - started;
    return { run, stamps: changed.stamps, moved };
  }

  /**
   * Each file as the ledger now has it, for a record of this walk: the stamp it had when it
   * was found unchanged, or its cursor after this run read it. Anything this run could not
   * read or account for leaves the record incomplete (never saved).
   */
  #record(
    recorder: WalkRecorder,
    files: readonly FoundFile[],
    stamps: ReadonlyMap<string, FileStamp>,
    moved: ReadonlySet<string> | undefined,
    run: IndexRun,
  ): void {
    if (moved === undefined || run.errors.length > 0) {
      recorder.skipped();
      return;
    }
    // One query for many moved files (a first import), one lookup each for a few.
    const after = moved.size > 64 ? this.#store.fileStamps() : undefined;
    for (const { file } of files) {
      const stamp = moved.has(file.path)
        ? (after?.get(file.path) ?? this.#store.cursor(file.path))
        : stamps.get(file.path);
      if (stamp === undefined) {
        recorder.skipped(); // gone before its stat, or never read
        return;
      }
      recorder.file(file.path, stamp);
    }
  }

  /**
   * The files that changed since their cursors, each with its whole cursor, and the bytes to
   * read. One query for every file's stamp and a stat per file: a warm check of thousands of
   * transcripts reads no cursor at all.
   */
  #changed(
    files: FoundFile[],
    run: IndexRun,
  ): { files: ChangedFile[]; bytes: number; stamps: Map<string, FileStamp> } {
    const stamps = this.#store.fileStamps();
    const out: ChangedFile[] = [];
    let bytes = 0;
    for (const found of files) {
      let st: Stats;
      try {
        st = statSync(found.file.path);
      } catch (err) {
        // Gone between listing and reading: nothing to index.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          run.errors.push({ path: found.file.path, message: (err as Error).message });
        }
        continue;
      }
      const stamp = stamps.get(found.file.path);
      if (stamp !== undefined && unchangedSince(stamp, st)) continue;
      const previous = stamp === undefined ? undefined : this.#store.cursor(found.file.path);
      const pending = pendingIn(stamp, st);
      out.push({ found, previous, bytes: pending });
      bytes += pending;
    }
    return { files: out, bytes, stamps };
  }

  /**
   * Reads and parses on worker threads, each given a share of the bytes, while this thread
   * commits what they send and reads a smaller share itself between commits: a large import
   * keeps every core busy, as the peers' do.
   */
  async #indexInWorkers(
    files: ChangedFile[],
    workers: number,
    startWorker: (jobs: ParseJob[]) => Worker,
    run: IndexRun,
    onBytes: ((b: number) => void) | undefined,
  ): Promise<void> {
    const [here = [], ...shares] = shareOut(files, [
      MAIN_THREAD_SHARE,
      ...Array<number>(workers).fill(1),
    ]);
    const started = shares
      .filter((share) => share.length > 0)
      .map((share) =>
        startWorker(
          share.map(({ found, previous }) => ({
            path: found.file.path,
            root: found.file.root,
            tool: found.format.tool,
            previous,
          })),
        ),
      );
    const opts = {
      ...(onBytes !== undefined ? { onBytes } : {}),
      ...(this.#opts.yieldBetweenChunks !== undefined
        ? { betweenBatches: this.#opts.yieldBetweenChunks }
        : {}),
    };
    const resumeCheckpoints = this.#store.deferCheckpoints?.();
    try {
      await Promise.all([
        ...started.map((w) => importInWorker(w, this.#store, run, opts)),
        // Yields between chunks so the workers' batches are committed as they come.
        this.#indexHere(here, run, onBytes, () => yieldTo(this.#opts.yieldBetweenChunks)),
      ]);
    } finally {
      await Promise.all(started.map((w) => w.terminate()));
      resumeCheckpoints?.();
    }
  }

  /** Reads the files on this thread; commits span files (a few transactions per import). */
  async #indexHere(
    files: ChangedFile[],
    run: IndexRun,
    onBytes: ((b: number) => void) | undefined,
    yieldBetweenChunks = this.#opts.yieldBetweenChunks,
  ): Promise<void> {
    const now = this.#opts.now ?? Date.now;
    const batch = new CommitBatch(this.#store);
    for (const { found, previous } of files) {
      let r: FileIndexResult;
      try {
        r = await indexFile(previous, found.file, found.format, batch.add, {
          price: this.#opts.price,
          now,
          ...(onBytes !== undefined ? { onBytes } : {}),
          ...(yieldBetweenChunks !== undefined ? { yieldBetweenChunks } : {}),
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT')
          run.errors.push({ path: found.file.path, message: (err as Error).message });
        continue;
      }
      if (!r.unchanged) run.changedFiles++;
      run.bytes += r.bytes;
      run.lines += r.lines;
      run.events += r.events;
      run.malformed += r.malformed;
    }
    batch.flush();
  }

  #pendingBytes(files: FoundFile[], stamps: Map<string, FileStamp>): number {
    let total = 0;
    for (const { file } of files) {
      try {
        total += pendingIn(stamps.get(file.path), statSync(file.path));
      } catch {
        // Gone: nothing to read.
      }
    }
    return total;
  }
}

interface ChangedFile {
  found: FoundFile;
  previous: Cursor | undefined;
  bytes: number;
}

/**
 * Files dealt into shares of bytes in proportion to `weights` (largest file first, each to the
 * share furthest below its part).
 */
function shareOut(files: readonly ChangedFile[], weights: readonly number[]): ChangedFile[][] {
  const shares = weights.map((weight) => ({ weight, bytes: 0, files: [] as ChangedFile[] }));
  for (const f of [...files].sort((a, b) => b.bytes - a.bytes)) {
    let next = shares[0]!;
    for (const s of shares) if (s.bytes / s.weight < next.bytes / next.weight) next = s;
    next.files.push(f);
    next.bytes += f.bytes;
  }
  return shares.map((s) => s.files);
}

/**
 * The part of a large import this thread reads itself, against 1 per worker: it also commits
 * everything (BENCHMARKS.md §4: 0.4–0.6 were within noise of each other on two cores).
 */
const MAIN_THREAD_SHARE = 0.5;

/** Lets queued events run (a worker's batch), then whatever the caller yields to. */
async function yieldTo(then: (() => Promise<void>) | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await then?.();
}

/** Bytes of a file not read yet: all of it when it is new, shrank or is another file. */
function pendingIn(stamp: FileStamp | undefined, st: Stats): number {
  return stamp !== undefined && stamp.ino === st.ino && st.size >= stamp.offset
    ? st.size - stamp.offset
    : st.size;
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
