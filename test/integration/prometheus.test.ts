// A real Prometheus scraping a real agent's GET /metrics: after a scripted set of usage events,
// session hooks and workstation activity, every PromQL query of every shipped Grafana
// dashboard runs without error and returns the expected series, and the values equal the
// ledger's totals (and the session counters' and the activity source's).
//
// The queries are evaluated as Grafana would, with `$host` the selector's values, and
// `$__range` / `$__rate_interval` the span from Prometheus's first scrape of the agent to its
// last: with no samples outside that span, Prometheus does not extrapolate, so increase() is
// exactly what was added after the first scrape (Prometheus 2.x: ranges include their start).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TokenCounts, UsageEvent } from '../../src/domain/events.ts';
import { TOOLS } from '../../src/domain/events.ts';
import type { SessionTotalsData } from '../../src/domain/session-totals.ts';
import { LIVE_STATES } from '../../src/export/instruments.ts';
import type { RollupRow } from '../../src/store/types.ts';
import { type ExportAgent, startExportAgent, usage } from '../support/export-agent.ts';
import { MemoryActivity } from '../support/memory-activity.ts';
import { type Prometheus, prometheusBinary, startPrometheus } from '../support/prometheus.ts';

const DASHBOARDS = join(import.meta.dirname, '../../deploy/grafana/dashboards');
const HOST = 'prom-test-host';

interface Dashboard {
  uid: string;
  templating: { list: Array<{ name: string; query: { query: string } }> };
  panels: Array<{ title: string; targets: Array<{ refId: string; expr: string }> }>;
}

function dashboards(): Dashboard[] {
  return ['overview.json', 'agents.json', 'apps-and-web.json', 'tokens-and-cost.json'].map(
    (f) => JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as Dashboard,
  );
}

/** Values by their labels (sorted label pairs as JSON). */
type Series = Map<string, number>;

function keyOf(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function groupBy<T>(
  rows: readonly T[],
  labels: (r: T) => Record<string, string>,
  value: (r: T) => number,
): Series {
  const out: Series = new Map();
  for (const r of rows) {
    const k = keyOf(labels(r));
    out.set(k, (out.get(k) ?? 0) + value(r));
  }
  return out;
}

const minus = (a: Series, b: Series): Series => {
  const out: Series = new Map(a);
  for (const [k, v] of b) out.set(k, (out.get(k) ?? 0) - v);
  return out;
};
const scale = (a: Series, f: number): Series => new Map([...a].map(([k, v]) => [k, v * f]));
const positive = (a: Series): Series => new Map([...a].filter(([, v]) => v > 0));
const single = (v: number): Series => new Map([[keyOf({}), v]]);
const sumOf = (a: Series): number => [...a.values()].reduce((s, v) => s + v, 0);

function near(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 + 1e-9 * Math.abs(expected);
}

function assertSeries(name: string, actual: Series, expected: Series): void {
  const a = [...actual.keys()].sort();
  const e = [...expected.keys()].sort();
  assert.deepEqual(a, e, `${name}: series`);
  for (const [k, v] of expected) {
    assert.ok(near(actual.get(k)!, v), `${name} ${k}: ${actual.get(k)} != ${v}`);
  }
}

// --- The script -----------------------------------------------------------------------------

const phaseA: UsageEvent[] = [
  usage(
    'claude-code',
    'claude-sonnet-4-5',
    { input: 1000, output: 200, cacheRead: 5000, cacheWrite5m: 300 },
    0.12,
  ),
  usage(
    'claude-code',
    'claude-sonnet-4-5',
    { input: 500, output: 100, cacheRead: 2000, cacheWrite1h: 100 },
    0.05,
  ),
  usage('codex', 'gpt-5', { input: 3000, output: 700, cacheRead: 1000, reasoning: 300 }),
  usage('gemini-cli', 'gemini-2.5-pro', { input: 800, output: 150, reasoning: 50 }),
];
const phaseB: UsageEvent[] = [
  usage(
    'claude-code',
    'claude-sonnet-4-5',
    { input: 700, output: 400, cacheRead: 9000, cacheWrite5m: 200 },
    0.2,
  ),
  usage('codex', 'gpt-5', { input: 1500, output: 300, cacheRead: 4000, reasoning: 120 }),
  usage('gemini-cli', 'gemini-2.5-pro', { input: 400, output: 90, reasoning: 10 }),
];

function activityA(a: MemoryActivity): void {
  a.add({
    kind: 'app',
    subject: 'ChatGPT',
    category: 'chat',
    source: 'foreground',
    activeSeconds: 100,
    estimatedCostUsd: 0.05,
  });
  a.add({
    kind: 'cli',
    subject: 'aider',
    category: 'coding',
    source: 'process',
    activeSeconds: 50,
    estimatedCostUsd: 0.02,
  });
  a.add({ kind: 'cli', subject: 'aider', category: 'coding', source: 'shell', commands: 3 });
  a.add({
    kind: 'site',
    subject: 'claude.ai',
    category: 'chat',
    source: 'history',
    activeSeconds: 30,
    visits: 2,
    estimatedCostUsd: 0.01,
  });
  a.setRunning([
    {
      kind: 'app',
      subject: 'ChatGPT',
      category: 'chat',
      instances: 1,
      cpuPercent: 5,
      memoryBytes: 200e6,
    },
    {
      kind: 'cli',
      subject: 'aider',
      category: 'coding',
      instances: 1,
      cpuPercent: 1,
      memoryBytes: 50e6,
    },
  ]);
}

function activityB(a: MemoryActivity): void {
  a.add({
    kind: 'app',
    subject: 'ChatGPT',
    category: 'chat',
    source: 'foreground',
    activeSeconds: 60,
    estimatedCostUsd: 0.03,
  });
  a.add({
    kind: 'cli',
    subject: 'aider',
    category: 'coding',
    source: 'process',
    activeSeconds: 20,
    estimatedCostUsd: 0.01,
  });
  a.add({ kind: 'cli', subject: 'aider', category: 'coding', source: 'shell', commands: 2 });
  a.add({
    kind: 'site',
    subject: 'claude.ai',
    category: 'chat',
    source: 'history',
    activeSeconds: 10,
    visits: 1,
    estimatedCostUsd: 0.004,
  });
  // aider has stopped.
  a.setRunning([
    {
      kind: 'app',
      subject: 'ChatGPT',
      category: 'chat',
      instances: 1,
      cpuPercent: 7.5,
      memoryBytes: 250e6,
    },
  ]);
}

const claude = (event: string, sessionId: string, extra: Record<string, string> = {}) => ({
  hook_event_name: event,
  session_id: sessionId,
  cwd: '/work/project',
  ...extra,
});

type TokenField = keyof TokenCounts | 'cacheWrite' | 'requests';
function tokenValue(e: UsageEvent, f: TokenField): number {
  if (f === 'requests') return 1;
  if (f === 'cacheWrite') return e.tokens.cacheWrite5m + e.tokens.cacheWrite1h;
  return e.tokens[f];
}

// --- The test -------------------------------------------------------------------------------

let prom: Prometheus | undefined;
let exp: ExportAgent | undefined;
after(async () => {
  await prom?.close();
  await exp?.close();
});

async function until(what: string, pred: () => Promise<boolean>, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('every dashboard query against a real Prometheus scraping the agent equals the totals', {
  timeout: 120_000,
}, async () => {
  assert.ok(
    prometheusBinary(),
    'prometheus is not installed: apt-get install prometheus (.ci/run does)',
  );
  const activity = new MemoryActivity();
  exp = await startExportAgent({ env: { AI_OBSERVER_EXPORT_HOST_NAME: HOST }, activity });
  const { agent } = exp;
  const store = agent.ledger.store;
  assert.ok(store, 'the agent is the ledger writer');

  // Phase A: before Prometheus's first scrape.
  agent.ledger.addUsage(phaseA);
  activityA(activity);
  agent.monitor.hook('claude', claude('SessionStart', 'sA'));
  agent.monitor.hook('claude', claude('UserPromptSubmit', 'sA'));
  agent.monitor.hook('claude', claude('UserPromptSubmit', 'sB'));
  agent.monitor.hook('claude', claude('Stop', 'sB'));
  agent.monitor.hook('codex', { type: 'agent-turn-complete', 'thread-id': 'x1', cwd: '/w' });
  const ledgerA = store.rollup({}, ['tool', 'model']);
  const countersA = structuredClone(agent.metrics.counters.current());

  prom = await startPrometheus({ targets: [new URL(exp.url).host] });
  const p = prom;
  const samplesOf = async () =>
    (await p.samples('ai_sessions{tool="claude-code",state="idle"}[10m]'))[0]?.points ?? [];
  await until('two scrapes', async () => (await samplesOf()).length >= 2);
  const health = await p.targets();
  assert.equal(health[0]?.health, 'up', `scrape: ${health[0]?.lastError}`);

  // Phase B: between the first scrape and the last.
  agent.ledger.addUsage(phaseB);
  activityB(activity);
  agent.monitor.hook('claude', claude('PermissionRequest', 'sA'));
  await new Promise((r) => setTimeout(r, 1200));
  agent.monitor.hook('claude', claude('PostToolUse', 'sA'));
  agent.monitor.hook('claude', claude('Stop', 'sA'));
  agent.monitor.hook('claude', claude('SessionStart', 'sC'));
  await new Promise((r) => setImmediate(r));
  // The counters export what they saved, within a second of the change: wait for the save,
  // so the scrapes below and these totals agree (a busy machine takes its time).
  await until('the wait saved', async () =>
    Promise.resolve((agent.metrics.counters.current().waitingSeconds['claude-code'] ?? 0) >= 1.2),
  );
  const doneAt = Date.now();
  const ledgerEnd = store.rollup({}, ['tool', 'model']);
  const countersEnd: SessionTotalsData = structuredClone(agent.metrics.counters.current());
  const sessionsEnd = agent.monitor.snapshot().message.sessions;
  await until('two scrapes after the script', async () => {
    const pts = await samplesOf();
    return pts.filter(([t]) => t > doneAt + 50).length >= 2;
  });

  const points = await samplesOf();
  const first = points[0]![0];
  const last = points.at(-1)![0];
  const spanMs = last - first;
  const spanS = spanMs / 1000;

  // The ledger holds exactly what was scripted.
  const all = [...phaseA, ...phaseB];
  const ledgerTokens = (rows: RollupRow[]) =>
    groupBy(
      rows,
      (r) => ({ tool: r.tool!, model: r.model! }),
      (r) => r.tokens.input,
    );
  assert.deepEqual(
    ledgerTokens(ledgerEnd),
    groupBy(
      all,
      (e) => ({ tool: e.tool, model: e.model }),
      (e) => e.tokens.input,
    ),
  );

  // What each query must return, from the script, the ledger and the agent's counters.
  const tokDelta = (f: TokenField, by: (e: UsageEvent) => Record<string, string>) =>
    groupBy(phaseB, by, (e) => tokenValue(e, f));
  const byTool = (e: { tool?: string }) => ({ tool: e.tool! });
  const byModel = (e: { model?: string }) => ({ model: e.model! });
  const byToolModel = (e: { tool?: string; model?: string }) => ({
    tool: e.tool!,
    model: e.model!,
  });
  const costRows = (rows: RollupRow[]) =>
    rows.flatMap((r) => [
      ...(r.reportedRequests > 0 ? [{ ...r, basis: 'reported', cost: r.costReported }] : []),
      ...(r.computedRequests > 0 ? [{ ...r, basis: 'computed', cost: r.costComputed }] : []),
    ]);
  const costDelta = (by: (r: RollupRow & { basis: string }) => Record<string, string>) =>
    minus(
      groupBy(costRows(ledgerEnd), by, (r) => r.cost),
      groupBy(costRows(ledgerA), by, (r) => r.cost),
    );
  const costTotal = sumOf(costDelta(() => ({})));
  assert.ok(costTotal > 0.2, 'computed costs were priced');
  const sessions = (by: (s: { tool: string; state: string }) => Record<string, string>) => {
    const rows = [
      ...TOOLS.flatMap((tool) => LIVE_STATES.map((state) => ({ tool, state, n: 0 }))),
      ...sessionsEnd.map((s) => ({ tool: s.tool, state: s.state, n: 1 })),
    ];
    return groupBy(rows, by, (r) => r.n);
  };
  const counterDelta = (f: keyof SessionTotalsData) =>
    minus(
      groupBy(
        Object.entries(countersEnd[f]),
        ([tool]) => ({ tool }),
        ([, v]) => v,
      ),
      groupBy(
        Object.entries(countersA[f]),
        ([tool]) => ({ tool }),
        ([, v]) => v,
      ),
    );
  assert.ok(near(countersEnd.turnsCompleted['claude-code']!, 2), 'two claude turns in all');
  assert.ok(countersEnd.waitingSeconds['claude-code']! >= 1.2, 'the wait was counted');
  const host = { host_name: HOST };
  const appDelta = { app: 'ChatGPT' };

  const expected: Record<string, () => Series> = {
    'ai-observer-overview/Cost today by source/A': () => single(costTotal),
    'ai-observer-overview/Cost today by source/B': () => single(0.03),
    'ai-observer-overview/Cost today by source/C': () => single(0.01),
    'ai-observer-overview/Cost today by source/D': () => single(0.004),
    'ai-observer-overview/Cost this month by source/A': () => single(costTotal),
    'ai-observer-overview/Cost this month by source/B': () => single(0.03),
    'ai-observer-overview/Cost this month by source/C': () => single(0.01),
    'ai-observer-overview/Cost this month by source/D': () => single(0.004),
    'ai-observer-overview/Live sessions/A': () => sessions((s) => ({ state: s.state })),
    'ai-observer-overview/Live sessions by host/A': () =>
      positive(
        groupBy(
          sessionsEnd.filter((s) => s.state !== 'idle'),
          (s) => ({ ...host, tool: s.tool, state: s.state }),
          () => 1,
        ),
      ),
    'ai-observer-overview/Running AI tools/A': () =>
      new Map([[keyOf({ ...host, ...appDelta }), 1]]),
    'ai-observer-overview/Running AI tools/B': () => new Map(),
    'ai-observer-overview/Token cost per hour by host/A': () =>
      new Map([[keyOf(host), (costTotal / spanS) * 3600]]),

    'ai-observer-agents/Sessions by state/A': () => sessions((s) => ({ state: s.state })),
    'ai-observer-agents/Sessions by tool and state/A': () =>
      sessions((s) => ({ tool: s.tool, state: s.state })),
    'ai-observer-agents/Time waiting for you/A': () => counterDelta('waitingSeconds'),
    'ai-observer-agents/Turns completed/A': () => counterDelta('turnsCompleted'),
    'ai-observer-agents/Requests by tool/A': () => tokDelta('requests', byTool),
    'ai-observer-agents/Tokens by tool and model/A': () => tokDelta('input', byToolModel),
    'ai-observer-agents/Tokens by tool and model/B': () => tokDelta('output', byToolModel),
    'ai-observer-agents/Tokens by tool and model/C': () => tokDelta('cacheRead', byToolModel),
    'ai-observer-agents/Tokens by tool and model/D': () => tokDelta('cacheWrite', byToolModel),
    'ai-observer-agents/Cost by tool and model/A': () => costDelta(byToolModel),
    'ai-observer-agents/Output tokens per minute by tool/A': () =>
      scale(tokDelta('output', byTool), 60 / spanS),

    'ai-observer-activity/App time/A': () => new Map([[keyOf(appDelta), 60]]),
    'ai-observer-activity/CLI time/A': () => new Map([[keyOf({ tool: 'aider' }), 20]]),
    'ai-observer-activity/Website time/A': () => new Map([[keyOf({ domain: 'claude.ai' }), 10]]),
    'ai-observer-activity/Estimated cost/A': () => new Map([[keyOf(appDelta), 0.03]]),
    'ai-observer-activity/Estimated cost/B': () => new Map([[keyOf({ tool: 'aider' }), 0.01]]),
    'ai-observer-activity/Estimated cost/C': () =>
      new Map([[keyOf({ domain: 'claude.ai' }), 0.004]]),
    'ai-observer-activity/Website visits/A': () => new Map([[keyOf({ domain: 'claude.ai' }), 1]]),
    'ai-observer-activity/AI commands in shells/A': () => new Map([[keyOf({ tool: 'aider' }), 2]]),
    'ai-observer-activity/Running now/A': () => new Map([[keyOf({ ...host, ...appDelta }), 1]]),
    'ai-observer-activity/Running now/B': () => new Map([[keyOf({ ...host, tool: 'aider' }), 0]]),
    'ai-observer-activity/App CPU/A': () => new Map([[keyOf(appDelta), 7.5]]),
    'ai-observer-activity/App memory/A': () => new Map([[keyOf(appDelta), 250]]),

    'ai-observer-tokens/Cost by model/A': () => costDelta(byModel),
    'ai-observer-tokens/Reported vs computed cost/A': () =>
      costDelta((r) => ({ cost_basis: r.basis })),
    'ai-observer-tokens/Cache share/A': () => {
      const d = (f: TokenField) => sumOf(tokDelta(f, () => ({})));
      return single(d('cacheRead') / (d('input') + d('cacheRead') + d('cacheWrite')));
    },
    'ai-observer-tokens/Tokens by model/A': () => tokDelta('input', byModel),
    'ai-observer-tokens/Tokens by model/B': () => tokDelta('output', byModel),
    'ai-observer-tokens/Tokens by model/C': () => tokDelta('cacheRead', byModel),
    'ai-observer-tokens/Tokens by model/D': () => tokDelta('cacheWrite', byModel),
    'ai-observer-tokens/Tokens by model/E': () => tokDelta('reasoning', byModel),
    'ai-observer-tokens/Cost per hour by model/A': () => scale(costDelta(byModel), 3600 / spanS),
    'ai-observer-tokens/All-time cost by host/A': () =>
      groupBy(
        costRows(ledgerEnd),
        () => ({ ...host, device_id: deviceIdOf(exp!) }),
        (r) => r.cost,
      ),
    'ai-observer-tokens/All-time cost by host/B': () =>
      groupBy(
        ledgerEnd,
        () => ({ ...host, device_id: deviceIdOf(exp!) }),
        (r) => r.requests,
      ),
  };

  const seen = new Set<string>();
  for (const d of dashboards()) {
    // The $host selector, as Grafana asks for it, and its values as a regex.
    const variable = d.templating.list.find((v) => v.name === 'host')!;
    const lv = /^label_values\((\w+),\s*(\w+)\)$/.exec(variable.query.query);
    assert.ok(lv, `${d.uid}: $host is label_values(metric, label)`);
    const hosts = await p.labelValues(lv[2]!, lv[1]!);
    assert.deepEqual(hosts, [HOST], `${d.uid}: the $host selector lists the agent's host`);
    const hostRegex = `(${hosts.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|')})`;
    for (const panel of d.panels) {
      for (const t of panel.targets) {
        const name = `${d.uid}/${panel.title}/${t.refId}`;
        seen.add(name);
        const want = expected[name];
        assert.ok(want, `${name}: no expectation for ${t.expr}`);
        const expr = t.expr
          .replaceAll('$host', hostRegex)
          .replaceAll('$__rate_interval', `${spanMs}ms`)
          .replaceAll('$__range', `${spanMs}ms`)
          .replaceAll('$__interval', `${spanMs}ms`);
        assert.doesNotMatch(expr, /\$/, `${name}: an unknown variable`);
        const result = await p.query(expr, last);
        const got = groupBy(
          result,
          (r) => r.metric,
          (r) => r.value,
        );
        assertSeries(`${name} (${expr})`, got, want());
      }
    }
  }
  assert.deepEqual(
    Object.keys(expected).filter((k) => !seen.has(k)),
    [],
    'expectations for queries no dashboard has',
  );
});

function deviceIdOf(e: ExportAgent): string {
  return readFileSync(join(e.paths.dataDir, 'device-id'), 'utf8').trim();
}
