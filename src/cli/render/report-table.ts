// Reports as tables for people. Scripts use `--json`; these columns may change.

import Table from 'cli-table3';
import type { Figures } from '../../domain/report.ts';

interface Header {
  report: string;
  timezone: string;
  since: string | null;
  until: string | null;
  tool: string | null;
  project: string | null;
}

type Row = Figures & Record<string, unknown>;

const int = new Intl.NumberFormat('en-US');
const n = (v: number) => int.format(v);
const money = (v: number) => `$${v < 0.01 && v > 0 ? v.toFixed(4) : v.toFixed(2)}`;
const BASIS_MARK: Record<string, string> = {
  reported: 'reported',
  computed: 'computed',
  unknown: 'unknown',
  mixed: 'mixed',
};

function table(head: string[], numericFrom: number): InstanceType<typeof Table> {
  return new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (i >= numericFrom && i < head.length - 1 ? 'right' : 'left')),
  });
}

function when(iso: unknown, timeZone: string): string {
  return new Date(String(iso)).toLocaleString('sv-SE', { timeZone, hour12: false }).slice(0, 16);
}

function list(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : '';
}

export function renderReport(
  kind: string,
  header: Header,
  body: { rows: unknown[]; totals: Figures },
): string {
  const rows = body.rows as Row[];
  const scope = [
    header.tool,
    header.project !== null ? `project ${header.project}` : null,
    header.since !== null ? `from ${header.since}` : null,
    header.until !== null ? `to ${header.until}` : null,
  ]
    .filter((x) => x !== null)
    .join(', ');
  const title = `AI usage — ${kind} (${header.timezone})${scope !== '' ? ` — ${scope}` : ''}`;
  if (rows.length === 0) {
    return `${title}\nNo usage recorded${scope !== '' ? ' for this selection' : ''}. The ledger reads Claude Code, Codex and Gemini CLI logs and the agent's telemetry; see \`ai-observer doctor\`.`;
  }
  const t = body.totals;
  let out: InstanceType<typeof Table>;
  switch (kind) {
    case 'session':
      out = table(
        [
          'Session',
          'Tool',
          'Project',
          'Models',
          'Last activity',
          'Requests',
          'Tokens',
          'Cost',
          'Basis',
        ],
        5,
      );
      for (const r of rows) {
        out.push([
          String(r.sessionId).slice(0, 8),
          String(r.tool),
          String(r.project),
          list(r.models),
          when(r.lastActivity, header.timezone),
          n(r.requests),
          n(r.totalTokens),
          money(r.costUsd),
          BASIS_MARK[r.costBasis]!,
        ]);
      }
      out.push([
        'Total',
        '',
        '',
        '',
        '',
        n(t.requests),
        n(t.totalTokens),
        money(t.costUsd),
        t.costBasis,
      ]);
      break;
    case 'models':
      out = table(
        [
          'Tool',
          'Model',
          'Requests',
          'Input',
          'Output',
          'Cache read',
          'Cache share',
          'Cost',
          'Basis',
        ],
        2,
      );
      for (const r of rows) {
        out.push([
          String(r.tool),
          String(r.model),
          n(r.requests),
          n(r.inputTokens),
          n(r.outputTokens),
          n(r.cacheReadTokens),
          `${Math.round(Number(r.cacheShare) * 100)}%`,
          money(r.costUsd),
          BASIS_MARK[r.costBasis]!,
        ]);
      }
      out.push([
        'Total',
        '',
        n(t.requests),
        n(t.inputTokens),
        n(t.outputTokens),
        n(t.cacheReadTokens),
        '',
        money(t.costUsd),
        t.costBasis,
      ]);
      break;
    case 'blocks':
      out = table(
        ['Block start', 'Status', 'Models', 'Requests', 'Tokens', 'Cost', 'Burn rate / projection'],
        3,
      );
      for (const r of rows) {
        const rate = r.burnRate as { costPerHour: number; tokensPerMinute: number } | undefined;
        const proj = r.projection as { costUsd: number; remainingMinutes: number } | undefined;
        out.push([
          when(r.start, header.timezone),
          r.active ? 'ACTIVE' : '',
          list(r.models),
          n(r.requests),
          n(r.totalTokens),
          money(r.costUsd),
          rate !== undefined && proj !== undefined
            ? `${money(rate.costPerHour)}/h, ${n(rate.tokensPerMinute)} tok/min → ${money(proj.costUsd)} in ${proj.remainingMinutes} min`
            : '',
        ]);
      }
      out.push(['Total', '', '', n(t.requests), n(t.totalTokens), money(t.costUsd), '']);
      break;
    default:
      out = table(
        [
          'Period',
          'Models',
          'Input',
          'Output',
          'Cache write',
          'Cache read',
          'Total tokens',
          'Cost',
          'Basis',
        ],
        2,
      );
      for (const r of rows) {
        out.push([
          String(r.period),
          list(r.models),
          n(r.inputTokens),
          n(r.outputTokens),
          n(r.cacheWriteTokens),
          n(r.cacheReadTokens),
          n(r.totalTokens),
          money(r.costUsd),
          BASIS_MARK[r.costBasis]!,
        ]);
        for (const b of (r.breakdown as Row[] | undefined) ?? []) {
          out.push([
            `  ${String(b.tool)}`,
            String(b.model),
            n(b.inputTokens),
            n(b.outputTokens),
            n(b.cacheWriteTokens),
            n(b.cacheReadTokens),
            n(b.totalTokens),
            money(b.costUsd),
            BASIS_MARK[b.costBasis]!,
          ]);
        }
      }
      out.push([
        'Total',
        '',
        n(t.inputTokens),
        n(t.outputTokens),
        n(t.cacheWriteTokens),
        n(t.cacheReadTokens),
        n(t.totalTokens),
        money(t.costUsd),
        t.costBasis,
      ]);
  }
  return `${title}\n${out.toString()}`;
}
