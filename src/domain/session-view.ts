// The JSON shape of sessions for `watch`, `status`, the REST API and the snapshot file.
// snake_case and flat, so that EWW, waybar and jq read it without glue.

import type { CostBasis } from './events.ts';
import { totalTokens } from './events.ts';
import type { Session, SessionState } from './sessions.ts';

export interface SessionView {
  id: string;
  tool: string;
  state: SessionState;
  project: string | null;
  model: string | null;
  detail: string | null;
  pid: number | null;
  started_at: number;
  last_event_at: number;
  state_changed_at: number;
  ended: boolean;
  requests: number;
  tokens: {
    input: number;
    output: number;
    cache_read: number;
    cache_write: number;
    reasoning: number;
    total: number;
  };
  cost_usd: number;
  cost_basis: CostBasis;
  /** Where the totals come from: per-request events, or the tool's counters as a fallback. */
  usage_source: 'events' | 'metrics' | 'none';
}

export interface SessionListMessage {
  type: 'session_list';
  sessions: SessionView[];
  timestamp: number;
  has_working: boolean;
  has_waiting: boolean;
  has_completed: boolean;
  counts: Record<Exclude<SessionState, 'expired'>, number>;
}

export function viewOf(s: Session): SessionView {
  const fromMetrics = s.requests === 0 && (totalTokens(s.metricTokens) > 0 || s.metricCostUsd > 0);
  const t = fromMetrics ? s.metricTokens : s.tokens;
  const cost = fromMetrics ? s.metricCostUsd : s.costUsd;
  return {
    id: s.id,
    tool: s.tool,
    state: s.state,
    project: s.project ?? null,
    model: s.model ?? null,
    detail: s.detail ?? null,
    pid: s.pid ?? null,
    started_at: s.startedAt,
    last_event_at: s.lastEventAt,
    state_changed_at: s.stateChangedAt,
    ended: s.endedAt !== undefined,
    requests: s.requests,
    tokens: {
      input: t.input,
      output: t.output,
      cache_read: t.cacheRead,
      cache_write: t.cacheWrite5m + t.cacheWrite1h,
      reasoning: t.reasoning,
      total: totalTokens(t),
    },
    cost_usd: Math.round(cost * 1e6) / 1e6,
    cost_basis: fromMetrics ? (s.metricCostUsd > 0 ? 'reported' : 'unknown') : s.costBasis,
    usage_source: fromMetrics ? 'metrics' : s.requests > 0 ? 'events' : 'none',
  };
}

const STATE_ORDER: Record<SessionState, number> = {
  waiting: 0,
  working: 1,
  completed: 2,
  idle: 3,
  expired: 4,
};

/** The live sessions (expired left out), the ones needing attention first. */
function liveInOrder(sessions: Iterable<Session>): Session[] {
  const live: Session[] = [];
  for (const s of sessions) if (s.state !== 'expired') live.push(s);
  return live.sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.lastEventAt - a.lastEventAt,
  );
}

function countStates(live: Session[]): SessionListMessage['counts'] {
  const counts = { working: 0, waiting: 0, completed: 0, idle: 0 };
  for (const s of live) if (s.state !== 'expired') counts[s.state]++;
  return counts;
}

export function sessionList(sessions: Iterable<Session>, now: number): SessionListMessage {
  const live = liveInOrder(sessions);
  const counts = countStates(live);
  return {
    type: 'session_list',
    sessions: live.map(viewOf),
    timestamp: now,
    has_working: counts.working > 0,
    has_waiting: counts.waiting > 0,
    has_completed: counts.completed > 0,
    counts,
  };
}

/**
 * The same message as `sessionList`, serialized. Sessions are immutable values, so the JSON
 * of one that did not change since the last snapshot is taken from `cache`: a snapshot after
 * one request re-serializes one session, not all of them.
 */
export function sessionListJson(
  sessions: Iterable<Session>,
  now: number,
  cache: WeakMap<Session, string>,
): string {
  const live = liveInOrder(sessions);
  const counts = countStates(live);
  const parts: string[] = [];
  for (const s of live) {
    let json = cache.get(s);
    if (json === undefined) {
      json = JSON.stringify(viewOf(s));
      cache.set(s, json);
    }
    parts.push(json);
  }
  return (
    `{"type":"session_list","sessions":[${parts.join(',')}],"timestamp":${now},` +
    `"has_working":${counts.working > 0},"has_waiting":${counts.waiting > 0},` +
    `"has_completed":${counts.completed > 0},"counts":${JSON.stringify(counts)}}`
  );
}
