import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SnapshotFile } from '../../src/daemon/snapshot-file.ts';
import { scratchHome } from '../support/cli.ts';

test('the snapshot file ends with the newest text, written whole, at most every 250 ms', async () => {
  const dir = scratchHome('aio-snap-');
  const path = join(dir, 'run', 'sessions.json');
  const errors: Error[] = [];
  const file = new SnapshotFile(path, (e) => errors.push(e));
  const started = Date.now();
  for (let i = 0; i < 1000; i++) file.write(`{"n":${i}}`);
  await file.flush();
  assert.equal(readFileSync(path, 'utf8'), '{"n":999}\n');
  // The first text goes out at once and the burst's newest one 250 ms later: two writes.
  assert.ok(Date.now() - started >= 240, 'the second write waited');
  assert.deepEqual(readdirSync(join(dir, 'run')), ['sessions.json'], 'no temporary file left');
  await file.remove();
  assert.deepEqual(readdirSync(join(dir, 'run')), []);
  assert.deepEqual(errors, []);
});
