// The dashboard's usage API over a real SQLite ledger and the real HTTP port: every route's
// numbers against a known set of requests, every bad parameter a 400 that names it, and the
// routes wired into `serve` over what the agent itself receives.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LiveMonitor } from '../../src/daemon/monitor.ts';
import type { UsageEvent } from '../../src/domain/events.ts';
import { DEFAULT_TIMINGS } from '../../src/domain/sessions.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { activityApi } from '../../src/web/api/activity-api.ts';
import { usageApi } from '../../src/web/api/usage-api.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';
import { type Served, scratchHome, startServe } from '../support/cli.ts';
import { claudeLogsRequest, toProtobuf } from '../support/otlp-builders.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field below
type Json = any;

const NOW = Date.UTC(2026, 10, 21, 14, 30); // Saturday

function ev(key: string, ts: number, p: Partial<UsageEvent>): UsageEvent {
  return {
    key,
    ts,
    tool: 'claude-code',
    sessionId: 's1',
    model: 'claude-opus-5-5',
    project: 'alpha',
    tokens: {
      input: 100,
      output: 50,
      cacheRead: 300,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 0,
    },
    costUsd: 1,
    costBasis: 'reported',
    sources: ['log'],
    ...p,
  };
}

const EVENTS = [
  ev('today-1', Date.UTC(2026, 10, 21, 10, 5), {}),
  ev('today-2', Date.UTC(2026, 10, 21, 14, 10), { costUsd: 2 }),
  // 00:30 in Berlin on the 21st, still the 20th in UTC.
  ev('late', Date.UTC(2026, 10, 20, 23, 30), {
    tool: 'codex',
    sessionId: 's2',
    model: 'gpt-5.5',
    project: 'beta',
    costUsd: 0.5,
    costBasis: 'computed',
  }),
  ev('month', Date.UTC(2026, 10, 2, 9), {
    tool: 'gemini-cli',
    sessionId: 's3',
    model: 'gemini-3-pro',
    project: undefined,
    costUsd: undefined,
    costBasis: 'unknown',
  }),
  ev('october', Date.UTC(2026, 9, 15, 9), { sessionId: 's4', costUsd: 4 }),
];

function get(
  url: string,
  path: string,
  opts: { method?: string; host?: string } = {},
): Promise<{ status: number; body: Json; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? 'GET',
        headers: opts.host !== undefined ? { Host: opts.host } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text === '' ? undefined : JSON.parse(text),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('usage API over a SQLite ledger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aio-api-'));
  const store = new SqliteLedger(join(dir, 'ledger.sqlite'));
  const monitor = new LiveMonitor({ timings: DEFAULT_TIMINGS, maxSessions: 16 });
  let web: WebServer;
  let url: string;
  before(async () => {
    store.mergeUsage(EVENTS);
    // Cursor for 2 h from two sources that overlap by one (one union: 2 h, never 3), ChatGPT's
    // site for 30 min with 3 visits, aider typed twice; and a day outside the default range.
    const cursor = {
      subject: 'cursor',
      kind: 'app',
      entry: 'cursor',
      category: 'coding',
      rate: 20,
    } as const;
    const site = {
      subject: 'chatgpt.com',
      kind: 'site',
      entry: 'chatgpt-web',
      category: 'chat',
      rate: 0.5,
    } as const;
    store.commitActivity({
      intervals: [
        {
          ...cursor,
          start: Date.UTC(2026, 10, 21, 8),
          end: Date.UTC(2026, 10, 21, 9),
          source: 'process',
        },
        {
          ...cursor,
          start: Date.UTC(2026, 10, 21, 8, 30),
          end: Date.UTC(2026, 10, 21, 10),
          source: 'foreground',
        },
        {
          ...site,
          start: Date.UTC(2026, 10, 20, 12),
          end: Date.UTC(2026, 10, 20, 12, 30),
          source: 'history',
        },
        {
          ...cursor,
          start: Date.UTC(2026, 8, 1, 8),
          end: Date.UTC(2026, 8, 1, 9),
          source: 'process',
        },
      ],
      counts: [
        {
          bucket: Date.UTC(2026, 10, 20, 12),
          kind: 'site',
          subject: 'chatgpt.com',
          entry: 'chatgpt-web',
          category: 'chat',
          visits: 3,
          commands: 0,
        },
        {
          bucket: Date.UTC(2026, 10, 21, 11),
          kind: 'cli',
          subject: 'aider',
          entry: 'aider',
          category: 'coding',
          visits: 0,
          commands: 2,
        },
      ],
      cursors: [],
    });
    web = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      monitor,
      version: 'test',
      guard: { extraHosts: [], token: '' },
      maxBodyBytes: 1 << 20,
      maxConcurrentRequests: 16,
      maxInflightBytes: 1 << 24,
      usage: usageApi({
        store: () => store,
        liveSession: (id) => monitor.session(id),
        zone: 'UTC',
        now: () => NOW,
        activity: activityApi({
          store: () => store,
          catalog: loadCatalog({}),
          zone: 'UTC',
          now: () => NOW,
        }),
      }),
    });
    url = `http://127.0.0.1:${web.port}`;
  });
  after(async () => {
    await web.close();
    monitor.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('summary: today, this week and this month with their basis, and the running block', async () => {
    const r = await get(url, '/api/summary');
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'no-store');
    const s = r.body;
    assert.equal(s.timezone, 'UTC');
    assert.equal(s.today.requests, 2);
    assert.equal(s.today.costUsd, 3);
    assert.equal(s.today.costBasis, 'reported');
    assert.equal(s.today.since, Date.UTC(2026, 10, 21));
    assert.equal(s.week.requests, 3); // Monday the 16th on
    assert.equal(s.week.costBasis, 'mixed');
    assert.equal(s.week.costUsd, 3.5);
    assert.equal(s.month.requests, 4);
    assert.equal(s.month.cost.unpricedRequests, 1);
    assert.equal(s.block.start, '2026-11-21T10:00:00.000Z');
    assert.equal(s.block.requests, 2);
    assert.equal(s.block.active, true);
    assert.ok(s.block.burnRate.costPerHour > 0);

    const berlin = (await get(url, '/api/summary?tz=Europe/Berlin')).body;
    assert.equal(berlin.timezone, 'Europe/Berlin');
    assert.equal(berlin.today.requests, 3, 'the codex request is today in Berlin');
  });

  test('usage by day and tool, oldest first, with cache share', async () => {
    const r = await get(url, '/api/usage?period=day&by=tool&since=2026-11-01');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.rows.map((x: Json) => [x.period, x.tool, x.requests, x.costUsd]),
      [
        ['2026-11-02', 'gemini-cli', 1, 0],
        ['2026-11-20', 'codex', 1, 0.5],
        ['2026-11-21', 'claude-code', 2, 3],
      ],
    );
    assert.equal(r.body.rows[2].cacheShare, 0.75);
    assert.equal(r.body.totals.requests, 4);
    assert.equal(r.body.since, '2026-11-01');
    assert.equal(r.body.until, null);
  });

  test('usage by week, month, hour and in total; filters by tool and project', async () => {
    const weeks = (await get(url, '/api/usage?period=week&since=2026-10-01')).body;
    assert.deepEqual(
      weeks.rows.map((x: Json) => [x.period, x.requests]),
      [
        ['2026-10-12', 1],
        ['2026-11-02', 1], // a Monday
        ['2026-11-16', 3],
      ],
    );
    const months = (await get(url, '/api/usage?period=month&since=2026-10-01&by=model')).body;
    assert.deepEqual(
      months.rows.map((x: Json) => [x.period, x.model, x.requests]),
      [
        ['2026-10', 'claude-opus-5-5', 1],
        ['2026-11', 'claude-opus-5-5', 2],
        ['2026-11', 'gpt-5.5', 1],
        ['2026-11', 'gemini-3-pro', 1],
      ],
    );
    const hours = (await get(url, '/api/usage?period=hour&since=2026-11-21&tz=Europe/Berlin')).body;
    assert.deepEqual(
      hours.rows.map((x: Json) => [x.period, x.requests]),
      [
        ['2026-11-21T00', 1],
        ['2026-11-21T11', 1],
        ['2026-11-21T15', 1],
      ],
    );
    const total = (await get(url, '/api/usage?period=total&by=tool,project')).body;
    assert.equal(total.since, null);
    assert.equal(total.totals.requests, 5);
    assert.ok(total.rows.every((x: Json) => x.period === null));
    assert.deepEqual(total.rows.map((x: Json) => [x.tool, x.project]).sort(), [
      ['claude-code', 'alpha'],
      ['codex', 'beta'],
      ['gemini-cli', ''],
    ]);
    const claude = (await get(url, '/api/usage?period=total&tool=claude&project=alpha')).body;
    assert.equal(claude.totals.requests, 3);
  });

  test('blocks of the last week, the running one last', async () => {
    const r = (await get(url, '/api/blocks')).body;
    assert.equal(r.since, '2026-11-15');
    assert.deepEqual(
      r.rows.map((b: Json) => [b.start, b.requests, b.active]),
      [
        ['2026-11-20T23:00:00.000Z', 1, false],
        ['2026-11-21T10:00:00.000Z', 2, true],
      ],
    );
  });

  test('a session: its totals, timeline and requests; live when the monitor has it', async () => {
    const r = await get(url, '/api/sessions/s1');
    assert.equal(r.status, 200);
    assert.equal(r.body.live, null);
    assert.equal(r.body.tool, 'claude-code');
    assert.equal(r.body.project, 'alpha');
    assert.equal(r.body.totals.requests, 2);
    assert.deepEqual(
      r.body.timeline.map((t: Json) => [t.ts, t.requests]),
      [
        [Date.UTC(2026, 10, 21, 10), 1],
        [Date.UTC(2026, 10, 21, 14), 1],
      ],
    );
    assert.deepEqual(
      r.body.requests.map((q: Json) => [q.ts, q.totalTokens, q.costUsd, q.costBasis]),
      [
        [Date.UTC(2026, 10, 21, 10, 5), 450, 1, 'reported'],
        [Date.UTC(2026, 10, 21, 14, 10), 450, 2, 'reported'],
      ],
    );
    const missing = await get(url, '/api/sessions/nope');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /no session "nope"/);

    const id = 'live-only-session';
    monitor.hook('claude', {
      hook_event_name: 'UserPromptSubmit',
      session_id: id,
      cwd: '/w/gamma',
    });
    const live = await get(url, `/api/sessions/${id}`);
    assert.equal(live.status, 200);
    assert.equal(live.body.live.id, id);
    assert.equal(live.body.live.state, 'working');
    assert.equal(live.body.totals.requests, 0);
  });

  test('activity: time per app, site and CLI over 30 days, sources merged, costs estimated', async () => {
    const r = await get(url, '/api/activity');
    assert.equal(r.status, 200);
    assert.equal(r.body.since, '2026-10-23');
    const rows = Object.fromEntries(r.body.rows.map((x: Json) => [x.subject, x]));
    assert.equal(rows.Cursor.seconds, 7200, 'two overlapping sightings are one union');
    assert.deepEqual([...rows.Cursor.sources].sort(), ['foreground', 'process']);
    assert.equal(rows.Cursor.costBasis, 'estimated');
    assert.ok(rows.Cursor.estimatedCostUsd > 0);
    assert.equal(rows['chatgpt.com'].seconds, 1800);
    assert.equal(rows['chatgpt.com'].visits, 3);
    assert.equal(rows.aider.commands, 2);
    assert.deepEqual(
      r.body.byDay.map((d: Json) => [d.period, d.kind, d.seconds]),
      [
        ['2026-11-20', 'site', 1800],
        ['2026-11-21', 'app', 7200],
        ['2026-11-21', 'cli', 0],
      ],
    );
    const sites = (await get(url, '/api/activity?kind=site&since=2026-09-01')).body;
    assert.deepEqual(
      sites.rows.map((x: Json) => x.subject),
      ['chatgpt.com'],
    );
    const all = (await get(url, '/api/activity?since=2026-09-01&kind=app')).body;
    assert.equal(all.rows[0].seconds, 10_800, 'September counts with a wider range');
    const bad = await get(url, '/api/activity?kind=game');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /unknown kind "game"; use app, cli, site/);
  });

  test('bad parameters are 400s that say which and what would do', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/usage?period=year', /unknown period "year"; use hour, day, week, month, total/],
      ['/api/usage?by=session', /unknown dimension "session" in by; use tool, model, project/],
      ['/api/usage?by=tool,tool', /dimension "tool" is given twice/],
      ['/api/usage?since=2026-13-01', /invalid since "2026-13-01"/],
      ['/api/usage?until=yesterday', /invalid until "yesterday"/],
      [
        '/api/usage?since=2026-11-21&until=2026-11-01',
        /since 2026-11-21 is after until 2026-11-01/,
      ],
      ['/api/usage?tool=cursor', /unknown tool "cursor"; use claude-code, codex, gemini-cli/],
      ['/api/usage?project=', /project must be 1 to 256 characters/],
      ['/api/usage?tz=Mars/Olympus', /unknown time zone "Mars\/Olympus"/],
      ['/api/usage?color=red', /unknown parameter "color"/],
      ['/api/usage?period=day&period=week', /parameter "period" is given more than once/],
      ['/api/usage?period=hour&since=2026-01-01', /period=hour covers at most 31 days/],
      ['/api/summary?since=2026-01-01', /unknown parameter "since"; use tz/],
      ['/api/blocks?by=tool', /unknown parameter "by"/],
      ['/api/sessions/s1?x=1', /unknown parameter "x"; use none/],
      ['/api/sessions/%E0%A4%A', /not valid percent-encoding/],
    ];
    for (const [path, want] of cases) {
      const r = await get(url, path);
      assert.equal(r.status, 400, path);
      assert.match(r.body.error, want, path);
    }
  });

  test('only GET and HEAD; loopback Host only', async () => {
    for (const path of [
      '/api/summary',
      '/api/usage',
      '/api/blocks',
      '/api/activity',
      '/api/sessions/s1',
    ]) {
      const post = await get(url, path, { method: 'POST' });
      assert.equal(post.status, 405, path);
      assert.equal(post.headers.allow, 'GET');
      const head = await get(url, path, { method: 'HEAD' });
      assert.equal(head.status, 200, path);
      const evil = await get(url, path, { host: 'evil.example:4318' });
      assert.equal(evil.status, 403, path);
    }
  });
});

describe('usage API in the agent', () => {
  let served: Served;
  before(async () => {
    served = await startServe({ AI_OBSERVER_HOME: scratchHome(), HOME: scratchHome() }, [
      '--no-notify',
      '--no-grpc',
    ]);
  });
  after(async () => {
    await served.stop();
  });

  test('what the agent receives over OTLP is in the summary and the session', async () => {
    const sessionId = 'api-wiring-session';
    const body = toProtobuf(claudeLogsRequest({ sessionId, count: 3, startMs: Date.now() - 5000 }));
    const res = await fetch(`${served.url}/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body,
    });
    assert.equal(res.status, 200);
    const summary = (await get(served.url, '/api/summary')).body;
    assert.equal(summary.today.requests, 3);
    assert.equal(summary.today.costBasis, 'reported');
    const s = await get(served.url, `/api/sessions/${sessionId}`);
    assert.equal(s.status, 200);
    assert.equal(s.body.live.id, sessionId);
    assert.equal(s.body.requests.length, 3);
    assert.equal(s.body.totals.requests, 3);
    const usage = (await get(served.url, '/api/usage?period=day&by=model')).body;
    assert.equal(usage.rows.at(-1).model, 'claude-sonnet-4-5-20250929');
  });
});
