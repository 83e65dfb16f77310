// Pure report logic: time zones and periods, five-hour blocks, grouping and cost bases, and
// the merge rule of two sightings of one request.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildBlocks, burnRate, project } from '../../src/domain/blocks.ts';
import type { TokenCounts, UsageEvent } from '../../src/domain/events.ts';
import {
  LOCAL_ZONE,
  localDay,
  offsetChanges,
  parseDate,
  periodLabel,
  periodLabelOfDay,
  startOfLocalDay,
  startOfToday,
  tzOffset,
} from '../../src/domain/periods.ts';
import {
  basisOf,
  dayRows,
  emptyTotals,
  modelRows,
  periodRows,
  type RollupLike,
  sessionRows,
} from '../../src/domain/report.ts';
import { mergeUsage } from '../../src/domain/usage-merge.ts';

const H = 3_600_000;
const tokens = (output: number, input = 100): TokenCounts => ({
  input,
  output,
  cacheRead: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  reasoning: 0,
});

test('time zone offsets, including across DST and half-hour zones', () => {
  const cases: Array<[number, string, number]> = [
    [Date.UTC(2026, 2, 29, 0, 59), 'Europe/Berlin', 60],
    [Date.UTC(2026, 2, 29, 1, 0), 'Europe/Berlin', 120],
    [Date.UTC(2026, 10, 1, 5, 59), 'America/New_York', -240],
    [Date.UTC(2026, 10, 1, 6, 0), 'America/New_York', -300],
    [Date.UTC(2026, 5, 1), 'Asia/Kolkata', 330],
    [Date.UTC(2026, 5, 1), 'Asia/Kathmandu', 345],
    [Date.UTC(2026, 5, 1), 'UTC', 0],
  ];
  for (const [ts, tz, minutes] of cases)
    assert.equal(tzOffset(ts, tz) / 60_000, minutes, `${tz} ${new Date(ts).toISOString()}`);
});

test('the process’s own zone answers without Intl, like the named zone it is', () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const ts of [
    Date.UTC(2026, 0, 15, 12),
    Date.UTC(2026, 6, 15, 12),
    Date.UTC(2026, 10, 21, 23, 30),
  ]) {
    assert.equal(tzOffset(ts, LOCAL_ZONE), tzOffset(ts, zone));
    assert.equal(periodLabel(ts, 'daily', LOCAL_ZONE), periodLabel(ts, 'daily', zone));
  }
  const now = Date.UTC(2026, 10, 21, 15);
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  assert.equal(startOfToday(now, undefined), midnight.getTime());
  assert.equal(startOfToday(now, 'Asia/Kolkata'), Date.UTC(2026, 10, 20, 18, 30));
});

test('period labels: local day, ISO week (Monday), month', () => {
  const ts = Date.UTC(2026, 10, 21, 23, 30); // a Saturday, 23:30 UTC
  assert.equal(periodLabel(ts, 'daily', 'UTC'), '2026-11-21');
  assert.equal(periodLabel(ts, 'daily', 'Asia/Kolkata'), '2026-11-22');
  assert.equal(periodLabel(ts, 'daily', 'America/Los_Angeles'), '2026-11-21');
  assert.equal(periodLabel(ts, 'weekly', 'UTC'), '2026-11-16');
  assert.equal(periodLabel(Date.UTC(2026, 10, 23, 0, 30), 'weekly', 'UTC'), '2026-11-23');
  assert.equal(periodLabel(ts, 'monthly', 'Asia/Kolkata'), '2026-11');
  assert.equal(periodLabel(Date.UTC(2026, 11, 31, 23), 'monthly', 'Europe/Berlin'), '2027-01');
});

test('the offset changes of a zone over a range, found to the quarter hour', () => {
  const Q = 15 * 60_000;
  const year = [Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)] as const;
  const of = (zone: string) => offsetChanges(year[0], year[1], Q, (ts) => tzOffset(ts, zone));
  assert.deepEqual(of('America/New_York'), [
    { from: year[0], offset: -5 * H },
    { from: Date.UTC(2026, 2, 8, 7), offset: -4 * H },
    { from: Date.UTC(2026, 10, 1, 6), offset: -5 * H },
  ]);
  // Half-hour DST: +11:00 in the southern summer, +10:30 in winter.
  assert.deepEqual(of('Australia/Lord_Howe'), [
    { from: year[0], offset: 11 * H },
    { from: Date.UTC(2026, 3, 4, 15), offset: 10.5 * H },
    { from: Date.UTC(2026, 9, 3, 15, 30), offset: 11 * H },
  ]);
  assert.deepEqual(of('Asia/Kolkata'), [{ from: year[0], offset: 5.5 * H }]);
  // Every quarter hour of the year gets the offset the zone has then.
  const changes = of('Europe/Berlin');
  for (let ts = year[0]; ts < year[1]; ts += Q) {
    const at = changes.findLast((c) => c.from <= ts)!;
    if (at.offset !== tzOffset(ts, 'Europe/Berlin')) assert.fail(`wrong offset at ${ts}`);
  }
});

test('local days and the labels of their periods', () => {
  const ts = Date.UTC(2026, 10, 21, 20);
  assert.equal(localDay(ts, 'UTC'), Math.floor(ts / (24 * H)));
  assert.equal(localDay(ts, 'Asia/Kolkata'), localDay(ts, 'UTC') + 1);
  // 2026-01-31 20:00 UTC is February 1st in Kolkata; 2026-01-01 was a Thursday.
  const jan31 = localDay(Date.UTC(2026, 0, 31, 20), 'Asia/Kolkata');
  assert.equal(periodLabelOfDay(jan31, 'daily'), '2026-02-01');
  assert.equal(periodLabelOfDay(jan31, 'monthly'), '2026-02');
  assert.equal(periodLabelOfDay(jan31, 'weekly'), '2026-01-26');
  assert.equal(periodLabelOfDay(localDay(Date.UTC(2026, 0, 1), 'UTC'), 'weekly'), '2025-12-29');
  assert.equal(periodLabelOfDay(localDay(Date.UTC(2026, 10, 22), 'UTC'), 'weekly'), '2026-11-16');
  assert.equal(periodLabelOfDay(localDay(Date.UTC(2026, 10, 23), 'UTC'), 'weekly'), '2026-11-23');
});

test('dates from flags and the start of a local day', () => {
  assert.deepEqual(parseDate('20261121'), { year: 2026, month: 11, day: 21 });
  assert.deepEqual(parseDate('2026-02-28'), { year: 2026, month: 2, day: 28 });
  for (const bad of ['2026-02-30', '2026-13-01', 'yesterday', '2026/11/21', ''])
    assert.equal(parseDate(bad), undefined, bad);
  assert.equal(
    startOfLocalDay({ year: 2026, month: 3, day: 29 }, 'Europe/Berlin'),
    Date.UTC(2026, 2, 28, 23),
  );
  assert.equal(
    startOfLocalDay({ year: 2026, month: 3, day: 30 }, 'Europe/Berlin'),
    Date.UTC(2026, 2, 29, 22),
  );
  assert.equal(
    startOfLocalDay({ year: 2026, month: 11, day: 21 }, 'Asia/Kolkata'),
    Date.UTC(2026, 10, 20, 18, 30),
  );
});

const row = (firstTs: number, lastTs: number, costUsd: number, model = 'm', out = 10) => ({
  firstTs,
  lastTs,
  requests: 1,
  tokens: tokens(out),
  costUsd,
  model,
});

test('blocks: hour-aligned five-hour windows, a new one after the end or five quiet hours', () => {
  const t0 = Date.UTC(2026, 10, 21, 9, 0);
  const rows = [
    row(t0 + 20 * 60_000, t0 + 25 * 60_000, 1), // 09:20 → block 09:00–14:00
    row(t0 + 4 * H + 50 * 60_000, t0 + 4 * H + 55 * 60_000, 2, 'x'), // 13:50 → same block
    row(t0 + 5 * H + 10 * 60_000, t0 + 5 * H + 10 * 60_000, 4), // 14:10 → block 14:00–19:00
    row(t0 + 11 * H, t0 + 11 * H, 8), // 20:00, after the end → block 20:00–01:00
  ];
  const now = t0 + 11 * H + 30 * 60_000;
  const blocks = buildBlocks(rows, now);
  assert.deepEqual(
    blocks.map((b) => [
      new Date(b.start).toISOString().slice(11, 16),
      b.costUsd,
      b.members.length,
      b.active,
    ]),
    [
      ['09:00', 3, 2, false],
      ['14:00', 4, 1, false],
      ['20:00', 8, 1, true],
    ],
  );
  assert.deepEqual(blocks[0]?.models, ['m', 'x']);
  // Five quiet hours inside what would be one block's reach still split (gap rule).
  const gap = buildBlocks([row(t0, t0, 1), row(t0 + 5 * H + 1, t0 + 5 * H + 1, 1)], now);
  assert.equal(gap.length, 2);
  assert.equal(buildBlocks([row(t0, t0, 1)], t0 + 5 * H + 1)[0]?.active, false, 'past its end');
});

test('burn rate and projection of the active block', () => {
  const t0 = Date.UTC(2026, 10, 21, 9, 0);
  const [b] = buildBlocks([row(t0, t0 + 30 * 60_000, 3, 'm', 0)], t0 + 60 * 60_000);
  assert.ok(b);
  const rate = burnRate(b);
  assert.equal(rate.costPerHour, 6);
  assert.equal(rate.tokensPerMinute, 100 / 30);
  const p = project(b, t0 + 60 * 60_000);
  assert.equal(p.remainingMs, 4 * H);
  assert.equal(p.costUsd, 3 + 6 * 4);
});

function rollup(p: Partial<RollupLike>): RollupLike {
  return {
    ...emptyTotals(),
    requests: 1,
    tokens: tokens(10),
    firstTs: p.bucket ?? 0,
    lastTs: p.bucket ?? 0,
    ...p,
  };
}

test('cost basis of a sum', () => {
  const t = emptyTotals();
  assert.equal(basisOf({ ...t, reportedRequests: 2 }), 'reported');
  assert.equal(basisOf({ ...t, computedRequests: 1 }), 'computed');
  assert.equal(basisOf({ ...t, unpriced: 1 }), 'unknown');
  assert.equal(basisOf({ ...t, reportedRequests: 1, computedRequests: 1 }), 'mixed');
  assert.equal(basisOf({ ...t, computedRequests: 1, unpriced: 1 }), 'mixed');
});

test('period rows group quarter hours by local day with a tool × model breakdown', () => {
  const d = Date.UTC(2026, 10, 21);
  const rows = [
    rollup({
      bucket: d + 22 * H,
      tool: 'claude-code',
      model: 'a',
      costReported: 1,
      reportedRequests: 1,
    }),
    rollup({
      bucket: d + 23 * H,
      tool: 'codex',
      model: 'b',
      costComputed: 0.5,
      computedRequests: 1,
    }),
    rollup({
      bucket: d + 24 * H,
      tool: 'codex',
      model: 'b',
      costComputed: 0.25,
      computedRequests: 1,
    }),
  ];
  const utc = periodRows(rows, 'daily', 'UTC', true);
  assert.deepEqual(
    utc.map((r) => [r.period, r.requests, r.costUsd, r.costBasis, r.models]),
    [
      ['2026-11-21', 2, 1.5, 'mixed', ['a', 'b']],
      ['2026-11-22', 1, 0.25, 'computed', ['b']],
    ],
  );
  assert.deepEqual(
    utc[0]?.breakdown?.map((b) => [b.tool, b.model, b.costUsd]),
    [
      ['claude-code', 'a', 1],
      ['codex', 'b', 0.5],
    ],
  );
  assert.equal(
    periodRows(rows, 'daily', 'Asia/Tokyo', false).length,
    1,
    'all on the 22nd in Tokyo',
  );
  assert.equal(
    utc[0]?.breakdown !== undefined && periodRows(rows, 'daily', 'UTC', false)[0]?.breakdown,
    undefined,
  );
});

test('period rows from whole days that name their tools and models', () => {
  const day = Date.UTC(2026, 10, 16) / (24 * H); // a Monday
  const rows: RollupLike[] = [
    {
      ...rollup({ requests: 2, costComputed: 1, computedRequests: 2 }),
      day,
      tools: ['codex'],
      models: ['b'],
    },
    {
      ...rollup({ requests: 1, costReported: 2, reportedRequests: 1 }),
      day: day + 1,
      tools: ['claude-code', 'codex'],
      models: ['a', 'b'],
    },
  ];
  assert.deepEqual(
    periodRows(rows, 'weekly', 'UTC', false).map((r) => [r.period, r.requests, r.tools, r.models]),
    [['2026-11-16', 3, ['claude-code', 'codex'], ['a', 'b']]],
  );
  assert.deepEqual(
    periodRows(rows, 'daily', 'UTC', false).map((r) => [r.period, r.tools, r.models, r.costUsd]),
    [
      ['2026-11-16', ['codex'], ['b'], 1],
      ['2026-11-17', ['claude-code', 'codex'], ['a', 'b'], 2],
    ],
  );
});

test('day rows are the daily period rows of a rollup by day, made without regrouping', () => {
  const first = Date.UTC(2026, 9, 30) / (24 * H);
  const tools = ['claude-code', 'codex', 'gemini-cli'] as const;
  const rows: RollupLike[] = [];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let d = 0; d < 40; d++) {
    if (next() < 0.2) continue; // days without use
    const reported = Math.floor(next() * 5);
    const computed = Math.floor(next() * 9);
    const unpriced = next() < 0.1 ? 1 : 0;
    rows.push({
      ...rollup({
        requests: reported + computed + unpriced,
        tokens: tokens(Math.floor(next() * 100_000)),
        costReported: reported * 0.1234567,
        reportedRequests: reported,
        costComputed: computed * 0.0987654,
        computedRequests: computed,
        unpriced,
        firstTs: (first + d) * 24 * H + 1000,
        lastTs: (first + d) * 24 * H + 5000,
      }),
      day: first + d,
      tools: tools.filter(() => next() < 0.6),
      models: ['m-a', 'm-b', 'm-c'].filter(() => next() < 0.5),
    });
  }
  assert.ok(rows.length > 25);
  assert.deepEqual(dayRows(rows), periodRows(rows, 'daily', 'UTC', false));
  assert.throws(() => dayRows([rollup({ requests: 1 })]), /rollup by day/);
});

test('session and model rows', () => {
  const rows = [
    rollup({
      session: 's1',
      tool: 'claude-code',
      project: 'web',
      model: 'a',
      bucket: 10,
      lastTs: 10,
    }),
    rollup({
      session: 's1',
      tool: 'claude-code',
      project: 'web',
      model: 'b',
      bucket: 20,
      lastTs: 20,
    }),
    rollup({ session: 's2', tool: 'codex', project: '', model: 'c', bucket: 30, lastTs: 30 }),
  ];
  assert.deepEqual(
    sessionRows(rows).map((r) => [r.sessionId, r.project, r.models, r.requests]),
    [
      ['s2', '', ['c'], 1],
      ['s1', 'web', ['a', 'b'], 2],
    ],
  );
  const models = modelRows([
    rollup({ tool: 'codex', model: 'c', tokens: { ...tokens(1, 25), cacheRead: 75 } }),
  ]);
  assert.equal(models[0]?.cacheShare, 0.75);
});

function ev(p: Partial<UsageEvent>): UsageEvent {
  return {
    key: 'k',
    ts: 1,
    tool: 'claude-code',
    sessionId: 's',
    model: 'm',
    project: undefined,
    tokens: tokens(10),
    costUsd: 0.1,
    costBasis: 'computed',
    sources: ['log'],
    ...p,
  };
}

test('merging two sightings of a request', () => {
  const cases: Array<
    [string, Partial<UsageEvent>, Partial<UsageEvent>, Partial<UsageEvent> | undefined]
  > = [
    ['a replay changes nothing', {}, {}, undefined],
    ['more output wins', {}, { tokens: tokens(20) }, { tokens: tokens(20) }],
    ['less output is dropped', { tokens: tokens(20) }, {}, undefined],
    ['equal output, more input wins', {}, { tokens: tokens(10, 200) }, { tokens: tokens(10, 200) }],
    [
      'reported beats computed',
      {},
      { costUsd: 0.09, costBasis: 'reported', sources: ['otlp'] },
      { costUsd: 0.09, costBasis: 'reported', sources: ['log', 'otlp'] },
    ],
    [
      'reported stays over a later computed',
      { costUsd: 0.09, costBasis: 'reported' },
      { tokens: tokens(20), costUsd: 0.2 },
      { tokens: tokens(20), costUsd: 0.09, costBasis: 'reported' },
    ],
    [
      'computed fills unknown',
      { costUsd: undefined, costBasis: 'unknown', sources: ['otlp'] },
      {},
      { costUsd: 0.1, costBasis: 'computed', sources: ['log', 'otlp'] },
    ],
    [
      'a project is filled in',
      { sources: ['otlp'] },
      { project: 'web', sources: ['otlp'] },
      { project: 'web' },
    ],
  ];
  for (const [name, a, b, want] of cases) {
    const got = mergeUsage(ev(a), ev(b));
    if (want === undefined) assert.equal(got, undefined, name);
    else assert.deepEqual(got, { ...ev(a), ...want, key: 'k', match: undefined }, name);
  }
});
