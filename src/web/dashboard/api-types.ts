// The agent's REST answers as the dashboard reads them (README "HTTP API"). The session list,
// figures and usage rows are the very types the agent builds them from.

import type { Basis as CostBasis, Figures } from '../../domain/report.ts';
import type { SessionView } from '../../domain/session-view.ts';
import type { UsageRow } from '../../domain/usage-rows.ts';

export type { SessionListMessage, SessionView } from '../../domain/session-view.ts';

export type { Basis as CostBasis, Figures } from '../../domain/report.ts';
export type { UsageRow } from '../../domain/usage-rows.ts';

/** What a figure on the page rests on; activity costs are estimated from hourly rates. */
export type Basis = CostBasis | 'estimated';

export interface Window {
  since: number;
  until: number;
}

/** A time: ms since the epoch, or an ISO 8601 string (blocks carry those). */
export type Instant = number | string;

export interface Block extends Figures {
  start: Instant;
  end: Instant;
  firstActivity: Instant;
  lastActivity: Instant;
  models: string[];
  burnRate: { tokensPerMinute: number; costPerHour: number };
  projection: { totalTokens: number; costUsd: number; remainingMinutes: number };
}

export interface Summary {
  timezone: string;
  now: number;
  today: Figures & Window;
  week: Figures & Window;
  month: Figures & Window;
  block: Block | null;
}

export interface Usage {
  period: string;
  timezone: string;
  since: string | null;
  until: string | null;
  by: string[];
  rows: UsageRow[];
  totals: Figures & { cacheShare: number };
}

export interface RequestRow {
  ts: number;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  costUsd: number;
  costBasis: CostBasis;
}

export interface SessionDetail {
  id: string;
  live: SessionView | null;
  tool: string;
  project: string | null;
  models: string[];
  totals: Figures;
  timeline: Array<Figures & { ts: number }>;
  requests: RequestRow[];
}

export interface ActivityRow {
  subject: string;
  kind: 'app' | 'cli' | 'site';
  category: string;
  seconds: number;
  estimatedCostUsd: number;
}

export interface Activity {
  rows: ActivityRow[];
  byDay: Array<{ period: string; kind: string; seconds: number }>;
}
