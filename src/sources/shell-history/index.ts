// Shell history → how often each AI CLI was typed. Each file is read from its persisted byte
// offset; the command text never leaves this module, only counts per CLI and quarter hour.
//
// Shells rewrite their history (bash truncates it to HISTFILESIZE, zsh rewrites it on exit), so
// the cursor also keeps a digest (SHA-256, never the text) of the last lines before its offset. When those bytes are no
// longer there, the file is searched for them and reading resumes right after; when they are
// gone altogether, only entries with a time after the last one counted are counted. Entries
// without a time that were in a file before it was first read are its baseline, not counted:
// their time is unknown, and counting them all as "today" would be wrong.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ActivityCount } from '../../domain/activity/intervals.ts';
import { COUNT_BUCKET_MS } from '../../domain/activity/intervals.ts';
import { commandEntries, parseHistory, type ShellIndex } from '../../domain/activity/shell.ts';
import type { ActivityStore } from '../../store/types.ts';
import type { HistoryFileSpec } from './paths.ts';

interface ShellCursor {
  dev: number;
  ino: number;
  offset: number;
  /** Digest of the `tailLen` bytes before `offset`. */
  tail: string;
  tailLen: number;
  /** Newest entry time counted (ms), 0 when none had a time. */
  lastTs: number;
}

/**
 * The anchor: the last few lines before the offset, at most 256 bytes. Short enough to still be
 * there after bash keeps only its last HISTFILESIZE lines, long enough to be found once.
 */
const TAIL_LINES = 4;
const TAIL_BYTES = 256;

function tailLength(fd: number, offset: number): number {
  const window = readRange(fd, Math.max(0, offset - TAIL_BYTES), offset);
  let lines = 0;
  for (let i = window.length - 1; i >= 0; i--) {
    if (window[i] === 10 && i < window.length - 1 && ++lines === TAIL_LINES) {
      return window.length - 1 - i;
    }
  }
  return window.length;
}

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
}

function readRange(fd: number, start: number, end: number): Buffer {
  const buf = Buffer.allocUnsafe(Math.max(0, end - start));
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, start + off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off);
}

/** The latest entry boundary in `buf` preceded by bytes with this digest. */
function findAnchor(buf: Buffer, tail: string, tailLen: number): number | undefined {
  for (let p = buf.length; p >= tailLen && p > 0; p--) {
    if (buf[p - 1] !== 10) continue;
    if (digest(buf.subarray(p - tailLen, p)) === tail) return p;
  }
  return undefined;
}

export interface ShellScanResult {
  files: number;
  commands: number;
  errors: Array<{ path: string; message: string }>;
}

export interface ShellHistoryOptions {
  files: () => HistoryFileSpec[];
  commands: () => ShellIndex;
  now?: () => number;
}

export class ShellHistorySource {
  readonly #opts: ShellHistoryOptions;

  constructor(opts: ShellHistoryOptions) {
    this.#opts = opts;
  }

  scan(store: ActivityStore): ShellScanResult {
    const result: ShellScanResult = { files: 0, commands: 0, errors: [] };
    for (const spec of this.#opts.files()) {
      try {
        const n = this.#scanFile(spec, store);
        if (n === undefined) continue;
        result.files++;
        result.commands += n;
      } catch (err) {
        result.errors.push({ path: spec.path, message: (err as Error).message.split('\n')[0]! });
      }
    }
    return result;
  }

  /** Commands counted from one file, or undefined when it does not exist. */
  #scanFile(spec: HistoryFileSpec, store: ActivityStore): number | undefined {
    let fd: number;
    try {
      fd = openSync(spec.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const st = fstatSync(fd);
      const key = `shell:${spec.path}`;
      const saved = store.activityCursor(key);
      const cursor = saved === undefined ? undefined : (JSON.parse(saved) as ShellCursor);
      const same = cursor !== undefined && cursor.dev === st.dev && cursor.ino === st.ino;
      if (same && st.size === cursor.offset) return 0;

      let base: number; // file offset of `text`
      let text: Buffer;
      let countUntimed: boolean;
      let minTs = 0;
      if (cursor === undefined) {
        base = 0;
        text = readRange(fd, 0, st.size);
        countUntimed = false;
      } else {
        const from = cursor.offset - cursor.tailLen;
        const tail =
          same && st.size >= cursor.offset ? readRange(fd, from, cursor.offset) : Buffer.alloc(0);
        if (tail.length === cursor.tailLen && digest(tail) === cursor.tail) {
          base = cursor.offset;
          text = readRange(fd, base, st.size);
          countUntimed = true;
        } else {
          const whole = readRange(fd, 0, st.size);
          const at =
            cursor.tailLen > 0 ? findAnchor(whole, cursor.tail, cursor.tailLen) : undefined;
          base = at ?? 0;
          text = whole.subarray(base);
          countUntimed = at !== undefined;
          // Without the anchor, what is not newer than the last counted entry was counted.
          if (at === undefined) minTs = cursor.lastTs;
        }
      }

      const parsed = parseHistory(spec.format, text.toString('latin1'));
      const index = this.#opts.commands();
      const now = (this.#opts.now ?? Date.now)();
      const counts = new Map<string, ActivityCount>();
      let n = 0;
      let lastTs = cursor?.lastTs ?? 0;
      for (const e of parsed.entries) {
        if (e.ts === undefined ? !countUntimed : e.ts <= minTs) continue;
        if (e.ts !== undefined && e.ts > lastTs) lastTs = e.ts;
        const at = e.ts ?? now;
        const bucket = at - (at % COUNT_BUCKET_MS);
        for (const entry of commandEntries(e.command, index, spec.format === 'powershell')) {
          const k = `${bucket}\u0000${entry.id}`;
          const c = counts.get(k);
          if (c === undefined) {
            counts.set(k, {
              bucket,
              kind: entry.kind,
              subject: entry.id,
              entry: entry.id,
              category: entry.category,
              visits: 0,
              commands: 1,
            });
          } else c.commands++;
          n++;
        }
      }
      const offset = base + parsed.consumed;
      const tailLen = tailLength(fd, offset);
      const before = readRange(fd, offset - tailLen, offset);
      const next: ShellCursor = {
        dev: st.dev,
        ino: st.ino,
        offset,
        tail: digest(before),
        tailLen,
        lastTs,
      };
      store.commitActivity({
        intervals: [],
        counts: [...counts.values()],
        cursors: [{ source: key, state: JSON.stringify(next) }],
      });
      return n;
    } finally {
      closeSync(fd);
    }
  }
}
