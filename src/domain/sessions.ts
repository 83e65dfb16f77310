// The session state machine (DESIGN.md §4), as pure functions of (session, signal, time).
// Timers are not kept here: each session has a deadline that the caller asks for, so the daemon
// runs one timer for the earliest and time in tests is just a number.

import type { CostBasis, SessionSignal, SignalKind, TokenCounts, Tool } from './events.ts';
import { ZERO_TOKENS } from './events.ts';

export type SessionState = 'working' | 'waiting' | 'completed' | 'idle' | 'expired';
export const SESSION_STATES: readonly SessionState[] = [
  'working',
  'waiting',
  'completed',
  'idle',
  'expired',
];

export interface Session {
  id: string;
  tool: Tool;
  state: SessionState;
  project: string | undefined;
  model: string | undefined;
  startedAt: number;
  lastEventAt: number;
  stateChangedAt: number;
  /** Event time of the newest explicit signal (hook, notify); 0 when none was seen. */
  lastExplicitAt: number;
  endedAt: number | undefined;
  /** False while the session exists only through usage or metrics, with no state signal. */
  signalled: boolean;
  /**
   * Kinds of explicit signal this session has sent. Telemetry of a kind the hooks already
   * report is left out of the state: e.g. with UserPromptSubmit configured, a `user_prompt`
   * event for a slash command such as /exit is not a new turn.
   */
  explicitKinds: SignalKind[];
  pid: number | undefined;
  /** A short label for the current state, e.g. "permission requested"; never user content. */
  detail: string | undefined;
  requests: number;
  tokens: TokenCounts;
  costUsd: number;
  costBasis: CostBasis;
  /** Totals from token/cost metrics, shown only when the session's logs never arrive. */
  metricTokens: TokenCounts;
  metricCostUsd: number;
}

export interface SessionTimings {
  /** Without explicit signals, this long without events ends `working` as `completed`. */
  quietMs: number;
  /** With explicit signals, `working` this long without any event falls back to `idle`. */
  staleWorkingMs: number;
  /** `completed` that nobody acknowledged becomes `idle` after this long. */
  completedToIdleMs: number;
  /** `idle` or `waiting` this long after the last event becomes `expired`. */
  expireAfterMs: number;
  /** A session that said it ended expires this long after its last event. */
  endedExpireMs: number;
}

export const DEFAULT_TIMINGS: SessionTimings = {
  quietMs: 45_000,
  staleWorkingMs: 30 * 60_000,
  completedToIdleMs: 15 * 60_000,
  expireAfterMs: 60 * 60_000,
  endedExpireMs: 5 * 60_000,
};

export type TransitionReason =
  | 'signal'
  | 'quiet'
  | 'stale'
  | 'unacknowledged'
  | 'expired'
  | 'ended'
  | 'acknowledged';

export interface Transition {
  sessionId: string;
  tool: Tool;
  project: string | undefined;
  from: SessionState | undefined;
  to: SessionState;
  at: number;
  reason: TransitionReason;
  detail: string | undefined;
}

export function newSession(signal: SessionSignal): Session {
  return {
    id: signal.sessionId,
    tool: signal.tool,
    state: 'idle',
    project: signal.project,
    model: signal.model,
    startedAt: signal.ts,
    lastEventAt: signal.ts,
    stateChangedAt: signal.ts,
    lastExplicitAt: 0,
    endedAt: undefined,
    signalled: false,
    explicitKinds: [],
    pid: signal.pid,
    detail: undefined,
    requests: 0,
    tokens: { ...ZERO_TOKENS },
    costUsd: 0,
    costBasis: 'unknown',
    metricTokens: { ...ZERO_TOKENS },
    metricCostUsd: 0,
  };
}

/** The state a signal asks for, or undefined when it leaves the state alone. */
function targetState(current: SessionState, signal: SessionSignal): SessionState | undefined {
  switch (signal.kind) {
    case 'prompt':
    case 'activity':
      return 'working';
    case 'waiting':
      return 'waiting';
    case 'turn-complete':
      return 'completed';
    case 'start':
      return current === 'expired' ? 'idle' : undefined;
    case 'end':
      // A session that closes mid-turn was interrupted, not finished: no "finished" notice.
      return current === 'working' || current === 'waiting' ? 'idle' : undefined;
  }
}

/**
 * Applies one signal. Returns the new session (a fresh object when anything changed) and the
 * transition, if the state changed. The input session is never mutated.
 */
export function applySignal(
  session: Session | undefined,
  signal: SessionSignal,
): { session: Session; transition: Transition | undefined } {
  // A session known only from usage or metrics takes its first state signal as if new: those
  // records carry export times, later than the events the signal describes.
  const isNew = session === undefined || !session.signalled;
  const s: Session = session === undefined ? newSession(signal) : { ...session };
  const previous: SessionState | undefined = session === undefined ? undefined : session.state;
  s.signalled = true;

  if (signal.ts > s.lastEventAt) s.lastEventAt = signal.ts;
  if (signal.ts < s.startedAt) s.startedAt = signal.ts;
  if (signal.project !== undefined && s.project === undefined) s.project = signal.project;
  if (signal.model !== undefined) s.model = signal.model;
  if (signal.pid !== undefined) s.pid = signal.pid;
  if (signal.kind === 'end') s.endedAt = signal.ts;

  // Telemetry is exported in batches, seconds after the fact; a record older than the newest
  // explicit signal describes the past (e.g. the last request of a turn that Stop already
  // ended) and must not move the state back.
  const stale = signal.explicit
    ? signal.ts < s.lastExplicitAt
    : (s.lastExplicitAt > 0 && signal.ts <= s.lastExplicitAt) ||
      (!isNew && signal.ts < s.stateChangedAt) ||
      s.explicitKinds.includes(signal.kind);
  if (signal.explicit) {
    if (signal.ts > s.lastExplicitAt) s.lastExplicitAt = signal.ts;
    if (!s.explicitKinds.includes(signal.kind)) s.explicitKinds = [...s.explicitKinds, signal.kind];
  }
  // A resumed session (same id, later events) is no longer ended.
  if (signal.kind !== 'end' && s.endedAt !== undefined && signal.ts > s.endedAt) {
    s.endedAt = undefined;
  }

  const to = stale ? undefined : targetState(s.state, signal);
  if (isNew) {
    s.state = to ?? 'idle';
    s.stateChangedAt = signal.ts;
    s.detail = signal.kind === 'waiting' ? signal.detail : undefined;
    const changed = previous === undefined || previous !== s.state;
    return { session: s, transition: changed ? transitionOf(s, previous, 'signal') : undefined };
  }
  if (to === undefined || to === s.state) {
    if (to === 'waiting' && signal.detail !== undefined) s.detail = signal.detail;
    return { session: s, transition: undefined };
  }
  s.state = to;
  s.stateChangedAt = signal.ts;
  s.detail = to === 'waiting' ? signal.detail : undefined;
  return { session: s, transition: transitionOf(s, previous, 'signal') };
}

function transitionOf(
  s: Session,
  from: SessionState | undefined,
  reason: TransitionReason,
): Transition {
  return {
    sessionId: s.id,
    tool: s.tool,
    project: s.project,
    from,
    to: s.state,
    at: s.stateChangedAt,
    reason,
    detail: s.detail,
  };
}

/** When this session's state changes by itself if nothing else happens; undefined: never. */
export function nextDeadline(s: Session, t: SessionTimings): number | undefined {
  const explicit = s.lastExplicitAt > 0;
  const expireMs = s.endedAt !== undefined ? t.endedExpireMs : t.expireAfterMs;
  switch (s.state) {
    case 'working':
      return s.lastEventAt + (explicit ? t.staleWorkingMs : t.quietMs);
    case 'completed':
      return Math.max(s.stateChangedAt, s.lastEventAt) + t.completedToIdleMs;
    case 'waiting':
      return s.lastEventAt + t.expireAfterMs;
    case 'idle':
      return Math.max(s.stateChangedAt, s.lastEventAt) + expireMs;
    case 'expired':
      return undefined;
  }
}

/** Moves the session along by time alone. */
export function advance(
  session: Session,
  now: number,
  t: SessionTimings,
): { session: Session; transition: Transition | undefined } {
  const deadline = nextDeadline(session, t);
  if (deadline === undefined || now < deadline) return { session, transition: undefined };
  const explicit = session.lastExplicitAt > 0;
  let to: SessionState;
  let reason: TransitionReason;
  switch (session.state) {
    case 'working':
      to = explicit ? 'idle' : 'completed';
      reason = explicit ? 'stale' : 'quiet';
      break;
    case 'completed':
      to = 'idle';
      reason = 'unacknowledged';
      break;
    default:
      to = 'expired';
      reason = session.endedAt !== undefined ? 'ended' : 'expired';
  }
  const from = session.state;
  const s: Session = { ...session, state: to, stateChangedAt: deadline, detail: undefined };
  return { session: s, transition: transitionOf(s, from, reason) };
}

/** The user saw a finished turn: `completed` becomes `idle`. */
export function acknowledge(
  session: Session,
  now: number,
): { session: Session; transition: Transition | undefined } {
  if (session.state !== 'completed') return { session, transition: undefined };
  const s: Session = { ...session, state: 'idle', stateChangedAt: now, detail: undefined };
  return { session: s, transition: transitionOf(s, 'completed', 'acknowledged') };
}
