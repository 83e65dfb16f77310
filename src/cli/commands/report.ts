// `ai-observer report daily|weekly|monthly|session|blocks|models`: what the AI tools cost,
// from the ledger's rollup. Indexes new log lines first when no agent does it.

import { parseArgs } from 'node:util';
import { resolvePaths } from '../../config/paths.ts';
import { loadConfig } from '../../config/load.ts';
import { validTimeZone } from '../../config/schema.ts';
import { TOOLS, type Tool, toolNamed } from '../../domain/events.ts';
import { nextDay, parseDate, startOfLocalDay, LOCAL_ZONE } from '../../domain/periods.ts';
import { localZoneName } from '../../config/local-zone.ts';
import { restartForImport } from '../../daemon/node-tuning.ts';
import { openLedger } from '../../ledger/open.ts';
import { buildReport, REPORT_KINDS, type ReportKind } from '../../ledger/reports.ts';
import type { RollupFilter } from '../../store/types.ts';
import { progressBar } from '../render/progress.ts';
import { UsageError } from '../usage-error.ts';

export const REPORT_HELP = `Usage: ai-observer report <daily|weekly|monthly|session|blocks|models> [options]

What your AI tools used and cost, from the ledger (indexing new log lines first).

Options:
  --since DATE       first day to include (YYYYMMDD or YYYY-MM-DD, in the time zone)
  --until DATE       last day to include
  --tool TOOL        claude-code, codex or gemini-cli (also: claude, gemini)
  --project NAME     one project (the working directory's name)
  --timezone ZONE    IANA time zone for days, weeks and months (default: the system's)
  --breakdown        a row per tool and model under each period
  --json             stable JSON for scripts
  --no-index         report what the ledger holds without reading new log lines

Every cost carries its basis: reported (by the tool), computed (from the price table),
unknown (a model without a price), or mixed.`;

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
      json: { type: 'boolean' },
      'no-index': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  const kind = (positionals[0] ?? 'daily') as ReportKind;
  if (!REPORT_KINDS.includes(kind) || positionals.length > 1) {
    throw new UsageError(
      `unknown report "${positionals.join(' ')}"; use ${REPORT_KINDS.join(', ')}`,
    );
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
      kind,
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
    if (values.json) process.stdout.write(`${JSON.stringify({ ...header, ...out })}\n`);
    else {
      // The table library is only needed for people, not for scripts.
      const { renderReport } = await import('../render/report-table.ts');
      process.stdout.write(`${renderReport(kind, header, out)}\n`);
    }
    return 0;
  } finally {
    ledger.close();
  }
}
