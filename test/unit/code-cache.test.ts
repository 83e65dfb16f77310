// The bundle's loader (bin/code-cache.js), run as the installed CLI runs it, each time in a
// fresh Node process: it caches V8's code for a bundle after a command of a kind succeeded,
// reuses that cache, writes it anew when V8 refuses it, and never lets the cache change what
// a command does.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { finishBundle } from '../../scripts/bundle-text.ts';
import { scratchHome } from '../support/cli.ts';

const LOADER = resolve(import.meta.dirname, '../../bin/code-cache.js');
const { commandKind } = createRequire(import.meta.url)(LOADER) as {
  commandKind(argv: string[]): string;
};

// A stand-in for dist/main.js: main() calls functions V8 compiles only when they run.
const BUNDLE = `"use strict";
function words(n) { const out = []; for (let i = 0; i < n; i++) out.push('w' + i); return out; }
function total(list) { return list.reduce((sum, w) => sum + w.length, 0); }
function shout(list) { return list.map((w) => w.toUpperCase()).join(' — '); }
exports.main = async function main(argv) {
  if (argv[0] === 'fail') return 2;
  const list = words(Number(argv[1] ?? 3));
  process.stdout.write(JSON.stringify({ argv, total: total(list), shout: shout(list) }) + '\\n');
  return 0;
};
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, argv: string[], cacheRoot: string | undefined): Run {
  const driver = `require(${JSON.stringify(LOADER)}).runBundle(${JSON.stringify(file)}, ${JSON.stringify(argv)}, ${JSON.stringify(cacheRoot)}).then((code) => { process.exitCode = code; });`;
  const r = spawnSync(process.execPath, ['-e', driver], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function setup(): { dir: string; file: string; root: string; caches: () => string[] } {
  const dir = scratchHome('aio-code-cache-');
  const file = join(dir, 'main.js');
  writeFileSync(file, finishBundle(BUNDLE));
  const root = join(dir, 'cache');
  const caches = () => {
    const d = join(root, 'ai-observer');
    return existsSync(d) ? readdirSync(d).sort() : [];
  };
  return { dir, file, root, caches };
}

const expected = (argv: string[]) => {
  const list = Array.from({ length: Number(argv[1] ?? 3) }, (_, i) => `w${i}`);
  return `${JSON.stringify({
    argv,
    total: list.reduce((s, w) => s + w.length, 0),
    shout: list.map((w) => w.toUpperCase()).join(' — '),
  })}\n`;
};

test('written after the first run, reused unchanged after, and the output is the same', () => {
  const { file, root, caches } = setup();
  const first = run(file, ['report', '5'], root);
  assert.deepEqual(first, { status: 0, stdout: expected(['report', '5']), stderr: '' });
  const [name, ...more] = caches();
  assert.deepEqual(more, []);
  const st = statSync(file);
  const hash = readFileSync(file, 'utf8').trimEnd().split('\n').pop()!.slice('// build '.length);
  assert.equal(name, `${hash}-${st.size}-${Math.trunc(st.mtimeMs)}.report.cache`);
  const cacheFile = join(root, 'ai-observer', name!);
  const before = statSync(cacheFile);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(run(file, ['report', '7'], root), {
      status: 0,
      stdout: expected(['report', '7']),
      stderr: '',
    });
  }
  const after = statSync(cacheFile);
  assert.equal(after.ino, before.ino, 'not rewritten: V8 took it');
  assert.equal(after.mtimeMs, before.mtimeMs);
});

test('the cache holds the code that ran, not only what was compiled up front', () => {
  const { file, root, caches } = setup();
  run(file, ['report'], root);
  const taken = readFileSync(join(root, 'ai-observer', caches()[0]!));
  const source = readFileSync(file, 'utf8');
  const upFront = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file },
  ).createCachedData();
  assert.ok(
    taken.length > upFront.length,
    `${taken.length} bytes after the run, ${upFront.length} compiled up front`,
  );
});

test('a cache V8 refuses is written anew, and the command runs as ever', () => {
  const { file, root, caches } = setup();
  run(file, ['report'], root);
  const cacheFile = join(root, 'ai-observer', caches()[0]!);
  const junk = Buffer.alloc(statSync(cacheFile).size, 7);
  writeFileSync(cacheFile, junk);
  assert.deepEqual(run(file, ['report', '4'], root), {
    status: 0,
    stdout: expected(['report', '4']),
    stderr: '',
  });
  assert.notDeepEqual(readFileSync(cacheFile), junk);
  assert.deepEqual(caches(), [caches()[0]], 'no temporary file left');
});

test('a cache directory others may write to is neither read nor written', () => {
  const { file, root, caches } = setup();
  run(file, ['report'], root);
  const dir = join(root, 'ai-observer');
  const cacheFile = join(dir, caches()[0]!);
  chmodSync(dir, 0o777);
  const planted = Buffer.alloc(statSync(cacheFile).size, 9);
  writeFileSync(cacheFile, planted);
  assert.deepEqual(run(file, ['report'], root), {
    status: 0,
    stdout: expected(['report']),
    stderr: '',
  });
  assert.deepEqual(
    readFileSync(cacheFile),
    planted,
    'not read (it would be refused and rewritten)',
  );
  chmodSync(dir, 0o700);
});

test('one cache per kind of command; a failed command leaves none', () => {
  const { file, root, caches } = setup();
  assert.equal(run(file, ['fail'], root).status, 2);
  assert.deepEqual(caches(), []);
  run(file, ['report'], root);
  run(file, ['statusline'], root);
  assert.deepEqual(
    caches().map((n) => n.split('.').slice(1).join('.')),
    ['report.cache', 'statusline.cache'],
  );
});

test('a bundle edited by hand gets a cache of its own', () => {
  const { file, root, caches } = setup();
  run(file, ['report'], root);
  const later = new Date(Date.now() + 5000);
  utimesSync(file, later, later);
  run(file, ['report'], root);
  assert.equal(caches().length, 2, 'a new name; the other build’s is not a day old');
});

test('caches of other builds and dead writes go once a day old', () => {
  const { file, root, caches } = setup();
  const dir = join(root, 'ai-observer');
  mkdirSync(dir, { recursive: true });
  const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  for (const name of ['0123456789abcdef-1-1.report.cache', 'x.report.cache.99.tmp']) {
    writeFileSync(join(dir, name), 'old');
    utimesSync(join(dir, name), old, old);
  }
  writeFileSync(join(dir, 'fedcba9876543210-1-1.report.cache'), 'recent');
  run(file, ['report'], root);
  const left = caches();
  assert.equal(left.length, 2);
  assert.ok(left.includes('fedcba9876543210-1-1.report.cache'));
  assert.ok(!left.includes('0123456789abcdef-1-1.report.cache'));
});

test('no cache where it cannot be written, none asked for, none for a file the build did not write', () => {
  const { dir, file, root, caches } = setup();
  // A file where the cache directory would be.
  writeFileSync(root, '');
  assert.deepEqual(run(file, ['report'], root), {
    status: 0,
    stdout: expected(['report']),
    stderr: '',
  });
  const readOnly = join(dir, 'read-only');
  mkdirSync(readOnly, { mode: 0o500 });
  assert.equal(run(file, ['report'], readOnly).status, 0);
  chmodSync(readOnly, 0o700);
  assert.equal(run(file, ['report'], undefined).status, 0);
  // Not from scripts/build.ts: no build line, and UTF-8 that is not ASCII.
  const plain = join(dir, 'plain.js');
  writeFileSync(plain, BUNDLE);
  const other = join(dir, 'other-cache');
  assert.deepEqual(run(plain, ['report'], other), {
    status: 0,
    stdout: expected(['report']),
    stderr: '',
  });
  assert.ok(!existsSync(join(other, 'ai-observer')));
  assert.deepEqual(caches(), []);
});

test('the kind of a command: its words, not its options or values', () => {
  assert.equal(commandKind(['report', 'daily', '--json']), 'report-daily');
  assert.equal(commandKind(['report', '--since', '2026-01-01']), 'report');
  assert.equal(commandKind(['statusline']), 'statusline');
  assert.equal(commandKind(['hook', 'claude']), 'hook-claude');
  assert.equal(commandKind(['ack', '3f2a9c1e-0d1b-4c55-9d7e-0123456789ab']), 'ack');
  assert.equal(commandKind(['prices', 'show', 'claude-opus-4-1']), 'prices-show');
  assert.equal(commandKind([]), 'main');
  assert.equal(commandKind(['--help']), 'main');
  assert.equal(commandKind(['../etc/passwd']), 'main');
});
