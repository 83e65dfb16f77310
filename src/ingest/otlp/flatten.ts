// Decoded OTLP export requests → the flat views in domain/telemetry.ts.
//
// Hot path: a Claude Code log batch is hundreds of records with 15-20 attributes each, so the
// loops here are plain indexed loops building fixed-shape objects, with no per-attribute closure.
// Resource attributes are flattened once per resource and the object is shared by every record
// of that resource: treat views as read-only.

import type {
  Attributes,
  AttrValue,
  LogRecordView,
  MetricPointView,
  SpanView,
  Temporality,
} from '../../domain/telemetry.ts';
import { MAX_ANY_VALUE_DEPTH, OtlpDecodeError } from './decode-error.ts';
import type { ExportLogsServiceRequest } from './gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import type { ExportMetricsServiceRequest } from './gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts';
import type { ExportTraceServiceRequest } from './gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts';
import type { AnyValue, KeyValue } from './gen/opentelemetry/proto/common/v1/common_pb.ts';
import type { NumberDataPoint } from './gen/opentelemetry/proto/metrics/v1/metrics_pb.ts';
import type { Resource } from './gen/opentelemetry/proto/resource/v1/resource_pb.ts';

/** Longest string an array or kvlist attribute becomes (compact JSON, cut with an ellipsis). */
export const MAX_STRUCTURED_ATTR_CHARS = 4096;

// proto enum values (AggregationTemporality, DataPointFlags)
const TEMPORALITY_DELTA = 1;
const TEMPORALITY_CUMULATIVE = 2;
const FLAG_NO_RECORDED_VALUE = 1;

export function flattenLogs(req: ExportLogsServiceRequest): LogRecordView[] {
  const out: LogRecordView[] = [];
  const rls = req.resourceLogs;
  for (let i = 0; i < rls.length; i++) {
    const rl = rls[i]!;
    const resource = resourceAttributes(rl.resource);
    const sls = rl.scopeLogs;
    for (let j = 0; j < sls.length; j++) {
      const sl = sls[j]!;
      const scope = sl.scope?.name ?? '';
      const recs = sl.logRecords;
      for (let k = 0; k < recs.length; k++) {
        const r = recs[k]!;
        const t = r.timeUnixNano !== 0n ? r.timeUnixNano : r.observedTimeUnixNano;
        const body = r.body;
        let bodyText: string | undefined;
        if (body !== undefined) {
          if (body.value.case === 'stringValue') bodyText = body.value.value;
          else checkDepth(body, 1);
        }
        out.push({
          timeMs: nanosToMs(t),
          body: bodyText,
          eventName: r.eventName === '' ? undefined : r.eventName,
          attributes: attributes(r.attributes),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

export function flattenMetrics(req: ExportMetricsServiceRequest): MetricPointView[] {
  const out: MetricPointView[] = [];
  const rms = req.resourceMetrics;
  for (let i = 0; i < rms.length; i++) {
    const rm = rms[i]!;
    const resource = resourceAttributes(rm.resource);
    const sms = rm.scopeMetrics;
    for (let j = 0; j < sms.length; j++) {
      const sm = sms[j]!;
      const scope = sm.scope?.name ?? '';
      const metrics = sm.metrics;
      for (let k = 0; k < metrics.length; k++) {
        const m = metrics[k]!;
        const name = m.name;
        const data = m.data;
        switch (data.case) {
          case 'gauge':
            numberPoints(
              out,
              name,
              'gauge',
              'unspecified',
              false,
              data.value.dataPoints,
              resource,
              scope,
            );
            break;
          case 'sum':
            numberPoints(
              out,
              name,
              'sum',
              temporality(data.value.aggregationTemporality),
              data.value.isMonotonic,
              data.value.dataPoints,
              resource,
              scope,
            );
            break;
          case 'histogram':
          case 'exponentialHistogram': {
            const t = temporality(data.value.aggregationTemporality);
            const points = data.value.dataPoints;
            for (let p = 0; p < points.length; p++) {
              const dp = points[p]!;
              if ((dp.flags & FLAG_NO_RECORDED_VALUE) !== 0) continue;
              out.push(point(name, dp.sum ?? 0, 'histogram', t, false, dp, resource, scope));
            }
            break;
          }
          case 'summary': {
            // Summary count and sum are cumulative by definition.
            const points = data.value.dataPoints;
            for (let p = 0; p < points.length; p++) {
              const dp = points[p]!;
              if ((dp.flags & FLAG_NO_RECORDED_VALUE) !== 0) continue;
              out.push(point(name, dp.sum, 'histogram', 'cumulative', false, dp, resource, scope));
            }
            break;
          }
          default:
            break; // no data: nothing to report
        }
      }
    }
  }
  return out;
}

export function flattenSpans(req: ExportTraceServiceRequest): SpanView[] {
  const out: SpanView[] = [];
  const rss = req.resourceSpans;
  for (let i = 0; i < rss.length; i++) {
    const rs = rss[i]!;
    const resource = resourceAttributes(rs.resource);
    const sss = rs.scopeSpans;
    for (let j = 0; j < sss.length; j++) {
      const ss = sss[j]!;
      const scope = ss.scope?.name ?? '';
      const spans = ss.spans;
      for (let k = 0; k < spans.length; k++) {
        const s = spans[k]!;
        out.push({
          name: s.name,
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          startTimeMs: nanosToMs(s.startTimeUnixNano),
          endTimeMs: nanosToMs(s.endTimeUnixNano),
          attributes: attributes(s.attributes),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

interface PointLike {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
}

function point(
  name: string,
  value: number,
  kind: MetricPointView['kind'],
  t: Temporality,
  monotonic: boolean,
  dp: PointLike,
  resource: Attributes,
  scope: string,
): MetricPointView {
  return {
    name,
    value,
    kind,
    temporality: t,
    monotonic,
    startTimeMs: nanosToMs(dp.startTimeUnixNano),
    timeMs: nanosToMs(dp.timeUnixNano),
    attributes: attributes(dp.attributes),
    resource,
    scope,
  };
}

function numberPoints(
  out: MetricPointView[],
  name: string,
  kind: 'sum' | 'gauge',
  t: Temporality,
  monotonic: boolean,
  points: NumberDataPoint[],
  resource: Attributes,
  scope: string,
): void {
  for (let p = 0; p < points.length; p++) {
    const dp = points[p]!;
    if ((dp.flags & FLAG_NO_RECORDED_VALUE) !== 0) continue;
    const v = dp.value;
    let value: number;
    if (v.case === 'asDouble') value = v.value;
    else if (v.case === 'asInt') value = Number(v.value);
    else continue; // a point without a value is invalid
    out.push(point(name, value, kind, t, monotonic, dp, resource, scope));
  }
}

function temporality(t: number): Temporality {
  return t === TEMPORALITY_DELTA
    ? 'delta'
    : t === TEMPORALITY_CUMULATIVE
      ? 'cumulative'
      : 'unspecified';
}

/** Nanoseconds since the epoch → whole milliseconds (0 stays 0). */
export function nanosToMs(ns: bigint): number {
  return ns === 0n ? 0 : Number(ns / 1_000_000n);
}

function resourceAttributes(resource: Resource | undefined): Attributes {
  return resource === undefined ? {} : attributes(resource.attributes);
}

/** KeyValue list → plain attributes; entries without a value are left out. */
export function attributes(kvs: KeyValue[]): Attributes {
  const out: Attributes = {};
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i]!;
    const v = kv.value;
    if (v === undefined) continue;
    const val = v.value;
    let flat: AttrValue;
    switch (val.case) {
      case 'stringValue':
      case 'boolValue':
      case 'doubleValue':
        flat = val.value;
        break;
      case 'intValue':
        flat = Number(val.value);
        break;
      case 'bytesValue':
        flat = base64(val.value);
        break;
      case 'arrayValue':
      case 'kvlistValue':
        flat = structured(v);
        break;
      default:
        continue;
    }
    if (kv.key === '__proto__') {
      Object.defineProperty(out, kv.key, {
        value: flat,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      out[kv.key] = flat;
    }
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** An array or kvlist AnyValue as compact JSON, cut to MAX_STRUCTURED_ATTR_CHARS. */
function structured(v: AnyValue): string {
  const json = JSON.stringify(plain(v, 1));
  return json.length <= MAX_STRUCTURED_ATTR_CHARS
    ? json
    : `${json.slice(0, MAX_STRUCTURED_ATTR_CHARS - 1)}…`;
}

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

function plain(v: AnyValue | undefined, depth: number): Plain {
  if (depth > MAX_ANY_VALUE_DEPTH) tooDeep();
  if (v === undefined) return null;
  const val = v.value;
  switch (val.case) {
    case 'stringValue':
    case 'boolValue':
    case 'doubleValue':
      return val.value;
    case 'intValue': {
      const n = Number(val.value);
      return Number.isSafeInteger(n) ? n : val.value.toString();
    }
    case 'bytesValue':
      return base64(val.value);
    case 'arrayValue': {
      const items = val.value.values;
      const arr: Plain[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) arr[i] = plain(items[i], depth + 1);
      return arr;
    }
    case 'kvlistValue': {
      const obj: { [key: string]: Plain } = Object.create(null);
      const kvs = val.value.values;
      for (let i = 0; i < kvs.length; i++) {
        const kv = kvs[i]!;
        obj[kv.key] = plain(kv.value, depth + 1);
      }
      return obj;
    }
    default:
      return null;
  }
}

/** Rejects a structured value (e.g. a log body we do not flatten) nested too deep. */
function checkDepth(v: AnyValue | undefined, depth: number): void {
  if (v === undefined) return;
  if (depth > MAX_ANY_VALUE_DEPTH) tooDeep();
  const val = v.value;
  if (val.case === 'arrayValue') {
    const items = val.value.values;
    for (let i = 0; i < items.length; i++) checkDepth(items[i], depth + 1);
  } else if (val.case === 'kvlistValue') {
    const kvs = val.value.values;
    for (let i = 0; i < kvs.length; i++) checkDepth(kvs[i]!.value, depth + 1);
  }
}

function tooDeep(): never {
  throw new OtlpDecodeError(
    `invalid OTLP request: attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`,
  );
}
