import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { tuningFlags } from '../../src/daemon/node-tuning.ts';

test('heap flags: small by default, more room for a larger session table', () => {
  assert.deepEqual(tuningFlags(256), ['--max-semi-space-size=16', '--max-old-space-size=64']);
  assert.deepEqual(tuningFlags(10_000), ['--max-semi-space-size=16', '--max-old-space-size=532']);
});

test('restartTuned replaces the process in place, once, with the flags', () => {
  const code = `
    const { restartTuned } = await import(${JSON.stringify(new URL('../../src/daemon/node-tuning.ts', import.meta.url).href)});
    restartTuned(256);
    const v8 = await import('node:v8');
    console.log(JSON.stringify({ pid: process.pid, argv: process.execArgv, limit: v8.getHeapStatistics().heap_size_limit }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.ok(out.argv.includes('--max-old-space-size=64'), JSON.stringify(out.argv));
  assert.ok(out.limit < 128 * 1024 * 1024, `heap limit ${out.limit}`);
  assert.equal(r.stdout.trim().split('\n').length, 1, 'ran once');
});
