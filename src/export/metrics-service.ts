// The metrics pipeline: one OpenTelemetry MeterProvider with the instruments, a reader that
// GET /metrics collects from on demand, and the periodic OTLP push. Loaded only when metrics
// are first needed (a scrape, or an OTLP endpoint at start): the SDK costs start-up time and
// memory that an agent nobody exports from should not pay.

import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  DataPointType,
  type MetricData,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  type InstrumentOptions,
  type InstrumentSources,
  registerInstruments,
} from './instruments.ts';
import { createOtlpExporter, OutageLog } from './otlp-exporter.ts';
import type { OtlpTarget } from './otlp-target.ts';
import { prometheusName } from './prometheus-names.ts';

export interface MetricsServiceOptions extends InstrumentOptions {
  sources: InstrumentSources;
  resource: Record<string, string>;
  version: string;
  /** Whether GET /metrics is served. */
  prometheus: boolean;
  otlp: OtlpTarget | undefined;
  /** PEM file of the CA for the OTLP push; '' for the system's. */
  ca: string;
  intervalMs: number;
  log: (line: string) => void;
}

export interface MetricsService {
  /** The current metrics in the Prometheus text format (0.0.4). */
  scrape(): Promise<string>;
  close(): Promise<void>;
}

/** How long close() waits for the last push. */
const SHUTDOWN_MS = 2000;

/** A reader that collects only when asked (for GET /metrics). */
class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The Prometheus base name the serializer is given: it appends `_total` to counters itself. */
function serializerName(m: MetricData): string {
  const monotonic = m.dataPointType === DataPointType.SUM && m.isMonotonic;
  const type =
    m.dataPointType === DataPointType.GAUGE ? 'gauge' : monotonic ? 'monotonic-sum' : 'sum';
  const name = prometheusName(m.descriptor.name, m.descriptor.unit, type);
  return monotonic ? name.replace(/_total$/, '') : name;
}

/** The collected metrics under their collector-compatible names (prometheus-names.ts). */
function renamed(rm: ResourceMetrics): ResourceMetrics {
  return {
    resource: rm.resource,
    scopeMetrics: rm.scopeMetrics.map((sm) => ({
      scope: sm.scope,
      metrics: sm.metrics.map(
        (m) => ({ ...m, descriptor: { ...m.descriptor, name: serializerName(m) } }) as MetricData,
      ),
    })),
  };
}

/** Starts the pipeline; throws when the OTLP exporter cannot be made (an unreadable CA). */
export async function startMetricsService(opts: MetricsServiceOptions): Promise<MetricsService> {
  const pull = opts.prometheus ? new PullReader() : undefined;
  const outage = new OutageLog(opts.otlp?.display ?? '', opts.intervalMs, opts.log);
  const push =
    opts.otlp === undefined
      ? undefined
      : new PeriodicExportingMetricReader({
          exporter: await createOtlpExporter(opts.otlp, opts.ca, outage),
          exportIntervalMillis: opts.intervalMs,
          exportTimeoutMillis: Math.min(opts.otlp.timeoutMs, opts.intervalMs),
        });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(opts.resource),
    readers: [pull, push].filter((r) => r !== undefined),
  });
  // Once per outage and source: a failing source fails every collection until it recovers.
  const failing = new Set<string>();
  registerInstruments(provider.getMeter('ai-observer', opts.version), opts.sources, {
    ...opts,
    onSourceRead: (source, err) => {
      if (err === undefined) failing.delete(source);
      else if (!failing.has(source)) {
        failing.add(source);
        opts.log(`metrics: cannot read the ${source} source: ${err.message}`);
      }
    },
  });
  // Resource attributes as labels on every series, as the collector's
  // resource_to_telemetry_conversion does: dashboards filter on host_name either way.
  const keys = Object.keys(opts.resource).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const serializer = new PrometheusSerializer(
    undefined,
    false,
    new RegExp(`^(?:${keys.join('|')})$`),
  );

  let closing: Promise<void> | undefined;
  return {
    async scrape() {
      if (pull === undefined) throw new Error('GET /metrics is off (export.prometheus: false)');
      const { resourceMetrics, errors } = await pull.collect();
      if (errors.length > 0) opts.log(`metrics: ${String(errors[0])}`);
      return serializer.serialize(renamed(resourceMetrics));
    },
    close() {
      // One last push, but a collector that is down must not hold up the agent's exit.
      closing ??= provider.shutdown({ timeoutMillis: SHUTDOWN_MS }).catch(() => undefined);
      return closing;
    },
  };
}
