// GET /api/summary, /api/usage, /api/blocks and /api/sessions/<id>: the ledger's usage for the
// dashboard, read from the hourly or quarter-hour sums (never raw events, but for one
// session's own requests) with the same report code the command line uses.

import type { SessionView } from '../../domain/session-view.ts';
import { tzOffset } from '../../domain/periods.ts';
import { figures, grandTotal, type RollupLike } from '../../domain/report.ts';
import { usageRows, withCacheShare } from '../../domain/usage-rows.ts';
import { addInto, emptyTotals } from '../../domain/report.ts';
import { activeBlock, blockRows, type Rollup } from '../../ledger/reports.ts';
import type { LedgerStore, RollupDimension } from '../../store/types.ts';
import { HttpError } from '../body.ts';
import { blocksQuery, noQuery, periodStarts, summaryQuery, usageQuery } from './query.ts';

export interface UsageApiOptions {
  /** The ledger to read (the agent's own connection, or a read-only one). */
  store: () => LedgerStore;
  /** A live session by id, when the monitor holds it. */
  liveSession: (id: string) => SessionView | undefined;
  /** The zone days are counted in unless a request names one. */
  zone: string;
  now?: () => number;
  /** GET /api/activity, when the workstation sources' catalog is loaded. */
  activity?: UsageRoute | undefined;
}

/** How many of a session's requests its detail lists (the newest). */
export const SESSION_REQUESTS = 500;

export type UsageRoute = (path: string, params: URLSearchParams) => unknown;

/** The handler for a usage path, or undefined when the path is not one of them. */
export function usageApi(opts: UsageApiOptions): (path: string) => UsageRoute | undefined {
  const now = opts.now ?? Date.now;
  const rollupOf = (): Rollup => {
    const store = opts.store();
    return (filter, by: RollupDimension[], lists?: boolean) => store.rollup(filter, by, lists);
  };

  const summary: UsageRoute = (_path, params) => {
    const { tz } = summaryQuery(params, opts.zone);
    const t = now();
    const rollup = rollupOf();
    const starts = periodStarts(t, tz);
    const zoneOffset = (ts: number) => tzOffset(ts, tz);
    const over = (since: number) => ({
      since,
      until: starts.tomorrow,
      ...grandTotal(rollup({ since, until: starts.tomorrow, zone: tz, zoneOffset }, [])),
    });
    const block = activeBlock(rollup, {}, t);
    return {
      timezone: tz,
      now: t,
      today: over(starts.today),
      week: over(starts.week),
      month: over(starts.month),
      block: block ?? null,
    };
  };

  const usage: UsageRoute = (_path, params) => {
    const q = usageQuery(params, opts.zone, now());
    const zoneOffset = (ts: number) => tzOffset(ts, q.tz);
    const time: RollupDimension[] =
      q.period === 'total' ? [] : q.period === 'hour' ? ['bucket'] : ['day'];
    const rows = rollupOf()({ ...q.filter, zoneOffset, zone: q.tz }, [...time, ...q.by]);
    return {
      period: q.period,
      timezone: q.tz,
      since: q.since,
      until: q.until,
      by: q.by,
      rows: usageRows(rows, q.period, q.by, zoneOffset),
      totals: withCacheShare(sumOf(rows)),
    };
  };

  const blocks: UsageRoute = (_path, params) => {
    const q = blocksQuery(params, opts.zone, now());
    const rows = rollupOf()(q.filter, ['bucket', 'model']);
    return { timezone: q.tz, since: q.since, until: q.until, rows: blockRows(rows, now()) };
  };

  const session: UsageRoute = (path, params) => {
    noQuery(params);
    let id: string;
    try {
      id = decodeURIComponent(path.slice('/api/sessions/'.length));
    } catch {
      throw new HttpError(400, 'session id is not valid percent-encoding');
    }
    const store = opts.store();
    const live = opts.liveSession(id) ?? null;
    const rows = store.rollup({ sessionId: id }, ['bucket', 'tool', 'project', 'model']);
    if (live === null && rows.length === 0) {
      throw new HttpError(404, `no session ${JSON.stringify(id)} live or in the ledger`);
    }
    const byBucket = new Map<number, RollupLike[]>();
    for (const r of rows) {
      const list = byBucket.get(r.bucket ?? 0) ?? [];
      list.push(r);
      byBucket.set(r.bucket ?? 0, list);
    }
    const requests = store.sessionEvents(id, SESSION_REQUESTS).map((e) => {
      const f = figures({
        ...emptyTotals(),
        requests: 1,
        tokens: e.tokens,
        costReported: e.costBasis === 'reported' ? (e.costUsd ?? 0) : 0,
        costComputed: e.costBasis === 'computed' ? (e.costUsd ?? 0) : 0,
        reportedRequests: e.costBasis === 'reported' ? 1 : 0,
        computedRequests: e.costBasis === 'computed' ? 1 : 0,
        unpriced: e.costBasis === 'unknown' ? 1 : 0,
      });
      return {
        ts: e.ts,
        model: e.model,
        inputTokens: f.inputTokens,
        outputTokens: f.outputTokens,
        cacheReadTokens: f.cacheReadTokens,
        cacheWriteTokens: f.cacheWriteTokens,
        reasoningTokens: f.reasoningTokens,
        totalTokens: f.totalTokens,
        costUsd: f.costUsd,
        costBasis: f.costBasis,
      };
    });
    return {
      id,
      live,
      tool: live?.tool ?? rows[0]?.tool ?? null,
      project: live?.project ?? rows.find((r) => r.project)?.project ?? null,
      models: [...new Set(rows.map((r) => r.model ?? '').filter((m) => m !== ''))].sort(),
      totals: grandTotal(rows),
      timeline: [...byBucket.entries()]
        .sort(([a], [b]) => a - b)
        .map(([ts, list]) => ({ ts, ...grandTotal(list) })),
      requests,
    };
  };

  return (path) => {
    if (path === '/api/summary') return summary;
    if (path === '/api/usage') return usage;
    if (path === '/api/blocks') return blocks;
    if (path === '/api/activity') return opts.activity;
    if (/^\/api\/sessions\/[^/]+$/.test(path)) return session;
    return undefined;
  };
}

function sumOf(rows: readonly RollupLike[]) {
  const t = emptyTotals();
  for (const r of rows) addInto(t, r);
  return t;
}
