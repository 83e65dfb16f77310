// `report apps|sites|tools` rows: names from the catalog, periods from days, sums and order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { ActivityTotalsRow } from '../../src/domain/activity/intervals.ts';
import { activityRows, activitySummary, formatDuration } from '../../src/domain/activity/report.ts';

const catalog = loadCatalog();
const DAY = 20_777; // 2026-11-20, a Friday

function row(p: Partial<ActivityTotalsRow> & { subject: string }): ActivityTotalsRow {
  return {
    kind: 'site',
    entry: 'chatgpt',
    category: 'assistant',
    activeSeconds: 60,
    costUsd: 0.01,
    costBasis: 'estimated',
    visits: 1,
    commands: 0,
    sources: ['history'],
    firstTs: DAY * 86_400_000,
    lastTs: DAY * 86_400_000 + 60_000,
    ...p,
  };
}

test('rows per subject, named from the catalog, most time first', () => {
  const rows = activityRows(
    [
      row({ subject: 'chat.openai.com', activeSeconds: 30 }),
      row({ subject: 'chatgpt.com', activeSeconds: 600, sources: ['extension'] }),
      row({ subject: 'gone.example', entry: 'removed-entry', activeSeconds: 0, visits: 4 }),
    ],
    catalog,
  );
  assert.deepEqual(
    rows.map((r) => [r.subject, r.name, r.activeSeconds]),
    [
      ['chatgpt.com', 'ChatGPT', 600],
      ['chat.openai.com', 'ChatGPT', 30],
      ['gone.example', 'removed-entry', 0],
    ],
  );
  assert.equal(rows[0]!.firstActivity, '2026-11-20T00:00:00.000Z');
  assert.deepEqual(activitySummary(rows), {
    activeSeconds: 630,
    costUsd: 0.03,
    costBasis: 'estimated',
    visits: 6,
    commands: 0,
  });
});

test('days fold into weeks and months; sources are unioned', () => {
  const days = [DAY, DAY + 1, DAY + 3].map((day, i) =>
    row({
      subject: 'claude.ai',
      entry: 'claude-web',
      day,
      sources: i === 0 ? ['history'] : ['extension'],
    }),
  );
  const weekly = activityRows(days, catalog, 'weekly');
  assert.deepEqual(
    weekly.map((r) => [r.period, r.activeSeconds, r.sources]),
    [
      ['2026-11-16', 120, ['history', 'extension']],
      ['2026-11-23', 60, ['extension']],
    ],
  );
  assert.deepEqual(
    activityRows(days, catalog, 'monthly').map((r) => [r.period, r.visits]),
    [['2026-11', 3]],
  );
});

test('durations for people', () => {
  assert.equal(formatDuration(40), '40s');
  assert.equal(formatDuration(725), '12m 05s');
  assert.equal(formatDuration(3720), '1h 02m');
});
