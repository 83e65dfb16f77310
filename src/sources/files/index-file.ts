// Indexes the new lines of one transcript file into the ledger, from its cursor: only bytes
// not read before, a partial last line left for later, a shrunk or replaced file read again
// from the start (the ledger's keys keep that from counting anything twice), and the cursor
// committed in the same transaction as the events it covers.

import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import type { UsageEvent } from '../../domain/events.ts';
import type { Cursor } from '../../store/types.ts';
import type { LogFormat, SourceFile } from '../types.ts';
import { readLines } from './line-chunks.ts';
import { unchangedSince } from './stamp.ts';

/** Takes a file's cursor with the events read up to it, to commit them together. */
export type CommitFile = (cursor: Cursor, events: UsageEvent[]) => void;

export interface IndexFileOptions {
  /** Fills in computed costs before the events reach the ledger. */
  price: (e: UsageEvent) => UsageEvent;
  now: () => number;
  /** Events held before an intermediate commit (bounds memory on a first import). */
  commitEvery?: number;
  /** Called with the number of bytes read since the last call. */
  onBytes?: (bytes: number) => void;
  /** Between chunks: lets the agent answer requests during a long import. */
  yieldBetweenChunks?: () => Promise<void>;
}

export interface FileIndexResult {
  path: string;
  /** Nothing new: size and mtime as at the last read. */
  unchanged: boolean;
  /** Read again from the start: the file shrank or is another file now. */
  restarted: boolean;
  bytes: number;
  lines: number;
  events: number;
  malformed: number;
}

const OPEN = 0x7b;
const CLOSE = 0x7d;

export async function indexFile(
  previous: Cursor | undefined,
  file: SourceFile,
  format: LogFormat<unknown>,
  commitFile: CommitFile,
  opts: IndexFileOptions,
): Promise<FileIndexResult> {
  const result: FileIndexResult = {
    path: file.path,
    unchanged: false,
    restarted: false,
    bytes: 0,
    lines: 0,
    events: 0,
    malformed: 0,
  };
  if (previous !== undefined && unchangedSince(previous, statSync(file.path))) {
    result.unchanged = true;
    return result;
  }
  const fd = openSync(file.path, 'r');
  try {
    const st = fstatSync(fd);
    const sameFile =
      previous !== undefined &&
      previous.dev === st.dev &&
      previous.ino === st.ino &&
      st.size >= previous.offset;
    result.restarted = previous !== undefined && !sameFile;
    const cursor: Cursor = sameFile
      ? { ...previous }
      : {
          path: file.path,
          tool: format.tool,
          dev: st.dev,
          ino: st.ino,
          size: 0,
          mtimeMs: 0,
          offset: 0,
          state: JSON.stringify(format.initialState(file)),
          lines: 0,
          events: 0,
          malformed: 0,
          lastMalformed: '',
          updatedAt: 0,
        };
    let state: unknown = JSON.parse(cursor.state);
    let pending: UsageEvent[] = [];
    const commitEvery = opts.commitEvery ?? 5000;
    const marker =
      format.billingMarker === undefined ? undefined : Buffer.from(format.billingMarker);
    /**
     * Where the marker next occurs in the current chunk (found once per stretch of lines
     * without it); `markerBuf` is cleared when the reader moves to the next chunk.
     */
    let markerBuf: Buffer | undefined;
    let markerAt = Number.POSITIVE_INFINITY;
    let read = cursor.offset;

    const malformed = (reason: string) => {
      cursor.malformed++;
      result.malformed++;
      cursor.lastMalformed = reason;
    };
    const commit = (offset: number) => {
      cursor.offset = offset;
      cursor.state = JSON.stringify(state);
      cursor.updatedAt = opts.now();
      commitFile({ ...cursor }, pending);
      pending = [];
    };

    const end = await readLines(fd, cursor.offset, st.size, {
      line(buf, start, stop, next) {
        cursor.lines++;
        result.lines++;
        result.bytes += next - read;
        opts.onBytes?.(next - read);
        read = next;
        if (stop === start) return;
        if (marker !== undefined) {
          if (markerBuf !== buf || markerAt < start) {
            markerBuf = buf;
            const at = buf.indexOf(marker, start);
            markerAt = at === -1 ? Number.POSITIVE_INFINITY : at;
          }
          if (markerAt >= stop) {
            // Cannot bill: only check that it is one JSON object, as a parse would.
            if (buf[start] !== OPEN || buf[stop - 1] !== CLOSE) malformed('not a JSON object');
            return;
          }
        }
        const text = buf.toString('utf8', start, stop);
        const { result: parsed, state: nextState } =
          marker !== undefined && format.parseMarkedLine !== undefined
            ? format.parseMarkedLine(text, state)
            : format.parseLine(text, state);
        if (nextState !== undefined) state = nextState;
        if (parsed.kind === 'usage') {
          pending.push(opts.price(parsed.event));
          cursor.events++;
          result.events++;
        } else if (parsed.kind === 'malformed') malformed(parsed.reason);
      },
      oversized(next) {
        cursor.lines++;
        result.lines++;
        opts.onBytes?.(next - read);
        read = next;
        malformed('line longer than 64 MiB');
      },
      async chunkDone(consumed) {
        markerBuf = undefined;
        if (pending.length >= commitEvery) commit(consumed);
        if (opts.yieldBetweenChunks !== undefined) await opts.yieldBetweenChunks();
      },
    });
    cursor.size = st.size;
    cursor.mtimeMs = st.mtimeMs;
    commit(end);
    return result;
  } finally {
    closeSync(fd);
  }
}
