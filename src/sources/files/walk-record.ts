// A record of a walk that found every transcript as the ledger last read it: each directory
// with its mtime, each root that was missing, each transcript with the stamp the ledger holds.
// While the ledger's cursors are as they were then (the key says so), a stat of each recorded
// path proves the ledger current again: no cursor query, no listings, no matching of names,
// and only flat arrays to read back. Anything the record cannot vouch for (a directory that
// moved, a root that appeared, a transcript gone) is left to the full check
// (sources/files/freshness.ts), which then records afresh.

import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { FileStamp } from '../../store/types.ts';
import { RACY_MS } from './dir-cache.ts';
import { stampMatches } from './stamp.ts';
import type { WalkObserver } from './walk.ts';

// 1: paths and numbers in parallel flat arrays, the transcripts written last first.
const VERSION = 1;

interface Stored {
  version: number;
  key: string;
  files: string[];
  /** Per file: size, mtimeMs, ino, dev. */
  stamps: number[];
  dirs: string[];
  mtimes: number[];
  absent: string[];
}

/** What a stat of the recorded paths says: the ledger is current, is not, or cannot tell. */
export type RecordVerdict = 'same' | 'changed' | 'unsure';

/**
 * `key` names what the record holds for: the ledger's cursors (a token the writer renews with
 * every change to them) and the log locations. Another key, a missing or unreadable file, or
 * one of another version: `unsure`.
 */
export function checkWalkRecord(file: string, key: string): RecordVerdict {
  let r: Stored;
  try {
    r = JSON.parse(readFileSync(file, 'utf8')) as Stored;
  } catch {
    return 'unsure';
  }
  if (r.version !== VERSION || r.key !== key || !wellFormed(r)) return 'unsure';
  const o = { throwIfNoEntry: false } as const;
  try {
    const { files, stamps } = r;
    // Newest first: an append lands there, and is found in a stat or two.
    for (let i = 0; i < files.length; i++) {
      const st = statSync(files[i]!, o);
      if (st === undefined) return 'unsure';
      const j = 4 * i;
      if (!stampMatches(st, stamps[j], stamps[j + 1], stamps[j + 2], stamps[j + 3])) {
        return 'changed';
      }
    }
    for (const path of r.absent) if (statSync(path, o) !== undefined) return 'unsure';
    const { dirs, mtimes } = r;
    for (let i = 0; i < dirs.length; i++) {
      if (statSync(dirs[i]!, o)?.mtimeMs !== mtimes[i]) return 'unsure';
    }
  } catch {
    return 'unsure'; // unreadable or malformed: the full check says what it is
  }
  return 'same';
}

function wellFormed(r: Stored): boolean {
  return (
    Array.isArray(r.files) &&
    Array.isArray(r.stamps) &&
    r.stamps.length === 4 * r.files.length &&
    Array.isArray(r.dirs) &&
    Array.isArray(r.mtimes) &&
    r.mtimes.length === r.dirs.length &&
    Array.isArray(r.absent)
  );
}

/** Takes down a walk as it goes; `save` writes it only if it vouches for everything walked. */
export class WalkRecorder implements WalkObserver {
  readonly #now: number;
  readonly #files: string[] = [];
  /** Per file: size, mtimeMs, ino, dev (as stored). */
  readonly #stamps: number[] = [];
  readonly #dirs: string[] = [];
  readonly #mtimes: number[] = [];
  readonly #absent: string[] = [];
  #complete = true;

  constructor(now: number) {
    this.#now = now;
  }

  dir(path: string, mtimeMs: number): void {
    // A directory changed in the last clock ticks may change again without its mtime moving.
    if (this.#now - mtimeMs <= RACY_MS) this.#complete = false;
    this.#dirs.push(path);
    this.#mtimes.push(mtimeMs);
  }

  absent(path: string): void {
    this.#absent.push(path);
  }

  skipped(): void {
    this.#complete = false;
  }

  /** A transcript found as the ledger has it. */
  file(path: string, stamp: FileStamp): void {
    this.#files.push(path);
    this.#stamps.push(stamp.size, stamp.mtimeMs, stamp.ino, stamp.dev);
  }

  /** Writes the record (a new file then a rename); false when it would not be sound. */
  save(file: string, key: string): boolean {
    if (!this.#complete) return false;
    const stored: Stored = {
      version: VERSION,
      key,
      ...newestFirst(this.#files, this.#stamps),
      dirs: this.#dirs,
      mtimes: this.#mtimes,
      absent: this.#absent,
    };
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(stored));
      renameSync(tmp, file);
      return true;
    } catch {
      return false; // a full or read-only disk: the full check runs each time, as before
    }
  }
}

/** Files written last that go first: appends land there (more would only cost a sort). */
const NEWEST_FIRST = 8;

/** The files with the NEWEST_FIRST newest stamps moved to the front, the rest in walk order. */
function newestFirst(files: string[], stamps: number[]): { files: string[]; stamps: number[] } {
  const top: number[] = []; // indices, newest first
  for (let i = 0; i < files.length; i++) {
    const m = stamps[4 * i + 1]!;
    if (top.length === NEWEST_FIRST && m <= stamps[4 * top[NEWEST_FIRST - 1]! + 1]!) continue;
    let at = Math.min(top.length, NEWEST_FIRST - 1);
    while (at > 0 && stamps[4 * top[at - 1]! + 1]! < m) at--;
    top.splice(at, 0, i);
    if (top.length > NEWEST_FIRST) top.pop();
  }
  if (top.length === 0) return { files, stamps };
  const first = new Set(top);
  const order = [...top];
  for (let i = 0; i < files.length; i++) if (!first.has(i)) order.push(i);
  const outStamps: number[] = [];
  for (const i of order)
    outStamps.push(stamps[4 * i]!, stamps[4 * i + 1]!, stamps[4 * i + 2]!, stamps[4 * i + 3]!);
  return { files: order.map((i) => files[i]!), stamps: outStamps };
}
