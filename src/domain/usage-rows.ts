// Usage grouped the way the dashboard asks for it: by a calendar period (or none) and any of
// tool, model and project, oldest period first, each row with its figures and cache share.

import {
  cacheShare,
  emptyTotals,
  addInto,
  type Figures,
  figures,
  type RollupLike,
  type Totals,
} from './report.ts';
import { periodLabelOfDay } from './periods.ts';

export const USAGE_PERIODS = ['hour', 'day', 'week', 'month', 'total'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];
export const USAGE_DIMENSIONS = ['tool', 'model', 'project'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

export interface UsageRow extends Figures {
  /** `2026-11-21T14` (local hour), `2026-11-21`, the Monday of a week, `2026-11`, or null. */
  period: string | null;
  tool?: string;
  model?: string;
  project?: string;
  cacheShare: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The local hour a quarter hour falls in, given the zone's offset then. */
export function hourLabel(bucket: number, offset: number): string {
  const d = new Date(bucket + offset);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}`;
}

const LABEL_PERIOD = { day: 'daily', week: 'weekly', month: 'monthly' } as const;

/** The period label of a rollup row: by `day` for days and longer, by `bucket` for hours. */
export function rowPeriod(
  r: RollupLike,
  period: UsagePeriod,
  zoneOffset: (ts: number) => number,
): string | null {
  if (period === 'total') return null;
  if (period === 'hour') return hourLabel(r.bucket ?? r.firstTs, zoneOffset(r.bucket ?? r.firstTs));
  return periodLabelOfDay(r.day ?? 0, LABEL_PERIOD[period]);
}

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

export function withCacheShare(t: Totals): Figures & { cacheShare: number } {
  return { ...figures(t), cacheShare: round4(cacheShare(t.tokens)) };
}

export function usageRows(
  rows: readonly RollupLike[],
  period: UsagePeriod,
  by: readonly UsageDimension[],
  zoneOffset: (ts: number) => number,
): UsageRow[] {
  const groups = new Map<
    string,
    { period: string | null; dims: Partial<Record<UsageDimension, string>>; totals: Totals }
  >();
  for (const r of rows) {
    const label = rowPeriod(r, period, zoneOffset);
    const dims: Partial<Record<UsageDimension, string>> = {};
    for (const d of by) dims[d] = r[d] ?? '';
    const id = JSON.stringify([label, ...by.map((d) => dims[d])]);
    let g = groups.get(id);
    if (g === undefined) {
      g = { period: label, dims, totals: emptyTotals() };
      groups.set(id, g);
    }
    addInto(g.totals, r);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        (a.period ?? '').localeCompare(b.period ?? '') ||
        b.totals.costReported +
          b.totals.costComputed -
          (a.totals.costReported + a.totals.costComputed),
    )
    .map((g) => ({ period: g.period, ...g.dims, ...withCacheShare(g.totals) }));
}
