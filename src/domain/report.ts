// Reports from the ledger's rollup: rows grouped by calendar period, session or model, each
// with its figures and the basis of its cost. Pure; the JSON shape here is what
// `report --json` prints and scripts rely on.

import type { CostBasis, TokenCounts, Tool } from './events.ts';
import { totalTokens, ZERO_TOKENS } from './events.ts';
import { type Period, periodLabel, periodLabelOfDay } from './periods.ts';

/** The sums a report row is made of (the store's UsageTotals, restated to keep domain pure). */
export interface Totals {
  requests: number;
  tokens: TokenCounts;
  costReported: number;
  costComputed: number;
  reportedRequests: number;
  computedRequests: number;
  unpriced: number;
  firstTs: number;
  lastTs: number;
}

export interface RollupLike extends Totals {
  bucket?: number;
  /** Local calendar day, days since 1970-01-01 (the store groups by it in the report's zone). */
  day?: number;
  tool?: Tool;
  model?: string;
  project?: string;
  session?: string;
  /** The group's tools and models, when the store named them (rows of whole days). */
  tools?: Tool[];
  models?: string[];
}

export type Basis = CostBasis | 'mixed';

/** Figures as `report --json` prints them. */
export interface Figures {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  costUsd: number;
  costBasis: Basis;
  cost: { reportedUsd: number; computedUsd: number; unpricedRequests: number };
}

export function emptyTotals(): Totals {
  return {
    requests: 0,
    tokens: { ...ZERO_TOKENS },
    costReported: 0,
    costComputed: 0,
    reportedRequests: 0,
    computedRequests: 0,
    unpriced: 0,
    firstTs: Number.POSITIVE_INFINITY,
    lastTs: Number.NEGATIVE_INFINITY,
  };
}

/**
 * Adds `b` into `into`, which must own its token counts (from `emptyTotals`): a report sums
 * hundreds of rows, and a new object per addition was most of its time on a cold start.
 */
export function addInto(into: Totals, b: Totals): void {
  const t = into.tokens;
  const k = b.tokens;
  into.requests += b.requests;
  t.input += k.input;
  t.output += k.output;
  t.cacheRead += k.cacheRead;
  t.cacheWrite5m += k.cacheWrite5m;
  t.cacheWrite1h += k.cacheWrite1h;
  t.reasoning += k.reasoning;
  into.costReported += b.costReported;
  into.costComputed += b.costComputed;
  into.reportedRequests += b.reportedRequests;
  into.computedRequests += b.computedRequests;
  into.unpriced += b.unpriced;
  if (b.firstTs < into.firstTs) into.firstTs = b.firstTs;
  if (b.lastTs > into.lastTs) into.lastTs = b.lastTs;
}

/** The basis of a sum: one of the three when all its requests share it, else `mixed`. */
export function basisOf(t: Totals): Basis {
  const kinds =
    (t.reportedRequests > 0 ? 1 : 0) + (t.computedRequests > 0 ? 1 : 0) + (t.unpriced > 0 ? 1 : 0);
  if (kinds > 1) return 'mixed';
  if (t.reportedRequests > 0) return 'reported';
  return t.computedRequests > 0 ? 'computed' : 'unknown';
}

/** Money rounded to a millionth of a dollar: sums of floats print without noise. */
const usd = (n: number) => Math.round(n * 1e6) / 1e6;

export function figures(t: Totals): Figures {
  const k = t.tokens;
  return {
    requests: t.requests,
    inputTokens: k.input,
    outputTokens: k.output,
    cacheReadTokens: k.cacheRead,
    cacheWriteTokens: k.cacheWrite5m + k.cacheWrite1h,
    cacheWrite5mTokens: k.cacheWrite5m,
    cacheWrite1hTokens: k.cacheWrite1h,
    reasoningTokens: k.reasoning,
    totalTokens: totalTokens(k),
    costUsd: usd(t.costReported + t.costComputed),
    costBasis: basisOf(t),
    cost: {
      reportedUsd: usd(t.costReported),
      computedUsd: usd(t.costComputed),
      unpricedRequests: t.unpriced,
    },
  };
}

/** Share of input-side tokens served from the cache. */
export function cacheShare(t: TokenCounts): number {
  const inputSide = t.input + t.cacheRead + t.cacheWrite5m + t.cacheWrite1h;
  return inputSide === 0 ? 0 : t.cacheRead / inputSide;
}

export interface BreakdownRow extends Figures {
  tool: Tool;
  model: string;
}

export interface PeriodRow extends Figures {
  period: string;
  tools: Tool[];
  models: string[];
  breakdown?: BreakdownRow[];
}

/**
 * Groups rows by local day (or quarter hour, then in `timeZone`), tool and model into calendar
 * periods, oldest first, each with its tool × model breakdown when asked for (from rows by
 * tool and model). Rows of whole days may name their tools and models instead.
 */
export function periodRows(
  rows: readonly RollupLike[],
  period: Period,
  timeZone: string,
  breakdown: boolean,
): PeriodRow[] {
  type Part = Totals & { tool?: Tool; model?: string };
  interface Group {
    totals: Totals;
    tools: Set<Tool>;
    models: Set<string>;
    /** Per tool and model, only for a breakdown. */
    parts: Map<string, Part> | undefined;
  }
  const groups = new Map<string, Group>();
  // Rows come day by day: one label per day, not one per row.
  let lastDay: number | undefined;
  let dayLabel = '';
  for (const r of rows) {
    let label: string;
    if (r.day === undefined) label = periodLabel(r.bucket ?? r.firstTs, period, timeZone);
    else {
      if (r.day !== lastDay) {
        lastDay = r.day;
        dayLabel = periodLabelOfDay(r.day, period);
      }
      label = dayLabel;
    }
    let g = groups.get(label);
    if (g === undefined) {
      g = {
        totals: emptyTotals(),
        tools: new Set(),
        models: new Set(),
        parts: breakdown ? new Map() : undefined,
      };
      groups.set(label, g);
    }
    addInto(g.totals, r);
    if (r.tool !== undefined) g.tools.add(r.tool);
    if (r.model) g.models.add(r.model);
    if (r.tools !== undefined) for (const t of r.tools) g.tools.add(t);
    if (r.models !== undefined) for (const m of r.models) if (m) g.models.add(m);
    if (g.parts === undefined) continue;
    const partKey = `${r.tool ?? ''}\u0000${r.model ?? ''}`;
    let part = g.parts.get(partKey);
    if (part === undefined) {
      part = emptyTotals();
      if (r.tool !== undefined) part.tool = r.tool;
      if (r.model !== undefined) part.model = r.model;
      g.parts.set(partKey, part);
    }
    addInto(part, r);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, g]) => {
      const row: PeriodRow = {
        period: label,
        tools: [...g.tools].sort(),
        models: [...g.models].sort(),
        ...figures(g.totals),
      };
      if (g.parts !== undefined) {
        row.breakdown = [...g.parts.values()]
          .sort((a, b) => b.costReported + b.costComputed - (a.costReported + a.costComputed))
          .map((p) => ({ tool: p.tool ?? ('' as Tool), model: p.model ?? '', ...figures(p) }));
      }
      return row;
    });
}

/**
 * Rows of a rollup by local day alone, with the tools and models the store named (sorted and
 * distinct, as both stores give them): one period row each, in the store's order of days. What
 * periodRows makes of the same rows for a daily report, without regrouping one row per group.
 */
export function dayRows(rows: readonly RollupLike[]): PeriodRow[] {
  return rows.map((r) => {
    if (r.day === undefined || r.tools === undefined || r.models === undefined) {
      throw new Error('dayRows: a row of a rollup by day with its tools and models expected');
    }
    return {
      period: periodLabelOfDay(r.day, 'daily'),
      tools: r.tools,
      models: r.models,
      ...figures(r),
    };
  });
}

export interface SessionRow extends Figures {
  sessionId: string;
  tool: Tool;
  project: string;
  models: string[];
  firstActivity: string;
  lastActivity: string;
}

/** One row per session (from rows grouped by session, tool, project and model), latest first. */
export function sessionRows(rows: readonly RollupLike[]): SessionRow[] {
  const groups = new Map<
    string,
    { totals: Totals; tool: Tool; project: string; models: Set<string> }
  >();
  for (const r of rows) {
    const id = r.session ?? '';
    let g = groups.get(id);
    if (g === undefined) {
      g = {
        totals: emptyTotals(),
        tool: r.tool ?? ('' as Tool),
        project: r.project ?? '',
        models: new Set(),
      };
      groups.set(id, g);
    }
    addInto(g.totals, r);
    if (r.project) g.project = r.project;
    if (r.model) g.models.add(r.model);
  }
  return [...groups.entries()]
    .sort(([, a], [, b]) => b.totals.lastTs - a.totals.lastTs)
    .map(([sessionId, g]) => ({
      sessionId,
      tool: g.tool,
      project: g.project,
      models: [...g.models].sort(),
      firstActivity: new Date(g.totals.firstTs).toISOString(),
      lastActivity: new Date(g.totals.lastTs).toISOString(),
      ...figures(g.totals),
    }));
}

export interface ModelRow extends Figures {
  tool: Tool;
  model: string;
  cacheShare: number;
}

/** One row per tool and model, most expensive first. */
export function modelRows(rows: readonly RollupLike[]): ModelRow[] {
  return rows
    .map((r) => ({
      tool: r.tool ?? ('' as Tool),
      model: r.model ?? '',
      cacheShare: Math.round(cacheShare(r.tokens) * 1e4) / 1e4,
      ...figures(r),
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.totalTokens - a.totalTokens);
}

export function grandTotal(rows: readonly RollupLike[]): Figures {
  const t = emptyTotals();
  for (const r of rows) addInto(t, r);
  return figures(t);
}
