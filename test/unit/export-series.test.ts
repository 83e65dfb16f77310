import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeriesBuilder } from '../../src/export/series.ts';

test('labels outside the allowlist are summed away; others are kept', () => {
  const b = new SeriesBuilder(new Set(['tool']));
  b.add({ tool: 'codex', model: 'gpt-5' }, 2);
  b.add({ tool: 'codex', model: 'o3' }, 3);
  b.add({ tool: 'claude-code', model: 'sonnet' }, 5);
  // Not governed by the allowlist: per-session series keep their own labels.
  b.add({ tool: 'codex', session_id: 's1', type: 'input' }, 7);
  assert.deepEqual(b.points(), [
    { labels: { tool: 'codex', session_id: 's1', type: 'input' }, value: 7 },
    { labels: { tool: 'claude-code' }, value: 5 },
    { labels: { tool: 'codex' }, value: 5 },
  ]);
});

test('the same labels in another order are one series', () => {
  const b = new SeriesBuilder(new Set(['tool', 'model']));
  b.add({ tool: 't', model: 'm' }, 1);
  b.add({ model: 'm', tool: 't' }, 2);
  assert.deepEqual(b.points(), [{ labels: { tool: 't', model: 'm' }, value: 3 }]);
});

test('non-finite values are dropped rather than exported', () => {
  const b = new SeriesBuilder(new Set(['tool']));
  b.add({ tool: 'a' }, Number.NaN);
  b.add({ tool: 'a' }, Number.POSITIVE_INFINITY);
  b.add({ tool: 'a' }, 1);
  assert.deepEqual(b.points(), [{ labels: { tool: 'a' }, value: 1 }]);
});

test('past the bound the rest is folded into one "other" series, the sum unchanged', () => {
  const b = new SeriesBuilder(new Set(['tool', 'model']));
  for (let i = 0; i < 10; i++) b.add({ tool: 'codex', model: `m${i}` }, i + 1);
  const points = b.points(4);
  assert.equal(points.length, 4);
  assert.deepEqual(points.at(-1), {
    labels: { tool: 'other', model: 'other' },
    value: 4 + 5 + 6 + 7 + 8 + 9 + 10,
  });
  assert.equal(
    points.reduce((s, p) => s + p.value, 0),
    55,
  );
  // Stable: the same input folds the same way.
  assert.deepEqual(
    points.slice(0, 3).map((p) => p.labels.model),
    ['m0', 'm1', 'm2'],
  );
});
