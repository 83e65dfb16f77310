// The in-memory ledger: the same rules as the SQLite one, in maps. For tests of the parts that
// use a ledger, and the reference the contract suite holds the SQLite ledger to.

import type {
  ActivityFilter,
  ActivityTotalsRow,
  StoredInterval,
} from '../domain/activity/intervals.ts';
import { type SourceKind, type Tool, addTokens, type UsageEvent } from '../domain/events.ts';
import { DAY_MS } from '../domain/periods.ts';
import { emptyTotals } from '../domain/report.ts';
import { bucketOf, MATCH_WINDOW_MS, mergeUsage } from '../domain/usage-merge.ts';
import { MemoryActivity } from './memory-activity.ts';
import type {
  ActivityBatch,
  ActivityCommit,
  OnceBatch,
  OnceCommit,
  TakenSummary,
  FileStamp,
  Cursor,
  LedgerStore,
  MergeResult,
  RollupDimension,
  RollupFilter,
  RollupRow,
} from './types.ts';

function disjoint(a: readonly SourceKind[], b: readonly SourceKind[]): boolean {
  return !a.some((s) => b.includes(s));
}

export class MemoryLedger implements LedgerStore {
  readonly #events = new Map<string, UsageEvent>();
  readonly #aliases = new Map<string, string>();
  readonly #cursors = new Map<string, Cursor>();
  #priceId: string | undefined;
  #usageVersion = 0;
  readonly #activity = new MemoryActivity();

  mergeUsage(events: readonly UsageEvent[]): MergeResult {
    const result: MergeResult = { added: 0, updated: 0, unchanged: 0 };
    for (const e of events) {
      const existing = this.#find(e);
      if (existing === undefined) {
        this.#events.set(e.key, structuredClone(e));
        result.added++;
        continue;
      }
      const merged = mergeUsage(existing, e);
      if (merged === undefined) {
        result.unchanged++;
        continue;
      }
      this.#events.set(merged.key, merged);
      if (merged.key !== e.key) this.#aliases.set(e.key, merged.key);
      result.updated++;
    }
    if (result.added + result.updated > 0) this.#usageVersion++;
    return result;
  }

  usageVersion(): number {
    return this.#usageVersion;
  }

  #find(e: UsageEvent): UsageEvent | undefined {
    const byKey = this.event(e.key);
    if (byKey !== undefined || e.match === undefined) return byKey;
    let best: UsageEvent | undefined;
    for (const other of this.#events.values()) {
      if (other.match !== e.match || !disjoint(other.sources, e.sources)) continue;
      const d = Math.abs(other.ts - e.ts);
      if (d > MATCH_WINDOW_MS) continue;
      if (best === undefined || d < Math.abs(best.ts - e.ts)) best = other;
    }
    return best;
  }

  commitFiles(cursors: readonly Cursor[], events: readonly UsageEvent[]): MergeResult {
    const result = this.mergeUsage(events);
    for (const c of cursors) this.#cursors.set(c.path, { ...c });
    return result;
  }

  cursor(path: string): Cursor | undefined {
    const c = this.#cursors.get(path);
    return c === undefined ? undefined : { ...c };
  }

  cursors(): Cursor[] {
    return [...this.#cursors.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  fileCount(): number {
    return this.#cursors.size;
  }

  fileStamps(): Map<string, FileStamp> {
    const out = new Map<string, FileStamp>();
    for (const c of this.#cursors.values()) {
      out.set(c.path, {
        dev: c.dev,
        ino: c.ino,
        size: c.size,
        mtimeMs: c.mtimeMs,
        offset: c.offset,
      });
    }
    return out;
  }

  rollup(filter: RollupFilter, by: readonly RollupDimension[], lists = false): RollupRow[] {
    const groups = new Map<string, RollupRow>();
    const named = new Map<RollupRow, { tools: Set<Tool>; models: Set<string> }>();
    const since = filter.since === undefined ? undefined : bucketOf(filter.since);
    for (const e of this.#events.values()) {
      const bucket = bucketOf(e.ts);
      if (since !== undefined && bucket < since) continue;
      if (filter.until !== undefined && bucket >= filter.until) continue;
      if (filter.tool !== undefined && e.tool !== filter.tool) continue;
      if (filter.project !== undefined && (e.project ?? '') !== filter.project) continue;
      if (filter.sessionId !== undefined && e.sessionId !== filter.sessionId) continue;
      const day = Math.floor((bucket + (filter.zoneOffset?.(bucket) ?? 0)) / DAY_MS);
      const dims: Partial<Record<RollupDimension, string | number>> = {
        bucket,
        day,
        tool: e.tool,
        model: e.model,
        project: e.project ?? '',
        session: e.sessionId,
      };
      const id = by.map((d) => String(dims[d])).join('\u0000');
      let row = groups.get(id);
      if (row === undefined) {
        row = emptyTotals();
        if (by.includes('bucket')) row.bucket = bucket;
        if (by.includes('day')) row.day = day;
        if (by.includes('tool')) row.tool = e.tool;
        if (by.includes('model')) row.model = e.model;
        if (by.includes('project')) row.project = e.project ?? '';
        if (by.includes('session')) row.session = e.sessionId;
        groups.set(id, row);
        if (lists) named.set(row, { tools: new Set(), models: new Set() });
      }
      const n = named.get(row);
      n?.tools.add(e.tool);
      if (e.model !== '') n?.models.add(e.model);
      row.requests++;
      row.tokens = addTokens(row.tokens, e.tokens);
      if (e.costBasis === 'reported') {
        row.costReported += e.costUsd ?? 0;
        row.reportedRequests++;
      } else if (e.costBasis === 'computed') {
        row.costComputed += e.costUsd ?? 0;
        row.computedRequests++;
      } else row.unpriced++;
      row.firstTs = Math.min(row.firstTs, e.ts);
      row.lastTs = Math.max(row.lastTs, e.ts);
    }
    if (lists) {
      for (const [row, n] of named) {
        row.tools = [...n.tools].sort();
        row.models = [...n.models].sort();
      }
    }
    const order = (r: RollupRow) => by.map((d) => (d === 'session' ? r.session : r[d]));
    return [...groups.values()].sort((a, b) => {
      const ka = order(a);
      const kb = order(b);
      for (let i = 0; i < ka.length; i++) {
        const x = ka[i]!;
        const y = kb[i]!;
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    });
  }

  sessionEvents(sessionId: string, limit: number): UsageEvent[] {
    return [...this.#events.values()]
      .filter((e) => e.sessionId === sessionId)
      .sort((a, b) => a.ts - b.ts)
      .slice(-limit)
      .map((e) => structuredClone(e));
  }

  event(key: string): UsageEvent | undefined {
    const e = this.#events.get(key) ?? this.#events.get(this.#aliases.get(key) ?? '');
    return e === undefined ? undefined : structuredClone(e);
  }

  priceId(): string | undefined {
    return this.#priceId;
  }

  reprice(priceId: string, price: (e: UsageEvent) => UsageEvent): number {
    if (this.#priceId === priceId) return 0;
    let changed = 0;
    for (const [key, e] of this.#events) {
      if (e.costBasis === 'reported') continue;
      const after = price({ ...e, costUsd: undefined, costBasis: 'unknown' });
      if (after.costUsd !== e.costUsd || after.costBasis !== e.costBasis) {
        this.#events.set(key, { ...e, costUsd: after.costUsd, costBasis: after.costBasis });
        changed++;
      }
    }
    this.#priceId = priceId;
    if (changed > 0) this.#usageVersion++;
    return changed;
  }

  commitActivity(batch: ActivityBatch): ActivityCommit {
    return this.#activity.commit(batch);
  }

  commitActivityOnce(batches: readonly OnceBatch[], now: number): OnceCommit {
    return this.#activity.commitOnce(batches, now);
  }

  takenEvents(): TakenSummary[] {
    return this.#activity.taken();
  }

  activityCursor(source: string): string | undefined {
    return this.#activity.cursor(source);
  }

  activityTotals(filter: ActivityFilter, byDay = false): ActivityTotalsRow[] {
    return this.#activity.totals(filter, byDay);
  }

  activityIntervals(filter: ActivityFilter): StoredInterval[] {
    return this.#activity.intervals(filter);
  }

  close(): void {
    // Nothing to release.
  }
}
