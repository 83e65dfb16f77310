// The bundled CLI, as `npm install` builds it and users run it: built by scripts/build.ts into a
// copy of the package, it finds its price table from dist/, runs from a cache of V8's code
// that bin/code-cache.js keeps once a command ran, and loads no package it does not use; a first
// import large enough for the parse worker (dist/parse-worker.js; a worker that fails says so
// on stderr) totals exactly what the corpus generator put in, with costs computed; its agent
// serves the web dashboard from dist/web/ and reads the catalog the build parsed (never the YAML).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { generateCorpus } from '../../bench/corpus/claude-corpus.ts';
import { readCatalogFile } from '../../src/catalog/load.ts';
import { WORKER_MIN_BYTES } from '../../src/sources/files/indexer.ts';
import { childEnv, scratchHome, startServe } from '../support/cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = process.execPath;
const pkg = mkdtempSync(join(tmpdir(), 'aio-bundle-'));
after(() => rmSync(pkg, { recursive: true, force: true }));

before(() => {
  for (const item of ['bin', 'data', 'scripts', 'src', 'package.json']) {
    cpSync(join(ROOT, item), join(pkg, item), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  execFileSync(NODE, [join(pkg, 'scripts', 'build.ts')], { cwd: pkg, stdio: 'pipe' });
  // Says on stderr, at exit, which of Node's internal modules and which files it loaded.
  writeFileSync(
    join(pkg, 'probe.cjs'),
    "process.on('exit', () => process.stderr.write([...process.moduleLoadList, ...Object.keys(require.cache)].join('\\n')));\n",
  );
  // Run the bundle alone: no source to fall back on.
  rmSync(join(pkg, 'src'), { recursive: true });
});

/** Runs the bundled CLI; anything on stderr (e.g. a parse worker that failed) fails the test. */
function cli(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(NODE, [join(pkg, 'bin', 'ai-observer.js'), ...args], {
    env: childEnv(env),
    encoding: 'utf8',
  });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  return r.stdout;
}

test('the bundles are CommonJS, ASCII, one file each: a command never starts Node’s ESM loader', () => {
  const files = readdirSync(join(pkg, 'dist'))
    .filter((f) => f.endsWith('.js'))
    .sort();
  assert.deepEqual(files, ['hook.js', 'main.js', 'parse-worker.js', 'report.js', 'statusline.js']);
  assert.deepEqual(JSON.parse(readFileSync(join(pkg, 'dist', 'package.json'), 'utf8')), {
    type: 'commonjs',
  });
  for (const f of files) {
    const code = readFileSync(join(pkg, 'dist', f), 'utf8');
    assert.doesNotMatch(code, /^(import|export) /m, f);
    assert.doesNotMatch(code, /import\.meta/, f);
    assert.doesNotMatch(code, /[^\n\t\x20-\x7e]/, `${f} is ASCII`);
    assert.match(code, /\n\/\/ build [0-9a-f]{32}\n$/, `${f} names its build`);
  }
  // Run as a program, as `npm start` does, the bundle's entry still knows it is the main one.
  const r = spawnSync(NODE, [join(pkg, 'dist', 'main.js'), 'version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(r.stdout.trim(), version);
  // A report loads no part of the ESM loader (modules it imports would be ES modules), and no
  // package the agent alone needs: those load when the code that imports them runs.
  const home = scratchHome('aio-bundle-probe-');
  const probe = spawnSync(
    NODE,
    [
      '--require',
      join(pkg, 'probe.cjs'),
      join(pkg, 'bin', 'ai-observer.js'),
      'report',
      'daily',
      '--json',
      '--no-index',
    ],
    { env: childEnv({ AI_OBSERVER_HOME: home }), encoding: 'utf8' },
  );
  rmSync(home, { recursive: true, force: true });
  assert.equal(probe.status, 0, probe.stderr);
  assert.doesNotMatch(probe.stderr, /internal\/modules\/esm\/module_job/);
  assert.doesNotMatch(probe.stderr, /node_modules/);
});

test('the bundle runs from a cache of the code a command ran, kept per kind of command', () => {
  const home = scratchHome('aio-bundle-cache-');
  const cacheRoot = join(home, 'compile-cache');
  const env = { AI_OBSERVER_HOME: home, NODE_COMPILE_CACHE: cacheRoot };
  const caches = () =>
    readdirSync(cacheRoot, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.cache'))
      .map((f) => f.split('.').slice(-2, -1)[0]!)
      .sort();
  const first = cli(['report', 'daily', '--json', '--no-index'], env);
  assert.deepEqual(caches(), ['report-daily']);
  assert.equal(cli(['report', 'daily', '--json', '--no-index'], env), first);
  cli(['version'], env);
  assert.deepEqual(caches(), ['report-daily', 'version']);
  // Off with Node's own switch.
  const off = scratchHome('aio-bundle-nocache-');
  cli(['version'], {
    AI_OBSERVER_HOME: off,
    NODE_COMPILE_CACHE: join(off, 'cc'),
    NODE_DISABLE_COMPILE_CACHE: '1',
  });
  assert.equal(existsSync(join(off, 'cc')), false);
});

test('a command that runs often has a bundle of its own, which does what the whole CLI does', () => {
  for (const name of ['report', 'statusline', 'hook']) {
    const code = readFileSync(join(pkg, 'dist', `${name}.js`), 'utf8');
    assert.ok(code.length < readFileSync(join(pkg, 'dist', 'main.js'), 'utf8').length / 2, name);
    assert.doesNotMatch(code, /@grpc\/grpc-js|function serve\(/, `${name} holds no agent`);
  }
  const home = scratchHome('aio-bundle-own-');
  const env = childEnv({ AI_OBSERVER_HOME: home });
  const whole = (args: string[], input = '') =>
    spawnSync(NODE, [join(pkg, 'dist', 'main.js'), ...args], { env, input, encoding: 'utf8' });
  const own = (args: string[], input = '') =>
    spawnSync(NODE, [join(pkg, 'bin', 'ai-observer.js'), ...args], {
      env,
      input,
      encoding: 'utf8',
    });
  const session = JSON.stringify({ session_id: 's1', model: { display_name: 'Opus' } });
  for (const [args, input] of [
    [['report', 'daily', '--json', '--no-index'], ''],
    [['report', 'monthly', '--no-index'], ''],
    [['report', 'daily', '--since', 'yesterday'], ''],
    [['statusline'], session],
    [['hook', 'claude'], '{}'],
  ] as const) {
    const a = whole([...args], input);
    const b = own([...args], input);
    assert.deepEqual(
      { status: b.status, stdout: b.stdout, stderr: b.stderr },
      { status: a.status, stdout: a.stdout, stderr: a.stderr },
      args.join(' '),
    );
  }
});

test('the bundle knows its version', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(cli(['version'], {}).trim(), version);
});

test('a first import on the bundle’s parse worker totals what the corpus holds', () => {
  const corpus = join(pkg, 'corpus');
  const summary = generateCorpus({
    out: corpus,
    sizeBytes: WORKER_MIN_BYTES + 8 * 1024 * 1024,
    sessions: 40,
    seed: 11,
    end: '2026-11-20',
    days: 30,
  });
  assert.ok(summary.bytes >= WORKER_MIN_BYTES, 'big enough for the worker');
  const home = scratchHome('aio-bundle-home-');
  try {
    const out = JSON.parse(
      cli(['report', 'daily', '--json', '--timezone', 'UTC'], {
        AI_OBSERVER_HOME: home,
        CLAUDE_CONFIG_DIR: corpus,
      }),
    );
    const e = summary.expected;
    assert.equal(out.totals.requests, e.requests);
    assert.equal(out.totals.inputTokens, e.inputTokens);
    assert.equal(out.totals.outputTokens, e.outputTokens);
    assert.equal(out.totals.cacheReadTokens, e.cacheReadTokens);
    assert.equal(out.totals.cacheWriteTokens, e.cacheCreationTokens);
    assert.equal(out.totals.totalTokens, e.totalTokens);
    // Priced from the shipped table, found from the bundle.
    assert.equal(out.totals.costBasis, 'computed');
    assert.ok(Math.abs(out.totals.costUsd - e.costUsd.ccusageRule) < 0.01);
    assert.deepEqual(
      out.rows.map((r: { period: string }) => r.period),
      Object.keys(e.byDay).sort(),
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('the bundled agent serves the dashboard it was built with', async () => {
  const home = scratchHome('aio-bundle-web-');
  const served = await startServe(
    { AI_OBSERVER_HOME: home },
    ['--no-grpc'],
    join(pkg, 'bin', 'ai-observer.js'),
  );
  try {
    const page = await fetch(`${served.url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.equal(html, readFileSync(join(pkg, 'dist', 'web', 'index.html'), 'utf8'));
    const assets = [...html.matchAll(/\/assets\/([\w.-]+)/g)].map((m) => m[1]!);
    assert.equal(assets.length, 2, 'a script and a stylesheet');
    for (const name of assets) {
      const res = await fetch(`${served.url}/assets/${name}`);
      assert.equal(res.status, 200, name);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const body = Buffer.from(await res.arrayBuffer());
      assert.deepEqual(body, readFileSync(join(pkg, 'dist', 'web', 'assets', name)));
    }
  } finally {
    await served.stop();
  }
});

test('the bundled agent reads the catalog the build parsed, not the YAML', async () => {
  const yamlFile = join(pkg, 'data', 'catalog.yaml');
  const built = JSON.parse(readFileSync(join(pkg, 'dist', 'catalog.json'), 'utf8'));
  assert.deepEqual(built, readCatalogFile(yamlFile), 'the same document as the YAML');
  const yaml = readFileSync(yamlFile, 'utf8');
  // A catalog.yaml that cannot be parsed: an agent that read it would stop with a config error.
  writeFileSync(yamlFile, 'apps: [unclosed\n');
  const home = scratchHome('aio-bundle-catalog-');
  try {
    const served = await startServe(
      { AI_OBSERVER_HOME: home },
      ['--no-grpc'],
      join(pkg, 'bin', 'ai-observer.js'),
    );
    try {
      const res = await fetch(`${served.url}/health`);
      assert.equal(res.status, 200);
    } finally {
      await served.stop();
    }
  } finally {
    writeFileSync(yamlFile, yaml);
    rmSync(home, { recursive: true, force: true });
  }
});
