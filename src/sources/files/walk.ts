// Lists a format's files under its roots. A missing root is no error: most users have only
// some of the tools.

import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { LogFormat, SourceFile } from '../types.ts';

export interface FoundFile {
  file: SourceFile;
  format: LogFormat<unknown>;
}

/**
 * Synchronous: one walk is far cheaper than thousands of awaited calls. Entry types come with
 * the listing (no stat per entry, unlike `readdir`'s `recursive`, which stats every name);
 * symbolic links are followed to directories up to a depth no tool's layout comes near.
 */
export function listFiles(format: LogFormat<unknown>, roots: readonly string[]): FoundFile[] {
  const out: FoundFile[] = [];
  for (const root of roots) {
    const visit = (dir: string, rel: string, depth: number): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // A missing root is most users' normal; a directory gone mid-walk is nothing to read.
        if (code === 'ENOENT' || code === 'ENOTDIR' || (depth > 0 && code === 'EACCES')) return;
        throw err;
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        const name = rel === '' ? e.name : `${rel}/${e.name}`;
        if (isDirectory(e, path)) {
          if (depth < MAX_DEPTH) visit(path, name, depth + 1);
        } else if (format.matches(name)) out.push({ file: { path, root }, format });
      }
    };
    visit(root, '', 0);
  }
  return out;
}

const MAX_DEPTH = 12;

function isDirectory(e: Dirent, path: string): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return statSync(path).isDirectory();
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
