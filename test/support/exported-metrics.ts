// Reading what the agent pushed: an OTLP ExportMetricsServiceRequest (protobuf or JSON body)
// decoded with the project's generated OTLP code, flattened to one row per data point.

import { fromBinary, fromJsonString } from '@bufbuild/protobuf';
import type { Attributes } from '../../src/domain/telemetry.ts';
import { ExportMetricsServiceRequestSchema } from '../../src/ingest/otlp/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts';
import type { NumberDataPoint } from '../../src/ingest/otlp/gen/opentelemetry/proto/metrics/v1/metrics_pb.ts';
import { attributes } from '../../src/ingest/otlp/flatten.ts';
import type { CapturedRequest } from './otlp-capture.ts';

export interface ExportedPoint {
  name: string;
  unit: string;
  description: string;
  /** `counter`: monotonic sum; `updown`: non-monotonic sum; `gauge`. */
  kind: 'counter' | 'updown' | 'gauge' | 'other';
  /** 2: cumulative (OTLP AggregationTemporality), 0 for gauges. */
  temporality: number;
  value: number;
  attributes: Attributes;
  resource: Attributes;
  scope: string;
  scopeVersion: string;
}

function pointValue(p: NumberDataPoint): number {
  return p.value.case === 'asInt' ? Number(p.value.value) : (p.value.value ?? Number.NaN);
}

export function exportedPoints(req: CapturedRequest): ExportedPoint[] {
  const msg = req.isJson
    ? fromJsonString(ExportMetricsServiceRequestSchema, req.body.toString('utf8'))
    : fromBinary(ExportMetricsServiceRequestSchema, req.body);
  const out: ExportedPoint[] = [];
  for (const rm of msg.resourceMetrics) {
    const resource = attributes(rm.resource?.attributes ?? []);
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const base = {
          name: m.name,
          unit: m.unit,
          description: m.description,
          resource,
          scope: sm.scope?.name ?? '',
          scopeVersion: sm.scope?.version ?? '',
        };
        if (m.data.case === 'sum') {
          const kind = m.data.value.isMonotonic ? 'counter' : 'updown';
          for (const p of m.data.value.dataPoints) {
            out.push({
              ...base,
              kind,
              temporality: m.data.value.aggregationTemporality,
              value: pointValue(p),
              attributes: attributes(p.attributes),
            });
          }
        } else if (m.data.case === 'gauge') {
          for (const p of m.data.value.dataPoints) {
            out.push({
              ...base,
              kind: 'gauge',
              temporality: 0,
              value: pointValue(p),
              attributes: attributes(p.attributes),
            });
          }
        } else {
          out.push({ ...base, kind: 'other', temporality: 0, value: Number.NaN, attributes: {} });
        }
      }
    }
  }
  return out;
}

/** Sum of a metric's points whose attributes include `match`. */
export function total(
  points: readonly ExportedPoint[],
  name: string,
  match: Record<string, string> = {},
): number {
  let sum = 0;
  for (const p of points) {
    if (p.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => p.attributes[k] === v)) sum += p.value;
  }
  return sum;
}
