// Workstation activity in memory: the same union rule as the SQLite ledger, in arrays. The
// reference the contract suite holds the SQLite implementation to.

import {
  type ActivityCount,
  type ActivityFilter,
  type ActivityTotalsRow,
  activityTotals,
  covers,
  overlaps,
  type StoredInterval,
  unionOf,
} from '../domain/activity/intervals.ts';
import type { ActivityBatch, ActivityCommit } from './types.ts';

export class MemoryActivity {
  #intervals: StoredInterval[] = [];
  readonly #counts = new Map<string, ActivityCount>();
  readonly #cursors = new Map<string, string>();

  commit(batch: ActivityBatch): ActivityCommit {
    // All or nothing, as the SQLite one: work on copies, swap at the end.
    let intervals = [...this.#intervals];
    const out: ActivityCommit = { changed: 0, unchanged: 0 };
    for (const iv of [...batch.intervals].sort((a, b) => a.start - b.start)) {
      if (!(iv.end >= iv.start))
        throw new Error(`activity interval ends before it starts: ${iv.subject}`);
      const hit = intervals.filter(
        (s) => s.kind === iv.kind && s.subject === iv.subject && overlaps(s, iv),
      );
      if (hit.length === 1 && covers(hit[0]!, iv)) {
        out.unchanged++;
        continue;
      }
      const merged = unionOf(iv, hit);
      intervals = intervals.filter((s) => !hit.includes(s));
      intervals.push(merged);
      out.changed++;
    }
    for (const c of batch.counts) {
      const key = `${c.bucket}\u0000${c.kind}\u0000${c.subject}`;
      const prev = this.#counts.get(key);
      this.#counts.set(key, {
        ...c,
        visits: c.visits + (prev?.visits ?? 0),
        commands: c.commands + (prev?.commands ?? 0),
      });
    }
    this.#intervals = intervals;
    for (const c of batch.cursors) this.#cursors.set(c.source, c.state);
    return out;
  }

  cursor(source: string): string | undefined {
    return this.#cursors.get(source);
  }

  intervals(filter: ActivityFilter): StoredInterval[] {
    const since = filter.since ?? Number.NEGATIVE_INFINITY;
    const until = filter.until ?? Number.POSITIVE_INFINITY;
    return this.#intervals
      .filter(
        (s) =>
          s.end >= since &&
          s.start < until &&
          (filter.kind === undefined || s.kind === filter.kind) &&
          (filter.subject === undefined || s.subject === filter.subject),
      )
      .sort((a, b) => a.start - b.start)
      .map((s) => ({ ...s, sources: [...s.sources] }));
  }

  totals(filter: ActivityFilter, byDay: boolean): ActivityTotalsRow[] {
    return activityTotals(this.intervals(filter), this.#counts.values(), filter, byDay);
  }
}
