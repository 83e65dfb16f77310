import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
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
