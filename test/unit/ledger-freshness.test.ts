// The warm report's fast path (ledger/freshness.ts, ledger/open.ts): a ledger that is already
// what the writer would make of it is read as it is, read-only, and anything that would change
// it — a line appended, a new transcript or directory, another zone, other prices, an older
// schema — sends the report through the writer, which then brings it up to date.

import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { resolvePaths } from '../../src/config/paths.ts';
import type { Config } from '../../src/config/schema.ts';
import { dirCacheFile, ledgerFile, walkRecordFile } from '../../src/ledger/files.ts';
import { ledgerIsCurrent } from '../../src/ledger/freshness.ts';
import { openLedger } from '../../src/ledger/open.ts';
import { downloadedPricesFile, priceSourcesStamp } from '../../src/pricing/files.ts';
import { FileDirCache } from '../../src/sources/files/dir-cache.ts';
import { transcriptsUnchanged } from '../../src/sources/files/freshness.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';

const base = mkdtempSync(join(tmpdir(), 'aio-fresh-'));
after(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
/** A HOME with one Claude transcript and an empty data home. */
function setup() {
  const dir = join(base, `case-${n++}`);
  const env: NodeJS.ProcessEnv = {
    HOME: join(dir, 'home'),
    AI_OBSERVER_HOME: join(dir, 'obs'),
    TZ: 'UTC',
  };
  const project = join(dir, 'home', '.claude', 'projects', '-work-app');
  mkdirSync(project, { recursive: true });
  const transcript = join(project, 'session-1.jsonl');
  writeFileSync(transcript, line(1));
  const paths = resolvePaths(env);
  return { env, paths, project, transcript, config: () => loadConfig(paths.configFile, env) };
}

function line(k: number): string {
  return `${JSON.stringify({
    type: 'assistant',
    sessionId: 'session-1',
    cwd: '/work/app',
    timestamp: '2026-11-20T10:00:00.000Z',
    requestId: `req_${k}`,
    message: {
      id: `msg_${k}`,
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: 10, output_tokens: k, cache_read_input_tokens: 0 },
    },
  })}\n`;
}

type Setup = ReturnType<typeof setup>;

/**
 * Every file in a directory with its size and mtime; but SQLite's shared-memory index and
 * empty log, which any reader of a WAL database sets up beside it.
 */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    if (name.endsWith('-shm') || name.endsWith('-wal')) continue;
    const st = statSync(join(dir, name));
    out[name] = `${st.size} ${st.mtimeMs}`;
  }
  return out;
}

/** Opens as a report does; says which way it went and the requests it sees. */
async function open(s: Setup, config: Config = s.config()) {
  const ledger = await openLedger({ config, paths: s.paths, env: s.env, index: true });
  try {
    const requests = ledger.store.rollup({}, [])[0]?.requests ?? 0;
    return { way: ledger.indexed === undefined ? 'read-only' : 'writer', requests };
  } finally {
    ledger.close();
  }
}

test('an up-to-date ledger is read as it is; an appended line goes through the writer', async () => {
  const s = setup();
  assert.deepEqual(await open(s), { way: 'writer', requests: 1 }, 'the first run imports');
  assert.deepEqual(await open(s), { way: 'read-only', requests: 1 });
  appendFileSync(s.transcript, line(2));
  assert.deepEqual(await open(s), { way: 'writer', requests: 2 });
  assert.deepEqual(await open(s), { way: 'read-only', requests: 2 });
});

test('a new transcript, a new directory of them, or a new root is seen', async () => {
  const s = setup();
  await open(s);
  writeFileSync(join(s.project, 'session-2.jsonl'), line(3));
  assert.deepEqual(await open(s), { way: 'writer', requests: 2 });
  // A subagent's directory inside a session's: only its parent's parent listing moved.
  const sub = join(s.project, 'session-1', 'subagents');
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, 'agent-a.jsonl'), line(4));
  assert.deepEqual(await open(s), { way: 'writer', requests: 3 });
  // Codex installed after the first report: its sessions directory appears.
  const codex = join(s.env.HOME!, '.codex', 'sessions', '2026', '11', '20');
  mkdirSync(codex, { recursive: true });
  writeFileSync(join(codex, 'rollout-x.jsonl'), '');
  assert.equal((await open(s)).way, 'writer');
  assert.equal((await open(s)).way, 'read-only');
});

test('the fast path takes no lock and leaves the ledger as it is', async () => {
  const s = setup();
  await open(s);
  const before = snapshot(s.paths.dataDir);
  assert.equal((await open(s)).way, 'read-only');
  assert.deepEqual(snapshot(s.paths.dataDir), before);
});

test('the fast path keeps the listings it had to take, so the next one stats instead', async () => {
  const s = setup();
  const old = new Date(Date.now() - 60_000);
  for (const d of [s.project, dirname(s.project)]) utimesSync(d, old, old);
  await open(s);
  const cache = dirCacheFile(s.paths);
  assert.ok(existsSync(cache), 'the writer kept its listings');
  rmSync(cache);
  rmSync(walkRecordFile(s.paths)); // so the full check runs
  assert.equal((await open(s)).way, 'read-only');
  const kept = JSON.parse(readFileSync(cache, 'utf8')) as { dirs: Array<[string]> };
  assert.ok(kept.dirs.some(([dir]) => dir === s.project));
});

test('the writer and a full check leave a record; the next reports stat what it holds', async () => {
  const s = setup();
  const old = new Date(Date.now() - 60_000);
  for (const d of [s.project, dirname(s.project)]) utimesSync(d, old, old);
  await open(s);
  const record = walkRecordFile(s.paths);
  const first = JSON.parse(readFileSync(record, 'utf8')) as { key: string; files: string[] };
  assert.deepEqual(first.files, [s.transcript], 'the writer took its walk down');
  // The record needs no listings: with the directory cache gone, none is taken again.
  rmSync(dirCacheFile(s.paths));
  assert.equal((await open(s)).way, 'read-only');
  assert.ok(!existsSync(dirCacheFile(s.paths)), 'the record answered, not a walk');
  appendFileSync(s.transcript, line(2));
  assert.deepEqual(await open(s), { way: 'writer', requests: 2 });
  // The writer's commit renewed the cursors' token, and its record goes with it.
  const second = JSON.parse(readFileSync(record, 'utf8')) as { key: string };
  assert.notEqual(second.key, first.key);
  assert.equal((await open(s)).way, 'read-only');
  // A record that does not match (another token) sends the report to the full check, which
  // records afresh once it finds the ledger current.
  writeFileSync(record, JSON.stringify({ ...first }));
  assert.equal((await open(s)).way, 'read-only');
  assert.equal((JSON.parse(readFileSync(record, 'utf8')) as { key: string }).key, second.key);
});

test('a writer that met a directory still changing keeps no record', async () => {
  const s = setup(); // the project directory was just written: within the racy window
  await open(s);
  assert.ok(!existsSync(walkRecordFile(s.paths)));
  assert.equal((await open(s)).way, 'read-only', 'the full check answers instead');
});

test('a deleted transcript changes nothing: the ledger keeps its history', async () => {
  const s = setup();
  await open(s);
  rmSync(s.transcript);
  assert.deepEqual(await open(s), { way: 'read-only', requests: 1 });
});

test('another zone, other prices or overrides go through the writer once', async () => {
  const s = setup();
  await open(s);
  const berlin: Config = structuredClone(s.config());
  berlin.report.timezone = 'Europe/Berlin';
  assert.equal((await open(s, berlin)).way, 'writer', 'the daily sums move to the new zone');
  assert.equal((await open(s, berlin)).way, 'read-only');
  assert.equal((await open(s)).way, 'writer', 'and back');

  const priced: Config = structuredClone(s.config());
  priced.pricing.overrides = {
    'claude-sonnet-4-5': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
  };
  assert.equal((await open(s, priced)).way, 'writer');
  assert.equal((await open(s, priced)).way, 'read-only');

  // `prices update` leaves a downloaded table in the data directory.
  writeFileSync(downloadedPricesFile(s.paths.dataDir), '{}');
  assert.equal((await open(s, priced)).way, 'writer');
  assert.equal((await open(s, priced)).way, 'read-only');
});

test('the price stamp moves with any change to a table file, even one that keeps size and mtime', () => {
  const dir = join(base, 'stamp');
  mkdirSync(dir, { recursive: true });
  const shipped = join(dir, 'shipped.json');
  writeFileSync(shipped, '{"a":1}');
  const fixed = new Date('2000-01-01T00:00:00Z');
  utimesSync(shipped, fixed, fixed);
  const first = priceSourcesStamp(dir, {}, shipped);
  assert.equal(priceSourcesStamp(dir, {}, shipped), first, 'stable while nothing changes');
  // A reinstall writes the same size and resets the mtime, as npm does: the ctime still moves.
  rmSync(shipped);
  writeFileSync(shipped, '{"a":2}');
  utimesSync(shipped, fixed, fixed);
  assert.notEqual(priceSourcesStamp(dir, {}, shipped), first);
  assert.notEqual(priceSourcesStamp(dir, { m: {} }, shipped), priceSourcesStamp(dir, {}, shipped));
});

test('a ledger of another schema version is never read as current', async () => {
  const s = setup();
  await open(s);
  const file = ledgerFile(s.paths);
  const writer = new SqliteLedger(file);
  writer.close();
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(file);
  db.exec('INSERT INTO schema_version (version) VALUES (99)');
  db.close();
  const reader = new SqliteLedger(file, { readOnly: true });
  try {
    assert.equal(ledgerIsCurrent(reader, s.config(), s.paths, s.env), false);
  } finally {
    reader.close();
  }
  // The writer then says what is wrong instead of a report on a schema it does not know.
  await assert.rejects(open(s), /schema version 99, newer than this ai-observer/);
});

test('with the ledger off, only schema, zone and prices are checked', async () => {
  const s = setup();
  await open(s);
  const off: Config = structuredClone(s.config());
  off.ledger.enabled = false;
  appendFileSync(s.transcript, line(2));
  assert.deepEqual(await open(s, off), { way: 'read-only', requests: 1 });
});

test('the files written last are looked at before the walk', () => {
  const dir = join(base, 'latest');
  mkdirSync(dir, { recursive: true });
  const old = join(dir, 'old.jsonl');
  const recent = join(dir, 'recent.jsonl');
  writeFileSync(old, 'a\n');
  writeFileSync(recent, 'b\n');
  const stampOf = (path: string) => {
    const st = statSync(path);
    return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, offset: st.size };
  };
  const stamps = new Map([
    [old, { ...stampOf(old), mtimeMs: 1 }],
    [recent, stampOf(recent)],
  ]);
  const nowhere = [{ roots: [join(dir, 'no-root')], matches: () => true }];
  const none = new FileDirCache(join(dir, 'cache.json'));
  assert.equal(transcriptsUnchanged(nowhere, stamps, none, Date.now()), false, 'old.jsonl moved');
  stamps.set(old, stampOf(old));
  assert.equal(transcriptsUnchanged(nowhere, stamps, none, Date.now()), true);
  // An append to the newest file is seen even where no walk would reach it.
  appendFileSync(recent, 'c\n');
  assert.equal(transcriptsUnchanged(nowhere, stamps, none, Date.now()), false);
});
