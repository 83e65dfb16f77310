// The fast variant of test/soak/crash-loop.ts: 10 kill -9 cycles of the real agent while OTLP
// batches and transcript lines arrive; every acknowledged request once, integrity_check ok
// after each, totals equal to a clean run at the end. (200 cycles: BENCHMARKS.md.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCrashLoop } from '../soak/crash-loop.ts';

test('10 cycles of kill -9 under load lose and double-count nothing', {
  timeout: 180_000,
}, async () => {
  const r = await runCrashLoop({ cycles: 10, seed: 10, log: (l) => console.log(`# ${l}`) });
  assert.equal(r.cycles, 10);
  assert.ok(r.acknowledged > 0 && r.logLines > 0);
});
