import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { MemoryLedger } from '../../src/store/memory.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';
import { activityContract } from '../contract/activity-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'aio-activity-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

activityContract('memory', () => new MemoryLedger());
activityContract('sqlite', () => new SqliteLedger(join(dir, `a${n++}.sqlite`)));
