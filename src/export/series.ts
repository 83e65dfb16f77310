// Building one metric's series: labels outside the allowlist are summed away, values with the
// same labels are added, and the number of series is bounded. Pure.

import { EXPORT_LABELS } from '../config/schema.ts';

export type Labels = Record<string, string>;

export interface Point {
  labels: Labels;
  value: number;
}

/** Series one metric may have; beyond it, the rest are summed into one `other` series. */
export const MAX_SERIES_PER_METRIC = 100;

/** Labels that only the allowlist governs; others (session_id, type) belong to their metric. */
const GOVERNED = new Set(EXPORT_LABELS);

export class SeriesBuilder {
  readonly #allowed: ReadonlySet<string>;
  readonly #points = new Map<string, Point>();

  constructor(allowed: ReadonlySet<string>) {
    this.#allowed = allowed;
  }

  add(labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const kept: Labels = {};
    for (const [k, v] of Object.entries(labels)) {
      if (!GOVERNED.has(k) || this.#allowed.has(k)) kept[k] = v;
    }
    const key = JSON.stringify(Object.entries(kept).sort(([a], [b]) => (a < b ? -1 : 1)));
    const p = this.#points.get(key);
    if (p === undefined) this.#points.set(key, { labels: kept, value });
    else p.value += value;
  }

  /**
   * The series, in a stable order (by labels). Past the bound the last ones by that order are
   * folded into one series whose labels all read `other`, so the bound holds and the sum over
   * the metric stays right.
   */
  points(max = MAX_SERIES_PER_METRIC): Point[] {
    const sorted = [...this.#points.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, p]) => p);
    if (sorted.length <= max) return sorted;
    const kept = sorted.slice(0, max - 1);
    const rest = sorted.slice(max - 1);
    const labels: Labels = {};
    for (const k of Object.keys(rest[0]!.labels)) labels[k] = 'other';
    kept.push({ labels, value: rest.reduce((s, p) => s + p.value, 0) });
    return kept;
  }
}
