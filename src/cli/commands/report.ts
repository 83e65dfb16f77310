// `ai-observer report daily|weekly|monthly|session|blocks|models`: what the AI tools cost,
// from the ledger's rollup. Indexes new log lines first when no agent does it.
// `report apps|sites|tools`: time with AI apps, sites and CLIs, from the ledger's activity
// (reading browser and shell history first when no agent does it).

import { parseArgs } from 'node:util';
import { resolvePaths } from '../../config/paths.ts';
import { loadConfig } from '../../config/load.ts';
import { validTimeZone } from '../../config/schema.ts';
import { localZoneName } from '../../config/local-zone.ts';
import { TOOLS, type Tool, toolNamed } from '../../domain/events.ts';
import {
  nextDay,
  parseDate,
  type Period,
  startOfLocalDay,
  LOCAL_ZONE,
} from '../../domain/periods.ts';
import { restartForImport } from '../../daemon/node-tuning.ts';
import { openLedger } from '../../ledger/open.ts';
import { buildReport, REPORT_KINDS, type ReportKind } from '../../ledger/reports.ts';
import type { RollupFilter } from '../../store/types.ts';
import { progressBar } from '../render/progress.ts';
import { writeOut } from '../render/stdout.ts';
import { UsageError } from '../usage-error.ts';

export const REPORT_HELP = `Usage: ai-observer report <daily|weekly|monthly|session|blocks|models> [options]
       ai-observer report <apps|sites|tools> [--period daily|weekly|monthly] [options]

What your AI tools used and cost, from the ledger (indexing new log lines first).
apps, sites and tools: time with AI desktop apps, websites (by domain) and CLIs, visits and
AI commands typed in a shell, with a cost estimated from the catalog's hourly rates.

Options:
  --since DATE       first day to include (YYYYMMDD or YYYY-MM-DD, in the time zone)
  --until DATE       last day to include
  --tool TOOL        claude-code, codex or gemini-cli (also: claude, gemini)
  --project NAME     one project (the working directory's name)
  --timezone ZONE    IANA time zone for days, weeks and months (default: the system's)
  --breakdown        a row per tool and model under each period
  --period PERIOD    apps, sites, tools: a row per daily, weekly or monthly period
  --json             stable JSON for scripts
  --no-index         report what the ledger holds without reading new log lines (or history)

Every cost carries its basis: reported (by the tool), computed (from the price table),
unknown (a model without a price), or mixed.`;

const ACTIVITY_REPORTS = ['apps', 'sites', 'tools'] as const;
const KINDS = [...REPORT_KINDS, ...ACTIVITY_REPORTS] as const;
type Kind = (typeof KINDS)[number];
const PERIODS: readonly Period[] = ['daily', 'weekly', 'monthly'];

export function parseTool(value: string): Tool {
  const t = toolNamed(value);
  if (t === undefined) throw new UsageError(`unknown --tool "${value}"; use ${TOOLS.join(', ')}`);
  return t;
}

function dayStart(flag: string, value: string, tz: string, after: boolean): number {
  const d = parseDate(value);
  if (d === undefined) {
    throw new UsageError(
      `invalid ${flag} "${value}"; expected a date such as 20261121 or 2026-11-21`,
    );
  }
  return startOfLocalDay(after ? nextDay(d) : d, tz);
}

export async function report(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      tool: { type: 'string' },
      project: { type: 'string' },
      timezone: { type: 'string', short: 'z' },
      breakdown: { type: 'boolean' },
      period: { type: 'string' },
      json: { type: 'boolean' },
      'no-index': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  const kind = (positionals[0] ?? 'daily') as Kind;
  if (!KINDS.includes(kind) || positionals.length > 1) {
    throw new UsageError(`unknown report "${positionals.join(' ')}"; use ${KINDS.join(', ')}`);
  }
  const env = process.env;
  const paths = resolvePaths(env);
  const config = loadConfig(paths.configFile, env);
  const tz = values.timezone ?? config.report.timezone;
  if (tz !== LOCAL_ZONE && !validTimeZone(tz)) throw new UsageError(`unknown --timezone "${tz}"`);
  const filter: RollupFilter = {};
  if (values.since !== undefined) filter.since = dayStart('--since', values.since, tz, false);
  if (values.until !== undefined) filter.until = dayStart('--until', values.until, tz, true);
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) {
    throw new UsageError('--since is after --until');
  }
  if (kind === 'apps' || kind === 'sites' || kind === 'tools') {
    for (const flag of ['tool', 'project', 'breakdown'] as const) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} is for usage reports, not ${kind}`);
    }
    let period: Period | undefined;
    if (values.period !== undefined) {
      if (!(PERIODS as readonly string[]).includes(values.period)) {
        throw new UsageError(`unknown --period "${values.period}"; use ${PERIODS.join(', ')}`);
      }
      period = values.period as Period;
    }
    // Loaded on demand: the catalog and the activity store are no part of a usage report.
    const { activityReport } = await import('./report-activity.ts');
    return activityReport(kind, {
      config,
      paths,
      env,
      tz,
      filter,
      period,
      json: values.json === true,
      index: values['no-index'] !== true,
      since: values.since ?? null,
      until: values.until ?? null,
    });
  }
  if (values.period !== undefined) throw new UsageError(`--period is for apps, sites and tools`);
  if (values.tool !== undefined) filter.tool = parseTool(values.tool);
  if (values.project !== undefined) filter.project = values.project;

  const bar = values.json ? undefined : progressBar();
  const ledger = await openLedger({
    config,
    paths,
    env,
    index: values['no-index'] !== true,
    beforeLargeImport: restartForImport,
    ...(bar !== undefined ? { onProgress: (p) => bar.update(p) } : {}),
  });
  bar?.done();
  try {
    const errors = ledger.indexed?.errors ?? [];
    if (errors.length > 0) {
      process.stderr.write(
        `ai-observer: could not read ${errors.length} log file(s), e.g. ${errors[0]!.path}: ${errors[0]!.message}; see \`ai-observer doctor\`\n`,
      );
    }
    const zone = tz === LOCAL_ZONE ? localZoneName() : tz;
    const out = buildReport(
      kind as ReportKind,
      ledger.store.rollup.bind(ledger.store),
      filter,
      tz,
      zone,
      values.breakdown === true,
      Date.now(),
    );
    const header = {
      report: kind,
      timezone: zone,
      since: values.since ?? null,
      until: values.until ?? null,
      tool: filter.tool ?? null,
      project: filter.project ?? null,
    };
    if (values.json) writeOut(`${JSON.stringify({ ...header, ...out })}\n`);
    else {
      // The table library is only needed for people, not for scripts.
      const { renderReport } = await import('../render/report-table.ts');
      writeOut(`${renderReport(kind, header, out)}\n`);
    }
    return 0;
  } finally {
    ledger.close();
  }
}
