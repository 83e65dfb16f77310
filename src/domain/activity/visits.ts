// Browser visits → time on AI sites. Visits of one site closer than the gap (30 minutes by
// default) are one session, and the time between them counts; a visit alone counts its own
// duration where the browser recorded one, at least a minute and at most the gap. The same
// visits always give the same intervals, so reading them again (another scan, a restart, the
// extension seeing them too) unions into what is stored and the estimate does not grow. Pure.

import type { ActivityCount, ActivityInterval, ActivitySource } from './intervals.ts';
import { COUNT_BUCKET_MS } from './intervals.ts';
import type { SiteIndex } from './sites.ts';
import { matchSite } from './sites.ts';

/** One history row: a URL (never kept) visited at `ts`. */
export interface RawVisit {
  ts: number;
  url: string;
  /** How long the page was shown (ms), when the browser records it (Chromium); else 0. */
  durationMs: number;
}

export interface VisitOptions {
  gapMs: number;
  minDwellMs: number;
  source: ActivitySource;
}

/** Per site: the last visit seen (ms), carried across reads of the same history. */
export type LastVisits = Record<string, number>;

export interface VisitResult {
  intervals: ActivityInterval[];
  counts: ActivityCount[];
  last: LastVisits;
  /** Visits that matched a catalog site. */
  matched: number;
}

export const MIN_DWELL_MS = 60_000;

/** Visits in time order → intervals and counts per matched site. URLs are dropped here. */
export function visitActivity(
  visits: Iterable<RawVisit>,
  index: SiteIndex,
  last: LastVisits,
  opts: VisitOptions,
): VisitResult {
  const next: LastVisits = { ...last };
  const intervals: ActivityInterval[] = [];
  const counts = new Map<string, ActivityCount>();
  let matched = 0;
  for (const v of visits) {
    const site = matchSite(v.url, index);
    if (site === undefined) continue;
    matched++;
    const subject = site.domain;
    const dwell = Math.min(opts.gapMs, Math.max(opts.minDwellMs, v.durationMs));
    const prev = next[subject];
    const start = prev !== undefined && v.ts >= prev && v.ts - prev <= opts.gapMs ? prev : v.ts;
    intervals.push({
      subject,
      kind: 'site',
      entry: site.entry.id,
      category: site.entry.category,
      rate: site.entry.hourlyRate,
      start,
      end: v.ts + dwell,
      source: opts.source,
    });
    next[subject] = Math.max(prev ?? v.ts, v.ts);
    const bucket = v.ts - (((v.ts % COUNT_BUCKET_MS) + COUNT_BUCKET_MS) % COUNT_BUCKET_MS);
    const key = `${bucket}\u0000${subject}`;
    const c = counts.get(key);
    if (c === undefined) {
      counts.set(key, {
        bucket,
        kind: 'site',
        subject,
        entry: site.entry.id,
        category: site.entry.category,
        visits: 1,
        commands: 0,
      });
    } else c.visits++;
  }
  return { intervals: coalesce(intervals), counts: [...counts.values()], last: next, matched };
}

/** Joins a subject's overlapping intervals from one read: fewer rows for the store to fold. */
export function coalesce(intervals: ActivityInterval[]): ActivityInterval[] {
  const bySubject = new Map<string, ActivityInterval[]>();
  for (const iv of intervals) {
    const k = `${iv.kind}\u0000${iv.subject}`;
    let list = bySubject.get(k);
    if (list === undefined) {
      list = [];
      bySubject.set(k, list);
    }
    list.push(iv);
  }
  const out: ActivityInterval[] = [];
  for (const list of bySubject.values()) {
    list.sort((a, b) => a.start - b.start);
    let cur: ActivityInterval | undefined;
    for (const iv of list) {
      if (cur !== undefined && iv.start <= cur.end && iv.source === cur.source) {
        cur = { ...iv, start: cur.start, end: Math.max(cur.end, iv.end) };
        continue;
      }
      if (cur !== undefined) out.push(cur);
      cur = iv;
    }
    if (cur !== undefined) out.push(cur);
  }
  return out;
}
