// Reads one browser history database. The browser keeps it open and locked, so the file is
// copied with its `-wal` / `-journal` into a private temporary folder and the copy is opened
// read-only; the browser's own file is never opened. Only visits after the last one seen are
// read, a few thousand rows at a time with a pause between, so a first read of a long history
// never holds up the agent.

import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { RawVisit } from '../../domain/activity/visits.ts';
import { type Database, sqlite } from '../../store/sqlite/driver.ts';
import type { BrowserFamily } from './paths.ts';

/**
 * Chromium: ms since 1601-01-01 UTC. (It stores µs, which pass 2^53 and so are divided by 1000
 * in the query: node:sqlite refuses an integer a JavaScript number cannot hold.)
 */
export function chromiumTime(ms1601: number): number {
  return ms1601 - 11_644_473_600_000;
}

/** Firefox: µs since 1970. */
export function firefoxTime(us: number): number {
  return us / 1000;
}

/** Safari: seconds (with a fraction) since 2001-01-01 UTC. */
export function safariTime(s: number): number {
  return (s + 978_307_200) * 1000;
}

// Visits the user did not open themselves are left out: Chromium's subframe navigations
// (transition core types 3 and 4), Firefox's embeds and framed links (visit types 4 and 8).
const QUERIES: Record<BrowserFamily, { visits: string; max: string }> = {
  chromium: {
    visits: `SELECT v.id, v.visit_time / 1000, v.visit_duration, u.url FROM visits v JOIN urls u ON u.id = v.url
      WHERE v.id > ? AND (v.transition & 255) NOT IN (3, 4) ORDER BY v.id`,
    max: 'SELECT max(id) FROM visits',
  },
  firefox: {
    visits: `SELECT v.id, v.visit_date, 0, p.url FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id
      WHERE v.id > ? AND coalesce(v.visit_type, 1) NOT IN (4, 8) ORDER BY v.id`,
    max: 'SELECT max(id) FROM moz_historyvisits',
  },
  safari: {
    visits: `SELECT v.id, v.visit_time, 0, i.url FROM history_visits v JOIN history_items i ON i.id = v.history_item
      WHERE v.id > ? ORDER BY v.id`,
    max: 'SELECT max(id) FROM history_visits',
  },
};

const TIME: Record<BrowserFamily, (t: number) => number> = {
  chromium: chromiumTime,
  firefox: firefoxTime,
  safari: safariTime,
};

export interface VisitChunk {
  visits: RawVisit[];
  /** Highest visit id in the chunk. */
  lastId: number;
}

/** A private copy of a history database and its journal files, removed by `close`. */
export class HistoryCopy {
  readonly #dir: string;
  readonly #db: Database;
  readonly family: BrowserFamily;

  constructor(path: string, family: BrowserFamily) {
    this.family = family;
    this.#dir = mkdtempSync(join(tmpdir(), 'ai-observer-history-'));
    try {
      const copy = join(this.#dir, basename(path));
      copyFileSync(path, copy);
      for (const suffix of ['-wal', '-journal']) {
        if (existsSync(path + suffix)) {
          try {
            copyFileSync(path + suffix, copy + suffix);
          } catch {
            // Gone between the check and the copy: the browser checkpointed it.
          }
        }
      }
      this.#db = new (sqlite().DatabaseSync)(copy, { readOnly: true });
    } catch (err) {
      rmSync(this.#dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The highest visit id (0 for none): lower than a cursor's when the history was cleared. */
  maxId(): number {
    const stmt = this.#db.prepare(QUERIES[this.family].max);
    stmt.setReturnArrays(true);
    const row = stmt.get() as unknown as [number | null];
    return row[0] ?? 0;
  }

  /** Visits with an id above `afterId`, oldest first, `size` per chunk. */
  *visits(afterId: number, size = 5000): Generator<VisitChunk> {
    const stmt = this.#db.prepare(QUERIES[this.family].visits);
    stmt.setReturnArrays(true);
    const time = TIME[this.family];
    let chunk: RawVisit[] = [];
    let lastId = afterId;
    for (const r of stmt.iterate(afterId) as Iterable<[number, unknown, unknown, unknown]>) {
      lastId = r[0];
      // A row is the browser's, but a damaged or foreign file can hold any type in any column:
      // a visit without a usable time is skipped, an unusable duration is none.
      const ts = typeof r[1] === 'number' ? time(r[1]) : Number.NaN;
      if (typeof r[3] === 'string' && Number.isFinite(ts)) {
        const duration = typeof r[2] === 'number' && r[2] > 0 ? r[2] / 1000 : 0;
        chunk.push({ ts, url: r[3], durationMs: Number.isFinite(duration) ? duration : 0 });
      }
      if (chunk.length >= size) {
        yield { visits: chunk, lastId };
        chunk = [];
      }
    }
    yield { visits: chunk, lastId };
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
