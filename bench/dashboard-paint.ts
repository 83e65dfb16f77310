// The dashboard's first meaningful paint over a year of history: Debian's Chromium (headless,
// through playwright-core) opens the page served by the real agent (`ai-observer serve`, the
// bundle) whose ledger holds the history, and reads the page's own Performance marks:
// `aio:board` (the live sessions board rendered from the event stream) and `aio:summary` (the
// cost summary rendered from /api/summary), both in the frame that paints them, measured from
// the start of the navigation. First meaningful paint = the later of the two. `aio:charts` (the
// usage charts' data rendered) is reported beside it. Goal (issue 6): under 500 ms.
//
//   npm run build && node bench/dashboard-paint.ts [--home DIR] [--runs 15] [--sessions 20]
//
// --home: an AI_OBSERVER_HOME whose ledger is filled already (bench/corpus/history.ts writes
// one: `node bench/corpus/history.ts --home DIR`, 2 million requests over 365 days). Without
// it, a small history (--events, default 100 000 requests over 365 days) is generated into a
// temporary home and removed after. --sessions live sessions are posted over OTLP first, so
// the board has rows to render.
//
// Cold: a new browser context per run (empty cache: every asset and API answer fetched).
// Warm: one context reloaded (the hashed assets come from the browser's cache; the page is
// revalidated by its ETag; the API is asked again). One navigation before each series is not
// counted (the agent's first queries, Chromium's first page).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/support/browser.ts';
import { claudeLogsRequest, toProtobuf } from '../test/support/otlp-builders.ts';
import { writeHistory } from './corpus/history.ts';
import { ROOT, startAgent } from './lib/agent.ts';
import { fmt, summarize } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    runs: { type: 'string', default: '15' },
    events: { type: 'string', default: '100000' },
    sessions: { type: 'string', default: '20' },
  },
});
const runs = Number(values.runs);
const RUN_TIMEOUT_MS = 15_000;

let home = values.home;
const scratch = mkdtempSync(join(tmpdir(), 'aio-paint-bench-'));
if (home === undefined) {
  home = join(scratch, 'home');
  const t = performance.now();
  const n = writeHistory({ home, events: Number(values.events), days: 365 });
  console.log(`history: ${n} requests in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// An empty HOME: the agent indexes no transcripts of whoever runs this while it is measured.
const agent = await startAgent({ home, grpc: false, env: { HOME: join(scratch, 'user-home') } });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
});

interface Paint {
  board: number;
  summary: number;
  charts: number;
  fmp: number;
  /** Bytes the page's own files and API answers took on the wire. */
  bytes: number;
}

async function paint(
  context: BrowserContext,
  reuse?: Awaited<ReturnType<BrowserContext['newPage']>>,
) {
  const page = reuse ?? (await context.newPage());
  if (reuse === undefined) await page.goto(`${agent.url}/`, { waitUntil: 'commit' });
  else await page.reload({ waitUntil: 'commit' });
  const marks = await page.waitForFunction(
    () => {
      const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime;
      const board = at('aio:board');
      const summary = at('aio:summary');
      const charts = at('aio:charts');
      if (board === undefined || summary === undefined || charts === undefined) return false;
      const bytes = performance
        .getEntriesByType('resource')
        .reduce((sum, e) => sum + ((e as { transferSize?: number }).transferSize ?? 0), 0);
      return { board, summary, charts, bytes };
    },
    undefined,
    { timeout: RUN_TIMEOUT_MS, polling: 'raf' },
  );
  const m = (await marks.jsonValue()) as Omit<Paint, 'fmp'>;
  return { page, paint: { ...m, fmp: Math.max(m.board, m.summary) } };
}

try {
  for (let i = 0; i < Number(values.sessions); i++) {
    const body = toProtobuf(
      claudeLogsRequest({ sessionId: `bench-${i}`, count: 3, startMs: Date.now() - 60_000 }),
    );
    const res = await fetch(`${agent.url}/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body,
    });
    if (res.status !== 200) throw new Error(`OTLP post: ${res.status}`);
  }
  const summary = (await (await fetch(`${agent.url}/api/usage?period=total`)).json()) as {
    totals: { requests: number };
  };

  const cold: Paint[] = [];
  {
    const warmup = await browser.newContext();
    await paint(warmup);
    await warmup.close();
  }
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    cold.push((await paint(context)).paint);
    await context.close();
  }

  const warm: Paint[] = [];
  const context = await browser.newContext();
  const { page } = await paint(context);
  for (let i = 0; i < runs; i++) warm.push((await paint(context, page)).paint);
  await context.close();

  const assets = join(ROOT, 'dist', 'web', 'assets');
  const sizes = readdirSync(assets).map((name) => {
    const body = readFileSync(join(assets, name));
    return `${name} ${(body.length / 1024).toFixed(1)} KiB (${(gzipSync(body).length / 1024).toFixed(1)} KiB gzip)`;
  });
  console.log(
    `ledger: ${summary.totals.requests} requests; ${values.sessions} live sessions; ${runs} runs each`,
  );
  console.log(`assets: ${sizes.join(', ')}`);
  console.log('');
  console.log('series | figure | p50 ms | p90 ms | max ms');
  console.log('--- | --- | ---: | ---: | ---:');
  let worst = 0;
  for (const [name, series] of [
    ['cold (empty cache)', cold],
    ['warm (reload)', warm],
  ] as const) {
    for (const key of ['board', 'summary', 'fmp', 'charts'] as const) {
      const s = summarize(series.map((p) => p[key]));
      if (key === 'fmp') worst = Math.max(worst, s.p90);
      const label = key === 'fmp' ? '**first meaningful paint**' : `${key} rendered`;
      console.log(`${name} | ${label} | ${fmt(s.p50, 1)} | ${fmt(s.p90, 1)} | ${fmt(s.max, 1)}`);
    }
    const bytes = summarize(series.map((p) => p.bytes));
    console.log(`${name} | bytes transferred | ${fmt(bytes.p50, 0)} | | `);
  }
  console.log('');
  console.log(`worst p90 first meaningful paint: ${fmt(worst, 1)} ms (goal < 500 ms)`);
} finally {
  await browser.close();
  await agent.stop();
  rmSync(scratch, { recursive: true, force: true });
}
