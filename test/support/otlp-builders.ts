/**
 * Builders for OTLP export requests, as the generated protobuf-es messages, plus encoders to
 * protobuf bytes and to OTLP/JSON (hex ids, integer enums, lowerCamelCase keys).
 *
 *   const req = logsRequest({
 *     resource: { 'service.name': 'claude-code' },
 *     scope: 'com.anthropic.claude_code.events',
 *     records: [{ body: 'claude_code.api_request', attrs: { model: 'm', input_tokens: 10 },
 *                 timeUnixNano: msToNanos(Date.now()) }],
 *   });
 *   toProtobuf(req)   // Uint8Array: body of POST /v1/logs (application/x-protobuf) or gRPC Export
 *   toJson(req)       // OTLP/JSON object;  toJsonBytes(req) for the request body
 *
 * Attribute values: string → stringValue, integer number or bigint → intValue, other number →
 * doubleValue (use `doubleValue(1)` for an integral double), boolean → boolValue, Uint8Array →
 * bytesValue, array → arrayValue, plain object → kvlistValue, an AnyValue message as is.
 * Ids are hex strings. Times are nanoseconds (bigint, number or decimal string).
 */
import {
  create,
  type JsonObject,
  type Message,
  type MessageInitShape,
  toJson as pbToJson,
  toBinary,
} from '@bufbuild/protobuf';
import {
  type ExportLogsServiceRequest,
  ExportLogsServiceRequestSchema,
} from '../../src/ingest/otlp/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import {
  type ExportMetricsServiceRequest,
  ExportMetricsServiceRequestSchema,
} from '../../src/ingest/otlp/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts';
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
} from '../../src/ingest/otlp/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts';
import {
  type AnyValue,
  AnyValueSchema,
  type KeyValue,
  KeyValueSchema,
} from '../../src/ingest/otlp/gen/opentelemetry/proto/common/v1/common_pb.ts';
import type {
  LogRecordSchema,
  SeverityNumber,
} from '../../src/ingest/otlp/gen/opentelemetry/proto/logs/v1/logs_pb.ts';
import type {
  AggregationTemporality,
  ExemplarSchema,
  MetricSchema,
  NumberDataPointSchema,
} from '../../src/ingest/otlp/gen/opentelemetry/proto/metrics/v1/metrics_pb.ts';
import type {
  Span_SpanKind,
  SpanSchema,
  Status_StatusCode,
} from '../../src/ingest/otlp/gen/opentelemetry/proto/trace/v1/trace_pb.ts';
import { base64IdToHex, convertIds } from '../../src/ingest/otlp/json.ts';
import type { OtlpSignal } from '../../src/ingest/otlp/sink.ts';

export type AttrInput =
  | string
  | number
  | boolean
  | bigint
  | Uint8Array
  | AnyValue
  | AttrInput[]
  | { [key: string]: AttrInput };
export type Attrs = Record<string, AttrInput>;
export type Nanos = bigint | number | string;

export type ExportRequest =
  | ExportLogsServiceRequest
  | ExportMetricsServiceRequest
  | ExportTraceServiceRequest;

// ---------------------------------------------------------------------------------------------
// values

function isAnyValue(v: object): v is AnyValue {
  return (v as Partial<Message>).$typeName === AnyValueSchema.typeName;
}

export function anyValue(v: AttrInput): AnyValue {
  switch (typeof v) {
    case 'string':
      return create(AnyValueSchema, { value: { case: 'stringValue', value: v } });
    case 'boolean':
      return create(AnyValueSchema, { value: { case: 'boolValue', value: v } });
    case 'bigint':
      return create(AnyValueSchema, { value: { case: 'intValue', value: v } });
    case 'number':
      return Number.isInteger(v)
        ? create(AnyValueSchema, { value: { case: 'intValue', value: BigInt(v) } })
        : doubleValue(v);
    default:
      break;
  }
  if (v instanceof Uint8Array) {
    return create(AnyValueSchema, { value: { case: 'bytesValue', value: v } });
  }
  if (Array.isArray(v)) {
    return create(AnyValueSchema, {
      value: { case: 'arrayValue', value: { values: v.map(anyValue) } },
    });
  }
  if (isAnyValue(v)) return v;
  return create(AnyValueSchema, {
    value: { case: 'kvlistValue', value: { values: keyValues(v) } },
  });
}

export function doubleValue(n: number): AnyValue {
  return create(AnyValueSchema, { value: { case: 'doubleValue', value: n } });
}

export function keyValues(attrs: Attrs | undefined): KeyValue[] {
  if (attrs === undefined) return [];
  return Object.entries(attrs).map(([key, v]) =>
    create(KeyValueSchema, { key, value: anyValue(v) }),
  );
}

export function msToNanos(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * 1_000_000n;
}

function nanos(v: Nanos | undefined): bigint {
  return v === undefined ? 0n : BigInt(v);
}

function idBytes(hex: string | undefined): Uint8Array {
  return hex === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(hex, 'hex'));
}

// ---------------------------------------------------------------------------------------------
// resource and scope

export interface ScopeInput {
  name: string;
  version?: string;
  attrs?: Attrs;
}

export interface ResourceInput {
  resource?: Attrs;
  scope?: string | ScopeInput;
}

function resourceOf(input: ResourceInput) {
  return { attributes: keyValues(input.resource) };
}

function scopeOf(input: ResourceInput) {
  const s = typeof input.scope === 'string' ? { name: input.scope } : (input.scope ?? { name: '' });
  return { name: s.name, version: s.version ?? '', attributes: keyValues(s.attrs) };
}

function many<T>(input: T | T[]): T[] {
  return Array.isArray(input) ? input : [input];
}

// ---------------------------------------------------------------------------------------------
// logs

export interface LogInput {
  /** A string body, or any attribute value. */
  body?: AttrInput;
  eventName?: string;
  attrs?: Attrs;
  timeUnixNano?: Nanos;
  observedTimeUnixNano?: Nanos;
  severityNumber?: number;
  severityText?: string;
  traceId?: string;
  spanId?: string;
}

export interface LogsInput extends ResourceInput {
  records: LogInput[];
}

/** One ResourceLogs per input (an array gives several resources). */
export function logsRequest(input: LogsInput | LogsInput[]): ExportLogsServiceRequest {
  return create(ExportLogsServiceRequestSchema, {
    resourceLogs: many(input).map((rl) => ({
      resource: resourceOf(rl),
      scopeLogs: [{ scope: scopeOf(rl), logRecords: rl.records.map(logRecord) }],
    })),
  });
}

function logRecord(r: LogInput): MessageInitShape<typeof LogRecordSchema> {
  return {
    timeUnixNano: nanos(r.timeUnixNano),
    observedTimeUnixNano: nanos(r.observedTimeUnixNano),
    severityNumber: (r.severityNumber ?? 0) as SeverityNumber,
    severityText: r.severityText ?? '',
    ...(r.body !== undefined && { body: anyValue(r.body) }),
    attributes: keyValues(r.attrs),
    traceId: idBytes(r.traceId),
    spanId: idBytes(r.spanId),
    eventName: r.eventName ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// metrics

export interface ExemplarInput {
  value: number;
  asInt?: boolean;
  timeUnixNano?: Nanos;
  traceId?: string;
  spanId?: string;
  attrs?: Attrs;
}

export interface PointInput {
  /** Number points: the value. Histograms and summaries: the sum. */
  value: number;
  /** Number points: send as_int (default: as_int for integers, as_double otherwise). */
  asInt?: boolean;
  attrs?: Attrs;
  timeUnixNano?: Nanos;
  startTimeUnixNano?: Nanos;
  /** Histograms and summaries: the count (default 1). */
  count?: number;
  flags?: number;
  exemplars?: ExemplarInput[];
}

export type MetricKind = 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';
export type TemporalityInput = 'delta' | 'cumulative' | 'unspecified';

export interface MetricInput {
  name: string;
  kind: MetricKind;
  description?: string;
  unit?: string;
  temporality?: TemporalityInput;
  monotonic?: boolean;
  points: PointInput[];
}

export interface MetricsInput extends ResourceInput {
  metrics: MetricInput[];
}

const TEMPORALITY: Record<TemporalityInput, AggregationTemporality> = {
  unspecified: 0,
  delta: 1,
  cumulative: 2,
};

export function metricsRequest(input: MetricsInput | MetricsInput[]): ExportMetricsServiceRequest {
  return create(ExportMetricsServiceRequestSchema, {
    resourceMetrics: many(input).map((rm) => ({
      resource: resourceOf(rm),
      scopeMetrics: [{ scope: scopeOf(rm), metrics: rm.metrics.map(metric) }],
    })),
  });
}

function exemplar(e: ExemplarInput): MessageInitShape<typeof ExemplarSchema> {
  const asInt = e.asInt ?? Number.isInteger(e.value);
  return {
    filteredAttributes: keyValues(e.attrs),
    timeUnixNano: nanos(e.timeUnixNano),
    value: asInt
      ? { case: 'asInt', value: BigInt(Math.trunc(e.value)) }
      : { case: 'asDouble', value: e.value },
    traceId: idBytes(e.traceId),
    spanId: idBytes(e.spanId),
  };
}

function numberPoint(p: PointInput): MessageInitShape<typeof NumberDataPointSchema> {
  const asInt = p.asInt ?? Number.isInteger(p.value);
  return {
    attributes: keyValues(p.attrs),
    startTimeUnixNano: nanos(p.startTimeUnixNano),
    timeUnixNano: nanos(p.timeUnixNano),
    value: asInt
      ? { case: 'asInt', value: BigInt(Math.trunc(p.value)) }
      : { case: 'asDouble', value: p.value },
    exemplars: (p.exemplars ?? []).map(exemplar),
    flags: p.flags ?? 0,
  };
}

function metric(m: MetricInput): MessageInitShape<typeof MetricSchema> {
  const base = { name: m.name, description: m.description ?? '', unit: m.unit ?? '' };
  const temporality = TEMPORALITY[m.temporality ?? 'cumulative'];
  const common = (p: PointInput) => ({
    attributes: keyValues(p.attrs),
    startTimeUnixNano: nanos(p.startTimeUnixNano),
    timeUnixNano: nanos(p.timeUnixNano),
    count: BigInt(p.count ?? 1),
    sum: p.value,
    flags: p.flags ?? 0,
  });
  switch (m.kind) {
    case 'gauge':
      return { ...base, data: { case: 'gauge', value: { dataPoints: m.points.map(numberPoint) } } };
    case 'sum':
      return {
        ...base,
        data: {
          case: 'sum',
          value: {
            dataPoints: m.points.map(numberPoint),
            aggregationTemporality: temporality,
            isMonotonic: m.monotonic ?? true,
          },
        },
      };
    case 'histogram':
      return {
        ...base,
        data: {
          case: 'histogram',
          value: {
            aggregationTemporality: temporality,
            dataPoints: m.points.map((p) => ({
              ...common(p),
              bucketCounts: [BigInt(p.count ?? 1)],
              explicitBounds: [],
              exemplars: (p.exemplars ?? []).map(exemplar),
            })),
          },
        },
      };
    case 'exponentialHistogram':
      return {
        ...base,
        data: {
          case: 'exponentialHistogram',
          value: {
            aggregationTemporality: temporality,
            dataPoints: m.points.map((p) => ({
              ...common(p),
              scale: 0,
              zeroCount: 0n,
              positive: { offset: 0, bucketCounts: [BigInt(p.count ?? 1)] },
              exemplars: (p.exemplars ?? []).map(exemplar),
            })),
          },
        },
      };
    case 'summary':
      return {
        ...base,
        data: {
          case: 'summary',
          value: {
            dataPoints: m.points.map((p) => ({
              ...common(p),
              quantileValues: [
                { quantile: 0, value: p.value },
                { quantile: 1, value: p.value },
              ],
            })),
          },
        },
      };
  }
}

// ---------------------------------------------------------------------------------------------
// traces

export interface SpanInput {
  name: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  /** SpanKind as its integer (1 internal, 2 server, 3 client, …). */
  kind?: number;
  startTimeUnixNano?: Nanos;
  endTimeUnixNano?: Nanos;
  attrs?: Attrs;
  events?: { name: string; timeUnixNano?: Nanos; attrs?: Attrs }[];
  links?: { traceId: string; spanId: string; attrs?: Attrs }[];
  status?: { code: number; message?: string };
}

export interface TracesInput extends ResourceInput {
  spans: SpanInput[];
}

export function tracesRequest(input: TracesInput | TracesInput[]): ExportTraceServiceRequest {
  return create(ExportTraceServiceRequestSchema, {
    resourceSpans: many(input).map((rs) => ({
      resource: resourceOf(rs),
      scopeSpans: [{ scope: scopeOf(rs), spans: rs.spans.map(span) }],
    })),
  });
}

function span(s: SpanInput): MessageInitShape<typeof SpanSchema> {
  return {
    traceId: idBytes(s.traceId),
    spanId: idBytes(s.spanId),
    parentSpanId: idBytes(s.parentSpanId),
    name: s.name,
    kind: (s.kind ?? 1) as Span_SpanKind,
    startTimeUnixNano: nanos(s.startTimeUnixNano),
    endTimeUnixNano: nanos(s.endTimeUnixNano),
    attributes: keyValues(s.attrs),
    events: (s.events ?? []).map((e) => ({
      name: e.name,
      timeUnixNano: nanos(e.timeUnixNano),
      attributes: keyValues(e.attrs),
    })),
    links: (s.links ?? []).map((l) => ({
      traceId: idBytes(l.traceId),
      spanId: idBytes(l.spanId),
      attributes: keyValues(l.attrs),
    })),
    ...(s.status !== undefined && {
      status: { code: s.status.code as Status_StatusCode, message: s.status.message ?? '' },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Claude Code-shaped data

export interface ClaudeOptions {
  sessionId?: string;
  /** Number of api_request records (default 100). */
  count?: number;
  /** Time of the first record in ms (default 2025-06-01T12:00:00Z); one second apart. */
  startMs?: number;
  model?: string;
  version?: string;
}

const CLAUDE_RESOURCE: Attrs = {
  'service.name': 'claude-code',
  'service.version': '2.1.0',
  'os.type': 'linux',
  'os.version': '6.8.0',
  'host.arch': 'amd64',
};

/**
 * `count` claude_code.api_request log records shaped like Claude Code's (17 attributes: session,
 * user, terminal, model, token counts, cost, duration).
 */
export function claudeLogsRequest(opts: ClaudeOptions = {}): ExportLogsServiceRequest {
  const sessionId = opts.sessionId ?? '6d1f0a52-3c1e-4f7a-9b2e-2f5c8e9a0b11';
  const start = opts.startMs ?? Date.UTC(2025, 5, 1, 12);
  const count = opts.count ?? 100;
  const records: LogInput[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + i * 1000;
    records.push({
      body: 'claude_code.api_request',
      timeUnixNano: msToNanos(t),
      observedTimeUnixNano: msToNanos(t),
      attrs: {
        'user.id': 'a3f1c0de9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615f4',
        'session.id': sessionId,
        'app.version': opts.version ?? '2.1.0',
        'organization.id': '0f4c2b8e-1d3a-4e5f-9a7b-6c8d0e2f4a6b',
        'user.email': 'dev@example.com',
        'user.account_uuid': '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
        'terminal.type': 'xterm-256color',
        'event.name': 'api_request',
        'event.timestamp': new Date(t).toISOString(),
        'event.sequence': i,
        'prompt.id': `prompt-${Math.floor(i / 5)}`,
        model: opts.model ?? 'claude-sonnet-4-5-20250929',
        input_tokens: 1200 + i,
        output_tokens: 340 + (i % 50),
        cache_read_tokens: 15000,
        cache_creation_tokens: 800,
        cost_usd: 0.0123 + i / 1e5,
        duration_ms: 2300 + i,
      },
    });
  }
  return logsRequest({
    resource: CLAUDE_RESOURCE,
    scope: { name: 'com.anthropic.claude_code.events', version: opts.version ?? '2.1.0' },
    records,
  });
}

/** Claude Code's delta token and cost counters for one session. */
export function claudeMetricsRequest(
  opts: ClaudeOptions & {
    tokens?: Partial<Record<'input' | 'output' | 'cacheRead' | 'cacheCreation', number>>;
    costUsd?: number;
  } = {},
): ExportMetricsServiceRequest {
  const t = opts.startMs ?? Date.UTC(2025, 5, 1, 12);
  const session = {
    'session.id': opts.sessionId ?? '6d1f0a52-3c1e-4f7a-9b2e-2f5c8e9a0b11',
    model: opts.model ?? 'claude-sonnet-4-5-20250929',
  };
  const tokens = { input: 1200, output: 340, cacheRead: 15000, cacheCreation: 800, ...opts.tokens };
  const when = { startTimeUnixNano: msToNanos(t - 60_000), timeUnixNano: msToNanos(t) };
  return metricsRequest({
    resource: CLAUDE_RESOURCE,
    scope: { name: 'com.anthropic.claude_code', version: opts.version ?? '2.1.0' },
    metrics: [
      {
        name: 'claude_code.token.usage',
        kind: 'sum',
        unit: 'tokens',
        temporality: 'delta',
        points: (['input', 'output', 'cacheRead', 'cacheCreation'] as const).map((type) => ({
          value: tokens[type],
          attrs: { ...session, type },
          ...when,
        })),
      },
      {
        name: 'claude_code.cost.usage',
        kind: 'sum',
        unit: 'USD',
        temporality: 'delta',
        points: [{ value: opts.costUsd ?? 0.0123, asInt: false, attrs: session, ...when }],
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// encoders

const SIGNAL_OF: Record<string, OtlpSignal> = {
  [ExportLogsServiceRequestSchema.typeName]: 'logs',
  [ExportMetricsServiceRequestSchema.typeName]: 'metrics',
  [ExportTraceServiceRequestSchema.typeName]: 'traces',
};

export function signalOf(req: ExportRequest): OtlpSignal {
  const s = SIGNAL_OF[req.$typeName];
  if (s === undefined) throw new Error(`not an export request: ${req.$typeName}`);
  return s;
}

/** Protobuf bytes of an export request. */
export function toProtobuf(req: ExportRequest): Uint8Array {
  switch (req.$typeName) {
    case ExportLogsServiceRequestSchema.typeName:
      return toBinary(ExportLogsServiceRequestSchema, req);
    case ExportMetricsServiceRequestSchema.typeName:
      return toBinary(ExportMetricsServiceRequestSchema, req);
    default:
      return toBinary(ExportTraceServiceRequestSchema, req);
  }
}

/** The OTLP/JSON object of an export request: hex ids, integer enums, int64 as strings. */
export function toJson(req: ExportRequest): JsonObject {
  const opts = { enumAsInteger: true } as const;
  let json: JsonObject;
  switch (req.$typeName) {
    case ExportLogsServiceRequestSchema.typeName:
      json = pbToJson(ExportLogsServiceRequestSchema, req, opts) as JsonObject;
      break;
    case ExportMetricsServiceRequestSchema.typeName:
      json = pbToJson(ExportMetricsServiceRequestSchema, req, opts) as JsonObject;
      break;
    default:
      json = pbToJson(ExportTraceServiceRequestSchema, req, opts) as JsonObject;
      break;
  }
  convertIds(signalOf(req), json, base64IdToHex);
  return json;
}

/** OTLP/JSON request body bytes. */
export function toJsonBytes(req: ExportRequest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(toJson(req)));
}
