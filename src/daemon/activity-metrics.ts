// The workstation-activity store and the process sampler, seen as the metrics export's
// activity source: all-time totals per subject (time from several sources is one union, so one
// row), and what runs now.

import type { ActivityStore } from '../store/types.ts';
import type { ActivitySource } from '../export/activity-source.ts';
import type { ActivityService } from './activity-service.ts';

export function activityMetrics(
  service: ActivityService,
  store: () => ActivityStore | undefined,
): ActivitySource {
  const names = new Map(service.catalog.entries.map((e) => [e.id, e.name]));
  return {
    totals() {
      const s = store();
      if (s === undefined) return [];
      return s.activityTotals({}).map((r) => ({
        kind: r.kind,
        // Sites by their domain, apps and CLIs by the catalog's name for them.
        subject: r.kind === 'site' ? r.subject : (names.get(r.entry) ?? r.entry),
        category: r.category,
        source: [...r.sources].sort().join('+') || 'unknown',
        activeSeconds: r.activeSeconds,
        estimatedCostUsd: r.costUsd,
        visits: r.visits,
        commands: r.commands,
      }));
    },
    running() {
      return service
        .gauges()
        .filter((g) => g.running)
        .map((g) => ({
          kind: g.kind,
          subject: g.name,
          category: g.category,
          instances: g.pids,
          cpuPercent: g.cpuPercent,
          memoryBytes: g.memoryBytes,
        }));
    },
  };
}
