import type { LogRecordView, MetricPointView, SpanView } from '../../domain/telemetry.ts';

/** What a receiver (HTTP or gRPC) answers after handing decoded data to the daemon. */
export type ExportOutcome =
  | { kind: 'accepted'; rejected: number; message?: string }
  | { kind: 'overloaded'; retryAfterSeconds: number; message?: string };

/** Where both OTLP receivers deliver decoded telemetry. Implemented by the daemon. */
export interface OtlpSink {
  logs(records: LogRecordView[]): ExportOutcome;
  metrics(points: MetricPointView[]): ExportOutcome;
  traces(spans: SpanView[]): ExportOutcome;
}

export type OtlpSignal = 'logs' | 'metrics' | 'traces';
