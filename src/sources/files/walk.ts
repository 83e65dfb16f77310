// Lists a format's files under its roots. A missing root is no error: most users have only
// some of the tools.

import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { LogFormat, SourceFile } from '../types.ts';

export interface FoundFile {
  file: SourceFile;
  format: LogFormat<unknown>;
}

/** Synchronous: one recursive listing is far cheaper than thousands of awaited ones. */
export function listFiles(format: LogFormat<unknown>, roots: readonly string[]): FoundFile[] {
  const out: FoundFile[] = [];
  for (const root of roots) {
    let names: string[];
    try {
      names = readdirSync(root, { recursive: true }) as string[];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw err;
    }
    for (const name of names) {
      const rel = sep === '/' ? name : name.split(sep).join('/');
      if (format.matches(rel)) out.push({ file: { path: join(root, name), root }, format });
    }
  }
  return out;
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
