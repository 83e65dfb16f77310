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
import {
  type ActivityBatch,
  type ActivityCommit,
  type OnceBatch,
  type OnceCommit,
  TAKEN_IDS_KEEP_MS,
  type TakenSummary,
} from './types.ts';

export class MemoryActivity {
  #intervals: StoredInterval[] = [];
  readonly #counts = new Map<string, ActivityCount>();
  readonly #cursors = new Map<string, string>();
  readonly #taken = new Map<string, { origin: string; at: number }>();

  commitOnce(batches: readonly OnceBatch[], now: number): OnceCommit {
    for (const [id, t] of this.#taken) if (t.at < now - TAKEN_IDS_KEEP_MS) this.#taken.delete(id);
    const fresh: OnceBatch[] = [];
    const ids = new Set<string>();
    for (const b of batches) {
      if (this.#taken.has(b.id) || ids.has(b.id)) continue;
      ids.add(b.id);
      fresh.push(b);
    }
    // One commit for them all: atomic, as the SQLite one.
    this.commit({
      intervals: fresh.flatMap((b) => b.intervals),
      counts: fresh.flatMap((b) => b.counts),
      cursors: [],
    });
    for (const b of fresh) this.#taken.set(b.id, { origin: b.origin, at: now });
    return { taken: fresh.length, duplicates: batches.length - fresh.length };
  }

  taken(): TakenSummary[] {
    const by = new Map<string, TakenSummary>();
    for (const t of this.#taken.values()) {
      const s = by.get(t.origin) ?? { origin: t.origin, events: 0, lastAt: 0 };
      s.events++;
      s.lastAt = Math.max(s.lastAt, t.at);
      by.set(t.origin, s);
    }
    return [...by.values()].sort((a, b) => b.lastAt - a.lastAt);
  }

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
      const key = `${c.bucket}\u0000${c.kind}\u0000${c.subject}\u0000${c.source ?? ''}`;
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
