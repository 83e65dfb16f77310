// Where and how the OTLP push goes, from the `export.otlp.*` config: the URL each exporter
// wants, TLS, headers. Pure apart from reading the CA file, which the caller passes in.

import type { Config } from '../config/schema.ts';

export type OtlpConfig = Config['export']['otlp'];

export interface OtlpTarget {
  protocol: OtlpConfig['protocol'];
  /** gRPC: `http(s)://host:port`; HTTP: the full URL of the metrics route. */
  url: string;
  host: string;
  port: number;
  tls: boolean;
  /** Headers (gRPC metadata) to send, `authorization` included when there is a token. */
  headers: Record<string, string>;
  compression: OtlpConfig['compression'];
  timeoutMs: number;
  /** The endpoint for messages: scheme, host, port and path, never credentials. */
  display: string;
}

/** Why an endpoint cannot be used; the message names the key and where it came from. */
export class OtlpTargetError extends Error {
  override name = 'OtlpTargetError';
}

/** `a=b,c=d` as the OTEL_EXPORTER_OTLP_HEADERS variables write it (values URL-encoded). */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new OtlpTargetError(`header ${JSON.stringify(pair.trim())} is not key=value`);
    const key = pair.slice(0, eq).trim().toLowerCase();
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not URL-encoded after all: sent as written.
    }
    out[key] = value;
  }
  return out;
}

/** The target, or undefined when no endpoint is configured. Throws OtlpTargetError. */
export function otlpTarget(c: OtlpConfig): OtlpTarget | undefined {
  if (c.endpoint === '') return undefined;
  const where = `export.otlp.endpoint (from ${c.endpointOrigin})`;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(c.endpoint);
  // No scheme: TLS unless switched off, as the OpenTelemetry exporters do.
  const scheme = hasScheme ? '' : c.tls === 'off' ? 'http://' : 'https://';
  let u: URL;
  try {
    u = new URL(scheme + c.endpoint);
  } catch {
    throw new OtlpTargetError(
      `invalid config ${where}: ${JSON.stringify(c.endpoint)} is not a URL`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new OtlpTargetError(
      `invalid config ${where}: use http:// or https://, not ${u.protocol}//`,
    );
  }
  if (u.username !== '' || u.password !== '') {
    throw new OtlpTargetError(
      `invalid config ${where}: put credentials in export.otlp.token, not in the URL`,
    );
  }
  const tls = c.tls === 'auto' ? u.protocol === 'https:' : c.tls === 'on';
  u.protocol = tls ? 'https:' : 'http:';
  const grpc = c.protocol === 'grpc';
  const port = Number(u.port || (grpc ? 4317 : tls ? 443 : 80));
  let headers: Record<string, string>;
  try {
    headers = parseHeaders(c.headers);
  } catch (err) {
    throw new OtlpTargetError(`invalid config export.otlp.headers: ${(err as Error).message}`);
  }
  if (c.token !== '') headers.authorization = `Bearer ${c.token}`;
  let url: string;
  if (grpc) {
    // (An IPv6 hostname keeps its brackets in a URL.)
    url = `${u.protocol}//${u.hostname}:${port}`;
  } else {
    // The endpoint is the collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT is.
    const path = u.pathname.replace(/\/+$/, '');
    u.pathname = path.endsWith('/v1/metrics') ? path : `${path}/v1/metrics`;
    url = u.toString();
  }
  return {
    protocol: c.protocol,
    url,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    tls,
    headers,
    compression: c.compression,
    timeoutMs: c.timeoutMs,
    display: grpc ? `${url} (OTLP/gRPC)` : `${url} (OTLP/${c.protocol.slice(5)})`,
  };
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|0\.0\.0\.0|::)$/i;

/**
 * Whether the target is this agent's own OTLP receiver: the shell profile that points the AI
 * tools at the agent (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318) must not make the
 * agent send its metrics to itself.
 */
export function isOwnReceiver(
  t: OtlpTarget,
  listenHost: string,
  ports: readonly number[],
): boolean {
  const same = LOOPBACK.test(t.host) || t.host.toLowerCase() === listenHost.toLowerCase();
  return same && ports.includes(t.port);
}
