// The OTLP push, received by test sinks over gRPC and HTTP/protobuf (test/support/otlp-capture
// records every request as it arrived): metric names, units, kinds, labels, the resource and
// the bearer header as specified; and a sink that is down for a while and comes back receives
// totals equal to the ledger's, with the outage logged once.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ALL_METRICS } from '../../src/export/catalog.ts';
import type { RollupRow } from '../../src/store/types.ts';
import { VERSION } from '../../src/version.ts';
import { type ExportedPoint, exportedPoints, total } from '../support/exported-metrics.ts';
import { type ExportAgent, startExportAgent, usage } from '../support/export-agent.ts';
import { MemoryActivity } from '../support/memory-activity.ts';
import { type OtlpCapture, startOtlpCapture } from '../support/otlp-capture.ts';

const TOKEN = 'a-long-collector-token-0123456789';

const open: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const o of open.reverse()) await o.close();
});

function ledgerInput(rows: RollupRow[]): number {
  return rows.reduce((s, r) => s + r.tokens.input, 0);
}

/** The points of the newest metrics request, once `pred` holds for them. */
async function waitForPoints(
  cap: OtlpCapture,
  pred: (points: ExportedPoint[]) => boolean,
  timeoutMs = 20_000,
): Promise<ExportedPoint[]> {
  let found: ExportedPoint[] | undefined;
  await cap.waitFor((reqs) => {
    const last = reqs.filter((r) => r.signal === 'metrics').at(-1);
    if (last === undefined) return false;
    const points = exportedPoints(last);
    if (!pred(points)) return false;
    found = points;
    return true;
  }, timeoutMs);
  return found!;
}

async function startPushing(cap: OtlpCapture, protocol: string, activity?: MemoryActivity) {
  const exp: ExportAgent = await startExportAgent({
    env: {
      AI_OBSERVER_EXPORT_OTLP_ENDPOINT: cap.url,
      AI_OBSERVER_EXPORT_OTLP_PROTOCOL: protocol,
      AI_OBSERVER_EXPORT_OTLP_TOKEN: TOKEN,
      AI_OBSERVER_EXPORT_OTLP_HEADERS: 'x-team=platform%20tools',
      AI_OBSERVER_EXPORT_INTERVAL: '1s',
      AI_OBSERVER_EXPORT_HOST_NAME: 'otlp-test-host',
      AI_OBSERVER_EXPORT_ENVIRONMENT: 'ci',
    },
    ...(activity !== undefined ? { activity } : {}),
  });
  open.push(exp);
  return exp;
}

for (const [protocol, grpc] of [
  ['grpc', true],
  ['http/protobuf', false],
] as const) {
  describe(`OTLP push over ${protocol}`, () => {
    test('names, units, kinds, labels, resource and bearer header', async () => {
      const cap = await startOtlpCapture({ grpc });
      open.push(cap);
      const activity = new MemoryActivity();
      activity.add({
        kind: 'app',
        subject: 'ChatGPT',
        category: 'chat',
        source: 'foreground',
        activeSeconds: 5,
        estimatedCostUsd: 0.01,
      });
      activity.add({
        kind: 'cli',
        subject: 'aider',
        category: 'coding',
        source: 'process',
        activeSeconds: 7,
        commands: 1,
      });
      activity.add({
        kind: 'site',
        subject: 'claude.ai',
        category: 'chat',
        source: 'extension',
        activeSeconds: 9,
        visits: 2,
      });
      activity.setRunning([
        {
          kind: 'app',
          subject: 'ChatGPT',
          category: 'chat',
          instances: 1,
          cpuPercent: 3,
          memoryBytes: 120e6,
        },
      ]);
      const exp = await startPushing(cap, protocol, activity);
      exp.agent.ledger.addUsage([
        usage(
          'claude-code',
          'claude-sonnet-4-5',
          { input: 100, output: 50, cacheRead: 1000 },
          0.01,
        ),
        usage('codex', 'gpt-5', { input: 300, output: 20, reasoning: 5 }),
      ]);
      exp.agent.monitor.hook('claude', {
        hook_event_name: 'UserPromptSubmit',
        session_id: 'push-1',
        cwd: '/secret/project/path',
      });
      const points = await waitForPoints(cap, (ps) => total(ps, 'ai.tokens.input') === 400);
      const req = cap.requests.filter((r) => r.signal === 'metrics').at(-1)!;

      assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(req.headers['x-team'], 'platform tools');
      if (grpc) {
        assert.equal(req.path, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export');
      } else {
        assert.equal(req.path, '/v1/metrics');
        assert.equal(req.contentType, 'application/x-protobuf');
      }

      const resource = points[0]!.resource;
      assert.equal(resource['service.name'], 'ai-observer');
      assert.equal(resource['service.version'], VERSION);
      assert.equal(resource['host.name'], 'otlp-test-host');
      assert.equal(
        resource['os.type'],
        process.platform === 'win32' ? 'windows' : process.platform,
      );
      assert.equal(resource['deployment.environment'], 'ci');
      assert.match(String(resource['device.id']), /^[0-9a-f-]{36}$/);
      assert.equal(resource['service.instance.id'], resource['device.id']);
      assert.ok(points.every((p) => p.scope === 'ai-observer' && p.scopeVersion === VERSION));

      // Every metric of the catalog (per-session ones are off by default), as specified.
      const names = new Set(points.map((p) => p.name));
      const expected = ALL_METRICS.filter((m) => !m.labels.includes('session_id'));
      assert.deepEqual([...names].sort(), expected.map((m) => m.name).sort());
      for (const spec of expected) {
        for (const p of points.filter((q) => q.name === spec.name)) {
          assert.equal(p.unit, spec.unit, `${spec.name} unit`);
          assert.equal(p.kind, spec.kind, `${spec.name} kind`);
          if (p.kind !== 'gauge') assert.equal(p.temporality, 2, `${spec.name} is cumulative`);
          for (const key of Object.keys(p.attributes)) {
            assert.ok(spec.labels.includes(key), `${spec.name} has no label ${key}`);
          }
        }
      }
      // No session ids, paths or prompt text anywhere.
      const text = JSON.stringify(points);
      assert.doesNotMatch(text, /push-1|secret\/project|claude-code-session/);

      assert.equal(total(points, 'ai.tokens.output', { tool: 'claude-code' }), 50);
      assert.equal(total(points, 'ai.tokens.cache_read', { model: 'claude-sonnet-4-5' }), 1000);
      assert.equal(total(points, 'ai.tokens.reasoning', { tool: 'codex' }), 5);
      assert.equal(total(points, 'ai.prompt.count'), 2);
      assert.equal(
        total(points, 'ai.tokens.cost_usd', { tool: 'claude-code', cost_basis: 'reported' }),
        0.01,
      );
      assert.ok(total(points, 'ai.tokens.cost_usd', { tool: 'codex', cost_basis: 'computed' }) > 0);
      assert.equal(total(points, 'ai.sessions', { tool: 'claude-code', state: 'working' }), 1);
      assert.equal(
        total(points, 'ai.app.active.duration', { app: 'ChatGPT', source: 'foreground' }),
        5,
      );
      assert.equal(total(points, 'ai.app.memory.usage', { app: 'ChatGPT' }), 120);
      assert.equal(total(points, 'ai.cli.command.count', { tool: 'aider' }), 1);
      assert.equal(total(points, 'ai.browser.domain.visit.count', { domain: 'claude.ai' }), 2);
      assert.deepEqual(
        exp.logs.filter((l) => l.startsWith('export:')),
        [`export: sending metrics to ${exp.agent.metrics.target!.display} every 1 s`],
      );
    });

    test('a sink down for a while gets totals equal to the ledger when it is back', async () => {
      const first = await startOtlpCapture({ grpc });
      const port = first.port;
      const exp = await startPushing(first, protocol);
      const store = exp.agent.ledger.store!;
      exp.agent.ledger.addUsage([
        usage('claude-code', 'claude-opus-4-1', { input: 10, output: 1 }, 0.5),
      ]);
      await waitForPoints(first, (ps) => total(ps, 'ai.tokens.input') === 10);
      await first.close();

      // Down: usage keeps arriving; exports fail, and that is logged once.
      exp.agent.ledger.addUsage([
        usage('claude-code', 'claude-opus-4-1', { input: 20, output: 2 }, 0.25),
      ]);
      const outage = () => exp.logs.filter((l) => l.includes('cannot send metrics'));
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && outage().length === 0) {
        await new Promise((r) => setTimeout(r, 100));
      }
      exp.agent.ledger.addUsage([usage('gemini-cli', 'gemini-2.5-pro', { input: 30, output: 3 })]);
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(outage().length, 1, exp.logs.join('\n'));

      // Back on the same port: the next push carries the ledger's totals, nothing lost.
      const back = await startOtlpCapture({ grpc, port });
      const backAt = Date.now();
      open.push(back);
      const ledger = store.rollup({}, ['tool', 'model']);
      const points = await waitForPoints(
        back,
        (ps) => total(ps, 'ai.tokens.input') === ledgerInput(ledger),
        30_000,
      );
      // Within two export intervals (1 s here) of the target's return, plus a little for the
      // shared machine.
      const caughtUp = Date.now() - backAt;
      console.log(`# ${protocol}: totals at the sink ${caughtUp} ms after it came back`);
      assert.ok(caughtUp < 2 * 1000 + 500, `caught up after ${caughtUp} ms`);
      assert.equal(ledgerInput(ledger), 60);
      for (const row of ledger) {
        const l = { tool: row.tool!, model: row.model! };
        assert.equal(total(points, 'ai.tokens.input', l), row.tokens.input);
        assert.equal(total(points, 'ai.tokens.output', l), row.tokens.output);
        assert.equal(total(points, 'ai.prompt.count', l), row.requests);
        const cost = total(points, 'ai.tokens.cost_usd', l);
        assert.ok(Math.abs(cost - (row.costReported + row.costComputed)) < 1e-12);
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(outage().length, 1);
      assert.equal(
        exp.logs.filter((l) => l.includes('sending metrics to') && l.endsWith('again')).length,
        1,
      );
    });
  });
}
