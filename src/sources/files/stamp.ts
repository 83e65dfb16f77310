// Whether a transcript is as it was when its cursor was written: the one test both the indexer
// and the ledger's freshness check apply (a stat per file, no read).

import type { Stats } from 'node:fs';
import type { FileStamp } from '../../store/types.ts';

export function unchangedSince(stamp: FileStamp, st: Stats): boolean {
  return (
    stamp.dev === st.dev &&
    stamp.ino === st.ino &&
    stamp.size === st.size &&
    stamp.mtimeMs === st.mtimeMs
  );
}
