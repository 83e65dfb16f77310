// The indexer's side of a large import on a worker thread: the worker reads and parses, this
// thread commits each batch (cursors with their events, one transaction) and acknowledges it.
// Reading 1 GB of transcripts is then spread over two cores, as the peers do.

import type { Worker } from 'node:worker_threads';
import type { LedgerStore } from '../../store/types.ts';
import type { IndexRun } from './indexer.ts';
import type { ParseAck, ParseMessage } from './parse-protocol.ts';

/** The worker itself failed (not a commit, not a stop asked for between batches). */
export class WorkerFailure extends Error {}

export interface WorkerImportOptions {
  onBytes?: (bytes: number) => void;
  /** After each commit; a rejection stops the import (the agent is closing). */
  betweenBatches?: () => Promise<void>;
}

/** Runs a started parse worker to its end, adding what it did to `run`. */
export function importInWorker(
  worker: Worker,
  store: LedgerStore,
  run: IndexRun,
  opts: WorkerImportOptions = {},
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err === undefined) resolve();
      else {
        void worker.terminate();
        reject(err);
      }
    };
    // Commits one at a time, in the order the batches came.
    let queue = Promise.resolve();
    worker.on('message', (m: ParseMessage) => {
      queue = queue.then(async () => {
        if (settled) return;
        try {
          switch (m.type) {
            case 'bytes':
              run.bytes += m.bytes;
              opts.onBytes?.(m.bytes);
              return;
            case 'error':
              run.errors.push({ path: m.path, message: m.message });
              return;
            case 'batch': {
              store.commitFiles(m.cursors, m.events);
              run.events += m.read;
              run.lines += m.lines;
              run.malformed += m.malformed;
              run.changedFiles += m.changedFiles;
              await opts.betweenBatches?.();
              worker.postMessage({ type: 'ack' } satisfies ParseAck);
              return;
            }
            case 'done':
              // The indexer terminates its workers once every one is done.
              finish();
              return;
          }
        } catch (err) {
          finish(err as Error);
        }
      });
    });
    worker.on('error', (err) =>
      finish(new WorkerFailure(`the parse worker failed: ${err.message}`)),
    );
    worker.on('exit', (code) => {
      // After its queue: a batch posted just before a clean exit is still committed.
      void queue.then(() =>
        finish(
          new WorkerFailure(`the parse worker stopped (exit code ${code}) before it was done`),
        ),
      );
    });
  });
}
