// What each directory under the log roots held when it was last listed, by its mtime: a
// directory whose mtime has not moved has the same entries, so a warm walk stats directories
// instead of listing them (a listing costs several times a stat). Kept in a JSON file in the
// data directory by the ledger's writer.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface DirListing {
  mtimeMs: number;
  /** Names of subdirectories (symbolic links to directories included). */
  dirs: string[];
  /** Names of everything else. */
  files: string[];
}

export interface DirCache {
  get(dir: string): DirListing | undefined;
  set(dir: string, listing: DirListing): void;
  /** Forgets a directory (gone, or listed while it may still be changing). */
  delete(dir: string): void;
}

/**
 * A listing taken this close to its directory's last change is not kept: a file created in
 * the same clock tick as the listing would leave the mtime where it was (file times move in
 * coarse ticks), and the cache would hide it.
 */
export const RACY_MS = 2000;

// 2: the listings as one array (1 was an object keyed by directory, slower to read back).
const VERSION = 2;

type Stored = [dir: string, mtimeMs: number, dirs: string[], files: string[]];

export class FileDirCache implements DirCache {
  readonly #file: string;
  readonly #dirs = new Map<string, DirListing>();
  #dirty = false;

  constructor(file: string) {
    this.#file = file;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; dirs?: Stored[] };
      if (data.version === VERSION && Array.isArray(data.dirs)) {
        for (const [dir, mtimeMs, dirs, files] of data.dirs) {
          this.#dirs.set(dir, { mtimeMs, dirs, files });
        }
      }
    } catch {
      // Missing or unreadable: every directory is listed once more, which is all it costs.
    }
  }

  get(dir: string): DirListing | undefined {
    return this.#dirs.get(dir);
  }

  set(dir: string, listing: DirListing): void {
    this.#dirs.set(dir, listing);
    this.#dirty = true;
  }

  delete(dir: string): void {
    if (this.#dirs.delete(dir)) this.#dirty = true;
  }

  /** Writes the listings when they changed (a new file then a rename: never half written). */
  save(): void {
    if (!this.#dirty) return;
    const dirs: Stored[] = [];
    for (const [dir, l] of this.#dirs) dirs.push([dir, l.mtimeMs, l.dirs, l.files]);
    const tmp = `${this.#file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ version: VERSION, dirs }));
      renameSync(tmp, this.#file);
      this.#dirty = false;
    } catch {
      // A full or read-only disk: the walk lists directories as before.
    }
  }
}
