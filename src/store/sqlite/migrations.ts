// The ledger's schema, one migration per version. A database newer than this code is refused
// rather than guessed at.

import type { Database } from './driver.ts';

/** The sums every rollup table keeps per group (version 1 spells them out in usage_rollup). */
const SUM_COLUMNS = `requests INTEGER NOT NULL, input INTEGER NOT NULL, output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL, cache_write_5m INTEGER NOT NULL, cache_write_1h INTEGER NOT NULL,
    reasoning INTEGER NOT NULL, cost_reported REAL NOT NULL, cost_computed REAL NOT NULL,
    n_reported INTEGER NOT NULL, n_computed INTEGER NOT NULL, n_unpriced INTEGER NOT NULL,
    first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL`;

const MIGRATIONS: readonly string[] = [
  // 1: usage events keyed by their dedup identity, aliases from cross-source matches, the
  // quarter-hour rollup every report reads, and the per-file cursors of the log indexer.
  `
  CREATE TABLE usage_events (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    ts INTEGER NOT NULL,
    tool TEXT NOT NULL,
    session_id TEXT NOT NULL,
    model TEXT NOT NULL,
    project TEXT NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cache_write_5m INTEGER NOT NULL,
    cache_write_1h INTEGER NOT NULL,
    reasoning INTEGER NOT NULL,
    cost_usd REAL,
    cost_basis TEXT NOT NULL,
    sources INTEGER NOT NULL,
    match TEXT
  );
  CREATE INDEX usage_events_session ON usage_events (session_id, ts);
  CREATE INDEX usage_events_match ON usage_events (match) WHERE match IS NOT NULL;
  CREATE TABLE usage_aliases (
    key TEXT PRIMARY KEY,
    event_id INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE usage_rollup (
    bucket INTEGER NOT NULL,
    tool TEXT NOT NULL,
    model TEXT NOT NULL,
    project TEXT NOT NULL,
    session_id TEXT NOT NULL,
    requests INTEGER NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cache_write_5m INTEGER NOT NULL,
    cache_write_1h INTEGER NOT NULL,
    reasoning INTEGER NOT NULL,
    cost_reported REAL NOT NULL,
    cost_computed REAL NOT NULL,
    n_reported INTEGER NOT NULL,
    n_computed INTEGER NOT NULL,
    n_unpriced INTEGER NOT NULL,
    first_ts INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    PRIMARY KEY (bucket, tool, model, project, session_id)
  ) WITHOUT ROWID;
  CREATE INDEX usage_rollup_session ON usage_rollup (session_id);
  CREATE TABLE file_cursors (
    path TEXT PRIMARY KEY,
    tool TEXT NOT NULL,
    dev INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    state TEXT NOT NULL,
    lines INTEGER NOT NULL,
    events INTEGER NOT NULL,
    malformed INTEGER NOT NULL,
    last_malformed TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: the same sums per hour, tool, model and project (no session), and per local day in the
  // writer's zone (filled by the writer, which records the zone in meta): what dashboards and
  // period reports over months read — a year is thousands of rows, not millions.
  `
  CREATE TABLE usage_hourly (
    bucket INTEGER NOT NULL,
    tool TEXT NOT NULL,
    model TEXT NOT NULL,
    project TEXT NOT NULL,
    ${SUM_COLUMNS},
    PRIMARY KEY (bucket, tool, model, project)
  ) WITHOUT ROWID;
  INSERT INTO usage_hourly
  SELECT (bucket / 3600000) * 3600000, tool, model, project, sum(requests), sum(input),
    sum(output), sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), sum(reasoning),
    sum(cost_reported), sum(cost_computed), sum(n_reported), sum(n_computed), sum(n_unpriced),
    min(first_ts), max(last_ts)
  FROM usage_rollup GROUP BY 1, tool, model, project;
  CREATE TABLE usage_daily (
    day INTEGER NOT NULL,
    tool TEXT NOT NULL,
    model TEXT NOT NULL,
    project TEXT NOT NULL,
    ${SUM_COLUMNS},
    PRIMARY KEY (day, tool, model, project)
  ) WITHOUT ROWID;
  `,
  // 3: workstation activity: time with AI apps, CLIs and sites as one union of intervals per
  // subject (sources merged, never added), visit and command counts per quarter hour, and the
  // read positions of the browser and shell history sources.
  `
  CREATE TABLE activity_intervals (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    entry TEXT NOT NULL,
    category TEXT NOT NULL,
    rate REAL NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    sources INTEGER NOT NULL
  );
  CREATE INDEX activity_intervals_subject ON activity_intervals (kind, subject, end);
  CREATE INDEX activity_intervals_end ON activity_intervals (end);
  CREATE TABLE activity_counts (
    bucket INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    entry TEXT NOT NULL,
    category TEXT NOT NULL,
    visits INTEGER NOT NULL,
    commands INTEGER NOT NULL,
    PRIMARY KEY (bucket, kind, subject)
  ) WITHOUT ROWID;
  CREATE TABLE activity_cursors (
    source TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 4: the browser extension. Its visit counts are kept apart from the history's (both see the
  // same visits; reads take the larger), and the ids of the events it sent that were taken, so
  // a retry counts once.
  `
  CREATE TABLE activity_counts_v4 (
    bucket INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    source TEXT NOT NULL,
    entry TEXT NOT NULL,
    category TEXT NOT NULL,
    visits INTEGER NOT NULL,
    commands INTEGER NOT NULL,
    PRIMARY KEY (bucket, kind, subject, source)
  ) WITHOUT ROWID;
  INSERT INTO activity_counts_v4
  SELECT bucket, kind, subject, '', entry, category, visits, commands FROM activity_counts;
  DROP TABLE activity_counts;
  ALTER TABLE activity_counts_v4 RENAME TO activity_counts;
  CREATE TABLE activity_taken (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX activity_taken_at ON activity_taken (at);
  `,
  // 5: hourly sums per tool and model only: days in a zone other than the daily sums' read
  // half the rows when no project is asked for.
  `
  CREATE TABLE usage_hourly_models (
    bucket INTEGER NOT NULL,
    tool TEXT NOT NULL,
    model TEXT NOT NULL,
    ${SUM_COLUMNS},
    PRIMARY KEY (bucket, tool, model)
  ) WITHOUT ROWID;
  INSERT INTO usage_hourly_models
  SELECT bucket, tool, model, sum(requests), sum(input), sum(output), sum(cache_read),
    sum(cache_write_5m), sum(cache_write_1h), sum(reasoning), sum(cost_reported),
    sum(cost_computed), sum(n_reported), sum(n_computed), sum(n_unpriced), min(first_ts),
    max(last_ts)
  FROM usage_hourly GROUP BY bucket, tool, model;
  `,
  // 6: daily sums per tool and model only: a report of days without a project reads a third
  // of the rows (the warm report's query).
  `
  CREATE TABLE usage_daily_models (
    day INTEGER NOT NULL,
    tool TEXT NOT NULL,
    model TEXT NOT NULL,
    ${SUM_COLUMNS},
    PRIMARY KEY (day, tool, model)
  ) WITHOUT ROWID;
  INSERT INTO usage_daily_models
  SELECT day, tool, model, sum(requests), sum(input), sum(output), sum(cache_read),
    sum(cache_write_5m), sum(cache_write_1h), sum(reasoning), sum(cost_reported),
    sum(cost_computed), sum(n_reported), sum(n_computed), sum(n_unpriced), min(first_ts),
    max(last_ts)
  FROM usage_daily GROUP BY day, tool, model;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaError extends Error {
  override name = 'SchemaError';
}

/** Brings the database to the current version, each step in its own transaction. */
export function migrate(db: Database, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as {
    v: number | null;
  };
  const current = row.v ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new SchemaError(
      `ledger ${file} has schema version ${current}, newer than this ai-observer (${SCHEMA_VERSION}); upgrade ai-observer`,
    );
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[v]!);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(v + 1);
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK'); // SQLite may have rolled back already
      throw err;
    }
  }
}
