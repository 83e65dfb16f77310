import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricDeltas } from '../../src/domain/metric-deltas.ts';
import { metricPoint } from '../support/records.ts';

const name = 'claude_code.token.usage';

test('a delta point counts once, even when its batch is re-sent', () => {
  const d = new MetricDeltas({ maxEntries: 100 });
  const p = metricPoint({ name, value: 10, attributes: { type: 'input' } });
  assert.equal(d.increment(p), 10);
  assert.equal(d.increment({ ...p }), 0);
  assert.equal(d.increment({ ...p, startTimeMs: 2000, timeMs: 3000, value: 4 }), 4);
});

test('a cumulative series yields differences, and a restart starts again', () => {
  const d = new MetricDeltas({ maxEntries: 100 });
  const p = metricPoint({ name, temporality: 'cumulative', startTimeMs: 0 });
  assert.equal(d.increment({ ...p, timeMs: 10, value: 100 }), 100);
  assert.equal(d.increment({ ...p, timeMs: 20, value: 130 }), 30);
  assert.equal(d.increment({ ...p, timeMs: 20, value: 130 }), 0, 're-sent');
  assert.equal(d.increment({ ...p, timeMs: 15, value: 110 }), 0, 'late, older point');
  assert.equal(d.increment({ ...p, timeMs: 30, value: 130 }), 0, 'unchanged');
  assert.equal(d.increment({ ...p, startTimeMs: 25, timeMs: 40, value: 7 }), 7, 'restart');
});

test('series are told apart by attributes and resource', () => {
  const d = new MetricDeltas({ maxEntries: 100 });
  const base = metricPoint({ name, temporality: 'cumulative', value: 5 });
  assert.equal(d.increment({ ...base, attributes: { type: 'input' } }), 5);
  assert.equal(d.increment({ ...base, attributes: { type: 'output' } }), 5);
  assert.equal(d.increment({ ...base, resource: { 'service.instance.id': 'other' } }), 5);
});

test('gauges and non-finite values add nothing; memory stays bounded', () => {
  const d = new MetricDeltas({ maxEntries: 10 });
  assert.equal(d.increment(metricPoint({ name, kind: 'gauge', value: 3 })), 0);
  assert.equal(d.increment(metricPoint({ name, value: Number.NaN })), 0);
  for (let i = 0; i < 100; i++) d.increment(metricPoint({ name, timeMs: 10_000 + i }));
  // the oldest identities were forgotten: the very first point counts again
  assert.equal(d.increment(metricPoint({ name, timeMs: 10_000 })), 1);
});
