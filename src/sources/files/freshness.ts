// Whether any transcript under the log roots is new or changed since the ledger read it: the
// same walk and stat the indexer starts with, and nothing else (no cursor, no parser).

import { statSync } from 'node:fs';
import type { FileStamp } from '../../store/types.ts';
import type { DirCache } from './dir-cache.ts';
import { unchangedSince } from './stamp.ts';
import { type Matcher, walkFiles } from './walk.ts';
import type { WalkRecorder } from './walk-record.ts';

/**
 * `true` when every transcript found has a stamp and is as it was then. A transcript gone
 * since is nothing to read; any file that cannot be examined counts as changed, so the
 * indexer meets it and reports it. `recorder` takes down what the walk found
 * (walk-record.ts).
 */
export function transcriptsUnchanged(
  locations: ReadonlyArray<Matcher & { roots: readonly string[] }>,
  stamps: ReadonlyMap<string, FileStamp>,
  cache: DirCache,
  now: number,
  recorder?: WalkRecorder,
): boolean {
  /** The file's stamp when it is as the ledger read it, `gone`, or undefined. */
  const asRead = (path: string): FileStamp | 'gone' | undefined => {
    const stamp = stamps.get(path);
    if (stamp === undefined) return undefined;
    const st = statSync(path, { throwIfNoEntry: false });
    if (st === undefined) return 'gone';
    return unchangedSince(stamp, st) ? stamp : undefined;
  };
  const visit = (path: string): boolean => {
    const stamp = asRead(path);
    if (stamp === 'gone') recorder?.skipped();
    else if (stamp !== undefined) recorder?.file(path, stamp);
    return stamp !== undefined;
  };
  try {
    // Appends land in the sessions written last: looking at those first makes a report after
    // an append find out in a few stats, not a walk, before the writer walks again.
    if (!latest(stamps, LATEST_FIRST).every((path) => asRead(path) !== undefined)) return false;
    return locations.every((l) => walkFiles(l, l.roots, cache, now, visit, recorder));
  } catch {
    return false;
  }
}

const LATEST_FIRST = 8;

/** The paths of the `n` files with the newest stamps (one pass, no sort of them all). */
function latest(stamps: ReadonlyMap<string, FileStamp>, n: number): string[] {
  const top: Array<[string, number]> = [];
  for (const [path, stamp] of stamps) {
    if (top.length === n && stamp.mtimeMs <= top[n - 1]![1]) continue;
    let i = top.length === n ? n - 1 : top.length;
    while (i > 0 && top[i - 1]![1] < stamp.mtimeMs) i--;
    top.splice(i, 0, [path, stamp.mtimeMs]);
    if (top.length > n) top.pop();
  }
  return top.map(([path]) => path);
}
