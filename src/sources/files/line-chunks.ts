// Reads the complete lines of a file from a byte offset, chunk by chunk: a line split across
// chunks is joined, a last line without its newline is left for the next read, and no more
// than one chunk (plus one line) is ever held in memory.

import { readSync } from 'node:fs';

// 128 KiB: a chunk is scanned for newlines and parsed right after the read, while it is still
// in the core's cache (1 MiB chunks: ~1.5 % more CPU on a 1 GB import, and more memory).
export const CHUNK_BYTES = 128 * 1024;
/** Longer lines are skipped as malformed rather than buffered without bound. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface LineVisitor {
  /**
   * One complete line: bytes `[start, end)` of `buf` (newline and a trailing CR excluded);
   * `next` is the file offset just past its newline. `buf` is reused for the next chunk.
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
  fd: number,
  from: number,
  to: number,
  visit: LineVisitor,
  chunkBytes = CHUNK_BYTES,
): Promise<number> {
  let position = from;
  /** File offset of `work[0]`: the start of the line not yet complete. */
  let lineStart = from;
  // One buffer for the whole file: the unfinished line moves to its front and the next chunk
  // is read after it (a fresh buffer per chunk would leave a gigabyte of garbage behind on a
  // first import, and the memory it takes until it is collected).
  let work = takeBuffer(chunkBytes * 2);
  let have = 0;
  let skipping = false;
  while (position < to) {
    if (work.length - have < chunkBytes) {
      const bigger = Buffer.allocUnsafe(Math.max(work.length * 2, have + chunkBytes));
      work.copy(bigger, 0, 0, have);
      work = bigger;
    }
    // Synchronous reads: a chunk from the page cache takes well under a millisecond, and the
    // caller yields between chunks when it has other work to let through.
    const bytesRead = readSync(fd, work, have, Math.min(chunkBytes, to - position), position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const end = have + bytesRead;
    const base = lineStart;
    let start = 0;
    for (;;) {
      const nl = work.indexOf(10, start);
      if (nl < 0 || nl >= end) break;
      const next = base + nl + 1;
      if (skipping) {
        skipping = false;
        visit.oversized(next);
      } else {
        const stop = nl > start && work[nl - 1] === 13 ? nl - 1 : nl;
        visit.line(work, start, stop, next);
      }
      start = nl + 1;
      lineStart = next;
    }
    const rest = end - start;
    if (rest > MAX_LINE_BYTES) {
      // Drop what we hold of the giant line; its end is skipped when its newline comes.
      skipping = true;
      have = 0;
      lineStart = position;
    } else {
      work.copy(work, 0, start, end);
      have = rest;
    }
    await visit.chunkDone(lineStart);
  }
  spare = work;
  return lineStart;
}

/**
 * The work buffer of the last read, kept for the next file: a first import reads thousands
 * of files, and a fresh 2 MiB buffer for each is gigabytes of memory waiting for the GC.
 */
let spare: Buffer | undefined;

function takeBuffer(size: number): Buffer {
  const b = spare;
  spare = undefined;
  return b !== undefined && b.length >= size ? b : Buffer.allocUnsafe(size);
}
