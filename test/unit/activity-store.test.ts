import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MemoryLedger } from '../../src/store/memory.ts';
import { sqlite } from '../../src/store/sqlite/driver.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';
import { activityContract } from '../contract/activity-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'aio-activity-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

activityContract('memory', () => new MemoryLedger());
activityContract('sqlite', () => new SqliteLedger(join(dir, `a${n++}.sqlite`)));

test('sqlite: a ledger of schema 3 keeps its visit and command counts through migration 4', () => {
  const file = join(dir, 'v3.sqlite');
  new SqliteLedger(file).close();
  // Back to schema 3 as it was: counts without a source, no table of taken ids (and none of
  // the later versions' tables).
  const db = new (sqlite().DatabaseSync)(file);
  db.exec(`
    DROP TABLE activity_taken;
    DROP TABLE activity_counts;
    DROP TABLE usage_hourly_models;
    DROP TABLE usage_daily_models;
    CREATE TABLE activity_counts (bucket INTEGER NOT NULL, kind TEXT NOT NULL,
      subject TEXT NOT NULL, entry TEXT NOT NULL, category TEXT NOT NULL,
      visits INTEGER NOT NULL, commands INTEGER NOT NULL,
      PRIMARY KEY (bucket, kind, subject)) WITHOUT ROWID;
    INSERT INTO activity_counts VALUES (0, 'site', 'chatgpt.com', 'chatgpt', 'assistant', 3, 0);
    INSERT INTO activity_counts VALUES (0, 'cli', 'llm', 'llm', 'assistant', 0, 2);
    DELETE FROM schema_version WHERE version >= 4;
  `);
  db.close();
  const s = new SqliteLedger(file);
  try {
    const rows = s.activityTotals({});
    assert.equal(rows.find((r) => r.subject === 'chatgpt.com')?.visits, 3);
    assert.equal(rows.find((r) => r.subject === 'llm')?.commands, 2);
    assert.deepEqual(s.takenEvents(), []);
  } finally {
    s.close();
  }
});
