// OTLP export requests (protobuf or OTLP/JSON) → flat views, and export responses → bytes.
// Shared by the HTTP and gRPC receivers.

import {
  create,
  type DescMessage,
  fromBinary,
  fromJson,
  type JsonValue,
  toBinary,
  toJson,
} from '@bufbuild/protobuf';
import type { LogRecordView, MetricPointView, SpanView } from '../../domain/telemetry.ts';
import { MESSAGE_RECURSION_LIMIT, OtlpDecodeError } from './decode-error.ts';
import { flattenLogs, flattenMetrics, flattenSpans } from './flatten.ts';
import {
  type ExportLogsServiceRequest,
  ExportLogsServiceRequestSchema,
  type ExportLogsServiceResponse,
  ExportLogsServiceResponseSchema,
} from './gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts';
import {
  type ExportMetricsServiceRequest,
  ExportMetricsServiceRequestSchema,
  type ExportMetricsServiceResponse,
  ExportMetricsServiceResponseSchema,
} from './gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts';
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
  type ExportTraceServiceResponse,
  ExportTraceServiceResponseSchema,
} from './gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts';
import { convertIds, hexIdToBase64, locateJsonError, parseJsonBody } from './json.ts';
import type { OtlpSignal } from './sink.ts';

export { MAX_ANY_VALUE_DEPTH, OtlpDecodeError } from './decode-error.ts';

export type OtlpFormat = 'protobuf' | 'json';

export type DecodedExport =
  | { signal: 'logs'; records: LogRecordView[] }
  | { signal: 'metrics'; points: MetricPointView[] }
  | { signal: 'traces'; spans: SpanView[] };

/** The generated request message of each signal. */
export interface ExportRequestOf {
  logs: ExportLogsServiceRequest;
  metrics: ExportMetricsServiceRequest;
  traces: ExportTraceServiceRequest;
}

export const REQUEST_SCHEMAS = {
  logs: ExportLogsServiceRequestSchema,
  metrics: ExportMetricsServiceRequestSchema,
  traces: ExportTraceServiceRequestSchema,
} as const;

const REQUEST_NAMES: Record<OtlpSignal, string> = {
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
  traces: 'ExportTraceServiceRequest',
};

const BINARY_READ = { readUnknownFields: false, recursionLimit: MESSAGE_RECURSION_LIMIT } as const;
const JSON_READ = { ignoreUnknownFields: true, recursionLimit: MESSAGE_RECURSION_LIMIT } as const;

/**
 * Decodes an export request body into flat views. Throws OtlpDecodeError (never anything else)
 * when the body is not a valid request. An empty protobuf body is a valid empty request; an empty
 * JSON body is not.
 */
export function decodeExport(
  signal: OtlpSignal,
  body: Uint8Array,
  format: OtlpFormat,
): DecodedExport {
  return flattenExport(signal, parseExportRequest(signal, body, format));
}

/** Decodes an export request body into its generated message. Throws OtlpDecodeError. */
export function parseExportRequest<S extends OtlpSignal>(
  signal: S,
  body: Uint8Array,
  format: OtlpFormat,
): ExportRequestOf[S] {
  const schema: DescMessage = REQUEST_SCHEMAS[signal];
  try {
    return (
      format === 'json' ? readJson(signal, schema, body) : readBinary(signal, schema, body)
    ) as ExportRequestOf[S];
  } catch (err) {
    throw asDecodeError(err, `invalid OTLP ${format === 'json' ? 'JSON' : 'protobuf'}`);
  }
}

/**
 * Flattens a decoded request. Throws OtlpDecodeError for attribute values nested deeper than
 * MAX_ANY_VALUE_DEPTH; anything else it throws is a bug, not bad input.
 */
export function flattenExport<S extends OtlpSignal>(
  signal: S,
  request: ExportRequestOf[S],
): DecodedExport {
  switch (signal) {
    case 'logs':
      return { signal: 'logs', records: flattenLogs(request as ExportLogsServiceRequest) };
    case 'metrics':
      return { signal: 'metrics', points: flattenMetrics(request as ExportMetricsServiceRequest) };
    default:
      return { signal: 'traces', spans: flattenSpans(request as ExportTraceServiceRequest) };
  }
}

function readBinary(signal: OtlpSignal, schema: DescMessage, body: Uint8Array) {
  try {
    return fromBinary(schema, body, BINARY_READ);
  } catch (err) {
    throw new OtlpDecodeError(
      `invalid OTLP protobuf ${REQUEST_NAMES[signal]}: ${(err as Error).message}`,
    );
  }
}

function readJson(signal: OtlpSignal, schema: DescMessage, body: Uint8Array) {
  const json = parseJsonBody(body);
  convertIds(signal, json, hexIdToBase64);
  try {
    return fromJson(schema, json, JSON_READ);
  } catch (err) {
    const path = locateJsonError(schema, json);
    const where = path === '' ? '' : ` at ${path}`;
    throw new OtlpDecodeError(`invalid OTLP JSON${where}: ${(err as Error).message}`);
  }
}

/** Anything thrown while decoding the body is the body's fault: an OtlpDecodeError. */
function asDecodeError(err: unknown, prefix: string): OtlpDecodeError {
  if (err instanceof OtlpDecodeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new OtlpDecodeError(`${prefix}: ${message}`, { cause: err });
}

export interface ExportResult {
  /** Items the receiver did not accept (0 = all accepted). */
  rejected: number;
  /** Why, or a warning; English, for the sender's logs. */
  message?: string;
}

/** The generated response message of each signal. */
export interface ExportResponseOf {
  logs: ExportLogsServiceResponse;
  metrics: ExportMetricsServiceResponse;
  traces: ExportTraceServiceResponse;
}

export const RESPONSE_SCHEMAS = {
  logs: ExportLogsServiceResponseSchema,
  metrics: ExportMetricsServiceResponseSchema,
  traces: ExportTraceServiceResponseSchema,
} as const;

/**
 * The Export*ServiceResponse message for a result. `partial_success` is set only when something
 * was rejected or there is a message: the spec says to leave it unset on full success.
 */
export function exportResponse<S extends OtlpSignal>(
  signal: S,
  result: ExportResult,
): ExportResponseOf[S] {
  const rejected = BigInt(Math.max(0, Math.trunc(result.rejected) || 0));
  const errorMessage = result.message ?? '';
  const partial = rejected > 0n || errorMessage !== '';
  switch (signal) {
    case 'logs':
      return create(ExportLogsServiceResponseSchema, {
        ...(partial && { partialSuccess: { rejectedLogRecords: rejected, errorMessage } }),
      }) as ExportResponseOf[S];
    case 'metrics':
      return create(ExportMetricsServiceResponseSchema, {
        ...(partial && { partialSuccess: { rejectedDataPoints: rejected, errorMessage } }),
      }) as ExportResponseOf[S];
    default:
      return create(ExportTraceServiceResponseSchema, {
        ...(partial && { partialSuccess: { rejectedSpans: rejected, errorMessage } }),
      }) as ExportResponseOf[S];
  }
}

/**
 * exportResponse() as protobuf or JSON bytes. JSON is `{}` on full success, else e.g.
 * `{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"…"}}`.
 */
export function encodeExportResponse(
  signal: OtlpSignal,
  result: ExportResult,
  format: OtlpFormat,
): Uint8Array {
  const schema: DescMessage = RESPONSE_SCHEMAS[signal];
  const message = exportResponse(signal, result);
  if (format === 'protobuf') return toBinary(schema, message);
  const json: JsonValue = toJson(schema, message);
  return new TextEncoder().encode(JSON.stringify(json));
}
