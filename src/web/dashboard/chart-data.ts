// API rows → the column arrays the charts draw. Pure, unit-tested under Node.

import type { Figures, UsageRow } from './api-types.ts';

export interface StackedSeries {
  /** x values: local midnight of each day, in seconds (uPlot's unit). */
  xs: number[];
  /** Names of the stacked parts, bottom first. */
  keys: string[];
  /** values[k][i]: the part `keys[k]` on day `xs[i]` (zero where the API had no row). */
  values: number[][];
  /** stacked[k][i]: the sum of parts 0..k on day i (what is drawn). */
  stacked: number[][];
}

/** "2026-11-21" → local midnight in seconds; undefined for anything else. */
export function dayStart(period: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (m === null) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() / 1000;
}

/** Every day from `since` to `until` (both "YYYY-MM-DD", inclusive), as local midnights. */
export function daysBetween(since: string, until: string): number[] {
  const first = dayStart(since);
  const last = dayStart(until);
  if (first === undefined || last === undefined) return [];
  const out: number[] = [];
  const d = new Date(first * 1000);
  // Step by calendar day (not 86 400 s) so daylight-saving changes stay on midnight.
  for (let i = 0; i < 400 && d.getTime() / 1000 <= last; i++) {
    out.push(d.getTime() / 1000);
    d.setDate(d.getDate() + 1);
  }
  return out;
}

/**
 * Daily rows grouped by `key` (e.g. tool) → one stacked series per key, the days filled in
 * from `since` to `until` so that a day without use shows as a gap, not as a missing bar.
 */
export function stackDaily(
  rows: UsageRow[],
  key: 'tool' | 'model' | 'project',
  value: (r: Figures) => number,
  since: string,
  until: string,
): StackedSeries {
  const xs = daysBetween(since, until);
  const index = new Map(xs.map((x, i) => [x, i]));
  const totals = new Map<string, number>();
  for (const r of rows) {
    const k = r[key] ?? 'other';
    totals.set(k, (totals.get(k) ?? 0) + value(r));
  }
  // Largest at the bottom, where it is easiest to read.
  const keys = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)!);
  const values = keys.map(() => xs.map(() => 0));
  for (const r of rows) {
    const x = r.period === null ? undefined : dayStart(r.period);
    const i = x === undefined ? undefined : index.get(x);
    if (i === undefined) continue;
    const k = keys.indexOf(r[key] ?? 'other');
    values[k]![i]! += value(r);
  }
  const stacked: number[][] = [];
  for (let k = 0; k < keys.length; k++) {
    stacked.push(xs.map((_, i) => values[k]![i]! + (k > 0 ? stacked[k - 1]![i]! : 0)));
  }
  return { xs, keys, values, stacked };
}

export interface TokenSplit {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** The parts of a total that bars show, and the cache share (cache reads of all input). */
export function tokenSplit(f: Figures): TokenSplit & { cacheShare: number } {
  const input = f.inputTokens;
  const cacheRead = f.cacheReadTokens;
  const cacheWrite = f.cacheWriteTokens;
  const promptSide = input + cacheRead + cacheWrite;
  return {
    input,
    output: f.outputTokens,
    cacheRead,
    cacheWrite,
    cacheShare: promptSide > 0 ? cacheRead / promptSide : 0,
  };
}

/** "YYYY-MM-DD" of the local day `daysAgo` before `now`. */
export function localDay(now: number, daysAgo = 0): string {
  const d = new Date(now);
  d.setDate(d.getDate() - daysAgo);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Running sum of a column (cost over time in the session view). */
export function cumulative(values: number[]): number[] {
  let sum = 0;
  return values.map((v) => {
    sum += v;
    return sum;
  });
}
