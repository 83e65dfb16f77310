import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  type Client,
  type ClientOptions,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import type { LogRecordView, MetricPointView, SpanView } from '../../src/domain/telemetry.ts';
import {
  type ExportServiceDefinition,
  type GrpcReceiver,
  OTLP_GRPC_SERVICES,
  startGrpcReceiver,
} from '../../src/ingest/otlp/grpc.ts';
import type { ExportOutcome, OtlpSignal, OtlpSink } from '../../src/ingest/otlp/sink.ts';
import {
  claudeLogsRequest,
  claudeMetricsRequest,
  type ExportRequest,
  logsRequest,
  toProtobuf,
  tracesRequest,
} from '../support/otlp-builders.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const MAX_MESSAGE_BYTES = 64 * 1024;

/** A sink that records what it got and answers what the test sets. */
class RecordingSink implements OtlpSink {
  records: LogRecordView[] = [];
  points: MetricPointView[] = [];
  spans: SpanView[] = [];
  outcome: ExportOutcome = { kind: 'accepted', rejected: 0 };
  throwing = false;

  #answer(): ExportOutcome {
    if (this.throwing) throw new Error('sink exploded');
    return this.outcome;
  }
  logs(records: LogRecordView[]): ExportOutcome {
    this.records.push(...records);
    return this.#answer();
  }
  metrics(points: MetricPointView[]): ExportOutcome {
    this.points.push(...points);
    return this.#answer();
  }
  traces(spans: SpanView[]): ExportOutcome {
    this.spans.push(...spans);
    return this.#answer();
  }
  reset(): void {
    this.records = [];
    this.points = [];
    this.spans = [];
    this.outcome = { kind: 'accepted', rejected: 0 };
    this.throwing = false;
  }
}

type UnaryCallback = (err: ServiceError | null, res?: unknown) => void;
type ExportClient = Client & {
  Export(req: unknown, metadata: Metadata, callback: UnaryCallback): void;
};

function client(
  definition: ExportServiceDefinition<OtlpSignal> | Record<string, unknown>,
  port: number,
  options: ClientOptions = {},
): ExportClient {
  const Ctor = makeGenericClientConstructor(
    definition as ExportServiceDefinition<OtlpSignal>,
    'OtlpExport',
  );
  return new Ctor(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
    options,
  ) as unknown as ExportClient;
}

function exportCall(
  c: ExportClient,
  req: unknown,
  metadata = new Metadata(),
): Promise<{ err: ServiceError | null; res: unknown }> {
  return new Promise((resolve) => {
    c.Export(req, metadata, (err, res) => resolve({ err, res }));
  });
}

const sink = new RecordingSink();
let receiver: GrpcReceiver;
const clients: Client[] = [];

function track<T extends Client>(c: T): T {
  clients.push(c);
  return c;
}

before(async () => {
  receiver = await startGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    sink,
    maxMessageBytes: MAX_MESSAGE_BYTES,
  });
});

after(async () => {
  for (const c of clients) c.close();
  await receiver.close();
});

test('binds port 0 to a real port', () => {
  assert.ok(receiver.port > 0);
});

for (const gzip of [false, true]) {
  const options: ClientOptions = gzip ? { 'grpc.default_compression_algorithm': 2 } : {};
  const label = gzip ? 'gzip' : 'uncompressed';

  test(`exports logs, metrics and traces (${label})`, async () => {
    sink.reset();
    const logsClient = track(client(OTLP_GRPC_SERVICES.logs, receiver.port, options));
    const logs = await exportCall(logsClient, claudeLogsRequest({ count: 50 }));
    assert.equal(logs.err, null);
    assert.equal((logs.res as { partialSuccess?: unknown }).partialSuccess, undefined);
    assert.equal(sink.records.length, 50);
    assert.equal(sink.records[0]?.body, 'claude_code.api_request');
    assert.equal(sink.records[0]?.resource['service.name'], 'claude-code');

    const metricsClient = track(client(OTLP_GRPC_SERVICES.metrics, receiver.port, options));
    const metrics = await exportCall(metricsClient, claudeMetricsRequest());
    assert.equal(metrics.err, null);
    assert.deepEqual(
      sink.points.map((p) => [p.name, p.temporality, p.value]),
      [
        ['claude_code.token.usage', 'delta', 1200],
        ['claude_code.token.usage', 'delta', 340],
        ['claude_code.token.usage', 'delta', 15000],
        ['claude_code.token.usage', 'delta', 800],
        ['claude_code.cost.usage', 'delta', 0.0123],
      ],
    );

    const tracesClient = track(client(OTLP_GRPC_SERVICES.traces, receiver.port, options));
    const traces = await exportCall(
      tracesClient,
      tracesRequest({ spans: [{ name: 'llm', traceId: TRACE, spanId: SPAN, attrs: { a: 1 } }] }),
    );
    assert.equal(traces.err, null);
    assert.equal(sink.spans[0]?.traceId, TRACE);
    assert.equal(sink.spans[0]?.spanId, SPAN);
  });
}

/** One gRPC call over a raw HTTP/2 stream, so the test controls framing and compression. */
function rawGrpcCall(
  port: number,
  path: string,
  message: Uint8Array,
  compress: boolean,
): Promise<{ grpcStatus: string | undefined; grpcMessage: string | undefined }> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const payload = compress ? gzipSync(message) : Buffer.from(message);
    const frame = Buffer.alloc(5 + payload.length);
    frame[0] = compress ? 1 : 0;
    frame.writeUInt32BE(payload.length, 1);
    payload.copy(frame, 5);
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...(compress && { 'grpc-encoding': 'gzip' }),
    });
    let headersStatus: string | undefined;
    let headersMessage: string | undefined;
    stream.on('response', (headers) => {
      headersStatus = headers['grpc-status'] as string | undefined;
      headersMessage = headers['grpc-message'] as string | undefined;
    });
    stream.on('trailers', (trailers) => {
      headersStatus = trailers['grpc-status'] as string | undefined;
      headersMessage = trailers['grpc-message'] as string | undefined;
    });
    stream.on('data', () => {});
    stream.on('end', () => {
      session.close();
      resolve({ grpcStatus: headersStatus, grpcMessage: headersMessage });
    });
    stream.on('error', reject);
    stream.end(frame);
  });
}

test('a gzip-compressed message (grpc-encoding: gzip, compressed flag set) is inflated', async () => {
  sink.reset();
  const path = OTLP_GRPC_SERVICES.logs.Export.path;
  assert.equal(path, '/opentelemetry.proto.collector.logs.v1.LogsService/Export');
  const result = await rawGrpcCall(
    receiver.port,
    path,
    toProtobuf(claudeLogsRequest({ count: 20 })),
    true,
  );
  assert.equal(result.grpcStatus, '0', result.grpcMessage);
  assert.equal(sink.records.length, 20);
});

test('service paths are the OTLP collector services', () => {
  assert.equal(
    OTLP_GRPC_SERVICES.metrics.Export.path,
    '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  );
  assert.equal(
    OTLP_GRPC_SERVICES.traces.Export.path,
    '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  );
});

/** The logs Export method with a client serializer that sends the bytes as given. */
const rawLogsDefinition = {
  Export: { ...OTLP_GRPC_SERVICES.logs.Export, requestSerialize: (bytes: Buffer) => bytes },
};

test('garbage bytes → INVALID_ARGUMENT, and the sink sees nothing', async () => {
  sink.reset();
  const c = track(client(rawLogsDefinition, receiver.port));
  for (const garbage of [
    Buffer.from('this is definitely not protobuf'),
    Buffer.from([0x0a, 0x7f, 0x0a]),
    Buffer.from([0x08, 0x01]),
  ]) {
    const { err } = await exportCall(c, garbage);
    assert.equal(err?.code, status.INVALID_ARGUMENT, String(err));
    assert.match(err?.details ?? '', /invalid OTLP protobuf ExportLogsServiceRequest/);
  }
  assert.equal(sink.records.length, 0);
});

test('an empty message is a valid empty request', async () => {
  sink.reset();
  const c = track(client(rawLogsDefinition, receiver.port));
  const { err } = await exportCall(c, Buffer.alloc(0));
  assert.equal(err, null);
  assert.equal(sink.records.length, 0);
});

test('attribute values nested too deep → INVALID_ARGUMENT', async () => {
  let value: unknown = 'leaf';
  for (let i = 0; i < 40; i++) value = { k: value };
  const c = track(client(OTLP_GRPC_SERVICES.logs, receiver.port));
  const { err } = await exportCall(
    c,
    logsRequest({ records: [{ attrs: { deep: value as Record<string, string> } }] }),
  );
  assert.equal(err?.code, status.INVALID_ARGUMENT);
  assert.match(err?.details ?? '', /nested deeper than 32|maximum recursion depth/);
});

test('a message over maxMessageBytes → RESOURCE_EXHAUSTED (plain and gzip)', async () => {
  sink.reset();
  const big = claudeLogsRequest({ count: 400 });
  assert.ok(toProtobuf(big).length > MAX_MESSAGE_BYTES);
  const plain = track(client(OTLP_GRPC_SERVICES.logs, receiver.port));
  const r1 = await exportCall(plain, big);
  assert.equal(r1.err?.code, status.RESOURCE_EXHAUSTED, String(r1.err));
  // compressed it fits the limit on the wire, but inflates beyond it
  const zipped = track(
    client(OTLP_GRPC_SERVICES.logs, receiver.port, { 'grpc.default_compression_algorithm': 2 }),
  );
  assert.ok(gzipSync(toProtobuf(big)).length < MAX_MESSAGE_BYTES);
  const r2 = await exportCall(zipped, big);
  assert.equal(r2.err?.code, status.RESOURCE_EXHAUSTED, String(r2.err));
  assert.equal(sink.records.length, 0);
});

test('an overloaded sink → UNAVAILABLE with retry-after', async () => {
  sink.reset();
  sink.outcome = { kind: 'overloaded', retryAfterSeconds: 7 };
  const c = track(client(OTLP_GRPC_SERVICES.logs, receiver.port));
  const { err } = await exportCall(c, claudeLogsRequest({ count: 1 }));
  assert.equal(err?.code, status.UNAVAILABLE);
  assert.deepEqual(err?.metadata.get('retry-after'), ['7']);
});

test('partial success is propagated for each signal', async () => {
  const cases: [OtlpSignal, ExportRequest, string][] = [
    ['logs', claudeLogsRequest({ count: 4 }), 'rejectedLogRecords'],
    ['metrics', claudeMetricsRequest(), 'rejectedDataPoints'],
    ['traces', tracesRequest({ spans: [{ name: 's' }] }), 'rejectedSpans'],
  ];
  for (const [signal, req, field] of cases) {
    sink.reset();
    sink.outcome = { kind: 'accepted', rejected: 3, message: 'too old' };
    const c = track(client(OTLP_GRPC_SERVICES[signal], receiver.port));
    const { err, res } = await exportCall(c, req);
    assert.equal(err, null);
    const partial = (res as { partialSuccess?: Record<string, unknown> }).partialSuccess;
    assert.equal(partial?.[field], 3n, signal);
    assert.equal(partial?.errorMessage, 'too old');
  }
});

test('a sink that throws → INTERNAL', async () => {
  sink.reset();
  sink.throwing = true;
  const c = track(client(OTLP_GRPC_SERVICES.traces, receiver.port));
  const { err } = await exportCall(c, tracesRequest({ spans: [{ name: 's' }] }));
  assert.equal(err?.code, status.INTERNAL);
  sink.reset();
});

test('a bearer token, when configured, is required', async () => {
  const guarded = await startGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    sink,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    token: 'a-long-enough-secret-token',
  });
  try {
    const c = track(client(OTLP_GRPC_SERVICES.logs, guarded.port));
    const missing = await exportCall(c, claudeLogsRequest({ count: 1 }));
    assert.equal(missing.err?.code, status.UNAUTHENTICATED);
    const wrong = new Metadata();
    wrong.set('authorization', 'Bearer nope');
    assert.equal(
      (await exportCall(c, claudeLogsRequest({ count: 1 }), wrong)).err?.code,
      status.UNAUTHENTICATED,
    );
    const right = new Metadata();
    right.set('authorization', 'Bearer a-long-enough-secret-token');
    assert.equal((await exportCall(c, claudeLogsRequest({ count: 1 }), right)).err, null);
  } finally {
    await guarded.close();
  }
});

test('close() is idempotent and does not hang on an open client connection', async () => {
  const r = await startGrpcReceiver({ host: '127.0.0.1', port: 0, sink, maxMessageBytes: 1024 });
  const c = track(client(OTLP_GRPC_SERVICES.logs, r.port));
  assert.equal((await exportCall(c, logsRequest({ records: [{ body: 'x' }] }))).err, null);
  const started = Date.now();
  await Promise.all([r.close(), r.close()]);
  await r.close();
  assert.ok(Date.now() - started < 3000, `close took ${Date.now() - started} ms`);
  const after = await exportCall(c, logsRequest({ records: [{ body: 'x' }] }));
  assert.equal(after.err?.code, status.UNAVAILABLE);
});

test('a port in use is an error, not a hang', async () => {
  await assert.rejects(
    startGrpcReceiver({ host: '127.0.0.1', port: receiver.port, sink, maxMessageBytes: 1024 }),
  );
});
