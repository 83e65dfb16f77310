// Flat, protocol-neutral views of OTLP data. The ingest layer turns protobuf or JSON export
// requests into these, so that every per-tool rule in domain/ is a pure function over plain data.

export type AttrValue = string | number | boolean;
export type Attributes = Record<string, AttrValue>;

export interface LogRecordView {
  /** Event time in ms since the epoch (observed time when the record has none). */
  timeMs: number;
  /** The body when it is a string (Claude Code puts the event name here). */
  body: string | undefined;
  /** OTLP `event_name` field (proto 1.5+), when set. */
  eventName: string | undefined;
  attributes: Attributes;
  resource: Attributes;
  scope: string;
}

export type Temporality = 'delta' | 'cumulative' | 'unspecified';

export interface MetricPointView {
  name: string;
  /** A number for sums and gauges; histograms report their sum. */
  value: number;
  kind: 'sum' | 'gauge' | 'histogram';
  temporality: Temporality;
  monotonic: boolean;
  startTimeMs: number;
  timeMs: number;
  attributes: Attributes;
  resource: Attributes;
  scope: string;
}

export interface SpanView {
  name: string;
  traceId: string;
  spanId: string;
  startTimeMs: number;
  endTimeMs: number;
  attributes: Attributes;
  resource: Attributes;
  scope: string;
}
