// The browser extension's routes on the real agent (`ai-observer serve`, a temporary home with
// a Chrome history): pairing through the CLI, the code and the pinned origin checked, bad
// payloads refused with nothing recorded, a retried event counted once, and extension time
// merged with the browser history's time for the same site (one union, never added).

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HistoryDb } from '../support/browser-history.ts';
import { runCli, type Served, scratchHome, startServe } from '../support/cli.ts';

const MIN = 60_000;
const ORIGIN = `chrome-extension://${'a'.repeat(32)}`;
const OTHER = `chrome-extension://${'b'.repeat(32)}`;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function post(
  url: string,
  route: string,
  opts: { code?: string; origin?: string; body?: unknown; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (opts.code !== undefined) headers.Authorization = `Bearer ${opts.code}`;
  if (opts.origin !== undefined) headers.Origin = opts.origin;
  const res = await fetch(`${url}/api/extension/${route}`, {
    method: 'POST',
    headers,
    body: opts.raw ?? JSON.stringify(opts.body ?? {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('extension routes on the agent', () => {
  // On a quarter hour, two hours ago: the history's two visits share a count bucket.
  const t0 = Math.floor(Date.now() / (15 * MIN)) * 15 * MIN - 2 * 60 * MIN;
  const env: NodeJS.ProcessEnv = {};
  let agent: Served;
  let code = '';
  const browser = { name: 'Chromium', version: '156' };

  before(async () => {
    env.AI_OBSERVER_HOME = scratchHome();
    env.HOME = scratchHome('aio-user-');
    const chrome = new HistoryDb(
      join(env.HOME, '.config', 'google-chrome', 'Default', 'History'),
      'chromium',
    );
    chrome.add([
      { url: 'https://chatgpt.com/c/1', ts: t0 },
      { url: 'https://chatgpt.com/c/2', ts: t0 + 10 * MIN },
    ]);
    chrome.close();
    agent = await startServe({ ...env, AI_OBSERVER_ACTIVITY_PROCESSES: 'false' });
  });
  after(async () => {
    await agent?.stop();
  });

  const report = async () => {
    const since = new Date(t0 - 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const r = await runCli(['report', 'sites', '--json', '--timezone', 'UTC', '--since', since], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { rows: Array<Record<string, unknown>> }).rows;
  };

  test('nothing is taken before pairing', async () => {
    const r = await post(agent.url, 'events', { code: 'x', origin: ORIGIN, body: {} });
    assert.equal(r.status, 401);
    assert.match(String(r.body.error), /no extension is paired.*ai-observer extension pair/);
  });

  test('pairing: the code, then the first origin is pinned; the file is 0600 and has no code', async () => {
    const p = await runCli(['extension', 'pair', '--json'], { env });
    assert.equal(p.code, 0, p.stderr);
    const paired = JSON.parse(p.stdout) as { code: string; file: string };
    code = paired.code;
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(statSync(paired.file).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(paired.file, 'utf8'), new RegExp(code));

    const doctor = async () => {
      const d = await runCli(['doctor', '--json'], { env });
      assert.equal(d.code, 0, d.stderr);
      return JSON.parse(d.stdout) as {
        extension: { paired: boolean; origin: string | null };
        problems: string[];
      };
    };
    const before = await doctor();
    assert.deepEqual([before.extension.paired, before.extension.origin], [true, null]);
    assert.ok(before.problems.some((x) => /extension is paired but has not connected/.test(x)));

    const wrong = await post(agent.url, 'pair', { code: `${code.slice(0, -1)}x`, origin: ORIGIN });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'missing or wrong pairing code');
    assert.equal((await post(agent.url, 'pair', { origin: ORIGIN })).status, 401);
    const noOrigin = await post(agent.url, 'pair', { code });
    assert.equal(noOrigin.status, 403);
    const early = await post(agent.url, 'catalog', { code, origin: ORIGIN });
    assert.equal(early.status, 403);
    assert.match(String(early.body.error), /not paired yet/);

    const ok = await post(agent.url, 'pair', { code, origin: ORIGIN });
    assert.equal(ok.status, 200);
    const other = await post(agent.url, 'pair', { code, origin: OTHER });
    assert.equal(other.status, 403);
    assert.match(String(other.body.error), /is not the paired extension/);
    assert.equal(JSON.parse(readFileSync(paired.file, 'utf8')).origin, ORIGIN);
    assert.match(agent.stderr(), /extension: paired with chrome-extension:\/\/a{32}/);
    assert.doesNotMatch(agent.stderr(), new RegExp(code), 'the code is never logged');

    const connected = await doctor();
    assert.equal(connected.extension.origin, ORIGIN);
    assert.ok(!connected.problems.some((x) => /extension/.test(x)));

    const status = await runCli(['extension', 'status'], { env });
    assert.match(status.stdout, /Paired with chrome-extension:\/\/a{32}/);
  });

  test('the catalog comes from the agent; GET and unknown routes are refused', async () => {
    const r = await post(agent.url, 'catalog', { code, origin: ORIGIN });
    assert.equal(r.status, 200);
    const sites = r.body.sites as Array<{ entry: string; domain: string; pathPrefix: string }>;
    assert.ok(sites.some((s) => s.entry === 'chatgpt' && s.domain === 'chatgpt.com'));
    assert.ok(sites.some((s) => s.pathPrefix !== ''));
    const get = await fetch(`${agent.url}/api/extension/catalog`);
    assert.equal(get.status, 405);
    assert.equal((await post(agent.url, 'nope', { code, origin: ORIGIN })).status, 404);
  });

  test('a foreign Host is refused before anything else', async () => {
    const port = new URL(agent.url).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/extension/pair',
          method: 'POST',
          headers: { Host: 'evil.example', Origin: ORIGIN, Authorization: `Bearer ${code}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  });

  test('bad payloads: a clear 400 and nothing recorded', async () => {
    const good = {
      id: 'bad-test-0001',
      type: 'visit',
      entry: 'chatgpt',
      site: 'chatgpt.com',
      ts: t0,
    };
    const cases: Array<[unknown, RegExp]> = [
      [
        { browser, events: [{ ...good, url: 'https://chatgpt.com/c/1' }] },
        /events\[0\]\.url: is not a field/,
      ],
      [{ browser, events: [good, { ...good, id: 'x' }] }, /events\[1\]\.id: must be 8 to 64/],
      [{ browser, events: [{ ...good, type: 'scroll' }] }, /events\[0\]\.type/],
      [
        {
          browser,
          events: [
            {
              id: 'bad-test-0002',
              type: 'time',
              entry: 'chatgpt',
              site: 'chatgpt.com',
              start: t0,
              end: t0 - 1,
            },
          ],
        },
        /events\[0\]\.end: is before its start/,
      ],
      [
        { browser, events: [{ ...good, ts: Date.now() + 3_600_000 }] },
        /events\[0\]\.ts: is in the future/,
      ],
      [{ events: [good] }, /browser: must be an object/],
      [{ browser, events: 'x' }, /events: must be an array/],
    ];
    for (const [body, message] of cases) {
      const r = await post(agent.url, 'events', { code, origin: ORIGIN, body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(String(r.body.error), message);
    }
    const notJson = await post(agent.url, 'events', { code, origin: ORIGIN, raw: '{"browser":' });
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.body.error), /not JSON/);
    const status = await runCli(['extension', 'status', '--json'], { env });
    assert.deepEqual(JSON.parse(status.stdout).browsers, []);
  });

  test('extension time merges with the history time for the same site; a retry counts once', async () => {
    // The agent reads the history on start.
    let rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      rows = await report();
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(rows[0]?.subject, 'chatgpt.com');
    assert.equal(rows[0]?.activeSeconds, 11 * 60, 'history: two visits 10 min apart + 1 min');
    assert.equal(rows[0]?.visits, 2);

    const events = [
      {
        id: 'merge-time-1',
        type: 'time',
        entry: 'chatgpt',
        site: 'chatgpt.com',
        start: t0 + 5 * MIN,
        end: t0 + 20 * MIN,
      },
      { id: 'merge-visit-1', type: 'visit', entry: 'chatgpt', site: 'chatgpt.com', ts: t0 + 1000 },
      {
        id: 'merge-visit-2',
        type: 'visit',
        entry: 'chatgpt',
        site: 'chatgpt.com',
        ts: t0 + 10 * MIN + 1000,
      },
      {
        id: 'merge-other-1',
        type: 'visit',
        entry: 'gone-from-catalog',
        site: 'example.org',
        ts: t0,
      },
    ];
    const first = await post(agent.url, 'events', {
      code,
      origin: ORIGIN,
      body: { browser, events },
    });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { taken: 3, duplicates: 0, ignored: 1 });
    const again = await post(agent.url, 'events', {
      code,
      origin: ORIGIN,
      body: { browser, events },
    });
    assert.deepEqual(again.body, { taken: 0, duplicates: 3, ignored: 1 });

    rows = await report();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.activeSeconds, 20 * 60, 'one union: t0 … t0+20 min, not 11 + 15');
    assert.equal(rows[0]!.visits, 2, 'the same two visits seen by both: 2, not 4');
    assert.deepEqual(rows[0]!.sources, ['history', 'extension']);

    const status = await runCli(['extension', 'status', '--json'], { env });
    const browsers = JSON.parse(status.stdout).browsers as Array<{
      browser: string;
      events: number;
    }>;
    assert.deepEqual(
      browsers.map((b) => [b.browser, b.events]),
      [['Chromium', 3]],
    );
  });

  test('today: time per site for the popup', async () => {
    const now = Date.now();
    const r = await post(agent.url, 'events', {
      code,
      origin: ORIGIN,
      body: {
        browser,
        events: [
          {
            id: 'today-time-1',
            type: 'time',
            entry: 'claude-web',
            site: 'claude.ai',
            start: now - 90_000,
            end: now - 30_000,
          },
        ],
      },
    });
    assert.equal(r.status, 200);
    const today = await post(agent.url, 'today', { code, origin: ORIGIN });
    assert.equal(today.status, 200);
    const sites = today.body.sites as Array<{ site: string; seconds: number; name: string }>;
    const claude = sites.find((s) => s.site === 'claude.ai');
    assert.equal(claude?.seconds, 60);
    assert.equal(claude?.name, 'Claude');
  });

  test('unpair: refused again', async () => {
    const r = await runCli(['extension', 'unpair'], { env });
    assert.equal(r.code, 0);
    assert.equal((await post(agent.url, 'today', { code, origin: ORIGIN })).status, 401);
  });
});
