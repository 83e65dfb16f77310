// GET /api/activity: time with AI apps, CLIs and sites over a range of local days, per subject
// and per day and kind, with the catalog's names and costs estimated from its hourly rates.

import type { Catalog } from '../../domain/activity/catalog.ts';
import { activityRows } from '../../domain/activity/report.ts';
import { periodLabelOfDay, tzOffset } from '../../domain/periods.ts';
import type { ActivityStore } from '../../store/types.ts';
import { activityQuery } from './query.ts';
import type { UsageRoute } from './usage-api.ts';

export interface ActivityApiOptions {
  store: () => ActivityStore;
  catalog: Catalog;
  zone: string;
  now?: () => number;
}

export function activityApi(opts: ActivityApiOptions): UsageRoute {
  const now = opts.now ?? Date.now;
  return (_path, params) => {
    const q = activityQuery(params, opts.zone, now());
    const zoneOffset = (ts: number) => tzOffset(ts, q.tz);
    const filter = { since: q.filter.since, until: q.filter.until, kind: q.kind, zoneOffset };
    const store = opts.store();
    const rows = activityRows(store.activityTotals(filter), opts.catalog)
      .sort((a, b) => b.activeSeconds - a.activeSeconds || b.visits - a.visits)
      .map((r) => ({
        // Sites by their domain, apps and CLIs by the catalog's name.
        subject: r.kind === 'site' ? r.subject : r.name,
        entry: r.entry,
        kind: r.kind,
        category: r.category,
        seconds: r.activeSeconds,
        estimatedCostUsd: r.costUsd,
        costBasis: r.costBasis,
        visits: r.visits,
        commands: r.commands,
        sources: r.sources,
        firstActivity: r.firstActivity,
        lastActivity: r.lastActivity,
      }));
    const days = new Map<string, { period: string; kind: string; seconds: number }>();
    for (const t of store.activityTotals(filter, true)) {
      const period = periodLabelOfDay(t.day ?? 0, 'daily');
      const key = `${period}\u0000${t.kind}`;
      const d = days.get(key) ?? { period, kind: t.kind, seconds: 0 };
      d.seconds += t.activeSeconds;
      days.set(key, d);
    }
    return {
      timezone: q.tz,
      since: q.since,
      until: q.until,
      kind: q.kind ?? null,
      rows,
      byDay: [...days.values()].sort(
        (a, b) => a.period.localeCompare(b.period) || a.kind.localeCompare(b.kind),
      ),
    };
  };
}
