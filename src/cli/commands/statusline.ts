// `ai-observer statusline`: Claude Code's status line command. Reads the status JSON Claude
// Code writes on stdin and prints one line: model, this session's cost, today's cost and the
// current five-hour block with its burn rate. It answers from the ledger's rollup (a few
// indexed queries), never by parsing logs, so it stays fast; with the agent down it shows
// what the ledger last knew and the session cost Claude Code itself reported.

import { existsSync } from 'node:fs';
import { resolvePaths } from '../../config/paths.ts';
import { buildBlocks, burnRate } from '../../domain/blocks.ts';
import { startOfToday } from '../../domain/periods.ts';
import { ledgerFile, lockFile } from '../../ledger/files.ts';
import { SqliteLedger } from '../../store/sqlite/ledger.ts';
import { lockHolder } from '../../store/writer-lock.ts';
import { writeOut } from '../render/stdout.ts';
import { readStdin } from '../stdin.ts';

export const STATUSLINE_HELP = `Usage: ai-observer statusline [--timezone ZONE]

For Claude Code's settings.json: "statusLine": {"type": "command", "command": "ai-observer statusline"}.
Reads Claude Code's status JSON on stdin and prints one line: model, session cost, today's
cost, and the current 5-hour block with its burn rate.`;

interface StatusInput {
  session_id?: unknown;
  model?: { id?: unknown; display_name?: unknown };
  cost?: { total_cost_usd?: unknown };
}

export interface LedgerFigures {
  sessionUsd: number | undefined;
  todayUsd: number;
  block: { costUsd: number; remainingMs: number; costPerHour: number } | undefined;
}

const money = (v: number) => `$${v.toFixed(2)}`;

function duration(ms: number): string {
  const m = Math.max(Math.round(ms / 60_000), 0);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}m`;
}

export function statusText(
  input: StatusInput,
  f: LedgerFigures | undefined,
  agentUp: boolean,
): string {
  const parts: string[] = [];
  const name = input.model?.display_name ?? input.model?.id;
  if (typeof name === 'string' && name !== '') parts.push(name);
  const reported =
    typeof input.cost?.total_cost_usd === 'number' ? input.cost.total_cost_usd : undefined;
  // Claude Code's own figure for its session is the most current; the ledger's follows it.
  const session = reported ?? f?.sessionUsd;
  if (session !== undefined) parts.push(`session ${money(session)}`);
  if (f !== undefined) {
    parts.push(`today ${money(f.todayUsd)}`);
    if (f.block !== undefined) {
      parts.push(
        `block ${money(f.block.costUsd)} (${duration(f.block.remainingMs)} left, ${money(f.block.costPerHour)}/h)`,
      );
    }
  }
  if (!agentUp) parts.push('agent off');
  return parts.join(' · ');
}

export function ledgerFigures(
  store: SqliteLedger,
  sessionId: string | undefined,
  now: number,
  tz: string | undefined,
): LedgerFigures {
  const cost = (r: { costReported: number; costComputed: number } | undefined) =>
    r === undefined ? 0 : r.costReported + r.costComputed;
  const session = sessionId === undefined ? undefined : store.rollup({ sessionId }, [])[0];
  const today = store.rollup({ since: startOfToday(now, tz) }, [])[0];
  // A block is at most five hours and starts at most five hours before its last request.
  const recent = store.rollup({ since: now - 10 * 3_600_000 }, ['bucket']);
  const blocks = buildBlocks(
    recent.map((r) => ({ ...r, costUsd: cost(r) })),
    now,
  );
  const active = blocks.at(-1);
  return {
    sessionUsd: session === undefined ? undefined : cost(session),
    todayUsd: cost(today),
    block:
      active?.active === true
        ? {
            costUsd: active.costUsd,
            remainingMs: active.end - now,
            costPerHour: burnRate(active).costPerHour,
          }
        : undefined,
  };
}

export async function statusline(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(STATUSLINE_HELP);
    return 0;
  }
  const paths = resolvePaths();
  const tzFlag = argv.indexOf('--timezone');
  let tz = tzFlag >= 0 ? argv[tzFlag + 1] : undefined;
  if (tz === undefined && existsSync(paths.configFile)) {
    // Only with a config file: the YAML parser is the dearest import on this path.
    const { loadConfig } = await import('../../config/load.ts');
    tz = loadConfig(paths.configFile).report.timezone || undefined;
  }
  let input: StatusInput = {};
  try {
    const text = await readStdin();
    if (text.trim() !== '') input = JSON.parse(text) as StatusInput;
  } catch {
    // A status line must print something: without usable input it shows the ledger's figures.
  }
  const file = ledgerFile(paths);
  let figures: LedgerFigures | undefined;
  if (existsSync(file)) {
    try {
      const store = new SqliteLedger(file, { readOnly: true });
      try {
        const sid = typeof input.session_id === 'string' ? input.session_id : undefined;
        figures = ledgerFigures(store, sid, Date.now(), tz);
      } finally {
        store.close();
      }
    } catch {
      figures = undefined;
    }
  }
  const agentUp = lockHolder(lockFile(paths)) !== undefined;
  writeOut(`${statusText(input, figures, agentUp)}\n`);
  return 0;
}
