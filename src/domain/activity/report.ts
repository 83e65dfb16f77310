// `report apps|sites|tools`: activity totals as rows for people and scripts. Pure; the JSON
// shape here is what `report apps --json` prints.

import { type Period, periodLabelOfDay } from '../periods.ts';
import type { ActivityKind, Catalog } from './catalog.ts';
import type { ActivitySource, ActivityTotalsRow } from './intervals.ts';

export interface ActivityRow {
  /** The calendar period (with `--period`). */
  period?: string;
  kind: ActivityKind;
  /** Entry id (apps, CLIs) or domain (sites). */
  subject: string;
  /** The catalog's name for it. */
  name: string;
  entry: string;
  category: string;
  activeSeconds: number;
  costUsd: number;
  costBasis: 'estimated';
  visits: number;
  commands: number;
  sources: ActivitySource[];
  firstActivity: string | null;
  lastActivity: string | null;
}

export interface ActivitySummary {
  activeSeconds: number;
  costUsd: number;
  costBasis: 'estimated';
  visits: number;
  commands: number;
}

const usd = (n: number) => Math.round(n * 1e6) / 1e6;
const iso = (ts: number) => (Number.isFinite(ts) ? new Date(ts).toISOString() : null);

/**
 * Rows per subject (and calendar period when `period` is given and the totals are per day),
 * periods oldest first, then most time, then most visits or commands.
 */
export function activityRows(
  totals: readonly ActivityTotalsRow[],
  catalog: Catalog,
  period?: Period,
): ActivityRow[] {
  const groups = new Map<
    string,
    { row: ActivityRow; first: number; last: number; sources: Set<ActivitySource> }
  >();
  for (const t of totals) {
    const label =
      period !== undefined && t.day !== undefined ? periodLabelOfDay(t.day, period) : undefined;
    const id = `${label ?? ''}\u0000${t.kind}\u0000${t.subject}`;
    let g = groups.get(id);
    if (g === undefined) {
      g = {
        row: {
          ...(label !== undefined ? { period: label } : {}),
          kind: t.kind,
          subject: t.subject,
          name: catalog.byId.get(t.entry)?.name ?? t.entry,
          entry: t.entry,
          category: t.category,
          activeSeconds: 0,
          costUsd: 0,
          costBasis: 'estimated',
          visits: 0,
          commands: 0,
          sources: [],
          firstActivity: null,
          lastActivity: null,
        },
        first: Number.POSITIVE_INFINITY,
        last: Number.NEGATIVE_INFINITY,
        sources: new Set(),
      };
      groups.set(id, g);
    }
    g.row.activeSeconds += t.activeSeconds;
    g.row.costUsd += t.costUsd;
    g.row.visits += t.visits;
    g.row.commands += t.commands;
    g.first = Math.min(g.first, t.firstTs);
    g.last = Math.max(g.last, t.lastTs);
    for (const s of t.sources) g.sources.add(s);
  }
  return [...groups.values()]
    .map((g) => ({
      ...g.row,
      activeSeconds: Math.round(g.row.activeSeconds * 1000) / 1000,
      costUsd: usd(g.row.costUsd),
      sources: (['process', 'foreground', 'history', 'extension'] as const).filter((s) =>
        g.sources.has(s),
      ),
      firstActivity: iso(g.first),
      lastActivity: iso(g.last),
    }))
    .sort(
      (a, b) =>
        (a.period ?? '').localeCompare(b.period ?? '') ||
        b.activeSeconds - a.activeSeconds ||
        b.visits + b.commands - (a.visits + a.commands) ||
        a.subject.localeCompare(b.subject),
    );
}

export function activitySummary(rows: readonly ActivityRow[]): ActivitySummary {
  let activeSeconds = 0;
  let costUsd = 0;
  let visits = 0;
  let commands = 0;
  for (const r of rows) {
    activeSeconds += r.activeSeconds;
    costUsd += r.costUsd;
    visits += r.visits;
    commands += r.commands;
  }
  return {
    activeSeconds: Math.round(activeSeconds * 1000) / 1000,
    costUsd: usd(costUsd),
    costBasis: 'estimated',
    visits,
    commands,
  };
}

/** `1h 02m`, `12m 05s`, `40s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s % 60)}s`;
  return `${s}s`;
}
