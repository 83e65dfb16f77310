// Whether the data directory can hold the ledger: it can be written (a read-only mount or
// wrong permissions say otherwise) and it has room. What `doctor` reports, each problem with
// what to do about it.

import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import type { Paths } from '../config/paths.ts';

/** Below this much free space the ledger's next transactions may not fit. */
export const MIN_FREE_BYTES = 1024 * 1024;

export function dataDirProblems(paths: Paths): string[] {
  const dir = paths.dataDir;
  if (!existsSync(dir)) return []; // made on first use
  try {
    // access(2) answers EROFS on a read-only mount, for root too.
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [
      code === 'EROFS'
        ? `data directory ${dir} is on a read-only file system: the ledger keeps nothing new — remount it read-write, or move it (AI_OBSERVER_HOME, XDG_DATA_HOME)`
        : `data directory ${dir} cannot be written (${code}): the ledger keeps nothing new — fix its permissions`,
    ];
  }
  let free: number;
  try {
    const fs = statfsSync(dir);
    free = fs.bavail * fs.bsize;
  } catch {
    return [];
  }
  if (free < MIN_FREE_BYTES) {
    return [
      `data directory ${dir} is full (${free} bytes free): the ledger keeps nothing new — free some space`,
    ];
  }
  return [];
}
