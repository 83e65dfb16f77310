// Activity intervals (DESIGN.md §4): time spent with an AI app, CLI or site. Intervals of one
// subject from any source are kept as a union: where a process scan and the foreground, or the
// browser history and the extension, saw the same time, it is one stretch, never two. So a
// re-read of the same visits or a restart that sees a process again adds no time. Pure.

import { DAY_MS } from '../periods.ts';
import type { ActivityKind } from './catalog.ts';

export type ActivitySource = 'process' | 'foreground' | 'history' | 'extension';
export const ACTIVITY_SOURCES: readonly ActivitySource[] = [
  'process',
  'foreground',
  'history',
  'extension',
];

/** One sighting of time spent: what sources hand to the store. */
export interface ActivityInterval {
  /** The catalog entry's id for apps and CLIs; the domain for sites (`chatgpt.com`). */
  subject: string;
  kind: ActivityKind;
  /** The catalog entry it was matched to. */
  entry: string;
  category: string;
  /** USD per hour at the time, from the catalog: the estimate's basis. */
  rate: number;
  /** ms since the epoch; `end` ≥ `start` (a first sighting may be a point). */
  start: number;
  end: number;
  source: ActivitySource;
}

/** A stored interval: the union of sightings that overlap or touch. */
export interface StoredInterval extends Omit<ActivityInterval, 'source'> {
  sources: ActivitySource[];
}

/** Counts of events (browser visits, typed commands) in a quarter hour. */
export interface ActivityCount {
  /** Quarter hour, ms. */
  bucket: number;
  kind: ActivityKind;
  subject: string;
  entry: string;
  category: string;
  visits: number;
  commands: number;
  /**
   * Who counted, when it is the browser extension: its counts are kept apart from the
   * history's, because both see the same visits (see `mergeCountSources`). Absent for the
   * history sources.
   */
  source?: 'extension';
}

export const COUNT_BUCKET_MS = 15 * 60_000;

export function sourceBits(sources: readonly ActivitySource[]): number {
  let bits = 0;
  for (const s of sources) bits |= 1 << ACTIVITY_SOURCES.indexOf(s);
  return bits;
}

export function sourcesOf(bits: number): ActivitySource[] {
  return ACTIVITY_SOURCES.filter((_, i) => (bits & (1 << i)) !== 0);
}

/** Whether two stretches share time or touch (a scan's stretch starts where the last ended). */
export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }) {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * A new sighting folded into the stored intervals it overlaps (all of one subject): the one
 * interval that replaces them. The newest sighting's entry, category and rate win.
 */
export function unionOf(
  add: ActivityInterval,
  overlapping: readonly StoredInterval[],
): StoredInterval {
  let start = add.start;
  let end = add.end;
  const sources = new Set<ActivitySource>([add.source]);
  for (const o of overlapping) {
    start = Math.min(start, o.start);
    end = Math.max(end, o.end);
    for (const s of o.sources) sources.add(s);
  }
  return {
    subject: add.subject,
    kind: add.kind,
    entry: add.entry,
    category: add.category,
    rate: add.rate,
    start,
    end,
    sources: ACTIVITY_SOURCES.filter((s) => sources.has(s)),
  };
}

/** Whether a stored interval already holds a sighting (then folding it in changes nothing). */
export function covers(stored: StoredInterval, add: ActivityInterval): boolean {
  return (
    stored.start <= add.start &&
    stored.end >= add.end &&
    stored.sources.includes(add.source) &&
    stored.entry === add.entry &&
    stored.rate === add.rate
  );
}

/** Pieces of [start, end) per local day (days since 1970-01-01 in the zone of `zoneOffset`). */
export function splitByDay(
  start: number,
  end: number,
  zoneOffset: (ts: number) => number,
): Array<{ day: number; ms: number }> {
  const out: Array<{ day: number; ms: number }> = [];
  let t = start;
  while (t < end) {
    const day = Math.floor((t + zoneOffset(t)) / DAY_MS);
    // The next local midnight, corrected once for an offset change at it.
    let next = (day + 1) * DAY_MS - zoneOffset(t);
    next = (day + 1) * DAY_MS - zoneOffset(next - 1);
    if (next <= t) next = t + DAY_MS;
    const stop = Math.min(end, next);
    out.push({ day, ms: stop - t });
    t = stop;
  }
  return out;
}

export interface ActivityFilter {
  /** Inclusive start, ms. */
  since?: number | undefined;
  /** Exclusive end, ms. */
  until?: number | undefined;
  kind?: ActivityKind | undefined;
  subject?: string | undefined;
  /** Local time minus UTC at an instant: the zone of the `day` grouping (UTC when not given). */
  zoneOffset?: ((ts: number) => number) | undefined;
}

/**
 * Activity totals of one subject (and day, when grouped by day). The documented read shape for
 * reports, the dashboard API and the metrics export.
 */
export interface ActivityTotalsRow {
  kind: ActivityKind;
  /** Entry id (apps, CLIs) or domain (sites). */
  subject: string;
  entry: string;
  category: string;
  /** Local day, days since 1970-01-01, when grouped by day. */
  day?: number;
  /** Time with it in the range: the union over sources, clipped to the range. */
  activeSeconds: number;
  /** activeSeconds × the entry's hourly rate. */
  costUsd: number;
  costBasis: 'estimated';
  /**
   * Browser visits in the range: per quarter hour the larger of the history's and the
   * extension's counts (they see the same visits).
   */
  visits: number;
  /** Commands typed in a shell that started it, in the range. */
  commands: number;
  /** Which sources saw the time. */
  sources: ActivitySource[];
  /** First and last instant seen in the range (ms), from intervals and counts. */
  firstTs: number;
  lastTs: number;
}

/**
 * Counts of one quarter hour and subject from different counters, as one: the browser history
 * and the extension see the same visits, so the larger of the two counts (never their sum).
 * Counts of one counter are already added up by the store.
 */
export function mergeCountSources(counts: Iterable<ActivityCount>): ActivityCount[] {
  const out = new Map<string, ActivityCount>();
  for (const c of counts) {
    const key = `${c.bucket}\u0000${c.kind}\u0000${c.subject}`;
    const prev = out.get(key);
    if (prev === undefined) {
      const { source: _, ...plain } = c;
      out.set(key, plain);
      continue;
    }
    prev.visits = Math.max(prev.visits, c.visits);
    prev.commands = Math.max(prev.commands, c.commands);
  }
  return [...out.values()];
}

interface Acc {
  row: ActivityTotalsRow;
  ms: number;
  cost: number;
  bits: number;
}

/**
 * Sums intervals (already one union per subject) and counts within the filter's range, per
 * kind and subject, and per local day when `byDay`. Sorted by kind, then most time, then name.
 */
export function activityTotals(
  intervals: Iterable<StoredInterval>,
  counts: Iterable<ActivityCount>,
  filter: ActivityFilter,
  byDay: boolean,
): ActivityTotalsRow[] {
  const since = filter.since ?? Number.NEGATIVE_INFINITY;
  const until = filter.until ?? Number.POSITIVE_INFINITY;
  const zone = filter.zoneOffset ?? (() => 0);
  const groups = new Map<string, Acc>();
  const acc = (
    kind: ActivityKind,
    subject: string,
    entry: string,
    category: string,
    day: number | undefined,
  ): Acc => {
    const id = `${kind}\u0000${subject}\u0000${day ?? ''}`;
    let a = groups.get(id);
    if (a === undefined) {
      a = {
        row: {
          kind,
          subject,
          entry,
          category,
          ...(day !== undefined ? { day } : {}),
          activeSeconds: 0,
          costUsd: 0,
          costBasis: 'estimated',
          visits: 0,
          commands: 0,
          sources: [],
          firstTs: Number.POSITIVE_INFINITY,
          lastTs: Number.NEGATIVE_INFINITY,
        },
        ms: 0,
        cost: 0,
        bits: 0,
      };
      groups.set(id, a);
    }
    return a;
  };
  const wanted = (kind: ActivityKind, subject: string) =>
    (filter.kind === undefined || filter.kind === kind) &&
    (filter.subject === undefined || filter.subject === subject);

  for (const iv of intervals) {
    if (!wanted(iv.kind, iv.subject)) continue;
    const start = Math.max(iv.start, since);
    const end = Math.min(iv.end, until);
    // A stretch that only touches the range is not in it; a point sighting inside it is.
    if (end < start || (end === start && (iv.start !== iv.end || iv.start >= until))) continue;
    const pieces = byDay
      ? end > start
        ? splitByDay(start, end, zone)
        : [{ day: Math.floor((start + zone(start)) / DAY_MS), ms: 0 }]
      : [{ day: undefined, ms: end - start }];
    for (const p of pieces) {
      const a = acc(iv.kind, iv.subject, iv.entry, iv.category, p.day);
      a.ms += p.ms;
      a.cost += (p.ms / 3_600_000) * iv.rate;
      a.bits |= sourceBits(iv.sources);
      a.row.firstTs = Math.min(a.row.firstTs, start);
      a.row.lastTs = Math.max(a.row.lastTs, end);
    }
  }
  for (const c of mergeCountSources(counts)) {
    if (!wanted(c.kind, c.subject)) continue;
    if (c.bucket < since - (since % COUNT_BUCKET_MS) || c.bucket >= until) continue;
    const day = byDay ? Math.floor((c.bucket + zone(c.bucket)) / DAY_MS) : undefined;
    const a = acc(c.kind, c.subject, c.entry, c.category, day);
    a.row.visits += c.visits;
    a.row.commands += c.commands;
    a.row.firstTs = Math.min(a.row.firstTs, c.bucket);
    a.row.lastTs = Math.max(a.row.lastTs, c.bucket);
  }
  const kindOrder = (k: ActivityKind) => (k === 'app' ? 0 : k === 'cli' ? 1 : 2);
  return [...groups.values()]
    .map((a) => {
      a.row.activeSeconds = Math.round(a.ms) / 1000;
      a.row.costUsd = Math.round(a.cost * 1e6) / 1e6;
      a.row.sources = sourcesOf(a.bits);
      return a.row;
    })
    .sort(
      (x, y) =>
        kindOrder(x.kind) - kindOrder(y.kind) ||
        (x.day ?? 0) - (y.day ?? 0) ||
        y.activeSeconds - x.activeSeconds ||
        y.visits + y.commands - (x.visits + x.commands) ||
        (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : 0),
    );
}
