// Builders of decoded telemetry views for domain tests.

import type { Attributes, LogRecordView, MetricPointView } from '../../src/domain/telemetry.ts';

export function logRecord(
  attributes: Attributes,
  opts: { timeMs?: number; body?: string; resource?: Attributes; eventName?: string } = {},
): LogRecordView {
  return {
    timeMs: opts.timeMs ?? 1_700_000_000_000,
    body: opts.body,
    eventName: opts.eventName,
    attributes,
    resource: opts.resource ?? {},
    scope: 'test',
  };
}

export function metricPoint(p: Partial<MetricPointView> & { name: string }): MetricPointView {
  return {
    value: 1,
    kind: 'sum',
    temporality: 'delta',
    monotonic: true,
    startTimeMs: 1000,
    timeMs: 2000,
    attributes: {},
    resource: {},
    scope: 'test',
    ...p,
  };
}
