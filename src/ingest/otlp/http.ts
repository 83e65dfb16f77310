// OTLP/HTTP: POST /v1/logs, /v1/metrics, /v1/traces with protobuf or JSON bodies, optionally
// gzip-compressed, answered as the OTLP specification says (success, partial success, 400,
// 413, 415, 429/503 with Retry-After).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeContent, HttpError, readBody } from '../../web/body.ts';
import { decodeExport, encodeExportResponse, OtlpDecodeError } from './decode.ts';
import type { OtlpSignal, OtlpSink } from './sink.ts';
import type { WireFormat } from './status.ts';
import { encodeStatus } from './status.ts';

export const OTLP_PATHS: Record<string, OtlpSignal> = {
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
  '/v1/traces': 'traces',
};

export interface OtlpHttpOptions {
  sink: OtlpSink;
  maxBodyBytes: number;
  maxConcurrentRequests: number;
  maxInflightBytes: number;
}

export interface OtlpHttpStats {
  requests: number;
  rejected: Record<number, number>;
}

function formatOf(contentType: string | undefined): WireFormat | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

const CONTENT_TYPE: Record<WireFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export class OtlpHttpHandler {
  readonly #opts: OtlpHttpOptions;
  #inflightRequests = 0;
  #inflightBytes = 0;
  readonly stats: OtlpHttpStats = { requests: 0, rejected: {} };

  constructor(opts: OtlpHttpOptions) {
    this.#opts = opts;
  }

  async handle(req: IncomingMessage, res: ServerResponse, signal: OtlpSignal): Promise<void> {
    this.stats.requests++;
    const format = formatOf(req.headers['content-type']);
    if (format === undefined) {
      req.resume();
      return this.#fail(
        res,
        'json',
        new HttpError(
          415,
          `unsupported Content-Type "${req.headers['content-type'] ?? ''}"; use application/x-protobuf or application/json`,
        ),
      );
    }
    if (this.#inflightRequests >= this.#opts.maxConcurrentRequests) {
      req.resume();
      return this.#fail(
        res,
        format,
        new HttpError(429, 'too many requests at once; retry later', { 'Retry-After': '1' }),
      );
    }
    const declared = Number(req.headers['content-length'] ?? 0) || 0;
    if (this.#inflightBytes + declared > this.#opts.maxInflightBytes) {
      req.resume();
      return this.#fail(
        res,
        format,
        new HttpError(503, 'the agent is busy; retry later', { 'Retry-After': '2' }),
      );
    }
    this.#inflightRequests++;
    let held = 0;
    try {
      const raw = await readBody(req, this.#opts.maxBodyBytes);
      held = raw.length;
      this.#inflightBytes += held;
      const body = await decodeContent(
        raw,
        req.headers['content-encoding'],
        this.#opts.maxBodyBytes,
      );
      let outcome: ReturnType<OtlpSink['logs']>;
      try {
        const decoded = decodeExport(signal, body, format);
        outcome =
          decoded.signal === 'logs'
            ? this.#opts.sink.logs(decoded.records)
            : decoded.signal === 'metrics'
              ? this.#opts.sink.metrics(decoded.points)
              : this.#opts.sink.traces(decoded.spans);
      } catch (err) {
        if (err instanceof OtlpDecodeError) throw new HttpError(400, err.message);
        throw err;
      }
      if (outcome.kind === 'overloaded') {
        throw new HttpError(503, outcome.message ?? 'the agent is busy; retry later', {
          'Retry-After': String(outcome.retryAfterSeconds),
        });
      }
      const response = encodeExportResponse(
        signal,
        outcome.message === undefined
          ? { rejected: outcome.rejected }
          : { rejected: outcome.rejected, message: outcome.message },
        format,
      );
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPE[format],
        'Content-Length': response.byteLength,
      });
      res.end(response);
    } catch (err) {
      const e =
        err instanceof HttpError
          ? err
          : new HttpError(500, `internal error: ${(err as Error).message}`);
      this.#fail(res, format, e);
    } finally {
      this.#inflightRequests--;
      this.#inflightBytes -= held;
    }
  }

  #fail(res: ServerResponse, format: WireFormat, err: HttpError): void {
    this.stats.rejected[err.status] = (this.stats.rejected[err.status] ?? 0) + 1;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = encodeStatus(err.status, err.message, format);
    res.writeHead(err.status, {
      ...err.headers,
      'Content-Type': CONTENT_TYPE[format],
      'Content-Length': body.byteLength,
      // After a refused body the connection may hold unread bytes; don't reuse it.
      ...(err.status === 413 ? { Connection: 'close' } : {}),
    });
    res.end(body);
  }
}
