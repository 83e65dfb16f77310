// The body of OTLP/HTTP error responses: a google.rpc.Status (code, message), encoded like
// the request (protobuf or JSON) as the OTLP specification asks.

import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

export type WireFormat = 'protobuf' | 'json';

/** gRPC status codes matching each HTTP status we answer with. */
const GRPC_CODE: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  429: 8,
  503: 14, // UNAVAILABLE
};

export function encodeStatus(httpStatus: number, message: string, format: WireFormat): Uint8Array {
  const code = GRPC_CODE[httpStatus] ?? 2; // UNKNOWN
  if (format === 'json') return new TextEncoder().encode(JSON.stringify({ code, message }));
  return new BinaryWriter()
    .tag(1, WireType.Varint)
    .int32(code)
    .tag(2, WireType.LengthDelimited)
    .string(message)
    .finish();
}
