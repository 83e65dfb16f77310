// Reads the complete lines of a file from a byte offset, chunk by chunk: a line split across
// chunks is joined, a last line without its newline is left for the next read, and no more
// than one chunk (plus one line) is ever held in memory.

import type { FileHandle } from 'node:fs/promises';

export const CHUNK_BYTES = 1024 * 1024;
/** Longer lines are skipped as malformed rather than buffered without bound. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface LineVisitor {
  /**
   * One complete line: bytes `[start, end)` of `buf` (newline and a trailing CR excluded);
   * `next` is the file offset just past its newline.
   */
  line(buf: Buffer, start: number, end: number, next: number): void;
  /** A line longer than MAX_LINE_BYTES, skipped up to `next`. */
  oversized(next: number): void;
  /** After each chunk: a place to commit and to yield to other work. */
  chunkDone(consumed: number): Promise<void>;
}

/**
 * Visits every complete line in `[from, to)`. Returns the offset after the last complete line:
 * the bytes from there on (a line still being written) are read again next time.
 */
export async function readLines(
  fh: FileHandle,
  from: number,
  to: number,
  visit: LineVisitor,
  chunkBytes = CHUNK_BYTES,
): Promise<number> {
  let position = from;
  /** File offset of `carry[0]`: the start of the line not yet complete. */
  let lineStart = from;
  let carry: Buffer | undefined;
  let skipping = false;
  const chunk = Buffer.allocUnsafe(chunkBytes);
  while (position < to) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(chunkBytes, to - position), position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const fresh = chunk.subarray(0, bytesRead);
    const buf = carry === undefined ? fresh : Buffer.concat([carry, fresh]);
    const base = lineStart;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      const next = base + nl + 1;
      if (skipping) {
        skipping = false;
        visit.oversized(next);
      } else {
        const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        visit.line(buf, start, end, next);
      }
      start = nl + 1;
      lineStart = next;
    }
    const rest = buf.length - start;
    if (rest > MAX_LINE_BYTES) {
      // Drop what we hold of the giant line; its end is skipped when its newline comes.
      skipping = true;
      carry = undefined;
      lineStart = position;
    } else {
      // Copied: `chunk` is reused by the next read.
      carry = rest === 0 ? undefined : Buffer.from(buf.subarray(start));
    }
    await visit.chunkDone(lineStart);
  }
  return lineStart;
}
