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
  const inner = await sdkExporter(t, ca === '' ? undefined : readCa(ca));
  return {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
      inner.export(metrics, (result) => {
        if (result.code === ExportResultCode.SUCCESS) outage.succeeded();
        else outage.failed(result.error);
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    selectAggregationTemporality: (type: InstrumentType): AggregationTemporality =>
      inner.selectAggregationTemporality!(type),
  };
}
