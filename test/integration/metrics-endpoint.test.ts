// GET /metrics on an agent in this process: the route's guards, the label allowlist, the
// per-session option, the device id, and an endpoint that points at the agent itself.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type ExportAgent, startExportAgent, usage } from '../support/export-agent.ts';

const open: ExportAgent[] = [];
after(async () => {
  for (const a of open) await a.close();
});

async function agent(env: Record<string, string> = {}, home?: string): Promise<ExportAgent> {
  const a = await startExportAgent({ env, ...(home !== undefined ? { home } : {}) });
  open.push(a);
  return a;
}

/** Series lines of one metric, as `labels → value`. */
function series(
  text: string,
  name: string,
): Array<{ labels: Record<string, string>; value: number }> {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of m[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the route: Host guard, method, token, and off by config', async () => {
  const a = await agent({ AI_OBSERVER_SERVER_TOKEN: 'route-token-0123456789' });
  assert.equal((await get(`${a.url}/metrics`, { host: 'evil.example:80' })).status, 403);
  assert.equal((await get(`${a.url}/metrics`)).status, 401);
  const auth = { authorization: 'Bearer route-token-0123456789' };
  assert.equal((await get(`${a.url}/metrics`, auth, 'POST')).status, 405);
  const ok = await get(`${a.url}/metrics`, auth);
  assert.equal(ok.status, 200);
  assert.match(ok.body, /^# HELP target_info/m);

  const off = await agent({ AI_OBSERVER_EXPORT_PROMETHEUS: 'false' });
  const r = await get(`${off.url}/metrics`);
  assert.equal(r.status, 404);
  assert.match(r.body, /export\.prometheus: false/);
});

test('labels outside the allowlist are summed away', async () => {
  const a = await agent({ AI_OBSERVER_EXPORT_LABELS: 'tool' });
  a.agent.ledger.addUsage([
    usage('codex', 'gpt-5', { input: 10 }, 0.1),
    usage('codex', 'o3', { input: 5 }, 0.2),
  ]);
  const text = (await get(`${a.url}/metrics`)).body;
  const input = series(text, 'ai_tokens_input_total');
  assert.equal(input.length, 1);
  assert.equal(input[0]!.labels.tool, 'codex');
  assert.equal(input[0]!.labels.model, undefined);
  assert.equal(input[0]!.value, 15);
  // cost_basis is not allowed either: one cost series.
  assert.equal(series(text, 'ai_tokens_cost_usd_total').length, 1);
  assert.ok(Math.abs(series(text, 'ai_tokens_cost_usd_total')[0]!.value - 0.3) < 1e-12);
  // The session gauge loses its state label the same way.
  assert.deepEqual(
    series(text, 'ai_sessions').map((s) => s.labels.tool),
    ['claude-code', 'codex', 'gemini-cli'],
  );
});

test('per-session series only when asked, for recent sessions, with all-time totals', async () => {
  const plain = await agent();
  plain.agent.ledger.addUsage([{ ...usage('codex', 'gpt-5', { input: 1 }), sessionId: 'sess-a' }]);
  const plainText = (await get(`${plain.url}/metrics`)).body;
  assert.doesNotMatch(plainText, /session_id|sess-a/);

  const a = await agent({ AI_OBSERVER_EXPORT_PER_SESSION: 'true' });
  const now = Date.now();
  a.agent.ledger.addUsage([
    {
      ...usage('codex', 'gpt-5', { input: 100, output: 7 }, 1),
      sessionId: 'recent',
      ts: now - 3 * 86_400_000,
    },
    {
      ...usage('codex', 'gpt-5', { input: 20, output: 3 }, 0.5),
      sessionId: 'recent',
      ts: now - 60_000,
    },
    { ...usage('codex', 'gpt-5', { input: 9 }, 0.1), sessionId: 'old', ts: now - 3 * 86_400_000 },
  ]);
  const text = (await get(`${a.url}/metrics`)).body;
  const tokens = series(text, 'ai_session_tokens_total');
  assert.deepEqual(
    tokens
      .filter((s) => s.value > 0)
      .map((s) => [s.labels.session_id, s.labels.type, s.value])
      .sort(),
    [
      ['recent', 'input', 120],
      ['recent', 'output', 10],
    ],
  );
  assert.deepEqual(
    series(text, 'ai_session_cost_usd_total').map((s) => [s.labels.session_id, s.value]),
    [['recent', 1.5]],
  );
  // The per-tool counters still hold every session.
  assert.equal(series(text, 'ai_tokens_input_total')[0]!.value, 129);
});

test('the device id is made once and kept in the data directory', async () => {
  const a = await agent({ AI_OBSERVER_EXPORT_HOST_NAME: 'h1' });
  const first = series((await get(`${a.url}/metrics`)).body, 'target_info')[0]!.labels;
  const file = readFileSync(join(a.paths.dataDir, 'device-id'), 'utf8').trim();
  assert.equal(first.device_id, file);
  assert.equal(first.host_name, 'h1');
  await a.close();
  const b = await agent({ AI_OBSERVER_EXPORT_HOST_NAME: 'renamed' }, a.home);
  const second = series((await get(`${b.url}/metrics`)).body, 'target_info')[0]!.labels;
  assert.equal(second.device_id, file);
  assert.equal(second.host_name, 'renamed');
  const other = await agent();
  const third = series((await get(`${other.url}/metrics`)).body, 'target_info')[0]!.labels;
  assert.notEqual(third.device_id, file);
});

test("an endpoint that is the agent's own receiver is refused with one line, not used", async () => {
  const first = await agent();
  const port = first.agent.httpPort;
  await first.close();
  // Its port again, as a shell profile for the AI tools would name it.
  const a = await agent({
    AI_OBSERVER_SERVER_PORT: String(port),
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    AI_OBSERVER_EXPORT_INTERVAL: '1s',
  }).catch((err: Error) => {
    // Another test took the port in between: nothing to check here.
    if (/EADDRINUSE/.test(err.message)) return undefined;
    throw err;
  });
  if (a === undefined) return;
  assert.deepEqual(
    a.logs.filter((l) => l.startsWith('export:')),
    [
      `export: not sending metrics to http://127.0.0.1:${port}/v1/metrics (OTLP/protobuf) (export.otlp.endpoint from environment OTEL_EXPORTER_OTLP_ENDPOINT): that is this agent's own OTLP receiver`,
    ],
  );
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(a.agent.monitor.stats.metricPoints, 0, 'nothing was sent to itself');
  assert.equal((await get(`${a.url}/metrics`)).status, 200);
});

test('an unreadable CA file stops the agent at start with a config error', async () => {
  await assert.rejects(
    startExportAgent({
      env: {
        AI_OBSERVER_EXPORT_OTLP_ENDPOINT: 'https://127.0.0.1:1',
        AI_OBSERVER_EXPORT_OTLP_CA: '/nonexistent/ca.pem',
      },
    }),
    /invalid config export\.otlp\.ca: cannot read \/nonexistent\/ca\.pem: ENOENT/,
  );
});

test('an activity source that throws costs its own metrics only, logged once', async () => {
  let broken = true;
  const activity = {
    totals() {
      if (broken) throw new Error('activity store closed');
      return [
        {
          kind: 'app' as const,
          subject: 'ChatGPT',
          category: 'chat',
          source: 'process',
          activeSeconds: 3,
          estimatedCostUsd: 0,
          visits: 0,
          commands: 0,
        },
      ];
    },
    running: () => [],
  };
  const a = await startExportAgent({ activity });
  open.push(a);
  a.agent.ledger.addUsage([usage('codex', 'gpt-5', { input: 4 })]);
  for (let i = 0; i < 3; i++) {
    const text = (await get(`${a.url}/metrics`)).body;
    assert.equal(series(text, 'ai_tokens_input_total')[0]!.value, 4);
    assert.equal(series(text, 'ai_app_active_duration_seconds_total').length, 0);
  }
  assert.deepEqual(
    a.logs.filter((l) => l.startsWith('metrics:')),
    ['metrics: cannot read the activity source: activity store closed'],
  );
  broken = false;
  const text = (await get(`${a.url}/metrics`)).body;
  assert.equal(series(text, 'ai_app_active_duration_seconds_total')[0]!.value, 3);
});
