/**
 * An OTLP export request that cannot be decoded: bad protobuf, bad JSON, wrong types, nesting too
 * deep. Receivers answer it with HTTP 400 / gRPC INVALID_ARGUMENT; the message says what was
 * wrong and, for JSON, where (e.g. `resourceLogs[0].scopeLogs[0].logRecords[2].timeUnixNano`).
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** Deepest AnyValue nesting (arrays / key-value lists inside attribute values) accepted. */
export const MAX_ANY_VALUE_DEPTH = 32;

/**
 * Message nesting allowed to the protobuf runtime (fromBinary / fromJson): the deepest fixed path
 * (request → … → exemplar → KeyValue → AnyValue) is 9 messages and each nested kvlist AnyValue
 * adds 3, so AnyValues nested MAX_ANY_VALUE_DEPTH deep decode anywhere.
 */
export const MESSAGE_RECURSION_LIMIT = 16 + 3 * MAX_ANY_VALUE_DEPTH;
