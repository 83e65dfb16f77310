// `ai-observer report apps|sites|tools` (dispatched by report.ts): time with AI apps, sites
// and CLIs from the ledger's activity, reading browser and shell history first when no agent
// does it.

import { loadCatalog } from '../../catalog/load.ts';
import type { Paths } from '../../config/paths.ts';
import type { Config } from '../../config/schema.ts';
import { localZoneName } from '../../config/local-zone.ts';
import type { ActivityKind } from '../../domain/activity/catalog.ts';
import { activityRows, activitySummary } from '../../domain/activity/report.ts';
import { LOCAL_ZONE, type Period, tzOffset } from '../../domain/periods.ts';
import { openLedger } from '../../ledger/open.ts';
import type { RollupFilter } from '../../store/types.ts';
import { writeOut } from '../render/stdout.ts';

export type ActivityReport = 'apps' | 'sites' | 'tools';

const ACTIVITY_KIND: Record<ActivityReport, ActivityKind> = {
  apps: 'app',
  sites: 'site',
  tools: 'cli',
};

export interface ActivityReportOptions {
  config: Config;
  paths: Paths;
  env: NodeJS.ProcessEnv;
  tz: string;
  filter: RollupFilter;
  period: Period | undefined;
  json: boolean;
  index: boolean;
  since: string | null;
  until: string | null;
}

export async function activityReport(
  kind: ActivityReport,
  o: ActivityReportOptions,
): Promise<number> {
  const catalog = loadCatalog(o.config.activity.catalog);
  // Transcripts are not needed here: only the store, and the writer role when no agent runs.
  const ledger = await openLedger({ config: o.config, paths: o.paths, env: o.env, index: false });
  try {
    if (ledger.agentPid === undefined && o.index && o.config.activity.enabled) {
      // No agent: read what browser and shell history added since the last read.
      const { historySources } = await import('../../sources/activity.ts');
      const sources = historySources(o.config, catalog, o.env);
      const errors = [
        ...((await sources.browser?.scan(ledger.store))?.errors ?? []),
        ...(sources.shell?.scan(ledger.store).errors ?? []),
      ];
      if (errors.length > 0) {
        process.stderr.write(
          `ai-observer: could not read ${errors.length} history file(s), e.g. ${errors[0]!.path}: ${errors[0]!.message}\n`,
        );
      }
    }
    const zoneOffset = (ts: number) => tzOffset(ts, o.tz);
    const totals = ledger.store.activityTotals(
      { since: o.filter.since, until: o.filter.until, kind: ACTIVITY_KIND[kind], zoneOffset },
      o.period !== undefined,
    );
    const rows = activityRows(totals, catalog, o.period);
    const header = {
      report: kind,
      timezone: o.tz === LOCAL_ZONE ? localZoneName() : o.tz,
      since: o.since,
      until: o.until,
      period: o.period ?? null,
    };
    const body = { rows, totals: activitySummary(rows) };
    if (o.json) writeOut(`${JSON.stringify({ ...header, ...body })}\n`);
    else {
      const { renderActivity } = await import('../render/activity-table.ts');
      writeOut(`${renderActivity(header, body)}\n`);
    }
    return 0;
  } finally {
    ledger.close();
  }
}
