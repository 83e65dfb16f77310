// Workstation activity in the SQLite ledger: each subject's intervals kept as a union (a new
// sighting replaces the rows it overlaps or touches by one), counts per quarter hour, and the
// history sources' cursors — all of a batch in one transaction.

import {
  type ActivityFilter,
  type ActivityInterval,
  type ActivityTotalsRow,
  activityTotals,
  COUNT_BUCKET_MS,
  covers,
  type StoredInterval,
  sourceBits,
  sourcesOf,
  unionOf,
} from '../../domain/activity/intervals.ts';
import type { ActivityKind } from '../../domain/activity/catalog.ts';
import {
  type ActivityBatch,
  type ActivityCommit,
  type OnceBatch,
  type OnceCommit,
  TAKEN_IDS_KEEP_MS,
  type TakenSummary,
} from '../types.ts';
import type { Database, Statement } from './driver.ts';

type IntervalRow = [number, string, string, string, string, number, number, number, number];

const INTERVAL_COLUMNS = 'id, kind, subject, entry, category, rate, start, end, sources';

function intervalOf(r: IntervalRow): StoredInterval {
  return {
    kind: r[1] as ActivityKind,
    subject: r[2],
    entry: r[3],
    category: r[4],
    rate: r[5],
    start: r[6],
    end: r[7],
    sources: sourcesOf(r[8]),
  };
}

export class SqliteActivity {
  readonly #db: Database;
  readonly #transaction: <T>(fn: () => T) => T;
  readonly #stmts = new Map<string, Statement>();

  constructor(db: Database, transaction: <T>(fn: () => T) => T) {
    this.#db = db;
    this.#transaction = transaction;
  }

  #stmt(sql: string, arrays = false): Statement {
    let s = this.#stmts.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      if (arrays) s.setReturnArrays(true);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  commit(batch: ActivityBatch): ActivityCommit {
    return this.#transaction(() => this.#apply(batch));
  }

  commitOnce(batches: readonly OnceBatch[], now: number): OnceCommit {
    return this.#transaction(() => {
      this.#stmt('DELETE FROM activity_taken WHERE at < ?').run(now - TAKEN_IDS_KEEP_MS);
      const take = this.#stmt(
        'INSERT INTO activity_taken (id, origin, at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
      );
      const out: OnceCommit = { taken: 0, duplicates: 0 };
      for (const b of batches) {
        if (Number(take.run(b.id, b.origin, now).changes) === 0) {
          out.duplicates++;
          continue;
        }
        this.#apply({ intervals: b.intervals, counts: b.counts, cursors: [] });
        out.taken++;
      }
      return out;
    });
  }

  taken(): TakenSummary[] {
    const rows = this.#stmt(
      `SELECT origin, count(*) AS events, max(at) AS lastAt FROM activity_taken
       GROUP BY origin ORDER BY lastAt DESC`,
    ).all() as unknown as TakenSummary[];
    return rows.map((r) => ({ origin: r.origin, events: r.events, lastAt: r.lastAt }));
  }

  /** A batch's changes, inside the caller's transaction. */
  #apply(batch: ActivityBatch): ActivityCommit {
    {
      const out: ActivityCommit = { changed: 0, unchanged: 0 };
      const sorted = [...batch.intervals].sort((a, b) => a.start - b.start);
      for (const iv of sorted) {
        if (!(iv.end >= iv.start)) {
          throw new Error(`activity interval ends before it starts: ${iv.subject}`);
        }
        if (this.#fold(iv)) out.changed++;
        else out.unchanged++;
      }
      const count = this.#stmt(
        `INSERT INTO activity_counts
           (bucket, kind, subject, source, entry, category, visits, commands)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (bucket, kind, subject, source) DO UPDATE SET
           visits = visits + excluded.visits, commands = commands + excluded.commands,
           entry = excluded.entry, category = excluded.category`,
      );
      for (const c of batch.counts) {
        count.run(
          c.bucket,
          c.kind,
          c.subject,
          c.source ?? '',
          c.entry,
          c.category,
          c.visits,
          c.commands,
        );
      }
      const cursor = this.#stmt(
        'INSERT OR REPLACE INTO activity_cursors (source, state, updated_at) VALUES (?, ?, ?)',
      );
      const now = Date.now();
      for (const c of batch.cursors) cursor.run(c.source, c.state, now);
      return out;
    }
  }

  /** One sighting into its subject's union; false when it was already there. */
  #fold(iv: ActivityInterval): boolean {
    const rows = this.#stmt(
      `SELECT ${INTERVAL_COLUMNS} FROM activity_intervals
       WHERE kind = ? AND subject = ? AND end >= ? AND start <= ? ORDER BY start`,
      true,
    ).all(iv.kind, iv.subject, iv.start, iv.end) as unknown as IntervalRow[];
    const stored = rows.map(intervalOf);
    if (stored.length === 1 && covers(stored[0]!, iv)) return false;
    const merged = unionOf(iv, stored);
    const values = [
      merged.entry,
      merged.category,
      merged.rate,
      merged.start,
      merged.end,
      sourceBits(merged.sources),
    ] as const;
    if (rows.length === 0) {
      this.#stmt(
        `INSERT INTO activity_intervals (kind, subject, entry, category, rate, start, end, sources)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(iv.kind, iv.subject, ...values);
      return true;
    }
    this.#stmt(
      `UPDATE activity_intervals SET entry = ?, category = ?, rate = ?, start = ?, end = ?,
         sources = ? WHERE id = ?`,
    ).run(...values, rows[0]![0]);
    const drop = this.#stmt('DELETE FROM activity_intervals WHERE id = ?');
    for (const r of rows.slice(1)) drop.run(r[0]);
    return true;
  }

  cursor(source: string): string | undefined {
    const row = this.#stmt('SELECT state FROM activity_cursors WHERE source = ?').get(source) as
      | { state: string }
      | undefined;
    return row?.state;
  }

  intervals(filter: ActivityFilter): StoredInterval[] {
    const where = ['end >= ?', 'start < ?'];
    const params: Array<string | number> = [
      filter.since ?? Number.MIN_SAFE_INTEGER,
      filter.until ?? Number.MAX_SAFE_INTEGER,
    ];
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    if (filter.subject !== undefined) {
      where.push('subject = ?');
      params.push(filter.subject);
    }
    const rows = this.#stmt(
      `SELECT ${INTERVAL_COLUMNS} FROM activity_intervals WHERE ${where.join(' AND ')} ORDER BY start`,
      true,
    ).all(...params) as unknown as IntervalRow[];
    return rows.map(intervalOf);
  }

  totals(filter: ActivityFilter, byDay: boolean): ActivityTotalsRow[] {
    const since = filter.since ?? Number.MIN_SAFE_INTEGER;
    const where = ['bucket >= ?', 'bucket < ?'];
    const params: Array<string | number> = [
      since - (since % COUNT_BUCKET_MS),
      filter.until ?? Number.MAX_SAFE_INTEGER,
    ];
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    if (filter.subject !== undefined) {
      where.push('subject = ?');
      params.push(filter.subject);
    }
    const counts = (
      this.#stmt(
        `SELECT bucket, kind, subject, entry, category, visits, commands, source
         FROM activity_counts WHERE ${where.join(' AND ')}`,
        true,
      ).all(...params) as unknown as Array<
        [number, string, string, string, string, number, number, string]
      >
    ).map((r) => ({
      bucket: r[0],
      kind: r[1] as ActivityKind,
      subject: r[2],
      entry: r[3],
      category: r[4],
      visits: r[5],
      commands: r[6],
      ...(r[7] === 'extension' ? { source: 'extension' as const } : {}),
    }));
    return activityTotals(this.intervals(filter), counts, filter, byDay);
  }
}
