/**
 * A raw OTLP capture server for tests and fixture recording: it decodes nothing, it records.
 *
 *   const cap = await startOtlpCapture();            // HTTP on 127.0.0.1:<random>
 *   cap.url                                          // 'http://127.0.0.1:<port>'
 *   const g = await startOtlpCapture({ grpc: true }); // gRPC (h2c) on 127.0.0.1:<random>
 *   g.url                                            // 'http://127.0.0.1:<port>' for OTLP/gRPC
 *   ...
 *   cap.requests                                     // CapturedRequest[] in arrival order
 *   await cap.waitFor((reqs) => reqs.some((r) => r.signal === 'logs'), 10_000);
 *   await cap.close();
 *
 * HTTP: `POST /v1/logs|metrics|traces` answers 200 with `{}` for JSON requests and an empty
 * body (a valid empty `Export*ServiceResponse`) for protobuf; gzip/deflate request bodies are
 * inflated before recording (`contentEncoding` keeps what the client sent). Other paths: 404.
 * gRPC: `opentelemetry.proto.collector.{logs,metrics,trace}.v1.*Service/Export` with identity
 * (Buffer passthrough) serializers; answers an empty response message. grpc-js inflates
 * compressed messages itself; the request's `grpc-encoding` metadata is kept in `headers`.
 *
 * `jsonBody(req)` parses a JSON request; protobuf bodies stay raw `Buffer`s.
 */

import type { EventEmitter } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';

export type OtlpSignalName = 'logs' | 'metrics' | 'traces';

export interface CapturedRequest {
  seq: number;
  /** Milliseconds since the epoch at arrival. */
  receivedAt: number;
  transport: 'http' | 'grpc';
  signal: OtlpSignalName | 'unknown';
  /** HTTP path, or the full gRPC method path. */
  path: string;
  contentType: string;
  /** As sent by the client (HTTP `content-encoding` or gRPC `grpc-encoding`); '' when none. */
  contentEncoding: string;
  /** Request headers (HTTP) or metadata (gRPC), lower-case keys. */
  headers: Record<string, string>;
  /** The body after decompression: JSON text bytes or protobuf bytes. */
  body: Buffer;
  /** Size on the wire before decompression (HTTP only; equals body.length for gRPC). */
  wireBytes: number;
  isJson: boolean;
}

export interface OtlpCapture {
  url: string;
  port: number;
  transport: 'http' | 'grpc';
  requests: CapturedRequest[];
  /** Resolve when `pred(requests)` is true (polled), reject after `timeoutMs`. */
  waitFor(pred: (reqs: CapturedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolve once no request arrived for `quietMs` (or `maxMs` passed). */
  waitQuiet(quietMs?: number, maxMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface OtlpCaptureOptions {
  grpc?: boolean;
  /** Override the HTTP status for a request (e.g. 503 to test retries). */
  respond?: (req: CapturedRequest) => number | undefined;
  /** Listen on this port (a sink coming back where it was); 0 or absent: a free one. */
  port?: number;
  /** Serve TLS (https, or gRPC over TLS) with this PEM certificate and key. */
  tls?: { cert: Buffer; key: Buffer };
}

export function jsonBody(req: CapturedRequest): unknown {
  return JSON.parse(req.body.toString('utf8')) as unknown;
}

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function signalOf(path: string): OtlpSignalName | 'unknown' {
  if (/\/v1\/logs$|logs\.v1\.LogsService/.test(path)) return 'logs';
  if (/\/v1\/metrics$|metrics\.v1\.MetricsService/.test(path)) return 'metrics';
  if (/\/v1\/traces$|trace\.v1\.TraceService/.test(path)) return 'traces';
  return 'unknown';
}

function makeWaiters(requests: CapturedRequest[]) {
  return {
    async waitFor(pred: (reqs: CapturedRequest[]) => boolean, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(requests)) {
        if (Date.now() > deadline) {
          throw new Error(`otlp-capture: condition not met within ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async waitQuiet(quietMs = 1500, maxMs = 20_000) {
      const start = Date.now();
      for (;;) {
        const lastAt = requests.at(-1)?.receivedAt ?? start;
        const now = Date.now();
        if (now - Math.max(lastAt, start) >= quietMs || now - start >= maxMs) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

export async function startOtlpCapture(options: OtlpCaptureOptions = {}): Promise<OtlpCapture> {
  return options.grpc ? startGrpc(options.port ?? 0, options.tls) : startHttp(options);
}

async function startHttp(options: OtlpCaptureOptions): Promise<OtlpCapture> {
  const requests: CapturedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const contentType = String(req.headers['content-type'] ?? '');
      const contentEncoding = String(req.headers['content-encoding'] ?? '');
      let body = wire;
      try {
        if (/gzip/i.test(contentEncoding)) body = gunzipSync(wire);
        else if (/deflate/i.test(contentEncoding)) body = inflateSync(wire);
      } catch {
        body = wire;
      }
      const isJson = /json/i.test(contentType);
      const rec: CapturedRequest = {
        seq: requests.length + 1,
        receivedAt: Date.now(),
        transport: 'http',
        signal: signalOf(path),
        path,
        contentType,
        contentEncoding,
        headers: flatHeaders(req.headers),
        body,
        wireBytes: wire.length,
        isJson,
      };
      if (req.method !== 'POST' || rec.signal === 'unknown') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      requests.push(rec);
      const status = options.respond?.(rec) ?? 200;
      if (isJson) {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{}');
      } else {
        res.writeHead(status, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
        res.end();
      }
    });
  };
  const server =
    options.tls === undefined ? createServer(handler) : createTlsServer(options.tls, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    transport: 'http',
    requests,
    ...makeWaiters(requests),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const GRPC_SERVICES: Array<[string, OtlpSignalName]> = [
  ['/opentelemetry.proto.collector.logs.v1.LogsService/Export', 'logs'],
  ['/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', 'metrics'],
  ['/opentelemetry.proto.collector.trace.v1.TraceService/Export', 'traces'],
];

async function startGrpc(listenPort: number, tls: OtlpCaptureOptions['tls']): Promise<OtlpCapture> {
  const requests: CapturedRequest[] = [];
  const server = new grpc.Server();
  // grpc-js strips `grpc-encoding` and `content-type` from the metadata it hands to handlers;
  // the raw HTTP/2 headers are taken from the underlying http2 server's 'stream' event.
  const rawHeaders = new Map<string, Record<string, string>[]>();
  const identity = (b: Buffer): Buffer => b;
  for (const [path, signal] of GRPC_SERVICES) {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    };
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      const headers: Record<string, string> = { ...rawHeaders.get(path)?.shift() };
      for (const [k, v] of Object.entries(call.metadata.getMap())) {
        headers[k] = Buffer.isBuffer(v) ? v.toString('base64') : String(v);
      }
      requests.push({
        seq: requests.length + 1,
        receivedAt: Date.now(),
        transport: 'grpc',
        signal,
        path,
        contentType: headers['content-type'] ?? 'application/grpc',
        contentEncoding: headers['grpc-encoding'] ?? '',
        headers,
        body: call.request,
        wireBytes: call.request.length,
        isJson: false,
      });
      callback(null, Buffer.alloc(0));
    };
    server.addService(definition, { Export: handler });
  }
  const port = await new Promise<number>((resolve, reject) => {
    const credentials =
      tls === undefined
        ? grpc.ServerCredentials.createInsecure()
        : grpc.ServerCredentials.createSsl(null, [{ private_key: tls.key, cert_chain: tls.cert }]);
    server.bindAsync(`127.0.0.1:${listenPort}`, credentials, (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  const internals = server as unknown as { http2Servers?: Map<EventEmitter, unknown> };
  for (const h2 of internals.http2Servers?.keys() ?? []) {
    h2.prependListener('stream', (_stream: unknown, h: IncomingHttpHeaders) => {
      const path = String(h[':path'] ?? '');
      const flat = flatHeaders(h);
      for (const k of Object.keys(flat)) if (k.startsWith(':')) delete flat[k];
      const queue = rawHeaders.get(path) ?? [];
      queue.push(flat);
      rawHeaders.set(path, queue);
    });
  }
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    transport: 'grpc',
    requests,
    ...makeWaiters(requests),
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000).unref();
      }),
  };
}
