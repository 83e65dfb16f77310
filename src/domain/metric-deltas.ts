// Turns metric data points into increments that can be added up safely. Delta points are
// counted once even when an exporter re-sends a batch; cumulative points (Gemini CLI) become
// the difference from the previous point of the same series, and a restart (new start time or
// a smaller value) starts the series again.

import type { Attributes, MetricPointView } from './telemetry.ts';

export interface MetricDeltasOptions {
  /** Series and delta-point identities remembered; the oldest are forgotten first. */
  maxEntries: number;
}

function attrKey(attrs: Attributes): string {
  const keys = Object.keys(attrs).sort();
  let out = '';
  for (const k of keys) out += `${k}=${String(attrs[k])};`;
  return out;
}

export function seriesKey(p: MetricPointView): string {
  const r = p.resource;
  // The resource identifies the process (service + instance); data attributes the series.
  const who = `${String(r['service.name'] ?? '')}|${String(r['service.instance.id'] ?? '')}|${String(r['session.id'] ?? '')}`;
  return `${p.name}|${who}|${attrKey(p.attributes)}`;
}

interface CumulativeState {
  startTimeMs: number;
  timeMs: number;
  value: number;
}

export class MetricDeltas {
  readonly #max: number;
  readonly #seenDeltas = new Map<string, true>();
  readonly #cumulative = new Map<string, CumulativeState>();

  constructor(opts: MetricDeltasOptions) {
    this.#max = opts.maxEntries;
  }

  /** The increment this point adds, or 0 when it adds nothing new (duplicate, unchanged). */
  increment(p: MetricPointView): number {
    if (!Number.isFinite(p.value)) return 0;
    const key = seriesKey(p);
    if (p.temporality === 'cumulative') return this.#fromCumulative(key, p);
    if (p.kind === 'gauge') return 0;
    const id = `${key}|${p.startTimeMs}|${p.timeMs}`;
    if (this.#seenDeltas.has(id)) return 0;
    remember(this.#seenDeltas, id, true, this.#max);
    return p.value;
  }

  #fromCumulative(key: string, p: MetricPointView): number {
    const prior = this.#cumulative.get(key);
    if (prior !== undefined && (p.startTimeMs < prior.startTimeMs || p.timeMs <= prior.timeMs)) {
      return 0; // an older or re-sent point
    }
    remember(
      this.#cumulative,
      key,
      { startTimeMs: p.startTimeMs, timeMs: p.timeMs, value: p.value },
      this.#max,
    );
    if (prior === undefined) return p.value;
    // A new start time or a smaller value means the process restarted its counter.
    if (p.startTimeMs !== prior.startTimeMs || p.value < prior.value) return p.value;
    return p.value - prior.value;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
