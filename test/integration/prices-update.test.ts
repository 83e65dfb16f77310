// `ai-observer prices update` against a real HTTP server on loopback, then loadPriceTable.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { costOf, findPrice } from '../../src/domain/pricing.ts';
import { clearPriceTableCache, loadPriceTable } from '../../src/pricing/table.ts';
import { PriceUpdateError, updatePrices } from '../../src/pricing/update.ts';
import { runCli, scratchHome } from '../support/cli.ts';

/** A LiteLLM-format table: 150 made-up models plus a new price for gpt-5.5. */
function servedTable(): Record<string, unknown> {
  const t: Record<string, unknown> = {
    sample_spec: { input_cost_per_token: 0.0, litellm_provider: 'doc', mode: 'chat' },
    'gpt-5.5': {
      input_cost_per_token: 6e-6,
      output_cost_per_token: 3.6e-5,
      cache_read_input_token_cost: 6e-7,
      litellm_provider: 'openai',
      mode: 'chat',
      supports_vision: true,
      supported_endpoints: ['/v1/responses'],
    },
    'dall-e-9': {
      output_cost_per_image: 0.04,
      litellm_provider: 'openai',
      mode: 'image_generation',
    },
  };
  for (let i = 0; i < 150; i++) {
    t[`test-model-${i}`] = {
      input_cost_per_token: (i + 1) * 1e-7,
      output_cost_per_token: (i + 1) * 1e-6,
      litellm_provider: 'test',
      mode: 'chat',
    };
  }
  return t;
}

let server: Server;
let base: string;

before(async () => {
  const good = JSON.stringify(servedTable(), null, 4);
  server = createServer((req, res) => {
    switch (req.url) {
      case '/good': {
        // Chunked, without a content-length, as GitHub's raw files may come.
        res.writeHead(200, { 'content-type': 'application/json' });
        const half = Math.floor(good.length / 2);
        res.write(good.slice(0, half));
        setTimeout(() => res.end(good.slice(half)), 5);
        return;
      }
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html><body>Rate limited</body></html>');
        return;
      case '/empty':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      case '/array':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('[1, 2, 3]');
        return;
      case '/few': {
        const few = Object.fromEntries(Object.entries(servedTable()).slice(0, 20));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(few));
        return;
      }
      case '/oversize':
        // Says it is bigger than the 20 MB cap: refused before the body is read.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 30_000_000 });
        res.write('{"a": ');
        setTimeout(() => res.destroy(), 200);
        return;
      case '/hang':
        return; // never answers
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

describe('prices update', () => {
  const home = scratchHome('aio-prices-');
  const env = { AI_OBSERVER_HOME: home };
  const dataDir = join(home, 'data');
  const file = join(dataDir, 'prices.json');

  test('downloads, writes <dataDir>/prices.json and loadPriceTable uses it', async () => {
    const r = await runCli(['prices', 'update', '--url', `${base}/good`], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /151 models/);
    assert.ok(r.stdout.includes(`${base}/good`), r.stdout);
    assert.ok(existsSync(file));
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(written._ai_observer?.source, `${base}/good`);
    assert.equal(written['dall-e-9'], undefined, 'entries without token prices are dropped');
    assert.equal(written['gpt-5.5']?.supports_vision, undefined, 'only price fields are kept');

    clearPriceTableCache();
    const table = loadPriceTable({ dataDir });
    assert.equal(findPrice(table, 'test-model-1')?.price.output, 2e-6);
    assert.equal(findPrice(table, 'openai/gpt-5.5')?.price.input, 6e-6, 'the download wins');
    assert.ok(findPrice(table, 'claude-opus-5-5'), 'the shipped table fills the gaps');
    assert.ok(table.sources.some((s) => s.includes(file)));

    // Overrides still win over both.
    const over = loadPriceTable({
      dataDir,
      overrides: { 'gpt-5.5': { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 } },
    });
    assert.equal(findPrice(over, 'gpt-5.5')?.price.input, 1e-6);

    const show = await runCli(['prices', 'show', 'openai/gpt-5.5'], { env });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /\$6\.00 \/ M/);
    assert.match(show.stdout, /\$36\.00 \/ M/);
  });

  const bad: Array<[path: string, message: RegExp]> = [
    ['/html', /did not answer with JSON \(it starts with "<!DOCTYPE html>/],
    ['/empty', /0 models with numeric input_cost_per_token.*at least 100/],
    ['/array', /not a price table/],
    ['/few', /18 models .*at least 100/], // 20 keys: sample_spec and an image model do not count
    ['/missing', /HTTP 404/],
    ['/oversize', /30000000 bytes, more than the 20971520-byte limit/],
  ];
  for (const [path, message] of bad) {
    test(`a bad answer (${path}) is one clear line, exit 1, and the old file stays`, async () => {
      const before = readFileSync(file);
      const mtime = statSync(file).mtimeMs;
      const r = await runCli(['prices', 'update', '--url', `${base}${path}`], { env });
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.deepEqual(readFileSync(file), before);
      assert.equal(statSync(file).mtimeMs, mtime);
    });
  }

  test('an unreachable server is exit 1', async () => {
    const r = await runCli(['prices', 'update', '--url', 'http://127.0.0.1:1/prices.json'], {
      env,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot download http:\/\/127\.0\.0\.1:1\/prices\.json/);
  });

  test('usage errors are exit 2', async () => {
    for (const args of [
      ['prices'],
      ['prices', 'frobnicate'],
      ['prices', 'update', '--url', 'ftp://example/prices.json'],
      ['prices', 'update', '--min-models', 'many'],
      ['prices', 'show'],
    ]) {
      const r = await runCli(args, { env });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  test('show: an unknown model is exit 1', async () => {
    const r = await runCli(['prices', 'show', 'no-such-model-7'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no price known for model "no-such-model-7"/);
  });
});

describe('prices show with config overrides', () => {
  test('an override is used, a bad one is a config error naming model and field (exit 2)', async () => {
    const home = scratchHome('aio-prices-cfg-');
    mkdirSync(join(home, 'config'));
    const cfg = join(home, 'config', 'config.yaml');
    writeFileSync(
      cfg,
      'pricing:\n  overrides:\n    my-model: { input_cost_per_token: 4e-6, output_cost_per_token: 2e-5 }\n',
    );
    const ok = await runCli(['prices', 'show', 'my-model'], { env: { AI_OBSERVER_HOME: home } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /input\s+\$4\.00 \/ M/);
    writeFileSync(
      cfg,
      'pricing:\n  overrides:\n    my-model: { input_cost_per_token: cheap, output_cost_per_token: 2e-5 }\n',
    );
    const bad = await runCli(['prices', 'show', 'my-model'], { env: { AI_OBSERVER_HOME: home } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /pricing\.overrides.*"my-model".*input_cost_per_token/);
  });
});

describe('updatePrices limits', () => {
  test('a body growing past the byte cap is refused while streaming', async () => {
    const dataDir = join(scratchHome('aio-prices-cap-'), 'data');
    await assert.rejects(
      updatePrices({ url: `${base}/good`, dataDir, maxBytes: 1000 }),
      (err: Error) =>
        err instanceof PriceUpdateError && /more than the 1000-byte limit/.test(err.message),
    );
    assert.ok(!existsSync(join(dataDir, 'prices.json')));
  });

  test('a server that never answers times out', async () => {
    const dataDir = join(scratchHome('aio-prices-hang-'), 'data');
    await assert.rejects(
      updatePrices({ url: `${base}/hang`, dataDir, timeoutMs: 300 }),
      (err: Error) =>
        err instanceof PriceUpdateError && /no complete answer in 300 ms/.test(err.message),
    );
  });

  test('the downloaded prices compute costs', async () => {
    const dataDir = join(scratchHome('aio-prices-ok-'), 'data');
    const r = await updatePrices({ url: `${base}/good`, dataDir });
    assert.equal(r.models, 151);
    const table = loadPriceTable({ dataDir });
    const price = findPrice(table, 'test-model-0')!.price;
    assert.ok(
      Math.abs(
        costOf(
          { input: 10, output: 1, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 0 },
          price,
        ) - 2e-6,
      ) < 1e-15,
    );
  });
});
