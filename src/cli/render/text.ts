// Human-readable renderings of a session list, for `status` and `watch --format text`.

import type { SessionListMessage, SessionView } from '../../domain/session-view.ts';

const TOOL_NAMES: Record<string, string> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
};

export function toolName(tool: string): string {
  return TOOL_NAMES[tool] ?? tool;
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function formatCost(s: SessionView): string {
  if (s.cost_basis === 'unknown') return '';
  return `$${s.cost_usd.toFixed(s.cost_usd < 1 ? 4 : 2)}`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One line per session, newest first within each state. */
export function renderTable(msg: SessionListMessage): string {
  if (msg.sessions.length === 0) return 'no live sessions';
  return msg.sessions
    .map((s) => {
      const parts = [
        s.state.padEnd(9),
        toolName(s.tool).padEnd(11),
        (s.project ?? '-').padEnd(16),
        s.id.slice(0, 8),
        `${formatTokens(s.tokens.total)} tok`,
        formatCost(s),
        `${ago(msg.timestamp - s.state_changed_at)} ago`,
      ];
      if (s.detail !== null && s.state === 'waiting') parts.push(`(${s.detail})`);
      return parts.filter((p) => p !== '').join('  ');
    })
    .join('\n');
}

/** A one-line summary for status bars that show plain text. */
export function renderSummary(msg: SessionListMessage): string {
  const c = msg.counts;
  const parts: string[] = [];
  if (c.waiting > 0) parts.push(`${c.waiting} waiting`);
  if (c.working > 0) parts.push(`${c.working} working`);
  if (c.completed > 0) parts.push(`${c.completed} done`);
  if (parts.length === 0) return c.idle > 0 ? `${c.idle} idle` : 'no sessions';
  return parts.join(' · ');
}
