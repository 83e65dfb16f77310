import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import {
  decodeExport,
  encodeExportResponse,
  MAX_ANY_VALUE_DEPTH,
  OtlpDecodeError,
  type OtlpFormat,
  parseExportRequest,
} from '../../src/ingest/otlp/decode.ts';
import { MAX_STRUCTURED_ATTR_CHARS } from '../../src/ingest/otlp/flatten.ts';
import { ExportLogsServiceResponseSchema } from '../../src/ingest/otlp/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import type { OtlpSignal } from '../../src/ingest/otlp/sink.ts';
import {
  type Attrs,
  claudeLogsRequest,
  claudeMetricsRequest,
  doubleValue,
  logsRequest,
  metricsRequest,
  msToNanos,
  toJson,
  toJsonBytes,
  toProtobuf,
  tracesRequest,
} from '../support/otlp-builders.ts';

const FORMATS: OtlpFormat[] = ['protobuf', 'json'];
const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const PARENT = 'aaaa9b7ec3c1b174';

function encode(req: Parameters<typeof toProtobuf>[0], format: OtlpFormat): Uint8Array {
  return format === 'protobuf' ? toProtobuf(req) : toJsonBytes(req);
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
}

function logs(signalBody: Uint8Array, format: OtlpFormat) {
  const out = decodeExport('logs', signalBody, format);
  assert.equal(out.signal, 'logs');
  return out.records;
}

// ---------------------------------------------------------------------------------------------
// logs

for (const format of FORMATS) {
  test(`logs round-trip (${format}): Claude Code-shaped batch`, () => {
    const records = logs(encode(claudeLogsRequest({ count: 3, startMs: T0 }), format), format);
    assert.equal(records.length, 3);
    const [first, , third] = records;
    assert.ok(first && third);
    assert.equal(first.timeMs, T0);
    assert.equal(third.timeMs, T0 + 2000);
    assert.equal(first.body, 'claude_code.api_request');
    assert.equal(first.eventName, undefined);
    assert.equal(first.scope, 'com.anthropic.claude_code.events');
    assert.equal(first.resource['service.name'], 'claude-code');
    assert.equal(first.resource, third.resource, 'resource attributes are shared per resource');
    assert.equal(first.attributes['session.id'], '6d1f0a52-3c1e-4f7a-9b2e-2f5c8e9a0b11');
    assert.equal(first.attributes.input_tokens, 1200);
    assert.equal(third.attributes['event.sequence'], 2);
    assert.equal(first.attributes.cost_usd, 0.0123);
    assert.equal(Object.keys(first.attributes).length, 18);
  });

  test(`logs (${format}): event_name, observed-time fallback, non-string body`, () => {
    const req = logsRequest([
      {
        resource: { 'service.name': 'codex' },
        scope: 'codex_otel',
        records: [
          { eventName: 'codex.api_request', timeUnixNano: msToNanos(T0), body: 'hi' },
          { observedTimeUnixNano: msToNanos(T0 + 5) },
          { body: { nested: ['a', 1] } },
          { body: 42 },
        ],
      },
      { records: [{ timeUnixNano: msToNanos(T0) + 999_999n }] },
    ]);
    const records = logs(encode(req, format), format);
    assert.deepEqual(
      records.map((r) => [r.timeMs, r.body, r.eventName, r.scope]),
      [
        [T0, 'hi', 'codex.api_request', 'codex_otel'],
        [T0 + 5, undefined, undefined, 'codex_otel'],
        [0, undefined, undefined, 'codex_otel'],
        [0, undefined, undefined, 'codex_otel'],
        [T0, undefined, undefined, ''],
      ],
    );
    assert.deepEqual(records[4]?.resource, {});
  });

  test(`attributes of every AnyValue kind (${format})`, () => {
    const attrs: Attrs = {
      s: 'text',
      empty: '',
      b: true,
      f: false,
      i: 42,
      neg: -7,
      big: 9_007_199_254_740_993n,
      d: 1.5,
      dInt: doubleValue(3),
      bytes: new Uint8Array([0, 1, 2, 250]),
      arr: ['a', 1, true, 2.5],
      kv: { x: 'y', n: 1, inner: { deep: [1, 2] } },
      emptyArr: [],
      ['__proto__']: 'p',
    };
    const [r] = logs(encode(logsRequest({ records: [{ attrs }] }), format), format);
    assert.ok(r);
    assert.equal(r.attributes.s, 'text');
    assert.equal(r.attributes.empty, '');
    assert.equal(r.attributes.b, true);
    assert.equal(r.attributes.f, false);
    assert.equal(r.attributes.i, 42);
    assert.equal(r.attributes.neg, -7);
    assert.equal(r.attributes.big, 9_007_199_254_740_992); // int64 → number
    assert.equal(r.attributes.d, 1.5);
    assert.equal(r.attributes.dInt, 3);
    assert.equal(r.attributes.bytes, 'AAEC+g==');
    assert.equal(r.attributes.arr, '["a",1,true,2.5]');
    assert.equal(r.attributes.kv, '{"x":"y","n":1,"inner":{"deep":[1,2]}}');
    assert.equal(r.attributes.emptyArr, '[]');
    assert.ok(Object.hasOwn(r.attributes, '__proto__'));
    assert.equal(Object.getOwnPropertyDescriptor(r.attributes, '__proto__')?.value, 'p');
    assert.equal(Object.getPrototypeOf(r.attributes), Object.prototype);
  });

  test(`structured attributes are capped (${format})`, () => {
    const long = Array.from({ length: 2000 }, (_, i) => `item-${i}`);
    const [r] = logs(encode(logsRequest({ records: [{ attrs: { long } }] }), format), format);
    const v = r?.attributes.long;
    assert.equal(typeof v, 'string');
    assert.equal((v as string).length, MAX_STRUCTURED_ATTR_CHARS);
    assert.ok((v as string).endsWith('…'));
  });
}

test('an empty protobuf body is a valid empty request', () => {
  assert.deepEqual(decodeExport('logs', new Uint8Array(0), 'protobuf'), {
    signal: 'logs',
    records: [],
  });
  assert.deepEqual(decodeExport('metrics', new Uint8Array(0), 'protobuf'), {
    signal: 'metrics',
    points: [],
  });
  assert.deepEqual(decodeExport('traces', new Uint8Array(0), 'protobuf'), {
    signal: 'traces',
    spans: [],
  });
  assert.deepEqual(decodeExport('logs', jsonBytes('{}'), 'json'), { signal: 'logs', records: [] });
});

// ---------------------------------------------------------------------------------------------
// metrics

for (const format of FORMATS) {
  test(`metrics round-trip (${format}): every kind, temporality, monotonic, asInt/asDouble`, () => {
    const at = { startTimeUnixNano: msToNanos(T0 - 60_000), timeUnixNano: msToNanos(T0) };
    const req = metricsRequest({
      resource: { 'service.name': 'claude-code' },
      scope: 'com.anthropic.claude_code',
      metrics: [
        {
          name: 'tokens',
          kind: 'sum',
          temporality: 'delta',
          points: [
            { value: 100, attrs: { type: 'input' }, ...at },
            { value: 7, attrs: { type: 'output' }, ...at },
          ],
        },
        {
          name: 'cost',
          kind: 'sum',
          temporality: 'cumulative',
          monotonic: false,
          points: [{ value: 0.25, ...at }],
        },
        { name: 'g', kind: 'gauge', points: [{ value: 3, asInt: false, ...at }] },
        { name: 'u', kind: 'sum', temporality: 'unspecified', points: [{ value: 1, ...at }] },
        {
          name: 'h',
          kind: 'histogram',
          temporality: 'delta',
          points: [
            {
              value: 12.5,
              count: 3,
              ...at,
              exemplars: [{ value: 4, traceId: TRACE, spanId: SPAN }],
            },
          ],
        },
        {
          name: 'eh',
          kind: 'exponentialHistogram',
          temporality: 'cumulative',
          points: [{ value: 9, ...at }],
        },
        { name: 'sm', kind: 'summary', points: [{ value: 2.5, ...at }] },
        { name: 'no-value', kind: 'gauge', points: [{ value: 1, flags: 1, ...at }] },
      ],
    });
    const out = decodeExport('metrics', encode(req, format), format);
    assert.equal(out.signal, 'metrics');
    const rows = out.points.map((p) => [p.name, p.value, p.kind, p.temporality, p.monotonic]);
    assert.deepEqual(rows, [
      ['tokens', 100, 'sum', 'delta', true],
      ['tokens', 7, 'sum', 'delta', true],
      ['cost', 0.25, 'sum', 'cumulative', false],
      ['g', 3, 'gauge', 'unspecified', false],
      ['u', 1, 'sum', 'unspecified', true],
      ['h', 12.5, 'histogram', 'delta', false],
      ['eh', 9, 'histogram', 'cumulative', false],
      ['sm', 2.5, 'histogram', 'cumulative', false],
    ]);
    const p = out.points[0];
    assert.ok(p);
    assert.equal(p.startTimeMs, T0 - 60_000);
    assert.equal(p.timeMs, T0);
    assert.deepEqual(p.attributes, { type: 'input' });
    assert.equal(p.resource['service.name'], 'claude-code');
    assert.equal(p.scope, 'com.anthropic.claude_code');
  });

  test(`Claude Code metrics (${format})`, () => {
    const out = decodeExport(
      'metrics',
      encode(claudeMetricsRequest({ costUsd: 0.5 }), format),
      format,
    );
    assert.equal(out.signal, 'metrics');
    assert.equal(out.points.length, 5);
    assert.deepEqual(
      out.points.map((p) => [p.name, p.attributes.type ?? null, p.value]),
      [
        ['claude_code.token.usage', 'input', 1200],
        ['claude_code.token.usage', 'output', 340],
        ['claude_code.token.usage', 'cacheRead', 15000],
        ['claude_code.token.usage', 'cacheCreation', 800],
        ['claude_code.cost.usage', null, 0.5],
      ],
    );
  });
}

test('metric exemplar ids in OTLP/JSON are hex', () => {
  const req = metricsRequest({
    metrics: [
      {
        name: 'g',
        kind: 'gauge',
        points: [{ value: 1, exemplars: [{ value: 2, traceId: TRACE, spanId: SPAN }] }],
      },
    ],
  });
  const json = toJson(req);
  const text = JSON.stringify(json);
  assert.ok(text.includes(`"traceId":"${TRACE}"`), text);
  const back = parseExportRequest('metrics', jsonBytes(json), 'json');
  const data = back.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data;
  assert.equal(data?.case, 'gauge');
  const ex = data.value.dataPoints[0]?.exemplars[0];
  assert.equal(Buffer.from(ex?.traceId ?? []).toString('hex'), TRACE);
  assert.equal(Buffer.from(ex?.spanId ?? []).toString('hex'), SPAN);
});

// ---------------------------------------------------------------------------------------------
// traces

for (const format of FORMATS) {
  test(`traces round-trip (${format}): ids, times, links, events`, () => {
    const req = tracesRequest({
      resource: { 'service.name': 'gemini-cli' },
      scope: 'gemini',
      spans: [
        {
          name: 'llm_call',
          traceId: TRACE,
          spanId: SPAN,
          parentSpanId: PARENT,
          kind: 3,
          startTimeUnixNano: msToNanos(T0),
          endTimeUnixNano: msToNanos(T0 + 1500),
          attrs: { model: 'gemini-2.5-pro', tokens: 10 },
          events: [{ name: 'e', timeUnixNano: msToNanos(T0 + 1), attrs: { a: 1 } }],
          links: [{ traceId: TRACE, spanId: PARENT }],
          status: { code: 2, message: 'boom' },
        },
        { name: 'no-ids' },
      ],
    });
    const out = decodeExport('traces', encode(req, format), format);
    assert.equal(out.signal, 'traces');
    assert.deepEqual(out.spans[0], {
      name: 'llm_call',
      traceId: TRACE,
      spanId: SPAN,
      startTimeMs: T0,
      endTimeMs: T0 + 1500,
      attributes: { model: 'gemini-2.5-pro', tokens: 10 },
      resource: { 'service.name': 'gemini-cli' },
      scope: 'gemini',
    });
    assert.equal(out.spans[1]?.traceId, '');
  });
}

test('OTLP/JSON: hex ids (any case, empty), parent and link ids become the right bytes', () => {
  const body = {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE.toUpperCase(),
                spanId: SPAN,
                parentSpanId: '',
                name: 's',
                links: [{ traceId: TRACE, spanId: PARENT }],
              },
            ],
          },
        ],
      },
    ],
  };
  const req = parseExportRequest('traces', jsonBytes(body), 'json');
  const s = req.resourceSpans[0]?.scopeSpans[0]?.spans[0];
  assert.equal(Buffer.from(s?.traceId ?? []).toString('hex'), TRACE);
  assert.equal(s?.parentSpanId.length, 0);
  assert.equal(Buffer.from(s?.links[0]?.spanId ?? []).toString('hex'), PARENT);
  const logBody = {
    resourceLogs: [
      {
        scopeLogs: [{ logRecords: [{ traceId: TRACE, spanId: SPAN, body: { stringValue: 'x' } }] }],
      },
    ],
  };
  const logReq = parseExportRequest('logs', jsonBytes(logBody), 'json');
  const r = logReq.resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
  assert.equal(Buffer.from(r?.traceId ?? []).toString('hex'), TRACE);
  assert.equal(Buffer.from(r?.spanId ?? []).toString('hex'), SPAN);
});

test('OTLP/JSON: int64 as string or number, enums as integers, unknown fields ignored', () => {
  const ns = msToNanos(T0);
  const body = {
    futureTopLevel: { anything: [1, 2, 3] },
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'x' } }], extra: 1 },
        scopeLogs: [
          {
            scope: { name: 'sc', newField: true },
            logRecords: [
              {
                timeUnixNano: ns.toString(),
                severityNumber: 9,
                attributes: [
                  { key: 'asString', value: { intValue: '12345678901' } },
                  { key: 'asNumber', value: { intValue: 42 } },
                  { key: 'withUnknown', value: { stringValue: 'v', futureKind: {} } },
                ],
                somethingNew: 'ignored',
              },
              { timeUnixNano: Number(ns), observedTimeUnixNano: '0' },
            ],
          },
        ],
      },
    ],
  };
  const records = logs(jsonBytes(body), 'json');
  assert.equal(records[0]?.timeMs, T0);
  assert.equal(records[1]?.timeMs, T0);
  assert.deepEqual(records[0]?.attributes, {
    asString: 12345678901,
    asNumber: 42,
    withUnknown: 'v',
  });
  assert.equal(records[0]?.scope, 'sc');
  const req = parseExportRequest('logs', jsonBytes(body), 'json');
  assert.equal(req.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.severityNumber, 9);

  const metrics = {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'm',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    { asInt: '5', timeUnixNano: ns.toString() },
                    { asInt: 6 },
                    { asDouble: 0.5 },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
  const out = decodeExport('metrics', jsonBytes(metrics), 'json');
  assert.equal(out.signal, 'metrics');
  assert.deepEqual(
    out.points.map((p) => [p.value, p.temporality, p.monotonic, p.timeMs]),
    [
      [5, 'delta', true, T0],
      [6, 'delta', true, 0],
      [0.5, 'delta', true, 0],
    ],
  );
});

test('OTLP/JSON accepts proto field names as protobuf JSON does', () => {
  const body = {
    resource_logs: [{ scope_logs: [{ log_records: [{ event_name: 'e', trace_id: TRACE }] }] }],
  };
  const req = parseExportRequest('logs', jsonBytes(body), 'json');
  const r = req.resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
  assert.equal(r?.eventName, 'e');
  assert.equal(Buffer.from(r?.traceId ?? []).toString('hex'), TRACE);
});

// ---------------------------------------------------------------------------------------------
// nesting limits

/** Protobuf bytes of a logs request whose one attribute nests `levels` AnyValues (kvlists). */
function deepProtobufLogs(levels: number, kind: 'kvlist' | 'array' = 'kvlist'): Uint8Array {
  const varint = (n: number) => {
    const out: number[] = [];
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  // prefixes are collected innermost first; a message is its prefix chain followed by the leaf
  const prefixes: number[][] = [];
  let len = 3; // AnyValue{string_value: "x"}
  const wrap = (fieldNo: number, extra: number[] = []) => {
    const inner = len + extra.length;
    const head = [(fieldNo << 3) | 2, ...varint(inner), ...extra];
    prefixes.push(head);
    len = inner + head.length - extra.length;
  };
  for (let i = 1; i < levels; i++) {
    if (kind === 'kvlist') {
      // KeyValue{key: "k" (1), value (2): <inner>}
      prefixes.push([0x12, ...varint(len)]);
      len += prefixes[prefixes.length - 1]!.length;
      prefixes.push([0x0a, 0x01, 0x6b]);
      len += 3;
      wrap(1); // KeyValueList.values
      wrap(6); // AnyValue.kvlist_value
    } else {
      wrap(1); // ArrayValue.values
      wrap(5); // AnyValue.array_value
    }
  }
  // KeyValue{key "k", value} → LogRecord.attributes(6) → ScopeLogs.log_records(2)
  // → ResourceLogs.scope_logs(2) → request.resource_logs(1)
  prefixes.push([0x12, ...varint(len)]);
  len += prefixes[prefixes.length - 1]!.length;
  prefixes.push([0x0a, 0x01, 0x6b]);
  len += 3;
  wrap(6);
  wrap(2);
  wrap(2);
  wrap(1);
  const bytes: number[] = [];
  for (let i = prefixes.length - 1; i >= 0; i--) bytes.push(...prefixes[i]!);
  bytes.push(0x0a, 0x01, 0x78);
  return new Uint8Array(bytes);
}

function deepJsonLogs(levels: number, kind: 'kvlist' | 'array' = 'kvlist'): Uint8Array {
  const open =
    kind === 'kvlist'
      ? '{"kvlistValue":{"values":[{"key":"k","value":'
      : '{"arrayValue":{"values":[';
  const close = kind === 'kvlist' ? '}]}}' : ']}}';
  return jsonBytes(
    `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"k","value":${open.repeat(
      levels - 1,
    )}{"stringValue":"x"}${close.repeat(levels - 1)}}]}]}]}]}`,
  );
}

test('the deep-protobuf fixture is itself valid protobuf', () => {
  const req = parseExportRequest('logs', deepProtobufLogs(3), 'protobuf');
  const v = req.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.attributes[0]?.value;
  assert.equal(v?.value.case, 'kvlistValue');
  const [r] = logs(deepProtobufLogs(3), 'protobuf');
  assert.equal(r?.attributes.k, '{"k":{"k":"x"}}');
  const [a] = logs(deepProtobufLogs(3, 'array'), 'protobuf');
  assert.equal(a?.attributes.k, '[["x"]]');
});

for (const format of FORMATS) {
  test(`AnyValue nesting: ${MAX_ANY_VALUE_DEPTH} levels accepted, one more rejected (${format})`, () => {
    const build = format === 'protobuf' ? deepProtobufLogs : deepJsonLogs;
    for (const kind of ['kvlist', 'array'] as const) {
      const [r] = logs(build(MAX_ANY_VALUE_DEPTH, kind), format);
      assert.equal(typeof r?.attributes.k, 'string');
      assert.throws(
        () => decodeExport('logs', build(MAX_ANY_VALUE_DEPTH + 1, kind), format),
        (e) => {
          assert.ok(e instanceof OtlpDecodeError, String(e));
          assert.match(e.message, /nested deeper than/);
          return true;
        },
      );
    }
  });
}

// ---------------------------------------------------------------------------------------------
// malformed input: always OtlpDecodeError, never anything else

const validPb = toProtobuf(claudeLogsRequest({ count: 3 }));

const MALFORMED: [name: string, signal: OtlpSignal, format: OtlpFormat, body: Uint8Array][] = [
  ['truncated protobuf', 'logs', 'protobuf', validPb.subarray(0, Math.floor(validPb.length / 2))],
  ['truncated protobuf by one byte', 'logs', 'protobuf', validPb.subarray(0, validPb.length - 1)],
  ['text as protobuf', 'logs', 'protobuf', jsonBytes('this is not protobuf at all')],
  ['JSON sent as protobuf', 'traces', 'protobuf', jsonBytes('{"resourceSpans":[]}')],
  ['wrong wire type for a message field', 'logs', 'protobuf', new Uint8Array([0x08, 0x01])],
  ['group wire type', 'metrics', 'protobuf', new Uint8Array([0x0b, 0x0c])],
  ['field number 0', 'logs', 'protobuf', new Uint8Array([0x02, 0x00])],
  ['length past the end', 'logs', 'protobuf', new Uint8Array([0x0a, 0x7f, 0x0a])],
  // request{resource_logs{scope_logs{log_records{severity_number: an 11-byte varint}}}}
  [
    'varint longer than 10 bytes',
    'logs',
    'protobuf',
    new Uint8Array([0x0a, 16, 0x12, 14, 0x12, 12, 0x10, ...Array(10).fill(0xff), 0x01]),
  ],
  ['kvlist nested 10,000 levels (protobuf)', 'logs', 'protobuf', deepProtobufLogs(10_000)],
  ['array nested 10,000 levels (protobuf)', 'logs', 'protobuf', deepProtobufLogs(10_000, 'array')],
  ['empty JSON body', 'logs', 'json', new Uint8Array(0)],
  ['whitespace JSON body', 'logs', 'json', jsonBytes('  \n ')],
  ['not JSON', 'logs', 'json', jsonBytes('resourceLogs=1')],
  ['truncated JSON', 'logs', 'json', jsonBytes('{"resourceLogs":[{"scopeLogs":[')],
  ['trailing garbage after JSON', 'logs', 'json', jsonBytes('{} {}')],
  ['JSON array at the top', 'logs', 'json', jsonBytes('[]')],
  ['JSON number at the top', 'metrics', 'json', jsonBytes('42')],
  ['JSON string at the top', 'traces', 'json', jsonBytes('"resourceSpans"')],
  ['JSON null at the top', 'logs', 'json', jsonBytes('null')],
  [
    'invalid UTF-8 in JSON',
    'logs',
    'json',
    new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
  ],
  ['array where object list expected', 'logs', 'json', jsonBytes({ resourceLogs: 'x' })],
  ['string where object expected', 'logs', 'json', jsonBytes({ resourceLogs: ['x'] })],
  [
    'number where object expected',
    'traces',
    'json',
    jsonBytes({ resourceSpans: [{ resource: 5 }] }),
  ],
  [
    'null in an array',
    'logs',
    'json',
    jsonBytes({ resourceLogs: [{ scopeLogs: [{ logRecords: [null] }] }] }),
  ],
  [
    'null attribute',
    'logs',
    'json',
    jsonBytes({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [null] }] }] }] }),
  ],
  [
    'invalid hex trace id',
    'logs',
    'json',
    jsonBytes({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: 'xyz0' }] }] }] }),
  ],
  [
    'odd-length hex span id',
    'traces',
    'json',
    jsonBytes({ resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 'abc' }] }] }] }),
  ],
  [
    'base64 trace id',
    'traces',
    'json',
    jsonBytes({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'W47/95gDgQPSabYzgT/GDA==' }] }] }],
    }),
  ],
  [
    'numeric span id',
    'traces',
    'json',
    jsonBytes({ resourceSpans: [{ scopeSpans: [{ spans: [{ links: [{ spanId: 12 }] }] }] }] }),
  ],
  [
    'non-numeric int64 string',
    'logs',
    'json',
    jsonBytes({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: 'soon' }] }] }] }),
  ],
  [
    'int64 beyond 2^64',
    'logs',
    'json',
    jsonBytes({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '18446744073709551616' }] }] }],
    }),
  ],
  [
    'negative fixed64',
    'metrics',
    'json',
    jsonBytes({
      resourceMetrics: [
        { scopeMetrics: [{ metrics: [{ gauge: { dataPoints: [{ timeUnixNano: '-1' }] } }] }] },
      ],
    }),
  ],
  [
    'fractional intValue',
    'logs',
    'json',
    jsonBytes({
      resourceLogs: [
        { scopeLogs: [{ logRecords: [{ attributes: [{ key: 'a', value: { intValue: 1.5 } }] }] }] },
      ],
    }),
  ],
  [
    'boolValue as string',
    'logs',
    'json',
    jsonBytes({
      resourceLogs: [
        {
          scopeLogs: [
            { logRecords: [{ attributes: [{ key: 'a', value: { boolValue: 'true' } }] }] },
          ],
        },
      ],
    }),
  ],
  [
    'two oneof values',
    'logs',
    'json',
    jsonBytes({
      resourceLogs: [
        { scopeLogs: [{ logRecords: [{ body: { stringValue: 'a', intValue: 1 } }] }] },
      ],
    }),
  ],
  [
    'enum as object',
    'metrics',
    'json',
    jsonBytes({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ sum: { aggregationTemporality: {} } }] }] }],
    }),
  ],
  ['kvlist nested 10,000 levels (JSON)', 'logs', 'json', deepJsonLogs(10_000)],
  [
    'JSON arrays nested 100,000 levels',
    'logs',
    'json',
    jsonBytes(`{"resourceLogs":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  ],
  [
    'deep nesting in an unknown field',
    'logs',
    'json',
    jsonBytes(`{"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`),
  ],
];

for (const [name, signal, format, body] of MALFORMED) {
  test(`malformed: ${name} → OtlpDecodeError`, () => {
    assert.throws(
      () => decodeExport(signal, body, format),
      (e) => {
        assert.ok(e instanceof OtlpDecodeError, `${name}: got ${String(e)}`);
        assert.ok(e.message.length > 10);
        return true;
      },
    );
  });
}

test('JSON errors name the offending path', () => {
  const body = {
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [{ timeUnixNano: '1' }, { timeUnixNano: '2' }, { timeUnixNano: 'later' }],
          },
        ],
      },
    ],
  };
  assert.throws(
    () => decodeExport('logs', jsonBytes(body), 'json'),
    (e) => {
      assert.ok(e instanceof OtlpDecodeError);
      assert.match(
        e.message,
        /^invalid OTLP JSON at resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[2\]\.timeUnixNano: /,
      );
      return true;
    },
  );
  assert.throws(
    () =>
      decodeExport(
        'logs',
        jsonBytes({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: 'zz' }] }] }] }),
        'json',
      ),
    /at resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.traceId: expected a hex string/,
  );
  assert.throws(
    () =>
      decodeExport(
        'logs',
        jsonBytes({ resourceLogs: [{ scopeLogs: [{ logRecords: [null] }] }] }),
        'json',
      ),
    /at resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]: /,
  );
  assert.throws(
    () =>
      decodeExport(
        'logs',
        jsonBytes({
          resourceLogs: [
            { scopeLogs: [{ logRecords: [{ body: { stringValue: 'a', intValue: 1 } }] }] },
          ],
        }),
        'json',
      ),
    /at resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.body: /,
  );
});

/** xorshift32: deterministic pseudo-random bytes. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function onlyDecodeErrors(signal: OtlpSignal, body: Uint8Array, format: OtlpFormat): void {
  try {
    decodeExport(signal, body, format);
  } catch (e) {
    if (!(e instanceof OtlpDecodeError)) {
      assert.fail(`${format} ${Buffer.from(body).toString('base64').slice(0, 200)}: ${String(e)}`);
    }
  }
}

test('fuzz: random bytes and mutated requests only ever throw OtlpDecodeError', () => {
  const rand = prng(0x5eed);
  const signals: OtlpSignal[] = ['logs', 'metrics', 'traces'];
  const pbSeeds = [
    toProtobuf(claudeLogsRequest({ count: 2 })),
    toProtobuf(claudeMetricsRequest()),
    toProtobuf(
      tracesRequest({
        spans: [{ name: 's', traceId: TRACE, spanId: SPAN, attrs: { a: [1, { b: 2 }] } }],
      }),
    ),
  ];
  const jsonSeeds = [
    toJsonBytes(claudeLogsRequest({ count: 2 })),
    toJsonBytes(claudeMetricsRequest()),
    toJsonBytes(
      tracesRequest({
        spans: [{ name: 's', traceId: TRACE, spanId: SPAN, attrs: { a: [1, { b: 2 }] } }],
      }),
    ),
  ];
  for (let i = 0; i < 3000; i++) {
    const s = i % 3;
    const signal = signals[s]!;
    // random bytes
    const random = new Uint8Array(rand() % 64);
    for (let j = 0; j < random.length; j++) random[j] = rand() & 0xff;
    onlyDecodeErrors(signal, random, 'protobuf');
    onlyDecodeErrors(signal, random, 'json');
    // a valid request with a few bytes changed, or cut short
    for (const [format, seed] of [
      ['protobuf', pbSeeds[s]!],
      ['json', jsonSeeds[s]!],
    ] as const) {
      const m = seed.slice(0, rand() % 4 === 0 ? rand() % seed.length : seed.length);
      for (let k = 1 + (rand() % 3); k > 0 && m.length > 0; k--) {
        m[rand() % m.length] = format === 'json' ? (rand() % 0x5e) + 0x20 : rand() & 0xff;
      }
      onlyDecodeErrors(signal, m, format);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// responses

test('export responses: empty on full success, partial_success otherwise', () => {
  assert.equal(encodeExportResponse('logs', { rejected: 0 }, 'protobuf').length, 0);
  for (const signal of ['logs', 'metrics', 'traces'] as const) {
    assert.equal(
      new TextDecoder().decode(encodeExportResponse(signal, { rejected: 0 }, 'json')),
      '{}',
    );
  }
  const text = (signal: OtlpSignal, r: { rejected: number; message?: string }) =>
    new TextDecoder().decode(encodeExportResponse(signal, r, 'json'));
  assert.equal(
    text('logs', { rejected: 3, message: 'too old' }),
    '{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"too old"}}',
  );
  assert.equal(text('metrics', { rejected: 2 }), '{"partialSuccess":{"rejectedDataPoints":"2"}}');
  assert.equal(
    text('traces', { rejected: 1, message: 'm' }),
    '{"partialSuccess":{"rejectedSpans":"1","errorMessage":"m"}}',
  );
  assert.equal(
    text('traces', { rejected: 0, message: 'warning only' }),
    '{"partialSuccess":{"errorMessage":"warning only"}}',
  );
  const pb = encodeExportResponse('logs', { rejected: 5, message: 'x' }, 'protobuf');
  const back = fromBinary(ExportLogsServiceResponseSchema, pb);
  assert.equal(back.partialSuccess?.rejectedLogRecords, 5n);
  assert.equal(back.partialSuccess?.errorMessage, 'x');
});
