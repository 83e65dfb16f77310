// The dashboard's pure helpers: how figures read, and API rows → chart columns.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Figures, UsageRow } from '../../src/web/dashboard/api-types.ts';
import {
  cumulative,
  dayStart,
  daysBetween,
  localDay,
  stackDaily,
  tokenSplit,
} from '../../src/web/dashboard/chart-data.ts';
import {
  BASIS_SHORT,
  BASIS_TEXT,
  formatAgo,
  formatDuration,
  formatShare,
  formatTokens,
  formatUsd,
  toolName,
} from '../../src/web/dashboard/format.ts';

function figures(over: Partial<Figures> = {}): Figures {
  return {
    requests: 1,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    costUsd: 0,
    costBasis: 'computed',
    cost: { reportedUsd: 0, computedUsd: 0, unpricedRequests: 0 },
    ...over,
  };
}

function row(period: string, tool: string, costUsd: number): UsageRow {
  return { ...figures({ costUsd }), period, tool, cacheShare: 0 };
}

describe('formatting', () => {
  test('money: cents, sub-cent requests, thousands without cents', () => {
    const cases: Array<[number, string]> = [
      [0, '$0.00'],
      [0.0042, '$0.0042'],
      [0.01, '$0.01'],
      [12.4, '$12.40'],
      [999.994, '$999.99'],
      [1234.5, '$1,235'],
      [-3.5, '-$3.50'],
      [Number.NaN, '–'],
    ];
    for (const [n, text] of cases) assert.equal(formatUsd(n), text, String(n));
  });

  test('tokens: plain below a thousand, then k, M, B with two significant decimals', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [950, '950'],
      [1000, '1k'],
      [1234, '1.23k'],
      [86_700, '86.7k'],
      [4_560_000, '4.56M'],
      [90_000_000, '90M'],
      [1_200_000_000, '1.2B'],
    ];
    for (const [n, text] of cases) assert.equal(formatTokens(n), text, String(n));
  });

  test('shares, durations and ages', () => {
    assert.equal(formatShare(0), '0%');
    assert.equal(formatShare(0.004), '<1%');
    assert.equal(formatShare(0.836), '84%');
    assert.equal(formatDuration(40), '40s');
    assert.equal(formatDuration(720), '12m');
    assert.equal(formatDuration(7500), '2h 05m');
    const now = 1_800_000_000_000;
    assert.equal(formatAgo(now - 2000, now), 'just now');
    assert.equal(formatAgo(now - 42_000, now), '42s ago');
    assert.equal(formatAgo(now - 5 * 60_000, now), '5m ago');
    assert.equal(formatAgo(now - 3 * 3_600_000, now), '3h ago');
    assert.equal(formatAgo(now - 2 * 86_400_000, now), '2d ago');
  });

  test('every basis has a badge and an explanation; tools have their names', () => {
    for (const b of ['reported', 'computed', 'mixed', 'estimated', 'unknown'] as const) {
      assert.ok(BASIS_SHORT[b].length > 0 && BASIS_TEXT[b].length > 0, b);
    }
    assert.equal(toolName('claude-code'), 'Claude Code');
    assert.equal(toolName('something-new'), 'something-new');
  });
});

describe('chart data', () => {
  test('days are local midnights, every day from since to until', () => {
    const days = daysBetween('2026-03-25', '2026-04-02');
    assert.equal(days.length, 9);
    for (const x of days) assert.equal(new Date(x * 1000).getHours(), 0);
    assert.equal(days[0], dayStart('2026-03-25'));
    assert.equal(dayStart('2026-W13'), undefined);
    assert.deepEqual(daysBetween('2026-04-02', '2026-03-25'), []);
  });

  test('daily cost by tool: stacked from the largest, gaps filled with zero', () => {
    const rows = [
      row('2026-11-01', 'codex', 1),
      row('2026-11-01', 'claude-code', 4),
      row('2026-11-03', 'claude-code', 2),
      row('2026-11-03', 'gemini-cli', 0.5),
    ];
    const s = stackDaily(rows, 'tool', (r) => r.costUsd, '2026-11-01', '2026-11-03');
    assert.deepEqual(s.keys, ['claude-code', 'codex', 'gemini-cli']);
    assert.deepEqual(s.values, [
      [4, 0, 2],
      [1, 0, 0],
      [0, 0, 0.5],
    ]);
    assert.deepEqual(s.stacked, [
      [4, 0, 2],
      [5, 0, 2],
      [5, 0, 2.5],
    ]);
  });

  test('rows outside the window are left out, not piled on an edge', () => {
    const s = stackDaily(
      [row('2026-10-31', 'codex', 9), row('2026-11-01', 'codex', 1)],
      'tool',
      (r) => r.costUsd,
      '2026-11-01',
      '2026-11-02',
    );
    assert.deepEqual(s.values, [[1, 0]]);
  });

  test('cache share: cache reads of all prompt tokens', () => {
    const t = tokenSplit(
      figures({ inputTokens: 100, cacheReadTokens: 800, cacheWriteTokens: 100, outputTokens: 50 }),
    );
    assert.equal(t.cacheShare, 0.8);
    assert.equal(tokenSplit(figures()).cacheShare, 0);
  });

  test('running sums and local day names', () => {
    assert.deepEqual(cumulative([1, 2, 0, 3]), [1, 3, 3, 6]);
    const noon = new Date(2026, 0, 10, 12).getTime();
    assert.equal(localDay(noon), '2026-01-10');
    assert.equal(localDay(noon, 10), '2025-12-31');
  });
});
