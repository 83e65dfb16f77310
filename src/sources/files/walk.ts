// Lists a format's files under its roots. A missing root is no error: most users have only
// some of the tools.

import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { LogFormat, SourceFile } from '../types.ts';
import { type DirCache, type DirListing, RACY_MS } from './dir-cache.ts';

/** What decides which files under a root are transcripts: a format, or just its matcher. */
export interface Matcher {
  matches(relPath: string): boolean;
}

/** What a walk passed through, told as it goes (walk-record.ts keeps it). */
export interface WalkObserver {
  /** A directory looked into, with the mtime its entries are as of. */
  dir(path: string, mtimeMs: number): void;
  /** A root that is not there. */
  absent(path: string): void;
  /** A directory or file the walk met but could not look at, and went on without. */
  skipped(path: string): void;
}

export interface FoundFile<F extends Matcher = LogFormat<unknown>> {
  file: SourceFile;
  format: F;
}

/**
 * Synchronous: one walk is far cheaper than thousands of awaited calls. Entry types come with
 * the listing (no stat per entry, unlike `readdir`'s `recursive`, which stats every name);
 * symbolic links are followed to directories up to a depth no tool's layout comes near. With
 * a cache, a directory whose mtime has not moved since it was listed is not listed again.
 */
export function listFiles<F extends Matcher>(
  format: F,
  roots: readonly string[],
  cache?: DirCache,
  now: number = Date.now(),
  observer?: WalkObserver,
): FoundFile<F>[] {
  const out: FoundFile<F>[] = [];
  walkFiles(
    format,
    roots,
    cache,
    now,
    (path, root) => {
      out.push({ file: { path, root }, format });
      return true;
    },
    observer,
  );
  return out;
}

/**
 * `listFiles` one file at a time, without gathering them: `visit` gets each matching file's
 * path and root, and stops the walk by returning false (then so does this). `observer` hears
 * of every directory on the way (it needs the cache: the cache is what stats directories).
 */
export function walkFiles(
  format: Matcher,
  roots: readonly string[],
  cache: DirCache | undefined,
  now: number,
  visit: (path: string, root: string) => boolean,
  observer?: WalkObserver,
): boolean {
  for (const root of roots) {
    const walk = (dir: string, rel: string, depth: number): boolean => {
      const listing = list(dir, depth, cache, now, observer);
      if (listing === undefined) return true;
      // Names from a listing hold no separator: appending them keeps a normal path normal,
      // without path.join's normalizing pass over the whole path for each of thousands.
      const prefix = dir.endsWith(sep) ? dir : dir + sep;
      for (const d of listing.dirs) {
        if (depth < MAX_DEPTH && !walk(prefix + d, rel === '' ? d : `${rel}/${d}`, depth + 1)) {
          return false;
        }
      }
      for (const f of listing.files) {
        if (format.matches(rel === '' ? f : `${rel}/${f}`) && !visit(prefix + f, root)) {
          return false;
        }
      }
      return true;
    };
    if (!walk(normalize(root), '', 0)) return false;
  }
  return true;
}

/** A directory's entries: from the cache while its mtime stands, else from a listing. */
function list(
  dir: string,
  depth: number,
  cache: DirCache | undefined,
  now: number,
  observer: WalkObserver | undefined,
): Omit<DirListing, 'mtimeMs'> | undefined {
  let mtimeMs: number | undefined;
  try {
    if (cache !== undefined) {
      mtimeMs = statSync(dir).mtimeMs;
      const hit = cache.get(dir);
      if (hit !== undefined && hit.mtimeMs === mtimeMs) {
        observer?.dir(dir, mtimeMs);
        return hit;
      }
    }
    const entries = readdirSync(dir, { withFileTypes: true });
    const listing = { mtimeMs: mtimeMs ?? 0, dirs: [] as string[], files: [] as string[] };
    for (const e of entries) {
      if (isDirectory(e, dir)) listing.dirs.push(e.name);
      else listing.files.push(e.name);
    }
    if (cache !== undefined) {
      if (now - listing.mtimeMs > RACY_MS) cache.set(dir, listing);
      else cache.delete(dir);
    }
    if (mtimeMs !== undefined) observer?.dir(dir, mtimeMs);
    else observer?.skipped(dir);
    return listing;
  } catch (err) {
    cache?.delete(dir);
    const code = (err as NodeJS.ErrnoException).code;
    // A missing root is most users' normal; a directory gone mid-walk is nothing to read.
    if (code === 'ENOENT' || code === 'ENOTDIR' || (depth > 0 && code === 'EACCES')) {
      if (depth === 0 && code !== 'EACCES') observer?.absent(dir);
      else observer?.skipped(dir);
      return;
    }
    throw err;
  }
}

const MAX_DEPTH = 12;

function isDirectory(e: Dirent, dir: string): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, e.name)).isDirectory();
  } catch {
    return false; // a dangling link
  }
}

/** The root a path lies under, with its path relative to it (`/`-separated). */
export function underRoot(
  path: string,
  roots: readonly string[],
): { root: string; rel: string } | undefined {
  for (const root of roots) {
    const prefix = root.endsWith(sep) ? root : root + sep;
    if (path.startsWith(prefix)) {
      const rel = path.slice(prefix.length);
      return { root, rel: sep === '/' ? rel : rel.split(sep).join('/') };
    }
  }
  return undefined;
}
