// The reports over the ledger's rollup, one place for every caller: `report` on the command
// line and the dashboard's API answer from the same code, so their numbers cannot drift apart.

import { BLOCK_MS, buildBlocks, burnRate, project } from '../domain/blocks.ts';
import { HOUR_MS, type Period, tzOffset } from '../domain/periods.ts';
import {
  dayRows,
  type Figures,
  grandTotal,
  modelRows,
  periodRows,
  type RollupLike,
  sessionRows,
} from '../domain/report.ts';
import type { RollupDimension, RollupFilter } from '../store/types.ts';

export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'session', 'blocks', 'models'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export type Rollup = (filter: RollupFilter, by: RollupDimension[], lists?: boolean) => RollupLike[];

export interface ReportBody {
  rows: unknown[];
  totals: Figures;
}

/**
 * `tz` is the zone days are counted in (LOCAL_ZONE: this process's), `zone` its IANA name,
 * by which the store finds its daily sums.
 */
export function buildReport(
  kind: ReportKind,
  rollup: Rollup,
  filter: RollupFilter,
  tz: string,
  zone: string,
  breakdown: boolean,
  now: number,
): ReportBody {
  switch (kind) {
    case 'daily':
    case 'weekly':
    case 'monthly': {
      // Days are grouped by the store in the report's zone, one row each that names its tools
      // and models; a row per model only for a breakdown.
      const zoneOffset = (ts: number) => tzOffset(ts, tz);
      const zoned = { ...filter, zoneOffset, zone };
      if (kind === 'daily' && !breakdown) {
        const rows = rollup(zoned, ['day'], true);
        return { rows: dayRows(rows), totals: grandTotal(rows) };
      }
      const rows = breakdown
        ? rollup(zoned, ['day', 'tool', 'model'])
        : rollup(zoned, ['day'], true);
      return { rows: periodRows(rows, kind as Period, tz, breakdown), totals: grandTotal(rows) };
    }
    case 'session': {
      const rows = rollup(filter, ['session', 'tool', 'project', 'model']);
      return { rows: sessionRows(rows), totals: grandTotal(rows) };
    }
    case 'models': {
      const rows = rollup(filter, ['tool', 'model']);
      return { rows: modelRows(rows), totals: grandTotal(rows) };
    }
    case 'blocks': {
      const rows = rollup(filter, ['bucket', 'model']);
      return { rows: blockRows(rows, now), totals: grandTotal(rows) };
    }
  }
}

export type BlockRow = ReturnType<typeof blockRows>[number];

export function blockRows(rows: readonly RollupLike[], now: number) {
  const sorted = [...rows]
    .sort((a, b) => a.firstTs - b.firstTs)
    .map((r) => ({ ...r, costUsd: r.costReported + r.costComputed }));
  return buildBlocks(sorted, now).map((b) => {
    const base = {
      start: new Date(b.start).toISOString(),
      end: new Date(b.end).toISOString(),
      active: b.active,
      firstActivity: new Date(b.firstTs).toISOString(),
      lastActivity: new Date(b.lastTs).toISOString(),
      models: b.models,
      ...grandTotal(b.members),
    };
    if (!b.active) return base;
    const rate = burnRate(b);
    const p = project(b, now);
    return {
      ...base,
      burnRate: {
        tokensPerMinute: Math.round(rate.tokensPerMinute),
        costPerHour: Math.round(rate.costPerHour * 1e4) / 1e4,
      },
      projection: {
        totalTokens: p.tokens,
        costUsd: Math.round(p.costUsd * 1e4) / 1e4,
        remainingMinutes: Math.round(p.remainingMs / 60_000),
      },
    };
  });
}

/**
 * The 5-hour block running at `now`, if any, from the recent hours only. Blocks chain (one
 * ends where the next request starts another), so the window is doubled back until it opens
 * with five quiet hours: whatever came before cannot move a block that starts after those.
 */
export function activeBlock(rollup: Rollup, filter: RollupFilter, now: number) {
  let span = 2 * BLOCK_MS;
  for (;;) {
    const since = now - span - ((now - span) % HOUR_MS);
    const rows = rollup({ ...filter, since }, ['bucket', 'model']);
    const first = rows.reduce((m, r) => Math.min(m, r.firstTs), Number.POSITIVE_INFINITY);
    if (rows.length > 0 && first < since + BLOCK_MS && since > 0) {
      span *= 2;
      continue;
    }
    return blockRows(rows, now).find((b) => b.active);
  }
}
