// Running totals of what the live monitor sees happen to sessions, for the exported counters:
// time spent waiting for the user and turns completed, by tool. Fed by state transitions;
// waits still open are credited as time passes, so the waiting counter moves while an agent
// waits rather than jumping when it stops. Pure: the caller keeps the totals on disk.

import type { Tool } from './events.ts';
import { TOOLS } from './events.ts';
import type { SessionState, Transition } from './sessions.ts';

export interface SessionTotalsData {
  /** Seconds in `waiting`, by tool. */
  waitingSeconds: Record<string, number>;
  /** Transitions into `completed`, by tool. */
  turnsCompleted: Record<string, number>;
}

interface OpenWait {
  tool: Tool;
  /** Credited up to here (ms). */
  until: number;
}

export function emptySessionTotals(): SessionTotalsData {
  const zero = () => Object.fromEntries(TOOLS.map((t) => [t, 0]));
  return { waitingSeconds: zero(), turnsCompleted: zero() };
}

export class SessionTotals {
  readonly data: SessionTotalsData;
  readonly #open = new Map<string, OpenWait>();

  constructor(start: SessionTotalsData = emptySessionTotals()) {
    this.data = {
      waitingSeconds: { ...emptySessionTotals().waitingSeconds, ...start.waitingSeconds },
      turnsCompleted: { ...emptySessionTotals().turnsCompleted, ...start.turnsCompleted },
    };
  }

  /** Folds in one transition; `now` bounds event times that run ahead of the clock. */
  transition(t: Transition, now: number): void {
    const at = Math.min(t.at, now);
    if (t.from === 'waiting' && t.to !== 'waiting') this.#close(t.sessionId, at);
    if (t.to === 'waiting' && t.from !== 'waiting') {
      this.#open.set(t.sessionId, { tool: t.tool, until: at });
    }
    if (t.to === 'completed' && t.from !== 'completed') {
      this.data.turnsCompleted[t.tool] = (this.data.turnsCompleted[t.tool] ?? 0) + 1;
    }
  }

  /**
   * Credits open waits up to `now`. `stateOf` says what the monitor holds now: a wait whose
   * session left the table (or waits no more without a transition seen) ends here.
   */
  tick(now: number, stateOf: (sessionId: string) => SessionState | undefined): void {
    for (const id of [...this.#open.keys()]) {
      this.#credit(id, now);
      if (stateOf(id) !== 'waiting') this.#open.delete(id);
    }
  }

  get openWaits(): number {
    return this.#open.size;
  }

  #close(id: string, at: number): void {
    this.#credit(id, at);
    this.#open.delete(id);
  }

  #credit(id: string, upTo: number): void {
    const w = this.#open.get(id);
    if (w === undefined || upTo <= w.until) return;
    this.data.waitingSeconds[w.tool] =
      (this.data.waitingSeconds[w.tool] ?? 0) + (upTo - w.until) / 1000;
    w.until = upTo;
  }
}

/** Reads totals back from their JSON; anything unusable counts as nothing (never negative). */
export function parseSessionTotals(json: unknown): SessionTotalsData {
  const out = emptySessionTotals();
  if (typeof json !== 'object' || json === null) return out;
  const o = json as Record<string, unknown>;
  for (const field of ['waitingSeconds', 'turnsCompleted'] as const) {
    const m = o[field];
    if (typeof m !== 'object' || m === null) continue;
    for (const [tool, v] of Object.entries(m as Record<string, unknown>)) {
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[field][tool] = v;
    }
  }
  return out;
}
