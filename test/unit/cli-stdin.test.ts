// Standard input as the status line and the hook read it (src/cli/stdin.ts): straight from the
// descriptor, whatever it is — a pipe, /dev/null, a closed descriptor, a pipe left in
// non-blocking mode (then the stream waits for the data) — with a limit.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';

const MODULE = resolve(import.meta.dirname, '../../src/cli/stdin.ts');
/** A child that reads its standard input (up to `limit`) and prints how much and what. */
const child = (limit = 'undefined', nonBlocking = false) => [
  '--input-type=module',
  '-e',
  `import { readStdin } from ${JSON.stringify(MODULE)};
   // Node's own stdin stream puts a pipe in non-blocking mode, as other parents may leave it.
   if (${nonBlocking}) process.stdin;
   const text = await readStdin(${limit});
   process.stdout.write(JSON.stringify({ length: text.length, head: text.slice(0, 20) }));`,
];

function run(input: string | undefined, stdin: 'pipe' | 'ignore', limit?: string) {
  const r = spawnSync(process.execPath, child(limit), {
    input,
    stdio: [stdin, 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  return JSON.parse(r.stdout) as { length: number; head: string };
}

test('a pipe is read to its end, past any one read', () => {
  const big = `{"a":"${'x'.repeat(300_000)}"}`;
  assert.deepEqual(run(big, 'pipe'), { length: big.length, head: big.slice(0, 20) });
});

test('a limit stops the reading soon after it', () => {
  const big = 'y'.repeat(1_000_000);
  const { length } = run(big, 'pipe', '100000');
  assert.ok(length > 100_000 && length <= 100_000 + 64 * 1024, String(length));
});

test('/dev/null and a closed descriptor are empty', () => {
  assert.deepEqual(run(undefined, 'ignore'), { length: 0, head: '' });
  const args = child()
    .map((a) => `'${a.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  const out = execFileSync('sh', ['-c', `exec ${process.execPath} ${args} 0<&-`], {
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out), { length: 0, head: '' });
});

test('a non-blocking pipe with nothing in it yet is waited for', async () => {
  const proc = spawn(process.execPath, child('undefined', true), {
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 10_000, // a reader that never returns fails here instead of hanging the suite
  });
  const closed = new Promise((r) => proc.on('close', r));
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => {
    out += d;
  });
  proc.stderr.on('data', (d) => {
    err += d;
  });
  // The data comes late: the first read finds nothing (EAGAIN) and the stream waits.
  await new Promise((r) => setTimeout(r, 300));
  proc.stdin.end('{"late":true}');
  const code = await closed;
  assert.equal(err, '');
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out), { length: 13, head: '{"late":true}' });
});
