// Messages between the indexer and the worker thread that reads and parses transcripts for it
// on a large import (the indexer itself keeps the one SQLite connection and commits).

import type { Tool, UsageEvent } from '../../domain/events.ts';
import type { Cursor } from '../../store/types.ts';

/** A file the worker is to read, from its cursor when it has one. */
export interface ParseJob {
  path: string;
  root: string;
  tool: Tool;
  previous: Cursor | undefined;
}

/** What the worker is started with (its `workerData`). */
export interface ParseWorkerData {
  jobs: ParseJob[];
  /** For the worker's own copy of the price table. */
  dataDir: string;
  priceOverrides: Record<string, unknown>;
}

/** Worker → indexer. */
export type ParseMessage =
  /**
   * Files' cursors and the events read up to them, to be committed together; the lines of one
   * request are merged already (`read` counts them as read).
   */
  | {
      type: 'batch';
      cursors: Cursor[];
      events: UsageEvent[];
      read: number;
      lines: number;
      malformed: number;
      changedFiles: number;
    }
  /** Bytes read since the last message (for a progress bar). */
  | { type: 'bytes'; bytes: number }
  | { type: 'error'; path: string; message: string }
  | { type: 'done' };

/** Indexer → worker: a batch is committed, send more. */
export interface ParseAck {
  type: 'ack';
}

/** Batches the worker may send ahead of the commits: bounds what waits in memory. */
export const BATCHES_IN_FLIGHT = 2;
/**
 * A batch is sent when it holds this many events or files. Small batches keep both threads'
 * heaps small (20,000 events: ~20 MiB more peak RSS) at no cost in speed.
 */
export const BATCH_EVENTS = 5000;
export const BATCH_FILES = 1000;
