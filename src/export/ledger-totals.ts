// The ledger's all-time totals as the token and cost counters read them: by tool and model,
// and (with export.perSession) for the sessions active lately. Summed again only when the
// ledger changed (its usage version moved; the per-session part also once a minute, as
// sessions age out of the window): on a year of heavy use the sum takes some 100 ms, too much
// for every collection. While the ledger cannot be read (a CLI command holds the writer lock
// for a moment) the last totals read are observed again, so no series vanishes.

import type { LedgerStore, RollupRow } from '../store/types.ts';

/** Sessions with requests this recent get their own series (export.perSession). */
export const RECENT_SESSION_MS = 24 * 3_600_000;
/** At most this many sessions, newest first. */
export const MAX_SESSIONS = 50;
/** The per-session rows are read again at least this often (sessions leave the window). */
const SESSION_REFRESH_MS = 60_000;

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
  #readStore: LedgerStore | undefined;
  #readVersion = -1;
  #sessionsReadAt = Number.NEGATIVE_INFINITY;

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
      const version = store.usageVersion();
      const changed = store !== this.#readStore || version !== this.#readVersion;
      const sessionsDue = this.#perSession && now - this.#sessionsReadAt >= SESSION_REFRESH_MS;
      if (!changed && !sessionsDue) return this.#last;
      const byToolModel = changed ? store.rollup({}, ['tool', 'model']) : this.#last.byToolModel;
      let bySession: RollupRow[] = this.#last.bySession;
      if (this.#perSession && (changed || sessionsDue)) {
        bySession = [];
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
        this.#sessionsReadAt = now;
      }
      this.#last = { byToolModel, bySession };
      this.#readStore = store;
      this.#readVersion = version;
      this.#failing = false;
    } catch (err) {
      // Once per outage, as every failure here repeats on every collection.
      if (!this.#failing) this.#onError(err as Error);
      this.#failing = true;
    }
    return this.#last;
  }
}
