// Whether any transcript under the log roots is new or changed since the ledger read it: the
// same walk and stat the indexer starts with, and nothing else (no cursor, no parser).

import { statSync } from 'node:fs';
import type { FileStamp } from '../../store/types.ts';
import type { DirCache } from './dir-cache.ts';
import { unchangedSince } from './stamp.ts';
import { type Matcher, walkFiles } from './walk.ts';

/**
 * `true` when every transcript found has a stamp and is as it was then. A transcript gone
 * since is nothing to read; any file that cannot be examined counts as changed, so the
 * indexer meets it and reports it.
 */
export function transcriptsUnchanged(
  locations: ReadonlyArray<Matcher & { roots: readonly string[] }>,
  stamps: ReadonlyMap<string, FileStamp>,
  cache: DirCache,
  now: number,
): boolean {
  const unchanged = (path: string): boolean => {
    const stamp = stamps.get(path);
    if (stamp === undefined) return false;
    const st = statSync(path, { throwIfNoEntry: false });
    return st === undefined || unchangedSince(stamp, st);
  };
  try {
    return locations.every((l) => walkFiles(l, l.roots, cache, now, unchanged));
  } catch {
    return false;
  }
}
