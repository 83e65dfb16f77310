import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation, SessionSignal, UsageEvent } from '../../src/domain/events.ts';
import { SessionTable } from '../../src/domain/session-table.ts';
import { DEFAULT_TIMINGS } from '../../src/domain/sessions.ts';

const table = (maxSessions = 10) =>
  new SessionTable({ timings: DEFAULT_TIMINGS, maxSessions, maxKeysPerSession: 4 });

function signal(
  sessionId: string,
  ts: number,
  kind: SessionSignal['kind'] = 'activity',
): Observation {
  return {
    signal: { kind, tool: 'claude-code', sessionId, ts, explicit: false, source: 'otlp' },
    usage: undefined,
  };
}

function usage(key: string, output: number, cost = 0.01, sessionId = 's'): Observation {
  const u: UsageEvent = {
    key,
    ts: 100,
    tool: 'claude-code',
    sessionId,
    model: 'm',
    project: undefined,
    tokens: { input: 10, output, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 0 },
    costUsd: cost,
    costBasis: 'reported',
    sources: ['otlp'],
  };
  return { signal: undefined, usage: u };
}

test('a request seen twice counts once; the larger record wins', () => {
  const t = table();
  t.observe(signal('s', 1));
  t.observe(usage('r1', 5));
  assert.equal(t.observe(usage('r1', 5)).changed, false, 're-sent batch changes nothing');
  t.observe(usage('r1', 9, 0.02));
  t.observe(usage('r1', 3));
  const s = t.get('s')!;
  assert.equal(s.requests, 1);
  assert.equal(s.tokens.output, 9);
  assert.equal(s.tokens.input, 10);
  assert.equal(Math.round(s.costUsd * 100) / 100, 0.02);
  assert.equal(s.costBasis, 'reported');
});

test('usage before any signal creates its session without a state change to working', () => {
  const t = table();
  t.observe(usage('r1', 5, 0.01, 'fresh'));
  assert.equal(t.get('fresh')?.state, 'idle');
  assert.equal(t.get('fresh')?.requests, 1);
});

test('the table is bounded: expired sessions go first, then the oldest', () => {
  const t = table(3);
  t.observe(signal('a', 1));
  t.observe(signal('b', 2));
  t.observe(signal('c', 3));
  t.tick(10 * 3_600_000); // everything expires
  t.observe(signal('d', 10 * 3_600_000 + 1));
  assert.equal(t.size, 3);
  assert.equal(t.get('a'), undefined, 'oldest expired evicted');
  t.observe(signal('e', 10 * 3_600_000 + 2));
  t.observe(signal('f', 10 * 3_600_000 + 3));
  assert.equal(t.size, 3);
  assert.ok(t.get('d') && t.get('e') && t.get('f'));
});

test('tick applies passed deadlines and reports transitions; nextDeadline is the earliest', () => {
  const t = table();
  t.observe(signal('a', 1000));
  t.observe(signal('b', 5000));
  assert.equal(t.nextDeadline(), 1000 + DEFAULT_TIMINGS.quietMs);
  const out = t.tick(1000 + DEFAULT_TIMINGS.quietMs);
  assert.deepEqual(
    out.map((x) => [x.sessionId, x.to]),
    [['a', 'completed']],
  );
  assert.equal(t.get('b')?.state, 'working');
});

test('a tick long after several deadlines walks through each state', () => {
  const t = table();
  t.observe(signal('a', 0));
  const out = t.tick(100 * 3_600_000);
  assert.deepEqual(
    out.map((x) => x.to),
    ['completed', 'idle', 'expired'],
  );
});

test('per-session request keys are bounded', () => {
  const t = table();
  for (let i = 0; i < 10; i++) t.observe(usage(`r${i}`, 1));
  assert.equal(t.get('s')?.requests, 10);
  // r0 was forgotten (4 keys kept), so a re-send of it counts again: the ledger dedups globally.
  t.observe(usage('r9', 1));
  assert.equal(t.get('s')?.requests, 10);
});

test('metric totals fill in only while a session has no per-request usage', () => {
  const t = table();
  const changed = t.observeMetric({
    tool: 'claude-code',
    sessionId: 'm',
    ts: 1,
    model: 'x',
    tokens: { input: 5, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 0 },
    costUsd: 0.1,
  });
  assert.equal(changed, true);
  assert.equal(t.get('m')?.metricTokens.input, 5);
});

test('a session first seen through a metric export still follows its earlier log events', () => {
  const t = table();
  t.observeMetric({
    tool: 'gemini-cli',
    sessionId: 'g',
    ts: 10_000,
    model: 'x',
    tokens: { input: 5, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 0 },
    costUsd: 0,
  });
  const { transitions } = t.observe({
    signal: {
      kind: 'prompt',
      tool: 'gemini-cli',
      sessionId: 'g',
      ts: 9_000,
      explicit: false,
      source: 'otlp',
    },
    usage: undefined,
  });
  assert.equal(t.get('g')?.state, 'working');
  assert.deepEqual(
    transitions.map((x) => [x.from, x.to]),
    [['idle', 'working']],
  );
  t.observe({
    signal: {
      kind: 'activity',
      tool: 'gemini-cli',
      sessionId: 'g',
      ts: 9_500,
      explicit: false,
      source: 'otlp',
    },
    usage: undefined,
  });
  assert.equal(t.get('g')?.state, 'working');
});

test('the serialized session list equals the message, and reuses unchanged sessions', async () => {
  const { sessionList, sessionListJson } = await import('../../src/domain/session-view.ts');
  const t = table();
  t.observe(signal('a', 1000));
  t.observe(signal('b', 2000, 'turn-complete'));
  t.observe(usage('r1', 5, 0.01, 'a'));
  const cache = new WeakMap();
  const json = sessionListJson(t.list(), 5000, cache);
  assert.deepEqual(JSON.parse(json), sessionList(t.list(), 5000));
  const before = cache.get(t.get('b')!);
  t.observe(usage('r2', 7, 0.01, 'a'));
  sessionListJson(t.list(), 6000, cache);
  assert.equal(cache.get(t.get('b')!), before, 'b did not change: same fragment');
  assert.deepEqual(JSON.parse(sessionListJson(t.list(), 6000, cache)), sessionList(t.list(), 6000));
});
