// The bounded table of live sessions: applies observations, dedups usage per request, and
// moves sessions along by time. No timers and no I/O; the daemon owns the clock.

import type { Observation, TokenCounts, Tool, UsageEvent } from './events.ts';
import { addTokens } from './events.ts';
import type { MetricUsage } from './normalize/metrics.ts';
import type { Session, SessionTimings, Transition } from './sessions.ts';
import { acknowledge, advance, applySignal, newSession, nextDeadline } from './sessions.ts';

export interface SessionTableOptions {
  timings: SessionTimings;
  /** Most sessions kept; the oldest expired go first, then the oldest by last event. */
  maxSessions: number;
  /** Request keys remembered per session to recognise a re-sent record. */
  maxKeysPerSession: number;
}

interface Counted {
  tokens: TokenCounts;
  costUsd: number;
}

const NEGATIVE = (t: TokenCounts): TokenCounts => ({
  input: -t.input,
  output: -t.output,
  cacheRead: -t.cacheRead,
  cacheWrite5m: -t.cacheWrite5m,
  cacheWrite1h: -t.cacheWrite1h,
  reasoning: -t.reasoning,
});

export class SessionTable {
  readonly #opts: SessionTableOptions;
  readonly #sessions = new Map<string, Session>();
  /** Per session: request key → what it contributed, in insertion order for eviction. */
  readonly #counted = new Map<string, Map<string, Counted>>();

  constructor(opts: SessionTableOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#sessions.size;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** Every session, newest activity first. */
  list(): Session[] {
    return [...this.#sessions.values()].sort((a, b) => b.lastEventAt - a.lastEventAt);
  }

  /**
   * Applies what one record or hook call means. Returns the state transitions it caused
   * (zero or one) and whether anything visible changed.
   */
  observe(obs: Observation): { transitions: Transition[]; changed: boolean } {
    const transitions: Transition[] = [];
    let changed = false;
    if (obs.signal !== undefined) {
      const before = this.#sessions.get(obs.signal.sessionId);
      const { session, transition } = applySignal(before, obs.signal);
      if (before === undefined) this.#makeRoom();
      this.#sessions.set(session.id, session);
      if (transition !== undefined) transitions.push(transition);
      changed = before === undefined || transition !== undefined || differs(before, session);
    }
    if (obs.usage !== undefined) changed = this.#count(obs.usage) || changed;
    return { transitions, changed };
  }

  /** Adds a token/cost metric increment to its session's fallback totals. */
  observeMetric(m: MetricUsage): boolean {
    const s = this.#sessions.get(m.sessionId) ?? this.#create(m.tool, m.sessionId, m.ts, m.model);
    const next: Session = {
      ...s,
      metricTokens: addTokens(s.metricTokens, m.tokens),
      metricCostUsd: s.metricCostUsd + m.costUsd,
    };
    if (m.model !== undefined && next.model === undefined) next.model = m.model;
    this.#sessions.set(next.id, next);
    // Only visible while the session has no per-request usage of its own.
    return s.requests === 0;
  }

  #create(tool: Tool, sessionId: string, ts: number, model: string | undefined): Session {
    this.#makeRoom();
    const s = newSession({
      kind: 'start',
      tool,
      sessionId,
      ts,
      explicit: false,
      source: 'otlp',
      model,
    });
    this.#sessions.set(sessionId, s);
    return s;
  }

  /** Applies every deadline that has passed by `now`. */
  tick(now: number): Transition[] {
    const out: Transition[] = [];
    for (const [id, s] of this.#sessions) {
      let current = s;
      // A session may pass several deadlines at once (e.g. after the machine slept).
      for (let i = 0; i < 4; i++) {
        const { session, transition } = advance(current, now, this.#opts.timings);
        if (transition === undefined) break;
        current = session;
        out.push(transition);
      }
      if (current !== s) this.#sessions.set(id, current);
    }
    return out;
  }

  /** The earliest time at which `tick` would change something. */
  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const s of this.#sessions.values()) {
      const d = nextDeadline(s, this.#opts.timings);
      if (d !== undefined && (min === undefined || d < min)) min = d;
    }
    return min;
  }

  acknowledge(id: string, now: number): Transition | undefined {
    const s = this.#sessions.get(id);
    if (s === undefined) return undefined;
    const { session, transition } = acknowledge(s, now);
    this.#sessions.set(id, session);
    return transition;
  }

  /** Adds a billed request to its session; a key seen before counts once, at its largest. */
  #count(usage: UsageEvent): boolean {
    // Usage can arrive before any state signal for its session (logs in another batch).
    const s =
      this.#sessions.get(usage.sessionId) ??
      this.#create(usage.tool, usage.sessionId, usage.ts, usage.model || undefined);
    let keys = this.#counted.get(usage.sessionId);
    if (keys === undefined) {
      keys = new Map();
      this.#counted.set(usage.sessionId, keys);
    }
    const prior = keys.get(usage.key);
    if (prior !== undefined && prior.tokens.output >= usage.tokens.output) return false;
    const next: Session = { ...s };
    if (prior !== undefined) {
      next.tokens = addTokens(next.tokens, NEGATIVE(prior.tokens));
      next.costUsd -= prior.costUsd;
    } else {
      next.requests += 1;
    }
    const cost = usage.costUsd ?? 0;
    next.tokens = addTokens(next.tokens, usage.tokens);
    next.costUsd += cost;
    if (usage.costBasis === 'reported' || next.costBasis === 'unknown') {
      next.costBasis = usage.costBasis;
    }
    if (usage.model !== '') next.model = usage.model;
    if (usage.ts > next.lastEventAt) next.lastEventAt = usage.ts;
    keys.delete(usage.key);
    keys.set(usage.key, { tokens: usage.tokens, costUsd: cost });
    if (keys.size > this.#opts.maxKeysPerSession) {
      const oldest = keys.keys().next().value;
      if (oldest !== undefined) keys.delete(oldest);
    }
    this.#sessions.set(next.id, next);
    return true;
  }

  #makeRoom(): void {
    while (this.#sessions.size >= this.#opts.maxSessions) {
      const victim = this.#pickVictim();
      if (victim === undefined) return;
      this.#sessions.delete(victim);
      this.#counted.delete(victim);
    }
  }

  #pickVictim(): string | undefined {
    let expired: Session | undefined;
    let oldest: Session | undefined;
    for (const s of this.#sessions.values()) {
      if (s.state === 'expired' && (expired === undefined || s.lastEventAt < expired.lastEventAt)) {
        expired = s;
      }
      if (oldest === undefined || s.lastEventAt < oldest.lastEventAt) oldest = s;
    }
    return (expired ?? oldest)?.id;
  }
}

function differs(a: Session, b: Session): boolean {
  return (
    a.state !== b.state ||
    a.model !== b.model ||
    a.project !== b.project ||
    a.detail !== b.detail ||
    a.pid !== b.pid ||
    a.endedAt !== b.endedAt
  );
}
