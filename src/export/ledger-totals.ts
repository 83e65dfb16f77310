// The ledger's all-time totals as the token and cost counters read them: by tool and model,
// and (with export.perSession) for the sessions active lately. One query per collection,
// shared by every instrument of it; while the ledger cannot be read (a CLI command holds the
// writer lock for a moment) the last totals read are observed again, so no series vanishes.

import type { LedgerStore, RollupRow } from '../store/types.ts';

/** Sessions with requests this recent get their own series (export.perSession). */
export const RECENT_SESSION_MS = 24 * 3_600_000;
/** At most this many sessions, newest first. */
export const MAX_SESSIONS = 50;

export interface LedgerTotalsSnapshot {
  byToolModel: RollupRow[];
  /** Rows by session, tool and model; empty unless per-session series are on. */
  bySession: RollupRow[];
}

export class LedgerTotals {
  readonly #store: () => LedgerStore | undefined;
  readonly #perSession: boolean;
  readonly #onError: (err: Error) => void;
  #last: LedgerTotalsSnapshot = { byToolModel: [], bySession: [] };
  #failing = false;

  constructor(opts: {
    store: () => LedgerStore | undefined;
    perSession: boolean;
    onError: (err: Error) => void;
  }) {
    this.#store = opts.store;
    this.#perSession = opts.perSession;
    this.#onError = opts.onError;
  }

  read(now = Date.now()): LedgerTotalsSnapshot {
    const store = this.#store();
    if (store === undefined) return this.#last;
    try {
      const byToolModel = store.rollup({}, ['tool', 'model']);
      const bySession: RollupRow[] = [];
      if (this.#perSession) {
        const recent = store
          .rollup({ since: now - RECENT_SESSION_MS }, ['session'])
          .sort((a, b) => b.lastTs - a.lastTs)
          .slice(0, MAX_SESSIONS);
        // All-time totals of each, not just the recent part: a counter never shrinks.
        for (const r of recent) {
          for (const row of store.rollup({ sessionId: r.session }, ['tool', 'model'])) {
            bySession.push({ ...row, session: r.session as string });
          }
        }
      }
      this.#last = { byToolModel, bySession };
      this.#failing = false;
    } catch (err) {
      // Once per outage, as every failure here repeats on every collection.
      if (!this.#failing) this.#onError(err as Error);
      this.#failing = true;
    }
    return this.#last;
  }
}
