// The worker thread's side of a large import: reads and parses each file from its cursor, as
// the indexer would in-process, and sends the results in batches, never more than a few ahead
// of the commits (the indexer acknowledges each).

import type { Tool, UsageEvent } from '../../domain/events.ts';
import { mergeUsage } from '../../domain/usage-merge.ts';
import type { Cursor } from '../../store/types.ts';
import type { LogFormat } from '../types.ts';
import { indexFile } from './index-file.ts';
import {
  BATCH_EVENTS,
  BATCH_FILES,
  BATCHES_IN_FLIGHT,
  type ParseAck,
  type ParseJob,
  type ParseMessage,
} from './parse-protocol.ts';

/** The one end of a MessagePort the loop needs. */
export interface ParsePort {
  postMessage(message: ParseMessage): void;
  on(event: 'message', listener: (message: ParseAck) => void): void;
}

export async function runParseJobs(
  jobs: readonly ParseJob[],
  port: ParsePort,
  formatOf: (tool: Tool) => LogFormat<unknown>,
  price: (e: UsageEvent) => UsageEvent,
): Promise<void> {
  let inFlight = 0;
  let wake: (() => void) | undefined;
  port.on('message', (m) => {
    if (m.type !== 'ack') return;
    inFlight--;
    wake?.();
    wake = undefined;
  });

  let cursors = new Map<string, Cursor>();
  // A streamed response's lines meet here: one event per request crosses to the indexer.
  let events = new Map<string, UsageEvent>();
  let read = 0;
  let lines = 0;
  let malformed = 0;
  let changedFiles = 0;
  const send = async () => {
    if (cursors.size === 0) return;
    while (inFlight >= BATCHES_IN_FLIGHT) await new Promise<void>((ok) => (wake = ok));
    port.postMessage({
      type: 'batch',
      cursors: [...cursors.values()],
      events: [...events.values()],
      read,
      lines,
      malformed,
      changedFiles,
    });
    inFlight++;
    cursors = new Map();
    events = new Map();
    read = 0;
    lines = 0;
    malformed = 0;
    changedFiles = 0;
  };
  const collect = (cursor: Cursor, found: UsageEvent[]) => {
    cursors.set(cursor.path, cursor);
    read += found.length;
    for (const e of found) {
      const prev = events.get(e.key);
      events.set(e.key, prev === undefined ? e : (mergeUsage(prev, e) ?? prev));
    }
  };

  let bytes = 0;
  for (const job of jobs) {
    try {
      const r = await indexFile(job.previous, job, formatOf(job.tool), collect, {
        price,
        now: Date.now,
        onBytes: (b) => {
          bytes += b;
        },
      });
      if (!r.unchanged) changedFiles++;
      lines += r.lines;
      malformed += r.malformed;
    } catch (err) {
      // Gone between listing and reading: nothing to index.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        port.postMessage({ type: 'error', path: job.path, message: (err as Error).message });
      }
    }
    if (bytes > 0) {
      port.postMessage({ type: 'bytes', bytes });
      bytes = 0;
    }
    if (events.size >= BATCH_EVENTS || cursors.size >= BATCH_FILES) await send();
  }
  await send();
  port.postMessage({ type: 'done' });
}
