// The dashboard API over a year of history: every rollup route timed against the real agent
// (`ai-observer serve`, the bundle) whose ledger holds at least two million requests from
// bench/corpus/history.ts. Goal (issue 6): every API rollup under 100 ms.
//
//   node bench/api.ts [--home DIR] [--runs 20]
//
// Without --home, a history is generated into a temporary home first (~20 s) and removed after.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHistory } from './corpus/history.ts';
import { startAgent } from './lib/agent.ts';
import { fmt, summarize } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    runs: { type: 'string', default: '20' },
    events: { type: 'string', default: '2000000' },
  },
});
const runs = Number(values.runs);
let home = values.home;
let made = false;
if (home === undefined) {
  home = mkdtempSync(join(tmpdir(), 'aio-api-bench-'));
  made = true;
  const t = performance.now();
  const n = writeHistory({ home, events: Number(values.events), days: 365 });
  console.log(`history: ${n} requests in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const agent = await startAgent({ home, grpc: false });
try {
  // The agent's start-up pass (its index of this machine's logs) settles first.
  await new Promise((r) => setTimeout(r, 2000));
  const get = async (path: string) => {
    const t = performance.now();
    const res = await fetch(agent.url + path);
    const body = await res.text();
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
    return { ms, body };
  };
  const usage = JSON.parse((await get('/api/usage?period=total')).body);
  const year = JSON.parse((await get('/api/usage?period=month&since=2000-01-01')).body);
  const first = year.rows[0]?.period ?? '2000-01';
  const since = `${first}-01`;
  const routes: Array<[string, string]> = [
    ['summary (today, week, month, block)', '/api/summary'],
    ['usage: 30 days by tool', '/api/usage?period=day&by=tool'],
    ['usage: a year by day and tool', `/api/usage?period=day&by=tool&since=${since}`],
    ['usage: a year by week and model', `/api/usage?period=week&by=model&since=${since}`],
    [
      'usage: a year by month, tool and model',
      `/api/usage?period=month&by=tool,model&since=${since}`,
    ],
    ['usage: a year by model (cache share)', `/api/usage?period=total&by=model&since=${since}`],
    ['usage: a year by project', `/api/usage?period=total&by=project&since=${since}`],
    [
      'usage: a year by day in Asia/Kolkata',
      `/api/usage?period=day&since=${since}&tz=Asia/Kolkata`,
    ],
    [
      'usage: a year by day in America/New_York',
      `/api/usage?period=day&since=${since}&tz=America/New_York`,
    ],
    ['usage: 2 days by hour and tool', '/api/usage?period=hour&by=tool'],
    ['usage: 31 days by hour', `/api/usage?period=hour&since=${daysAgo(30)}`],
    ['blocks: last 7 days', '/api/blocks'],
    ['sessions (live board)', '/api/sessions'],
  ];
  const sessionId = await biggestRecentSession();
  routes.push(['session detail (largest recent session)', `/api/sessions/${sessionId}`]);

  console.log(`ledger: ${usage.totals.requests} requests since ${since}; ${runs} runs per route`);
  console.log('route | first ms | p50 ms | p90 ms | max ms | bytes');
  console.log('--- | ---: | ---: | ---: | ---: | ---:');
  let worst = 0;
  for (const [name, path] of routes) {
    const firstRun = await get(path);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await get(path)).ms);
    const s = summarize(times);
    worst = Math.max(worst, s.p90);
    console.log(
      `${name} | ${fmt(firstRun.ms, 1)} | ${fmt(s.p50, 1)} | ${fmt(s.p90, 1)} | ${fmt(s.max, 1)} | ${firstRun.body.length}`,
    );
  }
  console.log(`worst p90: ${fmt(worst, 1)} ms (goal < 100 ms)`);
} finally {
  await agent.stop();
  if (made) rmSync(home, { recursive: true, force: true });
}

function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

/** The session with the most requests in the last three days (the history's session ids). */
async function biggestRecentSession(): Promise<string> {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(join(home!, 'data', 'ledger.sqlite'), { readOnly: true });
  try {
    const row = db
      .prepare(
        `SELECT session_id AS id FROM usage_rollup WHERE bucket >= ? GROUP BY session_id
         ORDER BY sum(requests) DESC LIMIT 1`,
      )
      .get(Date.now() - 3 * 86_400_000) as { id: string } | undefined;
    return encodeURIComponent(row?.id ?? 'none');
  } finally {
    db.close();
  }
}
