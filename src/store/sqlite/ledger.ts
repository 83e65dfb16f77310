// The SQLite ledger (DESIGN.md §4–6): WAL, one writer, events keyed by their dedup identity
// and a quarter-hour rollup kept in step with them, so reports never scan raw events.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SourceKind, Tool, UsageEvent } from '../../domain/events.ts';
import { DAY_MS, HOUR_MS, offsetChanges } from '../../domain/periods.ts';
import { BUCKET_MS, bucketOf, MATCH_WINDOW_MS, mergeUsage } from '../../domain/usage-merge.ts';
import type {
  ActivityFilter,
  ActivityTotalsRow,
  StoredInterval,
} from '../../domain/activity/intervals.ts';
import type {
  ActivityBatch,
  ActivityCommit,
  OnceBatch,
  OnceCommit,
  TakenSummary,
  FileStamp,
  Cursor,
  LedgerStore,
  MergeResult,
  RollupDimension,
  RollupFilter,
  RollupRow,
} from '../types.ts';
import type { Database, Statement } from './driver.ts';
import { sqlite } from './driver.ts';
import { SqliteActivity } from './activity.ts';
import { migrate } from './migrations.ts';

const SOURCE_BITS: Record<SourceKind, number> = { otlp: 1, log: 2, hook: 4 };
const SOURCE_ORDER: SourceKind[] = ['hook', 'log', 'otlp'];

function sourceBits(sources: readonly SourceKind[]): number {
  let bits = 0;
  for (const s of sources) bits |= SOURCE_BITS[s];
  return bits;
}

function sourcesOf(bits: number): SourceKind[] {
  return SOURCE_ORDER.filter((s) => (bits & SOURCE_BITS[s]) !== 0);
}

interface EventRow {
  id: number;
  key: string;
  ts: number;
  tool: string;
  session_id: string;
  model: string;
  project: string;
  input: number;
  output: number;
  cache_read: number;
  cache_write_5m: number;
  cache_write_1h: number;
  reasoning: number;
  cost_usd: number | null;
  cost_basis: string;
  sources: number;
  match: string | null;
}

function eventOf(r: EventRow): UsageEvent {
  return {
    key: r.key,
    ts: r.ts,
    tool: r.tool as Tool,
    sessionId: r.session_id,
    model: r.model,
    project: r.project === '' ? undefined : r.project,
    tokens: {
      input: r.input,
      output: r.output,
      cacheRead: r.cache_read,
      cacheWrite5m: r.cache_write_5m,
      cacheWrite1h: r.cache_write_1h,
      reasoning: r.reasoning,
    },
    costUsd: r.cost_usd ?? undefined,
    costBasis: r.cost_basis as UsageEvent['costBasis'],
    sources: sourcesOf(r.sources),
    match: r.match ?? undefined,
  };
}

interface CursorRow {
  path: string;
  tool: string;
  dev: number;
  ino: number;
  size: number;
  mtime_ms: number;
  offset: number;
  state: string;
  lines: number;
  events: number;
  malformed: number;
  last_malformed: string;
  updated_at: number;
}

function cursorOf(r: CursorRow): Cursor {
  return {
    path: r.path,
    tool: r.tool as Tool,
    dev: r.dev,
    ino: r.ino,
    size: r.size,
    mtimeMs: r.mtime_ms,
    offset: r.offset,
    state: r.state,
    lines: r.lines,
    events: r.events,
    malformed: r.malformed,
    lastMalformed: r.last_malformed,
    updatedAt: r.updated_at,
  };
}

const EVENT_COLUMNS =
  'key, ts, tool, session_id, model, project, input, output, cache_read, cache_write_5m, cache_write_1h, reasoning, cost_usd, cost_basis, sources, match';

function eventValues(e: UsageEvent): Array<string | number | null> {
  const t = e.tokens;
  return [
    e.key,
    e.ts,
    e.tool,
    e.sessionId,
    e.model,
    e.project ?? '',
    t.input,
    t.output,
    t.cacheRead,
    t.cacheWrite5m,
    t.cacheWrite1h,
    t.reasoning,
    e.costUsd ?? null,
    e.costBasis,
    sourceBits(e.sources),
    e.match ?? null,
  ];
}

interface RollupDelta {
  bucket: number;
  tool: string;
  model: string;
  project: string;
  session: string;
  requests: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  reasoning: number;
  costReported: number;
  costComputed: number;
  nReported: number;
  nComputed: number;
  nUnpriced: number;
  firstTs: number;
  lastTs: number;
}

/** What a batch adds to (or takes back from) each rollup row, summed before it is written. */
class RollupDeltas extends Map<string, RollupDelta> {
  shrunk = false;

  add(e: UsageEvent, sign: 1 | -1): void {
    if (sign < 0) this.shrunk = true;
    const bucket = bucketOf(e.ts);
    const project = e.project ?? '';
    const id = `${bucket}\u0000${e.tool}\u0000${e.model}\u0000${project}\u0000${e.sessionId}`;
    let d = this.get(id);
    if (d === undefined) {
      d = {
        bucket,
        tool: e.tool,
        model: e.model,
        project,
        session: e.sessionId,
        requests: 0,
        input: 0,
        output: 0,
        cacheRead: 0,
        cacheWrite5m: 0,
        cacheWrite1h: 0,
        reasoning: 0,
        costReported: 0,
        costComputed: 0,
        nReported: 0,
        nComputed: 0,
        nUnpriced: 0,
        firstTs: e.ts,
        lastTs: e.ts,
      };
      this.set(id, d);
    }
    const t = e.tokens;
    d.requests += sign;
    d.input += sign * t.input;
    d.output += sign * t.output;
    d.cacheRead += sign * t.cacheRead;
    d.cacheWrite5m += sign * t.cacheWrite5m;
    d.cacheWrite1h += sign * t.cacheWrite1h;
    d.reasoning += sign * t.reasoning;
    if (e.costBasis === 'reported') {
      d.costReported += sign * (e.costUsd ?? 0);
      d.nReported += sign;
    } else if (e.costBasis === 'computed') {
      d.costComputed += sign * (e.costUsd ?? 0);
      d.nComputed += sign;
    } else d.nUnpriced += sign;
    d.firstTs = Math.min(d.firstTs, e.ts);
    d.lastTs = Math.max(d.lastTs, e.ts);
  }
}

type SumsTable =
  | 'usage_rollup'
  | 'usage_hourly'
  | 'usage_hourly_models'
  | 'usage_daily'
  | 'usage_daily_models';
const TABLE_KEYS: Record<SumsTable, string[]> = {
  usage_rollup: ['bucket', 'tool', 'model', 'project', 'session_id'],
  usage_hourly: ['bucket', 'tool', 'model', 'project'],
  usage_hourly_models: ['bucket', 'tool', 'model'],
  usage_daily: ['day', 'tool', 'model', 'project'],
  usage_daily_models: ['day', 'tool', 'model'],
};
const SUMS_TABLES = Object.keys(TABLE_KEYS) as SumsTable[];

/**
 * Quarter-hour deltas summed per coarser time (an hour, a local day: `timeOf` a bucket), tool,
 * model and project (the session let go).
 */
function coarser(deltas: Iterable<RollupDelta>, timeOf: (bucket: number) => number): RollupDelta[] {
  const out = new Map<string, RollupDelta>();
  for (const d of deltas) {
    const bucket = timeOf(d.bucket);
    const id = `${bucket}\u0000${d.tool}\u0000${d.model}\u0000${d.project}`;
    const h = out.get(id);
    if (h === undefined) {
      out.set(id, { ...d, bucket, session: '' });
      continue;
    }
    h.requests += d.requests;
    h.input += d.input;
    h.output += d.output;
    h.cacheRead += d.cacheRead;
    h.cacheWrite5m += d.cacheWrite5m;
    h.cacheWrite1h += d.cacheWrite1h;
    h.reasoning += d.reasoning;
    h.costReported += d.costReported;
    h.costComputed += d.costComputed;
    h.nReported += d.nReported;
    h.nComputed += d.nComputed;
    h.nUnpriced += d.nUnpriced;
    h.firstTs = Math.min(h.firstTs, d.firstTs);
    h.lastTs = Math.max(h.lastTs, d.lastTs);
  }
  return [...out.values()];
}

/** Beyond this many cut hours (years of days), the quarter hours are read as they are. */
const MAX_CUT_HOURS = 4000;

/** SQL conditions with their parameters, for the values that are given. */
function conditions(
  parts: ReadonlyArray<[string, string | number | undefined]>,
): [string[], Array<string | number>] {
  const sql: string[] = [];
  const params: Array<string | number> = [];
  for (const [condition, value] of parts) {
    if (value === undefined) continue;
    sql.push(condition);
    params.push(value);
  }
  return [sql, params];
}

/** WAL pages before a checkpoint during a large import (128 MiB: a bound, not a target). */
const DEFERRED_CHECKPOINT_PAGES = 32_768;

const SUMS = `sum(requests), sum(input), sum(output), sum(cache_read), sum(cache_write_5m),
  sum(cache_write_1h), sum(reasoning), sum(cost_reported), sum(cost_computed), sum(n_reported),
  sum(n_computed), sum(n_unpriced), min(first_ts), max(last_ts)`;

/** A group's tools and models, as JSON arrays (names may hold any character). */
const LISTS = 'json_group_array(DISTINCT tool), json_group_array(DISTINCT model)';

const DIMENSION_COLUMN: Record<Exclude<RollupDimension, 'day'>, string> = {
  bucket: 'bucket',
  tool: 'tool',
  model: 'model',
  project: 'project',
  session: 'session_id',
};

export interface WriterMarks {
  schemaVersion: number;
  zone: string | undefined;
  priceStamp: string | undefined;
  /** Renewed with every change to the file cursors: equal tokens, equal cursors. */
  cursorsToken: string | undefined;
}

export interface SqliteLedgerOptions {
  /** Open for reading only: reports while another process (the agent) writes. */
  readOnly?: boolean;
  /**
   * The zone a writer keeps daily sums in (reports and the dashboard count days in it unless
   * told otherwise); another zone's days come from the hourly or quarter-hour sums.
   */
  zone?: { name: string; offset: (ts: number) => number };
}

export class SqliteLedger implements LedgerStore {
  readonly file: string;
  readonly #db: Database;
  readonly #stmts = new Map<string, Statement>();
  readonly #zone: SqliteLedgerOptions['zone'];
  #usageVersion = 0;
  readonly #activity: SqliteActivity;

  constructor(file: string, opts: SqliteLedgerOptions = {}) {
    this.file = file;
    const { DatabaseSync } = sqlite();
    if (opts.readOnly !== true && file !== ':memory:')
      mkdirSync(dirname(file), { recursive: true });
    this.#db = new DatabaseSync(file, { readOnly: opts.readOnly === true, timeout: 5000 });
    if (opts.readOnly !== true) {
      // WAL: readers (reports, the status line) never wait for the writer. NORMAL: a killed
      // process loses nothing committed; only a power cut can drop the last transactions.
      this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
      migrate(this.#db, file);
      if (opts.zone !== undefined && this.#storedZone() !== opts.zone.name) {
        this.#zone = opts.zone;
        this.#transaction(() => this.#rebuildDaily());
      }
      this.#zone = opts.zone;
    }
    this.#activity = new SqliteActivity(this.#db, (fn) => this.#transaction(fn));
  }

  /** The zone the daily sums are in, if they are kept (read each time: the writer may change). */
  #dailyZone(): string | undefined {
    return this.#zone !== undefined ? this.#zone.name : this.#storedZone();
  }

  #storedZone(): string | undefined {
    const row = this.#stmt("SELECT value FROM meta WHERE key = 'daily_zone'").get() as
      | { value: string }
      | undefined;
    return row?.value;
  }

  #rebuildDaily(): void {
    const zone = this.#zone;
    this.#db.exec('DELETE FROM usage_daily; DELETE FROM usage_daily_models;');
    if (zone === undefined) {
      this.#stmt("DELETE FROM meta WHERE key = 'daily_zone'").run();
      return;
    }
    const day = this.#localDaySql('usage_rollup', BUCKET_MS, { zoneOffset: zone.offset });
    this.#db.exec(`INSERT INTO usage_daily
      SELECT ${day}, tool, model, project, ${SUMS}
      FROM usage_rollup GROUP BY 1, tool, model, project`);
    this.#db.exec(`INSERT INTO usage_daily_models
      SELECT day, tool, model, ${SUMS} FROM usage_daily GROUP BY day, tool, model`);
    this.#stmt("INSERT OR REPLACE INTO meta (key, value) VALUES ('daily_zone', ?)").run(zone.name);
  }

  #stmt(sql: string): Statement {
    let s = this.#stmts.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  #transaction<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.#db.exec('COMMIT');
      return out;
    } catch (err) {
      // SQLite rolls back by itself on some errors (a full disk, I/O errors): the error to
      // report is the first one, never a failed ROLLBACK after it.
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  mergeUsage(events: readonly UsageEvent[]): MergeResult {
    if (events.length === 0) return { added: 0, updated: 0, unchanged: 0 };
    return this.#transaction(() => this.#mergeAll(events));
  }

  commitFiles(cursors: readonly Cursor[], events: readonly UsageEvent[]): MergeResult {
    return this.#transaction(() => {
      const result = this.#mergeAll(events);
      const put = this.#stmt(
        `INSERT OR REPLACE INTO file_cursors (path, tool, dev, ino, size, mtime_ms, offset, state, lines, events, malformed, last_malformed, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      if (cursors.length > 0) {
        // Random, not a counter: a ledger deleted and imported again never repeats one.
        this.#stmt("INSERT OR REPLACE INTO meta (key, value) VALUES ('cursors_token', ?)").run(
          globalThis.crypto.randomUUID(),
        );
      }
      for (const c of cursors) {
        put.run(
          c.path,
          c.tool,
          c.dev,
          c.ino,
          c.size,
          c.mtimeMs,
          c.offset,
          c.state,
          c.lines,
          c.events,
          c.malformed,
          c.lastMalformed,
          c.updatedAt,
        );
      }
      return result;
    });
  }

  #mergeAll(events: readonly UsageEvent[]): MergeResult {
    const result: MergeResult = { added: 0, updated: 0, unchanged: 0 };
    // Sightings of one request in one batch (a streamed response's lines) meet here first:
    // one row write per request, not per line.
    const batch = new Map<string, UsageEvent>();
    for (const e of events) {
      const prev = batch.get(e.key);
      if (prev === undefined) {
        batch.set(e.key, e);
        continue;
      }
      const merged = mergeUsage(prev, e);
      if (merged === undefined) result.unchanged++;
      else {
        batch.set(e.key, merged);
        result.updated++;
      }
    }
    const rollup = new RollupDeltas();
    const tryInsert = this.#stmt(
      `INSERT INTO usage_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO NOTHING`,
    );
    for (const e of batch.values()) {
      // Without a match to look for, the insert itself tells whether the key is new.
      if (e.match === undefined && Number(tryInsert.run(...eventValues(e)).changes) === 1) {
        rollup.add(e, 1);
        result.added++;
        continue;
      }
      const existing = this.#find(e);
      if (existing === undefined) {
        tryInsert.run(...eventValues(e));
        rollup.add(e, 1);
        result.added++;
        continue;
      }
      const before = eventOf(existing);
      const merged = mergeUsage(before, e);
      if (merged === undefined) {
        result.unchanged++;
        continue;
      }
      this.#update(existing.id, merged);
      rollup.add(before, -1);
      rollup.add(merged, 1);
      result.updated++;
      if (merged.key !== e.key && this.#alias(e.key) === undefined) {
        this.#stmt('INSERT INTO usage_aliases (key, event_id) VALUES (?, ?)').run(
          e.key,
          existing.id,
        );
      }
    }
    this.#applyRollup(rollup);
    return result;
  }

  #alias(key: string): number | undefined {
    const row = this.#stmt('SELECT event_id FROM usage_aliases WHERE key = ?').get(key) as
      | { event_id: number }
      | undefined;
    return row?.event_id;
  }

  /**
   * The stored event this sighting belongs to: by key, by an alias recorded earlier, or — for
   * tools without a shared request id — by its match from another source close in time.
   */
  #find(e: UsageEvent): EventRow | undefined {
    const byKey = this.#stmt(`SELECT id, ${EVENT_COLUMNS} FROM usage_events WHERE key = ?`).get(
      e.key,
    ) as EventRow | undefined;
    if (byKey !== undefined || e.match === undefined) return byKey;
    const alias = this.#alias(e.key);
    if (alias !== undefined) {
      return this.#stmt(`SELECT id, ${EVENT_COLUMNS} FROM usage_events WHERE id = ?`).get(alias) as
        | EventRow
        | undefined;
    }
    return this.#stmt(
      `SELECT id, ${EVENT_COLUMNS} FROM usage_events
       WHERE match = ? AND ts BETWEEN ? AND ? AND (sources & ?) = 0
       ORDER BY abs(ts - ?) LIMIT 1`,
    ).get(e.match, e.ts - MATCH_WINDOW_MS, e.ts + MATCH_WINDOW_MS, sourceBits(e.sources), e.ts) as
      | EventRow
      | undefined;
  }

  #update(id: number, e: UsageEvent): void {
    // The columns after key, ts, tool and session_id, in EVENT_COLUMNS' order.
    this.#stmt(
      `UPDATE usage_events SET model = ?, project = ?, input = ?, output = ?, cache_read = ?,
         cache_write_5m = ?, cache_write_1h = ?, reasoning = ?, cost_usd = ?, cost_basis = ?,
         sources = ?, match = ? WHERE id = ?`,
    ).run(...eventValues(e).slice(4), id);
  }

  #applyRollup(deltas: RollupDeltas): void {
    if (deltas.size === 0) return;
    this.#usageVersion++;
    this.#upsertSums('usage_rollup', deltas.values());
    const hours = coarser(deltas.values(), (b) => b - (b % HOUR_MS));
    this.#upsertSums('usage_hourly', hours);
    this.#upsertSums(
      'usage_hourly_models',
      coarser(
        hours.map((h) => ({ ...h, project: '' })),
        (b) => b,
      ),
    );
    const zone = this.#zone;
    if (zone !== undefined) {
      const days = coarser(deltas.values(), (b) => Math.floor((b + zone.offset(b)) / DAY_MS));
      this.#upsertSums('usage_daily', days);
      this.#upsertSums(
        'usage_daily_models',
        coarser(
          days.map((d) => ({ ...d, project: '' })),
          (b) => b,
        ),
      );
    }
    if (deltas.shrunk) {
      for (const table of SUMS_TABLES) this.#stmt(`DELETE FROM ${table} WHERE requests = 0`).run();
    }
  }

  /** Adds deltas to a sums table's rows (the quarter-hour one is keyed by session as well). */
  #upsertSums(table: SumsTable, rows: Iterable<RollupDelta>): void {
    const keys = TABLE_KEYS[table];
    const upsert = this.#stmt(
      `INSERT INTO ${table} (${keys.join(', ')}, requests, input, output, cache_read,
         cache_write_5m, cache_write_1h, reasoning, cost_reported, cost_computed, n_reported,
         n_computed, n_unpriced, first_ts, last_ts)
       VALUES (${keys.map(() => '?').join(', ')}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (${keys.join(', ')}) DO UPDATE SET
         requests = requests + excluded.requests, input = input + excluded.input,
         output = output + excluded.output, cache_read = cache_read + excluded.cache_read,
         cache_write_5m = cache_write_5m + excluded.cache_write_5m,
         cache_write_1h = cache_write_1h + excluded.cache_write_1h,
         reasoning = reasoning + excluded.reasoning,
         cost_reported = cost_reported + excluded.cost_reported,
         cost_computed = cost_computed + excluded.cost_computed,
         n_reported = n_reported + excluded.n_reported,
         n_computed = n_computed + excluded.n_computed,
         n_unpriced = n_unpriced + excluded.n_unpriced,
         first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)`,
    );
    const withSession = table === 'usage_rollup';
    for (const d of rows) {
      const sums = [
        d.requests,
        d.input,
        d.output,
        d.cacheRead,
        d.cacheWrite5m,
        d.cacheWrite1h,
        d.reasoning,
        d.costReported,
        d.costComputed,
        d.nReported,
        d.nComputed,
        d.nUnpriced,
        d.firstTs,
        d.lastTs,
      ];
      if (withSession) upsert.run(d.bucket, d.tool, d.model, d.project, d.session, ...sums);
      else if (keys.length === 3) upsert.run(d.bucket, d.tool, d.model, ...sums);
      else upsert.run(d.bucket, d.tool, d.model, d.project, ...sums);
    }
  }

  cursor(path: string): Cursor | undefined {
    const row = this.#stmt('SELECT * FROM file_cursors WHERE path = ?').get(path) as
      | CursorRow
      | undefined;
    return row === undefined ? undefined : cursorOf(row);
  }

  cursors(): Cursor[] {
    return (
      this.#stmt('SELECT * FROM file_cursors ORDER BY path').all() as unknown as CursorRow[]
    ).map(cursorOf);
  }

  fileCount(): number {
    return (this.#stmt('SELECT count(*) AS n FROM file_cursors').get() as { n: number }).n;
  }

  fileStamps(): Map<string, FileStamp> {
    const stmt = this.#stmt('SELECT path, dev, ino, size, mtime_ms, offset FROM file_cursors');
    stmt.setReturnArrays(true);
    const out = new Map<string, FileStamp>();
    for (const r of stmt.all() as unknown as Array<
      [string, number, number, number, number, number]
    >) {
      out.set(r[0], { dev: r[1], ino: r[2], size: r[3], mtimeMs: r[4], offset: r[5] });
    }
    return out;
  }

  rollup(filter: RollupFilter, by: readonly RollupDimension[], lists = false): RollupRow[] {
    const source = this.#source(filter, by);
    const column = (d: RollupDimension) => (d === 'day' ? source.day() : DIMENSION_COLUMN[d]);
    const groups = by.map(column);
    const sql = `SELECT ${[...groups, ''].join(', ')} ${SUMS}${lists ? `, ${LISTS}` : ''}
      FROM ${source.from}
      ${by.length > 0 ? `GROUP BY ${groups.join(', ')}` : ''}
      HAVING sum(requests) > 0
      ${by.length > 0 ? `ORDER BY ${groups.join(', ')}` : ''}`;
    const params = source.params;
    // Rows as arrays: node:sqlite builds them several times faster than objects, which
    // matters for a report of thousands of quarter hours.
    // A statement with literal hour lists is one query's own: not kept.
    const stmt = source.once ? this.#db.prepare(sql) : this.#stmt(sql);
    stmt.setReturnArrays(true);
    const rows = stmt.all(...params) as unknown as Array<Array<number | string>>;
    const n = by.length;
    return rows.map((r) => {
      const row: RollupRow = {
        requests: r[n] as number,
        tokens: {
          input: r[n + 1] as number,
          output: r[n + 2] as number,
          cacheRead: r[n + 3] as number,
          cacheWrite5m: r[n + 4] as number,
          cacheWrite1h: r[n + 5] as number,
          reasoning: r[n + 6] as number,
        },
        costReported: r[n + 7] as number,
        costComputed: r[n + 8] as number,
        reportedRequests: r[n + 9] as number,
        computedRequests: r[n + 10] as number,
        unpriced: r[n + 11] as number,
        firstTs: r[n + 12] as number,
        lastTs: r[n + 13] as number,
      };
      if (lists) {
        row.tools = (JSON.parse(r[n + 14] as string) as Tool[]).sort();
        row.models = (JSON.parse(r[n + 15] as string) as string[]).filter((m) => m !== '').sort();
      }
      for (let i = 0; i < n; i++) {
        const d = by[i]!;
        if (d === 'session') row.session = r[i] as string;
        else if (d === 'tool') row.tool = r[i] as Tool;
        else if (d === 'model' || d === 'project') row[d] = r[i] as string;
        else row[d] = r[i] as number;
      }
      return row;
    });
  }

  /**
   * Which sums answer a query, coarsest first: the daily ones (days in their own zone), the
   * hourly ones (whole hours), the hourly ones with the quarter hours of the hours a day
   * border or the range's end cuts (zones such as India's), or the quarter hours (sessions).
   */
  #source(
    filter: RollupFilter,
    by: readonly RollupDimension[],
  ): { from: string; params: Array<string | number>; day: () => string; once: boolean } {
    const [common, commonParams] = conditions([
      ['tool = ?', filter.tool],
      ['project = ?', filter.project],
    ]);
    const whereOf = (extra: string[]) => {
      const all = [...extra, ...common];
      return all.length > 0 ? `WHERE ${all.join(' AND ')}` : '';
    };
    // Without a project in the query, the sums per tool and model do (a third of the rows).
    const byModel = filter.project === undefined && !by.includes('project');
    const daily = this.#dailyServes(filter, by);
    if (daily !== undefined) {
      const [range, params] = conditions([
        ['day >= ?', daily.since],
        ['day < ?', daily.until],
      ]);
      return {
        from: `${byModel ? 'usage_daily_models' : 'usage_daily'} ${whereOf(range)}`,
        params: [...params, ...commonParams],
        day: () => 'day',
        once: false,
      };
    }
    const [range, rangeParams] = conditions([
      ['bucket >= ?', filter.since === undefined ? undefined : bucketOf(filter.since)],
      ['bucket < ?', filter.until],
    ]);
    const hourly = byModel ? 'usage_hourly_models' : 'usage_hourly';
    if (this.#hourlyServes(filter, by)) {
      return {
        from: `${hourly} ${whereOf(range)}`,
        params: [...rangeParams, ...commonParams],
        day: () => this.#localDaySql('usage_hourly', HOUR_MS, filter),
        once: false,
      };
    }
    const cut = this.#cutHours(filter, by);
    if (cut !== undefined) {
      const hours = cut.join(', ');
      const quarters = cut
        .flatMap((h) => [h, h + BUCKET_MS, h + 2 * BUCKET_MS, h + 3 * BUCKET_MS])
        .join(', ');
      const sums = `requests, input, output, cache_read, cache_write_5m, cache_write_1h,
        reasoning, cost_reported, cost_computed, n_reported, n_computed, n_unpriced, first_ts,
        last_ts`;
      const project = hourly === 'usage_hourly' ? 'project' : "'' AS project";
      const hourRange = [...range];
      const hourParams = [...rangeParams];
      if (filter.since !== undefined) hourParams[0] = filter.since - (filter.since % HOUR_MS);
      return {
        from: `(SELECT bucket, tool, model, ${project}, ${sums} FROM ${hourly}
            ${whereOf([...hourRange, `bucket NOT IN (${hours})`])}
          UNION ALL
          SELECT bucket, tool, model, project, ${sums} FROM usage_rollup
            ${whereOf([...range, `bucket IN (${quarters})`])})`,
        params: [...hourParams, ...commonParams, ...rangeParams, ...commonParams],
        // Quarter-hour offsets: an hour read whole has one offset all through (else it is cut).
        day: () => this.#localDaySql('usage_rollup', BUCKET_MS, filter),
        once: true,
      };
    }
    if (filter.sessionId !== undefined) {
      range.push('session_id = ?');
      rangeParams.push(filter.sessionId);
    }
    return {
      from: `usage_rollup ${whereOf(range)}`,
      params: [...rangeParams, ...commonParams],
      day: () => this.#localDaySql('usage_rollup', BUCKET_MS, filter),
      once: false,
    };
  }

  /**
   * The hours that must be read by quarter hours for a query without sessions: those in which
   * the range starts or ends, and, for days, a local midnight or an offset change falls. None
   * when the query needs sessions or quarter hours anyway, or cuts too many hours to pay.
   */
  #cutHours(filter: RollupFilter, by: readonly RollupDimension[]): number[] | undefined {
    if (filter.sessionId !== undefined || by.includes('session') || by.includes('bucket'))
      return undefined;
    const hours = new Set<number>();
    const cut = (t: number) => {
      if (t % HOUR_MS !== 0) hours.add(t - (t % HOUR_MS));
    };
    if (filter.since !== undefined) cut(bucketOf(filter.since));
    if (filter.until !== undefined) cut(filter.until);
    const offset = filter.zoneOffset;
    if (by.includes('day') && offset !== undefined) {
      const changes = this.#offsetChanges('usage_rollup', BUCKET_MS, filter);
      for (const c of changes.slice(1)) cut(c.from);
      const lo = Math.max(changes[0]!.from, filter.since ?? 0);
      const hi = this.#lastBucket();
      if (hi !== undefined) {
        const last = Math.min(hi, filter.until ?? hi);
        for (let d = Math.floor((lo + offset(lo)) / DAY_MS); ; d++) {
          let midnight = d * DAY_MS - offset(d * DAY_MS);
          midnight = d * DAY_MS - offset(midnight);
          if (midnight > last) break;
          cut(midnight);
          if (hours.size > MAX_CUT_HOURS) return undefined;
        }
      }
    }
    return hours.size > MAX_CUT_HOURS ? undefined : [...hours].sort((a, b) => a - b);
  }

  #lastBucket(): number | undefined {
    const stmt = this.#stmt('SELECT max(bucket) FROM usage_rollup');
    stmt.setReturnArrays(true);
    const [hi] = stmt.get() as unknown as [number | null];
    return hi ?? undefined;
  }

  /**
   * The day range when the daily sums answer this query exactly: days asked in the zone they
   * are kept in, from local midnight to local midnight, no session and no quarter hours.
   */
  #dailyServes(
    filter: RollupFilter,
    by: readonly RollupDimension[],
  ): { since: number | undefined; until: number | undefined } | undefined {
    const offset = filter.zoneOffset;
    if (filter.zone === undefined || offset === undefined) return undefined;
    if (filter.sessionId !== undefined || by.includes('session') || by.includes('bucket'))
      return undefined;
    if (filter.zone !== this.#dailyZone()) return undefined;
    const dayOf = (ts: number | undefined): number | undefined | false => {
      if (ts === undefined) return undefined;
      const local = ts + offset(ts);
      return local % DAY_MS === 0 ? local / DAY_MS : false;
    };
    const since = dayOf(filter.since);
    const until = dayOf(filter.until);
    if (since === false || until === false) return undefined;
    return { since, until };
  }

  /**
   * Whether the hourly sums answer this query exactly: no session in it, no quarter hours
   * asked for, whole hours at both ends, and local days whose borders fall on whole hours
   * (zones such as India's or Nepal's need the quarter hours).
   */
  #hourlyServes(filter: RollupFilter, by: readonly RollupDimension[]): boolean {
    if (filter.sessionId !== undefined || by.includes('session') || by.includes('bucket'))
      return false;
    if (filter.since !== undefined && filter.since % HOUR_MS !== 0) return false;
    if (filter.until !== undefined && filter.until % HOUR_MS !== 0) return false;
    if (!by.includes('day') || filter.zoneOffset === undefined) return true;
    return this.#offsetChanges('usage_hourly', HOUR_MS, filter).every(
      (c) => c.offset % HOUR_MS === 0 && c.from % HOUR_MS === 0,
    );
  }

  /** Where the zone's offset changes over the rows a filter selects (UTC when none given). */
  #offsetChanges(
    table: 'usage_rollup' | 'usage_hourly',
    step: number,
    filter: Pick<RollupFilter, 'since' | 'until' | 'zoneOffset'>,
  ): Array<{ from: number; offset: number }> {
    const zoneOffset = filter.zoneOffset;
    if (zoneOffset === undefined) return [{ from: 0, offset: 0 }];
    // The rows' range bounds the search; the filter's bounds bound it more cheaply.
    const range = this.#stmt(`SELECT min(bucket), max(bucket) FROM ${table}`);
    range.setReturnArrays(true);
    const [lo, hi] = range.get() as unknown as [number | null, number | null];
    if (lo === null || hi === null) return [{ from: 0, offset: 0 }];
    const from = Math.max(lo, filter.since ?? lo);
    const to = Math.min(hi, filter.until ?? hi);
    return offsetChanges(Math.min(from, to), to, step, zoneOffset);
  }

  /**
   * The local day of a row's bucket as SQL: the bucket shifted by the zone's offset in effect
   * then (a CASE over the offset changes within the rows' range), in whole days.
   */
  #localDaySql(table: 'usage_rollup' | 'usage_hourly', step: number, filter: RollupFilter): string {
    const changes = this.#offsetChanges(table, step, filter);
    const int = (v: number) => String(Math.trunc(v));
    let shift = int(changes[changes.length - 1]!.offset);
    if (changes.length > 1) {
      const cases = changes
        .slice(1)
        .map((c, i) => `WHEN bucket < ${int(c.from)} THEN ${int(changes[i]!.offset)}`);
      shift = `CASE ${cases.join(' ')} ELSE ${shift} END`;
    }
    // Buckets are positive, so integer division rounds down like Math.floor.
    return `((bucket + ${shift}) / ${DAY_MS})`;
  }

  sessionEvents(sessionId: string, limit: number): UsageEvent[] {
    const rows = this.#stmt(
      `SELECT id, ${EVENT_COLUMNS} FROM usage_events WHERE session_id = ? ORDER BY ts DESC LIMIT ?`,
    ).all(sessionId, limit) as unknown as EventRow[];
    return rows.reverse().map(eventOf);
  }

  event(key: string): UsageEvent | undefined {
    let row = this.#stmt(`SELECT id, ${EVENT_COLUMNS} FROM usage_events WHERE key = ?`).get(key) as
      | EventRow
      | undefined;
    if (row === undefined) {
      const alias = this.#alias(key);
      if (alias !== undefined) {
        row = this.#stmt(`SELECT id, ${EVENT_COLUMNS} FROM usage_events WHERE id = ?`).get(alias) as
          | EventRow
          | undefined;
      }
    }
    return row === undefined ? undefined : eventOf(row);
  }

  priceId(): string | undefined {
    const row = this.#stmt("SELECT value FROM meta WHERE key = 'price_id'").get() as
      | { value: string }
      | undefined;
    return row?.value;
  }

  reprice(priceId: string, price: (e: UsageEvent) => UsageEvent): number {
    if (this.priceId() === priceId) return 0;
    return this.#transaction(() => {
      let changed = 0;
      const rows = this.#stmt(
        `SELECT id, ${EVENT_COLUMNS} FROM usage_events WHERE cost_basis != 'reported'`,
      ).iterate() as Iterable<EventRow>;
      const updates: Array<[number, number | null, string]> = [];
      for (const r of rows) {
        const before = eventOf(r);
        const after = price({ ...before, costUsd: undefined, costBasis: 'unknown' });
        if (after.costUsd !== before.costUsd || after.costBasis !== before.costBasis) {
          updates.push([r.id, after.costUsd ?? null, after.costBasis]);
        }
      }
      const update = this.#stmt(
        'UPDATE usage_events SET cost_usd = ?, cost_basis = ? WHERE id = ?',
      );
      for (const [id, cost, basis] of updates) {
        update.run(cost, basis, id);
        changed++;
      }
      if (changed > 0) {
        this.#rebuildRollup();
        this.#usageVersion++;
      }
      this.#stmt("INSERT OR REPLACE INTO meta (key, value) VALUES ('price_id', ?)").run(priceId);
      return changed;
    });
  }

  /**
   * What a reader compares with the present before it trusts the ledger as current
   * (ledger/freshness.ts): the schema version, the zone of the daily sums and the stamp of the
   * price tables the stored costs were computed with. `undefined` when the schema predates
   * them.
   */
  writerMarks(): WriterMarks | undefined {
    try {
      const version = (
        this.#stmt('SELECT max(version) AS v FROM schema_version').get() as { v: number | null }
      ).v;
      const meta = new Map(
        (
          this.#stmt(
            "SELECT key, value FROM meta WHERE key IN ('daily_zone', 'price_stamp', 'cursors_token')",
          ).all() as Array<{ key: string; value: string }>
        ).map((r) => [r.key, r.value]),
      );
      return {
        schemaVersion: version ?? 0,
        zone: meta.get('daily_zone'),
        priceStamp: meta.get('price_stamp'),
        cursorsToken: meta.get('cursors_token'),
      };
    } catch {
      return undefined;
    }
  }

  /** Records the stamp of the price tables the ledger is now priced with (see writerMarks). */
  setPriceStamp(stamp: string): void {
    this.#stmt("INSERT OR REPLACE INTO meta (key, value) VALUES ('price_stamp', ?)").run(stamp);
  }

  usageVersion(): number {
    return this.#usageVersion;
  }

  /**
   * SQLite copies the WAL into the database file every 1,000 pages by default, with an fsync
   * of each: ~16 times on a 1 GB first import, ~0.1 s of the main thread. Put off to the end,
   * the WAL grows to the import's size (tens of MiB) and is copied once. Commits keep their
   * durability (WAL, synchronous NORMAL); only the copying moves.
   */
  deferCheckpoints(): () => void {
    this.#db.exec(`PRAGMA wal_autocheckpoint = ${DEFERRED_CHECKPOINT_PAGES}`);
    return () => {
      this.#db.exec('PRAGMA wal_autocheckpoint = 1000');
      // TRUNCATE: a long-running writer (the agent) does not keep a WAL file of that size.
      this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    };
  }

  #rebuildRollup(): void {
    this.#db.exec(`
      DELETE FROM usage_rollup;
      INSERT INTO usage_rollup
      SELECT (ts / 900000) * 900000, tool, model, project, session_id, count(*), sum(input),
        sum(output), sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), sum(reasoning),
        total(CASE WHEN cost_basis = 'reported' THEN cost_usd END),
        total(CASE WHEN cost_basis = 'computed' THEN cost_usd END),
        sum(cost_basis = 'reported'), sum(cost_basis = 'computed'),
        sum(cost_basis NOT IN ('reported', 'computed')), min(ts), max(ts)
      FROM usage_events GROUP BY 1, tool, model, project, session_id;
      DELETE FROM usage_hourly;
      INSERT INTO usage_hourly
      SELECT (bucket / 3600000) * 3600000, tool, model, project, sum(requests), sum(input),
        sum(output), sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), sum(reasoning),
        sum(cost_reported), sum(cost_computed), sum(n_reported), sum(n_computed),
        sum(n_unpriced), min(first_ts), max(last_ts)
      FROM usage_rollup GROUP BY 1, tool, model, project;
      DELETE FROM usage_hourly_models;
      INSERT INTO usage_hourly_models
      SELECT bucket, tool, model, sum(requests), sum(input), sum(output), sum(cache_read),
        sum(cache_write_5m), sum(cache_write_1h), sum(reasoning), sum(cost_reported),
        sum(cost_computed), sum(n_reported), sum(n_computed), sum(n_unpriced), min(first_ts),
        max(last_ts)
      FROM usage_hourly GROUP BY bucket, tool, model;`);
    this.#rebuildDaily();
  }

  commitActivity(batch: ActivityBatch): ActivityCommit {
    return this.#activity.commit(batch);
  }

  commitActivityOnce(batches: readonly OnceBatch[], now: number): OnceCommit {
    return this.#activity.commitOnce(batches, now);
  }

  takenEvents(): TakenSummary[] {
    return this.#activity.taken();
  }

  activityCursor(source: string): string | undefined {
    return this.#activity.cursor(source);
  }

  activityTotals(filter: ActivityFilter, byDay = false): ActivityTotalsRow[] {
    return this.#activity.totals(filter, byDay);
  }

  activityIntervals(filter: ActivityFilter): StoredInterval[] {
    return this.#activity.intervals(filter);
  }

  close(): void {
    this.#stmts.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}
