// Whether a transcript is as it was when its cursor was written: the one test the indexer, the
// ledger's freshness check and its walk record apply (a stat per file, no read).

import type { Stats } from 'node:fs';
import type { FileStamp } from '../../store/types.ts';

export function unchangedSince(stamp: FileStamp, st: Stats): boolean {
  return stampMatches(st, stamp.size, stamp.mtimeMs, stamp.ino, stamp.dev);
}

/** The same test against a stamp kept as numbers (a walk record's flat array). */
export function stampMatches(
  st: Stats,
  size: number | undefined,
  mtimeMs: number | undefined,
  ino: number | undefined,
  dev: number | undefined,
): boolean {
  return st.dev === dev && st.ino === ino && st.size === size && st.mtimeMs === mtimeMs;
}
