// Restart continuity of the exported counters, through the real CLI: `ai-observer serve`
// receives usage over OTLP/HTTP and hook calls, GET /metrics reads the counters, the agent is
// killed with SIGKILL and started again: every counter reads what it read before (no drop to
// zero), a re-sent batch adds nothing, and the token counters equal `report --json` totals.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Served, runCli, scratchHome, startServe } from '../support/cli.ts';
import { claudeLogsRequest, toProtobuf } from '../support/otlp-builders.ts';

/** Sums of each metric in a Prometheus text exposition (by metric name). */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{.*\})? (\S+)$/.exec(line);
    assert.ok(m, `not an exposition line: ${line}`);
    out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return out;
}

async function scrape(s: Served): Promise<Map<string, number>> {
  const res = await fetch(`${s.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

async function post(s: Served, path: string, body: Uint8Array | string, type: string) {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  assert.equal(res.status, 200, `${path}: ${await res.text()}`);
}

const hook = (s: Served, event: string) =>
  post(
    s,
    '/api/hooks/claude',
    JSON.stringify({ hook_event_name: event, session_id: 'restart-1', cwd: '/w' }),
    'application/json',
  );

test('counters continue from the ledger and the saved session counters after kill -9', {
  timeout: 90_000,
}, async () => {
  const home = scratchHome('aio-export-restart-');
  // A long quiet period: no turn ends by itself while the test runs.
  const env = { AI_OBSERVER_HOME: home, AI_OBSERVER_SESSIONS_QUIET_PERIOD: '1h' };
  const now = Date.now();
  const batch1 = claudeLogsRequest({ sessionId: 'restart-1', count: 20, startMs: now - 60_000 });
  const batch2 = claudeLogsRequest({ sessionId: 'restart-2', count: 5, startMs: now - 10_000 });
  // claudeLogsRequest's record i has 1200 + i input tokens.
  const input = (n: number) => n * 1200 + (n * (n - 1)) / 2;

  let served = await startServe(env, ['--no-notify', '--no-grpc']);
  try {
    await post(served, '/v1/logs', toProtobuf(batch1), 'application/x-protobuf');
    await hook(served, 'UserPromptSubmit');
    await hook(served, 'PermissionRequest');
    await new Promise((r) => setTimeout(r, 600));
    await hook(served, 'PostToolUse');
    await hook(served, 'Stop');
    const before = await scrape(served);
    assert.equal(before.get('ai_tokens_input_total'), input(20));
    assert.equal(before.get('ai_prompt_count_total'), 20);
    assert.equal(before.get('ai_session_turns_completed_total'), 1);
    const waited = before.get('ai_session_waiting_duration_seconds_total')!;
    assert.ok(waited >= 0.5 && waited < 30, `waited ${waited}`);

    assert.equal(await served.stop('SIGKILL'), null);
    served = await startServe(env, ['--no-notify', '--no-grpc']);

    const after = await scrape(served);
    for (const name of [
      'ai_tokens_input_total',
      'ai_tokens_output_total',
      'ai_tokens_cache_read_total',
      'ai_tokens_cache_write_total',
      'ai_tokens_cost_usd_total',
      'ai_prompt_count_total',
      'ai_session_turns_completed_total',
      'ai_session_waiting_duration_seconds_total',
    ]) {
      assert.equal(after.get(name), before.get(name), `${name} after the restart`);
    }

    // The first batch again (a client retrying) and a new one: only the new one counts.
    await post(served, '/v1/logs', toProtobuf(batch1), 'application/x-protobuf');
    await post(served, '/v1/logs', toProtobuf(batch2), 'application/x-protobuf');
    const later = await scrape(served);
    assert.equal(later.get('ai_tokens_input_total'), input(20) + input(5));
    assert.equal(later.get('ai_prompt_count_total'), 25);

    const report = await runCli(['report', 'daily', '--json', '--no-index'], { env });
    assert.equal(report.code, 0, report.stderr);
    const totals = (JSON.parse(report.stdout) as { totals: Record<string, number> }).totals;
    assert.equal(later.get('ai_tokens_input_total'), totals.inputTokens);
    assert.equal(later.get('ai_tokens_output_total'), totals.outputTokens);
    assert.equal(later.get('ai_tokens_cache_read_total'), totals.cacheReadTokens);
    assert.equal(later.get('ai_tokens_cache_write_total'), totals.cacheWriteTokens);
    assert.equal(later.get('ai_prompt_count_total'), totals.requests);
    assert.ok(Math.abs(later.get('ai_tokens_cost_usd_total')! - totals.costUsd!) < 1e-9);
  } finally {
    await served.stop();
  }
});
