// Crash loop: the real agent (`ai-observer serve`) is killed with SIGKILL at random moments
// while OTLP batches arrive over HTTP and Claude Code transcript lines are appended to a file
// it indexes, and started again, `cycles` times. Between two runs the ledger is opened
// read-only and checked: `PRAGMA integrity_check` is ok, and every request the agent
// acknowledged (a 200 to its OTLP batch) is there exactly once. At the end the requests that
// were never acknowledged are sent again (as an exporter retries), the last run indexes the
// rest of the transcript, and the totals must equal those of a clean run: every request once,
// its tokens counted once, in the events and in the rollup sums alike.
//
//   node test/soak/crash-loop.ts [--cycles 200] [--seed 1] [--out FILE]
//
// The fast variant runs from test/integration/crash-loop.test.ts (10 cycles).

import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlite } from '../../src/store/sqlite/driver.ts';
import { logsRequest, msToNanos, toProtobuf } from '../support/otlp-builders.ts';
import { scratchHome, startServe } from '../support/cli.ts';

export interface CrashLoopResult {
  cycles: number;
  acknowledged: number;
  retried: number;
  logLines: number;
  events: number;
  /** Kill moments, ms after the agent said it listens. */
  killAfterMs: number[];
  elapsedMs: number;
}

/** A small deterministic generator, so that a failing seed can be run again. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const OTLP_TOKENS = { input: 3, output: 2 };
const LOG_TOKENS = { input: 5, output: 1 };

function batch(ids: number[]): Uint8Array {
  const now = Date.now();
  return toProtobuf(
    logsRequest({
      resource: { 'service.name': 'claude-code' },
      records: ids.map((id) => ({
        timeUnixNano: msToNanos(now),
        attrs: {
          'event.name': 'claude_code.api_request',
          'session.id': `crash-session-${id % 7}`,
          request_id: `req_otlp_${id}`,
          model: 'claude-sonnet-4-5',
          input_tokens: OTLP_TOKENS.input,
          output_tokens: OTLP_TOKENS.output,
          cost_usd: 0.001,
        },
      })),
    }),
  );
}

function logLine(n: number): string {
  return `${JSON.stringify({
    type: 'assistant',
    sessionId: 'crash-log',
    timestamp: new Date().toISOString(),
    cwd: '/work/crash',
    requestId: `req_log_${n}`,
    message: {
      id: `msg_log_${n}`,
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: LOG_TOKENS.input, output_tokens: LOG_TOKENS.output },
    },
  })}\n`;
}

async function post(url: string, body: Uint8Array): Promise<boolean> {
  try {
    const r = await fetch(`${url}/v1/logs`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-protobuf' },
      signal: AbortSignal.timeout(5000),
    });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false; // killed mid-request: not acknowledged
  }
}

/** The keys in the ledger with how often each is there, and the sums. */
function inspect(file: string) {
  const db = new (sqlite().DatabaseSync)(file, { readOnly: true });
  try {
    const check = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    const dup = db
      .prepare('SELECT key, count(*) AS n FROM usage_events GROUP BY key HAVING n > 1')
      .all();
    const keys = new Set(
      (db.prepare('SELECT key FROM usage_events').all() as Array<{ key: string }>).map(
        (r) => r.key,
      ),
    );
    const events = db
      .prepare(
        'SELECT count(*) AS n, coalesce(sum(input), 0) AS input, coalesce(sum(output), 0) AS output FROM usage_events',
      )
      .get() as { n: number; input: number; output: number };
    const rollup = db
      .prepare(
        'SELECT coalesce(sum(requests), 0) AS n, coalesce(sum(input), 0) AS input, coalesce(sum(output), 0) AS output FROM usage_rollup',
      )
      .get() as { n: number; input: number; output: number };
    return { integrity: check.map((r) => r.integrity_check).join(','), dup, keys, events, rollup };
  } finally {
    db.close();
  }
}

export async function runCrashLoop(o: {
  cycles: number;
  seed?: number;
  log?: (line: string) => void;
}): Promise<CrashLoopResult> {
  const log = o.log ?? (() => {});
  const random = rng(o.seed ?? 1);
  const started = Date.now();
  const home = scratchHome('aio-crash-');
  const claudeDir = join(home, 'claude');
  const projectDir = join(claudeDir, 'projects', '-work-crash');
  mkdirSync(projectDir, { recursive: true });
  const transcript = join(projectDir, 'crash-log.jsonl');
  writeFileSync(transcript, '');
  const env: NodeJS.ProcessEnv = {
    AI_OBSERVER_HOME: home,
    CLAUDE_CONFIG_DIR: claudeDir,
    AI_OBSERVER_NOTIFICATIONS_ENABLED: 'false',
    AI_OBSERVER_ACTIVITY_ENABLED: 'false',
    AI_OBSERVER_SERVER_GRPC: 'false',
    AI_OBSERVER_LEDGER_RESCAN_INTERVAL: '1s',
  };
  const file = join(home, 'data', 'ledger.sqlite');
  const acked = new Set<number>();
  const sent = new Set<number>();
  let nextId = 0;
  let lines = 0;
  const killAfterMs: number[] = [];

  for (let cycle = 1; cycle <= o.cycles; cycle++) {
    const agent = await startServe(env, ['--no-notify']);
    const upAt = Date.now();
    const killAt = 50 + Math.floor(random() * 900);
    killAfterMs.push(killAt);
    let stop = false;
    const sender = (async () => {
      while (!stop) {
        const ids = Array.from({ length: 1 + Math.floor(random() * 20) }, () => nextId++);
        for (const id of ids) sent.add(id);
        if (await post(agent.url, batch(ids))) for (const id of ids) acked.add(id);
        else if (!stop) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const appender = (async () => {
      while (!stop) {
        const n = 1 + Math.floor(random() * 5);
        let text = '';
        for (let i = 0; i < n; i++) text += logLine(lines++);
        appendFileSync(transcript, text);
        await new Promise((r) => setTimeout(r, 10 + random() * 30));
      }
    })();
    await new Promise((r) => setTimeout(r, Math.max(0, killAt - (Date.now() - upAt))));
    await agent.stop('SIGKILL');
    stop = true;
    await Promise.all([sender, appender]);

    // Between runs: the file is whole and holds what was acknowledged, once.
    const s = inspect(file);
    assert.equal(s.integrity, 'ok', `cycle ${cycle}: integrity_check`);
    assert.deepEqual(s.dup, [], `cycle ${cycle}: duplicated keys`);
    for (const id of acked) {
      assert.ok(
        s.keys.has(`claude-code:req_otlp_${id}`),
        `cycle ${cycle}: acknowledged ${id} lost`,
      );
    }
    assert.equal(s.rollup.n, s.events.n, `cycle ${cycle}: rollup requests`);
    assert.equal(s.rollup.input, s.events.input, `cycle ${cycle}: rollup input`);
    log(
      `cycle ${cycle}: killed after ${killAt} ms; acknowledged ${acked.size}/${sent.size} requests, ` +
        `${lines} log lines; ledger ${s.events.n} events, integrity ok`,
    );
  }

  // The last run: what was never acknowledged is sent again, the transcript indexed to its end.
  const agent = await startServe(env, ['--no-notify']);
  const missing = [...sent].filter((id) => !acked.has(id));
  for (let i = 0; i < missing.length; i += 50) {
    const ids = missing.slice(i, i + 50);
    assert.ok(await post(agent.url, batch(ids)), 'a retried batch is taken');
    for (const id of ids) acked.add(id);
  }
  const want = {
    n: sent.size + lines,
    input: sent.size * OTLP_TOKENS.input + lines * LOG_TOKENS.input,
    output: sent.size * OTLP_TOKENS.output + lines * LOG_TOKENS.output,
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await fetch(`${agent.url}/api/usage?period=total`);
    const u = (await r.json()) as { rows: Array<{ requests: number }> };
    const requests = u.rows.reduce((a, row) => a + row.requests, 0);
    if (requests >= want.n || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await agent.stop('SIGTERM');
  const s = inspect(file);
  assert.equal(s.integrity, 'ok');
  assert.deepEqual(s.dup, []);
  assert.deepEqual(
    { n: s.events.n, input: s.events.input, output: s.events.output },
    want,
    'events equal a clean run',
  );
  assert.deepEqual(
    { n: s.rollup.n, input: s.rollup.input, output: s.rollup.output },
    want,
    'rollup sums equal a clean run',
  );
  const result: CrashLoopResult = {
    cycles: o.cycles,
    acknowledged: acked.size - missing.length,
    retried: missing.length,
    logLines: lines,
    events: s.events.n,
    killAfterMs,
    elapsedMs: Date.now() - started,
  };
  log(
    `done: ${o.cycles} kill -9 cycles, ${result.acknowledged} requests acknowledged before a kill, ` +
      `${result.retried} sent again after one, ${lines} log lines; ledger ${s.events.n} events = ` +
      `a clean run; integrity ok after every cycle (${(result.elapsedMs / 1000).toFixed(0)} s)`,
  );
  return result;
}

if (import.meta.main) {
  const arg = (name: string, dflt: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
  };
  const cycles = Number(arg('cycles', '200'));
  if (!(cycles >= 1 && cycles <= 1000)) throw new Error('--cycles: 1..1000');
  const out = arg('out', '');
  await runCrashLoop({
    cycles,
    seed: Number(arg('seed', '1')),
    log: (line) => {
      console.log(line);
      if (out !== '') appendFileSync(out, `${line}\n`);
    },
  });
}
