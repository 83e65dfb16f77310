import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tzOffset } from '../../src/domain/periods.ts';
import { MemoryLedger } from '../../src/store/memory.ts';
import { sqlite } from '../../src/store/sqlite/driver.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';
import { SCHEMA_VERSION } from '../../src/store/sqlite/migrations.ts';
import { ledgerContract, usage } from '../contract/ledger-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'aio-ledger-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

ledgerContract('memory', () => new MemoryLedger());
ledgerContract('sqlite', () => new SqliteLedger(join(dir, `l${n++}.sqlite`)));

test('sqlite: the ledger survives a reopen, in WAL mode, at the current schema version', () => {
  const file = join(dir, 'reopen.sqlite');
  const a = new SqliteLedger(file);
  a.mergeUsage([usage({ key: 'k1' })]);
  a.close();
  const b = new SqliteLedger(file);
  assert.equal(b.event('k1')?.tokens.input, 100);
  b.close();
  const db = new (sqlite().DatabaseSync)(file);
  assert.equal(
    (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode,
    'wal',
  );
  assert.equal(
    (db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number }).v,
    SCHEMA_VERSION,
  );
  db.close();
});

test('sqlite: a ledger from a newer version is refused with a clear error', () => {
  const file = join(dir, 'newer.sqlite');
  new SqliteLedger(file).close();
  const db = new (sqlite().DatabaseSync)(file);
  db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION + 1);
  db.close();
  assert.throws(() => new SqliteLedger(file), /newer than this ai-observer/);
});

test('sqlite: a read-only ledger reads what the writer committed', () => {
  const file = join(dir, 'ro.sqlite');
  const w = new SqliteLedger(file);
  w.mergeUsage([usage({ key: 'k1' })]);
  const r = new SqliteLedger(file, { readOnly: true });
  assert.equal(r.rollup({}, [])[0]?.requests, 1);
  w.mergeUsage([usage({ key: 'k2' })]);
  assert.equal(r.rollup({}, [])[0]?.requests, 2);
  assert.throws(() => r.mergeUsage([usage({ key: 'k3' })]));
  r.close();
  w.close();
});

test('sqlite: hourly and daily sums answer period queries exactly as the quarter hours do, in every zone', () => {
  const mem = new MemoryLedger();
  const sql = new SqliteLedger(join(dir, 'hourly.sqlite'));
  const zoned = (name: string) => ({ zone: { name, offset: (ts: number) => tzOffset(ts, name) } });
  const dailyFile = join(dir, 'daily.sqlite');
  const daily = new SqliteLedger(dailyFile, zoned('Europe/Berlin'));
  // Two weeks around Europe's DST change, at uneven minutes, over tools, models and projects;
  // then a fuller sighting of some (the rows move) so the sums see updates too.
  const start = Date.UTC(2026, 9, 18, 0, 7);
  const events = [];
  for (let i = 0; i < 600; i++) {
    events.push(
      usage({
        key: `h${i}`,
        ts: start + i * 37 * 60_000,
        tool: (['claude-code', 'codex', 'gemini-cli'] as const)[i % 3]!,
        model: `m${i % 4}`,
        project: i % 5 === 0 ? undefined : `p${i % 2}`,
        sessionId: `s${i % 7}`,
        costUsd: i % 6 === 0 ? undefined : 0.001 * i,
        costBasis: i % 6 === 0 ? 'unknown' : i % 2 === 0 ? 'reported' : 'computed',
      }),
    );
  }
  for (const s of [mem, sql, daily]) s.mergeUsage(events);
  const fuller = events
    .filter((_, i) => i % 9 === 0)
    .map((e) => ({ ...e, tokens: { ...e.tokens, output: e.tokens.output + 50 } }));
  for (const s of [mem, sql, daily]) s.mergeUsage(fuller);

  const H = 3_600_000;
  const cases = [
    { zone: 'UTC', since: undefined, until: undefined },
    { zone: 'Europe/Berlin', since: Date.UTC(2026, 9, 20, 22), until: Date.UTC(2026, 9, 28, 23) },
    { zone: 'Asia/Kolkata', since: Date.UTC(2026, 9, 19, 18, 30), until: undefined },
    { zone: 'America/St_Johns', since: start, until: start + 90 * H },
    { zone: 'America/New_York', since: Date.UTC(2026, 9, 19, 4), until: Date.UTC(2026, 9, 30, 4) },
  ];
  const offsetIn = (zone: string) => (ts: number) => tzOffset(ts, zone);
  const byKey = (rows: ReturnType<MemoryLedger['rollup']>) =>
    rows
      .map((r) => ({
        ...r,
        costReported: Math.round(r.costReported * 1e9),
        costComputed: Math.round(r.costComputed * 1e9),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  // Days in the daily sums' zone come from them; the reopened ledger moves them to India's.
  const kept = [daily, new SqliteLedger(dailyFile, { readOnly: true })];
  for (const c of cases) {
    const filter = { since: c.since, until: c.until, zoneOffset: offsetIn(c.zone), zone: c.zone };
    if (c.zone === 'Asia/Kolkata') {
      for (const k of kept) k.close();
      kept.splice(0, 2, new SqliteLedger(dailyFile, zoned('Asia/Kolkata')));
      kept.push(new SqliteLedger(dailyFile, { readOnly: true }));
    }
    for (const by of [
      [],
      ['day'],
      ['day', 'tool', 'model'],
      ['tool', 'project'],
      ['model'],
    ] as const) {
      for (const store of [sql, ...kept]) {
        assert.deepEqual(
          byKey(store.rollup(filter, by)),
          byKey(mem.rollup(filter, by)),
          `${c.zone} by ${by.join(',') || 'nothing'}`,
        );
      }
    }
    // Rows that name their tools and models, as a report of days asks for them.
    for (const by of [['day'], ['day', 'tool'], []] as const) {
      for (const store of [sql, ...kept]) {
        const rows = store.rollup(filter, by, true);
        assert.deepEqual(byKey(rows), byKey(mem.rollup(filter, by, true)), `${c.zone} lists`);
        assert.ok(rows.every((r) => r.tools !== undefined && r.models !== undefined));
      }
    }
    for (const store of [sql, ...kept]) {
      assert.deepEqual(
        byKey(store.rollup({ ...filter, tool: 'codex' }, ['day'])),
        byKey(mem.rollup({ ...filter, tool: 'codex' }, ['day'])),
      );
      // A project asked for: the sums that keep projects, not the ones per model.
      assert.deepEqual(
        byKey(store.rollup({ ...filter, project: 'p1' }, ['day', 'model'])),
        byKey(mem.rollup({ ...filter, project: 'p1' }, ['day', 'model'])),
      );
    }
  }
  sql.close();
  for (const k of kept) k.close();
});

test('sqlite: a version-1 ledger gains the hourly sums of what it holds', () => {
  const file = join(dir, 'v1.sqlite');
  const a = new SqliteLedger(file);
  a.mergeUsage([
    usage({ key: 'a', ts: Date.UTC(2026, 10, 21, 10, 5) }),
    usage({ key: 'b', ts: Date.UTC(2026, 10, 21, 10, 50), sessionId: 's2' }),
    usage({ key: 'c', ts: Date.UTC(2026, 10, 21, 11, 1) }),
  ]);
  a.close();
  // Back to version 1, as a ledger written before the hourly table existed: every later
  // table dropped.
  const db = new (sqlite().DatabaseSync)(file);
  const v1 = [
    'usage_events',
    'usage_aliases',
    'usage_rollup',
    'file_cursors',
    'meta',
    'schema_version',
  ];
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
    name: string;
  }>;
  for (const { name } of tables) if (!v1.includes(name)) db.exec(`DROP TABLE ${name}`);
  db.exec('DELETE FROM schema_version WHERE version > 1');
  db.close();
  const b = new SqliteLedger(file);
  const rows = b.rollup({ since: Date.UTC(2026, 10, 21, 10) }, ['tool']);
  assert.equal(rows[0]?.requests, 3);
  const raw = new (sqlite().DatabaseSync)(file, { readOnly: true });
  assert.deepEqual(
    raw
      .prepare('SELECT bucket, requests FROM usage_hourly ORDER BY bucket')
      .all()
      .map((r) => ({ ...r })),
    [
      { bucket: Date.UTC(2026, 10, 21, 10), requests: 2 },
      { bucket: Date.UTC(2026, 10, 21, 11), requests: 1 },
    ],
  );
  raw.close();
  b.close();
});

test('sqlite: a version-5 ledger gains the daily sums per model of what it holds', () => {
  const file = join(dir, 'v5.sqlite');
  const utc = { zone: { name: 'UTC', offset: () => 0 } };
  const events = [
    usage({ key: 'a', ts: Date.UTC(2026, 10, 20, 10), model: 'm1', project: 'p1' }),
    usage({ key: 'b', ts: Date.UTC(2026, 10, 20, 11), model: 'm1', project: 'p2' }),
    usage({ key: 'c', ts: Date.UTC(2026, 10, 21, 9), model: 'm2', project: 'p1' }),
  ];
  const a = new SqliteLedger(file, utc);
  a.mergeUsage(events);
  a.close();
  const db = new (sqlite().DatabaseSync)(file);
  db.exec('DROP TABLE usage_daily_models; DELETE FROM schema_version WHERE version > 5');
  db.close();
  const b = new SqliteLedger(file, utc);
  const mem = new MemoryLedger();
  mem.mergeUsage(events);
  const filter = { zone: 'UTC', zoneOffset: () => 0 };
  assert.deepEqual(
    b.rollup(filter, ['day', 'tool', 'model']),
    mem.rollup(filter, ['day', 'tool', 'model']),
  );
  const raw = new (sqlite().DatabaseSync)(file, { readOnly: true });
  assert.deepEqual(
    raw
      .prepare('SELECT day, model, requests FROM usage_daily_models ORDER BY day')
      .all()
      .map((r) => ({ ...r })),
    [
      { day: 20777, model: 'm1', requests: 2 },
      { day: 20778, model: 'm2', requests: 1 },
    ],
  );
  raw.close();
  b.close();
});

test('sqlite: checkpoints put off during a large import, then the WAL copied once and cut back', () => {
  const file = join(dir, 'deferred.sqlite');
  const s = new SqliteLedger(file);
  const walSize = () => statSync(`${file}-wal`).size;
  const resume = s.deferCheckpoints();
  // Well past SQLite's default of 1,000 pages (4 MiB) of WAL before a checkpoint.
  for (let b = 0; b < 6; b++) {
    const events = [];
    for (let i = 0; i < 5000; i++) {
      events.push(
        usage({ key: `k${b}-${i}`, ts: Date.UTC(2026, 10, 1) + i * 1000, sessionId: `s${i}` }),
      );
    }
    s.mergeUsage(events);
  }
  assert.ok(walSize() > 8 * 1024 * 1024, `the WAL kept growing (${walSize()} bytes)`);
  resume();
  assert.equal(walSize(), 0, 'copied into the database and cut back');
  assert.equal(s.rollup({}, [])[0]?.requests, 30_000);
  s.close();
});
