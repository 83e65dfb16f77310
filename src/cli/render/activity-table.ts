// `report apps|sites|tools` as tables for people. Scripts use `--json`; these columns may change.

import Table from 'cli-table3';
import {
  type ActivityRow,
  type ActivitySummary,
  formatDuration,
} from '../../domain/activity/report.ts';

export interface ActivityHeader {
  report: string;
  timezone: string;
  since: string | null;
  until: string | null;
  period: string | null;
}

const money = (v: number) => `$${v < 0.01 && v > 0 ? v.toFixed(4) : v.toFixed(2)}`;
const int = new Intl.NumberFormat('en-US');

const TITLES: Record<string, string> = {
  apps: 'AI apps',
  sites: 'AI sites',
  tools: 'AI CLIs',
};

export function renderActivity(
  header: ActivityHeader,
  body: { rows: ActivityRow[]; totals: ActivitySummary },
): string {
  const scope = [
    header.since !== null ? `from ${header.since}` : null,
    header.until !== null ? `to ${header.until}` : null,
  ]
    .filter((x) => x !== null)
    .join(', ');
  const title = `${TITLES[header.report] ?? header.report} — ${header.period ?? 'total'} (${header.timezone})${scope !== '' ? ` — ${scope}` : ''}`;
  if (body.rows.length === 0) {
    return `${title}\nNothing recorded${scope !== '' ? ' for this selection' : ''}. The agent (\`ai-observer serve\`) watches processes and the window in front; browser and shell history are read by the agent or by this report.`;
  }
  const periodCol = header.period !== null;
  const countHead =
    header.report === 'sites' ? 'Visits' : header.report === 'tools' ? 'Commands' : null;
  const head = [
    ...(periodCol ? ['Period'] : []),
    header.report === 'sites' ? 'Domain' : 'Name',
    ...(header.report === 'sites' ? ['Site'] : []),
    'Category',
    'Time',
    ...(countHead !== null ? [countHead] : []),
    'Cost (estimated)',
  ];
  const numericFrom = head.indexOf('Time');
  const t = new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (i >= numericFrom ? 'right' : 'left')),
  });
  for (const r of body.rows) {
    t.push([
      ...(periodCol ? [r.period ?? ''] : []),
      header.report === 'sites' ? r.subject : r.name,
      ...(header.report === 'sites' ? [r.name] : []),
      r.category,
      formatDuration(r.activeSeconds),
      ...(countHead !== null
        ? [int.format(header.report === 'sites' ? r.visits : r.commands)]
        : []),
      money(r.costUsd),
    ]);
  }
  const s = body.totals;
  t.push([
    ...(periodCol ? ['Total'] : []),
    periodCol ? '' : 'Total',
    ...(header.report === 'sites' ? [''] : []),
    '',
    formatDuration(s.activeSeconds),
    ...(countHead !== null ? [int.format(header.report === 'sites' ? s.visits : s.commands)] : []),
    money(s.costUsd),
  ]);
  return `${title}\n${t.toString()}\nCosts are estimates: time × the catalog's hourly rate (data/catalog.yaml, activity.catalog in the config).`;
}
