import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { ExportLogsServiceResponseSchema } from '../../src/ingest/otlp/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import type { OtlpSink } from '../../src/ingest/otlp/sink.ts';
import { startTestServer, type TestServer } from '../support/agent.ts';
import {
  claudeLogsRequest,
  claudeMetricsRequest,
  logsRequest,
  msToNanos,
  toJsonBytes,
  toProtobuf,
  tracesRequest,
} from '../support/otlp-builders.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(
  base: string,
  method: string,
  path: string,
  body: Uint8Array | string | undefined,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const PB = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json' };

/** Decodes a google.rpc.Status (code = 1, message = 2) with the protobuf runtime's reader. */
function readStatus(bytes: Uint8Array): { code: number; message: string } {
  const r = new BinaryReader(bytes);
  let code = 0;
  let message = '';
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1) code = r.int32();
    else if (field === 2) message = r.string();
    else r.skip(wire);
  }
  return { code, message };
}

describe('OTLP/HTTP receiver', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ maxBodyBytes: 256 * 1024 });
  });
  after(() => srv.close());

  test('protobuf logs: 200 with an empty protobuf response, sessions updated', async () => {
    const req = claudeLogsRequest({ sessionId: 'pb-1', count: 3, startMs: Date.now() });
    const r = await send(srv.url, 'POST', '/v1/logs', toProtobuf(req), PB);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/x-protobuf');
    const resp = fromBinary(ExportLogsServiceResponseSchema, r.body);
    assert.equal(resp.partialSuccess, undefined);
    const s = srv.monitor.snapshot().message.sessions.find((x) => x.id === 'pb-1');
    assert.equal(s?.requests, 3);
    assert.equal(s?.state, 'working');
  });

  test('JSON logs: 200 with {} ; the same batch re-sent counts once', async () => {
    const req = claudeLogsRequest({ sessionId: 'json-1', count: 2, startMs: Date.now() });
    for (let i = 0; i < 2; i++) {
      const r = await send(srv.url, 'POST', '/v1/logs', toJsonBytes(req), JSON_CT);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(r.body.toString()), {});
    }
    const s = srv.monitor.snapshot().message.sessions.find((x) => x.id === 'json-1');
    assert.equal(s?.requests, 2);
    assert.equal(s?.tokens.input, 1200 + 1201);
  });

  test('gzip: protobuf and JSON bodies', async () => {
    const pb = claudeLogsRequest({ sessionId: 'gz-pb', count: 1, startMs: Date.now() });
    const js = claudeLogsRequest({ sessionId: 'gz-js', count: 1, startMs: Date.now() });
    const a = await send(srv.url, 'POST', '/v1/logs', gzipSync(toProtobuf(pb)), {
      ...PB,
      'Content-Encoding': 'gzip',
    });
    const b = await send(srv.url, 'POST', '/v1/logs', gzipSync(toJsonBytes(js)), {
      ...JSON_CT,
      'Content-Encoding': 'gzip',
    });
    assert.deepEqual([a.status, b.status], [200, 200]);
    const ids = srv.monitor.snapshot().message.sessions.map((s) => s.id);
    assert.ok(ids.includes('gz-pb') && ids.includes('gz-js'));
  });

  test('metrics and traces are accepted in both encodings', async () => {
    const m = claudeMetricsRequest({ sessionId: 'metrics-only', startMs: Date.now() });
    const t = tracesRequest({
      resource: { 'service.name': 'claude-code' },
      spans: [
        {
          name: 'claude_code.interaction',
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          startTimeUnixNano: msToNanos(Date.now() - 10),
          endTimeUnixNano: msToNanos(Date.now()),
          attrs: { 'session.id': 'traced' },
        },
      ],
    });
    for (const [path, req] of [
      ['/v1/metrics', m],
      ['/v1/traces', t],
    ] as const) {
      assert.equal((await send(srv.url, 'POST', path, toProtobuf(req), PB)).status, 200);
      assert.equal((await send(srv.url, 'POST', path, toJsonBytes(req), JSON_CT)).status, 200);
    }
    const snap = srv.monitor.snapshot().message.sessions;
    const metricsOnly = snap.find((s) => s.id === 'metrics-only');
    assert.equal(metricsOnly?.usage_source, 'metrics');
    assert.equal(metricsOnly?.tokens.input, 1200, 'delta batch sent twice counts once');
    assert.equal(snap.find((s) => s.id === 'traced')?.state, 'working');
  });

  test('400 with a google.rpc.Status body on undecodable data', async () => {
    const r = await send(srv.url, 'POST', '/v1/logs', Buffer.from([0x0a, 0xff, 0x01]), PB);
    assert.equal(r.status, 400);
    const st = readStatus(r.body);
    assert.equal(st.code, 3);
    assert.match(st.message, /.+/);
    const j = await send(srv.url, 'POST', '/v1/logs', '{"resourceLogs":5}', JSON_CT);
    assert.equal(j.status, 400);
    assert.equal(JSON.parse(j.body.toString()).code, 3);
  });

  test('405 on the wrong method, with Allow', async () => {
    const r = await send(srv.url, 'GET', '/v1/logs', undefined);
    assert.equal(r.status, 405);
    assert.equal(r.headers.allow, 'POST');
  });

  test('413 over the body limit, by Content-Length and after decompression', async () => {
    const big = Buffer.alloc(300 * 1024, 1);
    const r = await send(srv.url, 'POST', '/v1/logs', big, PB);
    assert.equal(r.status, 413);
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0));
    assert.ok(bomb.length < 256 * 1024);
    const g = await send(srv.url, 'POST', '/v1/logs', bomb, { ...PB, 'Content-Encoding': 'gzip' });
    assert.equal(g.status, 413);
    assert.match(readStatus(g.body).message, /decompressed/);
  });

  test('413 for a chunked body without Content-Length', async () => {
    const url = new URL(srv.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/v1/logs', method: 'POST', headers: PB },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write(Buffer.alloc(64 * 1024, 1));
      req.end();
    });
    assert.equal(status, 413);
  });

  test('415 on an unknown content type or encoding', async () => {
    const body = toProtobuf(claudeLogsRequest({ count: 1 }));
    assert.equal(
      (await send(srv.url, 'POST', '/v1/logs', body, { 'Content-Type': 'text/plain' })).status,
      415,
    );
    assert.equal(
      (await send(srv.url, 'POST', '/v1/logs', body, { ...PB, 'Content-Encoding': 'br' })).status,
      415,
    );
  });

  test('Host allowlist on every route; browser Origin refused on OTLP', async () => {
    const body = toProtobuf(claudeLogsRequest({ count: 1 }));
    for (const path of ['/v1/logs', '/health', '/api/sessions']) {
      const post = path === '/v1/logs';
      const r = await send(srv.url, post ? 'POST' : 'GET', path, post ? body : undefined, {
        ...PB,
        Host: 'evil.example:4318',
      });
      assert.equal(r.status, 403, path);
    }
    const o = await send(srv.url, 'POST', '/v1/logs', body, {
      ...PB,
      Origin: 'https://evil.example',
    });
    assert.equal(o.status, 403);
    const ok = await send(srv.url, 'GET', '/health', undefined, { Host: 'localhost:4318' });
    assert.equal(ok.status, 200);
  });

  test('at least 20 malformed inputs: 4xx each, no crash, nothing recorded', async () => {
    const before = { ...srv.monitor.stats };
    const sessions = srv.monitor.sessionCount;
    const deepJson = `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(5000)}1${'}]}}'.repeat(5000)}`;
    const nested = (depth: number): Uint8Array => {
      // An AnyValue kvlist nested `depth` times, built as bytes with the runtime's writer.
      let inner = new Uint8Array();
      for (let i = 0; i < depth; i++) {
        const kv = Buffer.concat([
          Buffer.from([0x0a, 1, 0x6b, 0x12]),
          varint(inner.length + 2),
          Buffer.from([0x32]),
          varint(inner.length),
          inner,
        ]);
        inner = Buffer.concat([Buffer.from([0x0a]), varint(kv.length), kv]);
      }
      return inner;
    };
    const valid = Buffer.from(toProtobuf(claudeLogsRequest({ count: 2 })));
    const cases: Array<[string, Uint8Array | string, Record<string, string>]> = [
      ['truncated protobuf', valid.subarray(0, valid.length - 7), PB],
      ['random bytes', Buffer.from('ffffffffffffffffffff', 'hex'), PB],
      ['wrong wire type', Buffer.from([0x0d, 1, 2, 3, 4]), PB],
      ['length past the end', Buffer.from([0x0a, 0x7f, 0x01]), PB],
      [
        'bad varint',
        Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        PB,
      ],
      [
        'deeply nested protobuf kvlist',
        Buffer.concat([Buffer.from([0x0a]), varint(nested(3000).length), nested(3000)]),
        PB,
      ],
      ['empty JSON body', '', JSON_CT],
      ['JSON syntax error', '{"resourceLogs":[', JSON_CT],
      ['JSON array', '[]', JSON_CT],
      ['JSON number', '42', JSON_CT],
      ['JSON string', '"x"', JSON_CT],
      ['JSON null', 'null', JSON_CT],
      ['wrong type: resourceLogs object', '{"resourceLogs":{}}', JSON_CT],
      [
        'wrong type: timeUnixNano',
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}',
        JSON_CT,
      ],
      ['wrong type: attributes', '{"resourceLogs":[{"resource":{"attributes":"x"}}]}', JSON_CT],
      ['null in array', '{"resourceLogs":[null]}', JSON_CT],
      [
        'bad hex traceId',
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zz"}]}]}]}',
        JSON_CT,
      ],
      [
        'int64 beyond 2^64',
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"99999999999999999999999"}]}]}]}',
        JSON_CT,
      ],
      [
        'deeply nested JSON',
        `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${deepJson}}]}]}]}`,
        JSON_CT,
      ],
      ['deeply nested JSON arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, JSON_CT],
      [
        'invalid UTF-8 JSON',
        Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        JSON_CT,
      ],
      [
        'bad gzip',
        Buffer.from('1f8b0800000000000003ffff', 'hex'),
        { ...PB, 'Content-Encoding': 'gzip' },
      ],
      [
        'gzip of garbage',
        gzipSync(Buffer.from('not protobuf at all \xff')),
        { ...PB, 'Content-Encoding': 'gzip' },
      ],
      [
        'metrics: a number that is not one',
        '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":[{"asDouble":"abc"}]}}]}]}]}',
        JSON_CT,
      ],
    ];
    assert.ok(cases.length >= 20);
    for (const [name, body, headers] of cases) {
      const path = name.startsWith('metrics') ? '/v1/metrics' : '/v1/logs';
      const r = await send(srv.url, 'POST', path, body, headers);
      assert.ok(r.status >= 400 && r.status < 500, `${name}: got ${r.status}`);
    }
    assert.equal(srv.monitor.stats.logRecords, before.logRecords, 'no record recorded');
    assert.equal(srv.monitor.stats.metricPoints, before.metricPoints);
    assert.equal(srv.monitor.sessionCount, sessions);
    assert.equal((await send(srv.url, 'GET', '/health', undefined)).status, 200, 'still alive');
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

describe('OTLP/HTTP overload and partial success', () => {
  test('429 with Retry-After when too many requests are in flight', async () => {
    const srv = await startTestServer({ maxConcurrentRequests: 1 });
    try {
      const url = new URL(srv.url);
      // Hold one request open by sending its body slowly.
      const held = request({
        host: url.hostname,
        port: url.port,
        path: '/v1/logs',
        method: 'POST',
        headers: { ...PB, 'Content-Length': '10' },
      });
      held.on('error', () => {});
      held.write(Buffer.from([0x0a]));
      await new Promise((r) => setTimeout(r, 100));
      const r = await send(
        srv.url,
        'POST',
        '/v1/logs',
        toProtobuf(claudeLogsRequest({ count: 1 })),
        PB,
      );
      assert.equal(r.status, 429);
      assert.equal(r.headers['retry-after'], '1');
      held.destroy();
    } finally {
      await srv.close();
    }
  });

  test('503 with Retry-After when too many bytes are in flight or the sink is overloaded', async () => {
    const srv = await startTestServer({ maxInflightBytes: 1024 });
    try {
      const body = toProtobuf(claudeLogsRequest({ count: 20 }));
      assert.ok(body.length > 1024);
      const r = await send(srv.url, 'POST', '/v1/logs', body, PB);
      assert.equal(r.status, 503);
      assert.equal(r.headers['retry-after'], '2');
    } finally {
      await srv.close();
    }
    const busy: OtlpSink = {
      logs: () => ({ kind: 'overloaded', retryAfterSeconds: 7 }),
      metrics: () => ({ kind: 'overloaded', retryAfterSeconds: 7 }),
      traces: () => ({ kind: 'overloaded', retryAfterSeconds: 7 }),
    };
    const srv2 = await startTestServer({ sink: busy });
    try {
      const r = await send(
        srv2.url,
        'POST',
        '/v1/logs',
        toProtobuf(claudeLogsRequest({ count: 1 })),
        PB,
      );
      assert.equal(r.status, 503);
      assert.equal(r.headers['retry-after'], '7');
    } finally {
      await srv2.close();
    }
  });

  test('partial success is reported in both encodings', async () => {
    const partial: OtlpSink = {
      logs: (records) => ({ kind: 'accepted', rejected: records.length, message: 'no thanks' }),
      metrics: () => ({ kind: 'accepted', rejected: 0 }),
      traces: () => ({ kind: 'accepted', rejected: 0 }),
    };
    const srv = await startTestServer({ sink: partial });
    try {
      const req = logsRequest({
        records: [
          { body: 'x', timeUnixNano: msToNanos(1) },
          { body: 'y', timeUnixNano: msToNanos(2) },
        ],
      });
      const p = await send(srv.url, 'POST', '/v1/logs', toProtobuf(req), PB);
      const resp = fromBinary(ExportLogsServiceResponseSchema, p.body);
      assert.equal(resp.partialSuccess?.rejectedLogRecords, 2n);
      assert.equal(resp.partialSuccess?.errorMessage, 'no thanks');
      const j = await send(srv.url, 'POST', '/v1/logs', toJsonBytes(req), JSON_CT);
      assert.deepEqual(JSON.parse(j.body.toString()), {
        partialSuccess: { rejectedLogRecords: '2', errorMessage: 'no thanks' },
      });
    } finally {
      await srv.close();
    }
  });
});

describe('bearer token', () => {
  test('when a token is configured, every route but /health needs it', async () => {
    const srv = await startTestServer({ token: '0123456789abcdef' });
    try {
      const body = toProtobuf(claudeLogsRequest({ count: 1 }));
      assert.equal((await send(srv.url, 'POST', '/v1/logs', body, PB)).status, 401);
      assert.equal((await send(srv.url, 'GET', '/api/sessions', undefined)).status, 401);
      const wrong = { ...PB, Authorization: 'Bearer 0123456789abcdeX' };
      assert.equal((await send(srv.url, 'POST', '/v1/logs', body, wrong)).status, 401);
      const right = { ...PB, Authorization: 'Bearer 0123456789abcdef' };
      assert.equal((await send(srv.url, 'POST', '/v1/logs', body, right)).status, 200);
      assert.equal((await send(srv.url, 'GET', '/health', undefined)).status, 200);
    } finally {
      await srv.close();
    }
  });
});
