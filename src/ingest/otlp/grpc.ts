// OTLP/gRPC receiver: the three collector services' unary Export methods on one grpc-js server.
//
// Status mapping, as the OTLP specification asks:
//   accepted          → OK with the Export*ServiceResponse (partial_success when rejected > 0)
//   undecodable       → INVALID_ARGUMENT (not retried by clients)
//   too big           → RESOURCE_EXHAUSTED (grpc-js, from grpc.max_receive_message_length)
//   sink overloaded   → UNAVAILABLE with `retry-after` trailing metadata (retried)
//   bad bearer token  → UNAUTHENTICATED
// gzip-compressed requests (`grpc-encoding: gzip`) are inflated by grpc-js.

import {
  type DescMessage,
  type DescService,
  fromBinary,
  type Message,
  toBinary,
} from '@bufbuild/protobuf';
import {
  type handleUnaryCall,
  Metadata,
  Server,
  ServerCredentials,
  type ServerErrorResponse,
  type ServerMethodDefinition,
  type ServiceDefinition,
  status,
} from '@grpc/grpc-js';
import { bearerMatches } from '../bearer.ts';
import {
  type DecodedExport,
  type ExportRequestOf,
  type ExportResponseOf,
  exportResponse,
  flattenExport,
  OtlpDecodeError,
  parseExportRequest,
  REQUEST_SCHEMAS,
  RESPONSE_SCHEMAS,
} from './decode.ts';
import { LogsService } from './gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import { MetricsService } from './gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts';
import { TraceService } from './gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts';
import type { ExportOutcome, OtlpSignal, OtlpSink } from './sink.ts';

export interface GrpcReceiverOptions {
  host: string;
  /** 0 picks a free port; the bound one is returned. */
  port: number;
  sink: OtlpSink;
  /** Largest request message accepted, after decompression. */
  maxMessageBytes: number;
  /** When non-empty, calls must carry `authorization: Bearer <token>`. */
  token?: string | undefined;
}

export interface GrpcReceiver {
  port: number;
  /** Stops accepting, lets in-flight calls finish (briefly), then closes. Idempotent. */
  close(): Promise<void>;
}

/** How long close() waits for in-flight calls before cutting connections. */
const SHUTDOWN_GRACE_MS = 1500;

/** What the server's request deserializer yields: the message, or why it could not be decoded. */
export type ParsedRequest<S extends OtlpSignal> =
  | { ok: true; request: ExportRequestOf[S] }
  | { ok: false; error: OtlpDecodeError };

/** A grpc-js method definition: clients send messages, the server receives ParsedRequest. */
export interface ExportMethod<S extends OtlpSignal>
  extends ServerMethodDefinition<ParsedRequest<S>, ExportResponseOf[S]> {
  requestSerialize: (request: ExportRequestOf[S]) => Buffer;
  responseDeserialize: (bytes: Buffer) => ExportResponseOf[S];
}

export interface ExportServiceDefinition<S extends OtlpSignal> extends ServiceDefinition {
  readonly Export: ExportMethod<S>;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function exportMethod<S extends OtlpSignal>(
  signal: S,
  service: DescService,
): ExportServiceDefinition<S> {
  const requestSchema: DescMessage = REQUEST_SCHEMAS[signal];
  const responseSchema: DescMessage = RESPONSE_SCHEMAS[signal];
  const method: ExportMethod<S> = {
    path: `/${service.typeName}/Export`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (req) => toBuffer(toBinary(requestSchema, req as Message)),
    // A deserializer that throws makes grpc-js answer INTERNAL; a decode failure is the
    // client's fault, so it is carried to the handler and answered INVALID_ARGUMENT there.
    requestDeserialize: (bytes) => {
      try {
        return { ok: true, request: parseExportRequest(signal, bytes, 'protobuf') };
      } catch (err) {
        const error =
          err instanceof OtlpDecodeError ? err : new OtlpDecodeError(String(err), { cause: err });
        return { ok: false, error };
      }
    },
    responseSerialize: (res) => toBuffer(toBinary(responseSchema, res as Message)),
    responseDeserialize: (bytes) => fromBinary(responseSchema, bytes) as ExportResponseOf[S],
  };
  return { Export: method };
}

/**
 * grpc-js service definitions of the OTLP collector services, serializing with the generated
 * schemas. Usable by clients too (`makeGenericClientConstructor(OTLP_GRPC_SERVICES.logs, …)`).
 */
export const OTLP_GRPC_SERVICES: { [S in OtlpSignal]: ExportServiceDefinition<S> } = {
  logs: exportMethod('logs', LogsService),
  metrics: exportMethod('metrics', MetricsService),
  traces: exportMethod('traces', TraceService),
};

function deliver(sink: OtlpSink, decoded: DecodedExport): ExportOutcome {
  switch (decoded.signal) {
    case 'logs':
      return sink.logs(decoded.records);
    case 'metrics':
      return sink.metrics(decoded.points);
    default:
      return sink.traces(decoded.spans);
  }
}

function error(code: status, details: string, metadata?: Metadata): ServerErrorResponse {
  const err: ServerErrorResponse = Object.assign(new Error(details), { code, details });
  if (metadata !== undefined) err.metadata = metadata;
  return err;
}

function tokenMatches(metadata: Metadata, token: string): boolean {
  const header = metadata.get('authorization')[0];
  return bearerMatches(typeof header === 'string' ? header : undefined, token);
}

function exportHandler<S extends OtlpSignal>(
  signal: S,
  opts: GrpcReceiverOptions,
): handleUnaryCall<ParsedRequest<S>, ExportResponseOf[S]> {
  const token = opts.token ?? '';
  return (call, callback) => {
    if (token !== '' && !tokenMatches(call.metadata, token)) {
      callback(error(status.UNAUTHENTICATED, 'missing or wrong bearer token'));
      return;
    }
    const parsed = call.request;
    if (!parsed.ok) {
      callback(error(status.INVALID_ARGUMENT, parsed.error.message));
      return;
    }
    let outcome: ExportOutcome;
    try {
      outcome = deliver(opts.sink, flattenExport(signal, parsed.request));
    } catch (err) {
      if (err instanceof OtlpDecodeError) {
        callback(error(status.INVALID_ARGUMENT, err.message));
      } else {
        callback(error(status.INTERNAL, `internal error: ${(err as Error).message}`));
      }
      return;
    }
    if (outcome.kind === 'overloaded') {
      const trailers = new Metadata();
      trailers.set('retry-after', String(outcome.retryAfterSeconds));
      callback(
        error(status.UNAVAILABLE, outcome.message ?? 'the agent is busy; retry later', trailers),
      );
      return;
    }
    callback(
      null,
      exportResponse(
        signal,
        outcome.message === undefined
          ? { rejected: outcome.rejected }
          : { rejected: outcome.rejected, message: outcome.message },
      ),
    );
  };
}

function address(host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${h}:${port}`;
}

export async function startGrpcReceiver(opts: GrpcReceiverOptions): Promise<GrpcReceiver> {
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxMessageBytes,
  });
  server.addService(OTLP_GRPC_SERVICES.logs, { Export: exportHandler('logs', opts) });
  server.addService(OTLP_GRPC_SERVICES.metrics, { Export: exportHandler('metrics', opts) });
  server.addService(OTLP_GRPC_SERVICES.traces, { Export: exportHandler('traces', opts) });

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(
        address(opts.host, opts.port),
        ServerCredentials.createInsecure(),
        (err, p) => (err ? reject(err) : resolve(p)),
      );
    });
  } catch (err) {
    server.forceShutdown();
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
