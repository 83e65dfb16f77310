// An in-memory activity source for tests of the `ai.app.*`, `ai.cli.*` and
// `ai.browser.domain.*` metrics: totals and running subjects that a test sets and grows.

import type {
  ActivitySource,
  ActivityTotal,
  RunningSubject,
} from '../../src/export/activity-source.ts';

export class MemoryActivity implements ActivitySource {
  #totals = new Map<string, ActivityTotal>();
  #running: RunningSubject[] = [];

  /** Adds to a subject's totals (creating it); figures only grow, as the store's do. */
  add(
    t: Pick<ActivityTotal, 'kind' | 'subject' | 'category' | 'source'> &
      Partial<Pick<ActivityTotal, 'activeSeconds' | 'estimatedCostUsd' | 'visits' | 'commands'>>,
  ): void {
    const key = `${t.kind}\0${t.subject}\0${t.source}`;
    const cur = this.#totals.get(key) ?? {
      kind: t.kind,
      subject: t.subject,
      category: t.category,
      source: t.source,
      activeSeconds: 0,
      estimatedCostUsd: 0,
      visits: 0,
      commands: 0,
    };
    this.#totals.set(key, {
      ...cur,
      activeSeconds: cur.activeSeconds + (t.activeSeconds ?? 0),
      estimatedCostUsd: cur.estimatedCostUsd + (t.estimatedCostUsd ?? 0),
      visits: cur.visits + (t.visits ?? 0),
      commands: cur.commands + (t.commands ?? 0),
    });
  }

  setRunning(running: RunningSubject[]): void {
    this.#running = running;
  }

  totals(): readonly ActivityTotal[] {
    return [...this.#totals.values()].map((t) => ({ ...t }));
  }

  running(): readonly RunningSubject[] {
    return this.#running;
  }
}
