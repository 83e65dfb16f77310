// How numbers read on the dashboard. Pure (no DOM), so unit tests run it under Node.

import type { Basis, Instant } from './api-types.ts';

/** ms since the epoch from either form the API uses. */
export function toMs(t: Instant): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

const usd2 = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const usd0 = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});

/** $0.00, $0.0042 for sub-cent amounts (a single cheap request), $1,234 from a thousand. */
export function formatUsd(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs > 0 && abs < 0.01) return `${n < 0 ? '-' : ''}$${abs.toFixed(4)}`;
  if (abs >= 1000) return usd0.format(n);
  return usd2.format(n);
}

/** 950, 12.3k, 4.56M, 1.2B. */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  if (abs < 1e6) return `${trim(n / 1e3, abs < 1e4 ? 2 : 1)}k`;
  if (abs < 1e9) return `${trim(n / 1e6, abs < 1e7 ? 2 : 1)}M`;
  return `${trim(n / 1e9, 2)}B`;
}

function trim(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 0..1 → "37%"; below one percent but not zero → "<1%". */
export function formatShare(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  if (share < 0.01) return '<1%';
  return `${Math.round(share * 100)}%`;
}

/** Seconds → "2h 05m", "12m", "40s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** How long ago `ts` was, coarsely: "just now", "42s ago", "5m ago", "3h ago", "2d ago". */
export function formatAgo(ts: number, now: number): string {
  const s = Math.floor((now - ts) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** Local wall-clock time "14:05". */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** Local date and time "2026-11-21 14:05". */
export function formatDateTime(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(ts)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export const BASIS_TEXT: Record<Basis, string> = {
  reported: 'reported by the tool',
  computed: 'computed from the price table',
  mixed: 'partly reported by the tool, partly computed from the price table',
  estimated: 'estimated from the hourly rate in the catalog',
  unknown: 'no price known for this model',
};

/** The short badge shown beside a figure. */
export const BASIS_SHORT: Record<Basis, string> = {
  reported: 'reported',
  computed: 'computed',
  mixed: 'mixed',
  estimated: 'estimated',
  unknown: 'unpriced',
};

const TOOL_NAMES: Record<string, string> = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
};

export function toolName(tool: string): string {
  return TOOL_NAMES[tool] ?? tool;
}
