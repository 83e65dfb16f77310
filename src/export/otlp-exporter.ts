// The OTLP push: the official SDK exporter for the configured protocol (gRPC, HTTP/protobuf,
// HTTP/JSON), cumulative temporality whatever the environment prefers (the counters are
// totals; a collector's Prometheus exporter needs them cumulative), and a wrapper that logs
// a failing collector once per outage instead of once per attempt.

import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { readCa } from './otlp-ca.ts';
import type { OtlpTarget } from './otlp-target.ts';

/** Logs the first failure of an outage and the recovery, nothing in between. */
export class OutageLog {
  readonly #target: string;
  readonly #intervalMs: number;
  readonly #log: (line: string) => void;
  #down = false;
  failures = 0;
  successes = 0;

  constructor(target: string, intervalMs: number, log: (line: string) => void) {
    this.#target = target;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  get down(): boolean {
    return this.#down;
  }

  failed(err: Error | undefined): void {
    this.failures++;
    if (this.#down) return;
    this.#down = true;
    const reason = (err?.message ?? 'unknown error').split('\n')[0];
    this.#log(
      `export: cannot send metrics to ${this.#target}: ${reason}; trying again every ${Math.round(this.#intervalMs / 1000)} s (totals are sent whole, nothing is lost)`,
    );
  }

  succeeded(): void {
    this.successes++;
    if (!this.#down) return;
    this.#down = false;
    this.#log(`export: sending metrics to ${this.#target} again`);
  }
}

async function sdkExporter(t: OtlpTarget, ca: Buffer | undefined): Promise<PushMetricExporter> {
  const common = {
    url: t.url,
    timeoutMillis: t.timeoutMs,
    temporalityPreference: AggregationTemporality.CUMULATIVE,
  };
  if (t.protocol === 'grpc') {
    const grpc = await import('@opentelemetry/exporter-metrics-otlp-grpc');
    const base = await import('@opentelemetry/otlp-grpc-exporter-base');
    const metadata = base.createEmptyMetadata();
    for (const [k, v] of Object.entries(t.headers)) metadata.set(k, v);
    return new grpc.OTLPMetricExporter({
      ...common,
      metadata,
      credentials: t.tls ? base.createSslCredentials(ca) : base.createInsecureCredentials(),
      compression: t.compression as never,
    });
  }
  const http =
    t.protocol === 'http/protobuf'
      ? await import('@opentelemetry/exporter-metrics-otlp-proto')
      : await import('@opentelemetry/exporter-metrics-otlp-http');
  return new http.OTLPMetricExporter({
    ...common,
    headers: t.headers,
    compression: t.compression as never,
    ...(ca !== undefined ? { httpAgentOptions: { ca } } : {}),
  });
}

/** The exporter for the target, reporting to `outage`. Throws CaFileError. */
export async function createOtlpExporter(
  t: OtlpTarget,
  ca: string,
  outage: OutageLog,
): Promise<PushMetricExporter> {
  const caBytes = ca === '' ? undefined : readCa(ca);
  let inner = await sdkExporter(t, caBytes);
  // A gRPC channel that lost its collector waits longer and longer between reconnects (up to
  // two minutes in grpc-js), so after a long outage the first push could come minutes after
  // the collector is back. After a failed push the next one gets a new channel instead,
  // which connects at once.
  let renewing: Promise<void> | undefined;
  const renew = () => {
    if (t.protocol !== 'grpc' || renewing !== undefined) return;
    const old = inner;
    renewing = sdkExporter(t, caBytes).then(
      (fresh) => {
        inner = fresh;
        renewing = undefined;
        void old.shutdown().catch(() => undefined);
      },
      () => {
        renewing = undefined; // keep the old one; try again after the next failure
      },
    );
  };
  const send = (metrics: ResourceMetrics, done: (result: ExportResult) => void) =>
    inner.export(metrics, (result) => {
      if (result.code === ExportResultCode.SUCCESS) outage.succeeded();
      else {
        outage.failed(result.error);
        renew();
      }
      done(result);
    });
  return {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
      if (renewing === undefined) send(metrics, done);
      else void renewing.then(() => send(metrics, done));
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: async () => {
      await renewing;
      await inner.shutdown();
    },
    selectAggregationTemporality: (type: InstrumentType): AggregationTemporality =>
      inner.selectAggregationTemporality!(type),
  };
}
