// The live monitor: decoded telemetry and hook calls in, session snapshots and state
// transitions out. One timer for the earliest session deadline; changes from one burst of
// input are coalesced into one snapshot, and snapshots are published at most once per
// `snapshotIntervalMs`: the first change after a quiet spell goes out on the next turn, a
// stream of changes as one snapshot per interval that holds all of them.

import { boundObservation, cut, MAX_ID_CHARS } from '../domain/bounds.ts';
import type { Observation, UsageEvent } from '../domain/events.ts';
import { MetricDeltas } from '../domain/metric-deltas.ts';
import { claudeHookSignal, codexNotifySignal } from '../domain/normalize/hooks.ts';
import { normalizeLog } from '../domain/normalize/logs.ts';
import { metricUsage } from '../domain/normalize/metrics.ts';
import { normalizeSpan } from '../domain/normalize/spans.ts';
import type { Receipts } from '../domain/receipts.ts';
import { countReceipt, emptyReceipts, toolOfMetric } from '../domain/receipts.ts';
import { SessionTable } from '../domain/session-table.ts';
import type { SessionListMessage, SessionView } from '../domain/session-view.ts';
import { sessionListJson, viewOf } from '../domain/session-view.ts';
import type { Session, SessionTimings, Transition } from '../domain/sessions.ts';
import type { LogRecordView, MetricPointView, SpanView } from '../domain/telemetry.ts';
import type { ExportOutcome, OtlpSink } from '../ingest/otlp/sink.ts';

export interface MonitorOptions {
  timings: SessionTimings;
  maxSessions: number;
  now?: () => number;
  /** Shortest time between two published snapshots (default SNAPSHOT_INTERVAL_MS). */
  snapshotIntervalMs?: number;
}

export interface MonitorStats {
  logRecords: number;
  metricPoints: number;
  spans: number;
  unknownRecords: number;
  usageEvents: number;
  hooks: number;
  snapshots: number;
}

export type HookTool = 'claude' | 'codex';

export interface Snapshot {
  /** The message serialized once, shared by every stream client. */
  json: string;
  /** The message as an object, parsed on first use (tests and in-process readers). */
  readonly message: SessionListMessage;
}

function snapshotOf(json: string): Snapshot {
  let parsed: SessionListMessage | undefined;
  return {
    json,
    get message() {
      parsed ??= JSON.parse(json) as SessionListMessage;
      return parsed;
    },
  };
}

type SnapshotListener = (snap: Snapshot) => void;
type TransitionListener = (t: Transition) => void;
/** Billed requests from one export; called before the export is answered. */
type UsageListener = (events: UsageEvent[]) => void;

const ACCEPTED: ExportOutcome = { kind: 'accepted', rejected: 0 };
const LEDGER_RETRY_SECONDS = 5;
/**
 * Under a steady stream (1,000 requests/s over 100 sessions) a snapshot per request was ~800
 * snapshots of ~55 KB a second: most of the agent's garbage and of each stream reader's CPU.
 * One per 5 ms keeps a `watch` line within a few ms of its change (BENCHMARKS.md §1, §3).
 */
export const SNAPSHOT_INTERVAL_MS = 5;

export class LiveMonitor implements OtlpSink {
  readonly #table: SessionTable;
  readonly #deltas = new MetricDeltas({ maxEntries: 20_000 });
  readonly #now: () => number;
  readonly #snapshotListeners = new Set<SnapshotListener>();
  readonly #transitionListeners = new Set<TransitionListener>();
  #usageListener: UsageListener | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #emitPending = false;
  #emitTimer: NodeJS.Timeout | undefined;
  readonly #snapshotIntervalMs: number;
  #lastEmitAt = Number.NEGATIVE_INFINITY;
  #closed = false;
  #last: Snapshot | undefined;
  readonly #fragments = new WeakMap<Session, string>();
  readonly stats: MonitorStats = {
    logRecords: 0,
    metricPoints: 0,
    spans: 0,
    unknownRecords: 0,
    usageEvents: 0,
    hooks: 0,
    snapshots: 0,
  };
  /** What arrived from each tool and when (for `doctor`, through /api/stats). */
  readonly received: Receipts = emptyReceipts();

  constructor(opts: MonitorOptions) {
    this.#table = new SessionTable({
      timings: opts.timings,
      maxSessions: opts.maxSessions,
      // Re-sent batches come back within seconds; the ledger dedups for good.
      maxKeysPerSession: 128,
    });
    this.#now = opts.now ?? Date.now;
    this.#snapshotIntervalMs = opts.snapshotIntervalMs ?? SNAPSHOT_INTERVAL_MS;
  }

  logs(records: LogRecordView[]): ExportOutcome {
    let changed = false;
    let usage: UsageEvent[] | undefined;
    const now = this.#now();
    for (const r of records) {
      this.stats.logRecords++;
      const raw = normalizeLog(r);
      const obs = raw === undefined ? undefined : boundObservation(raw);
      if (obs === undefined) {
        this.stats.unknownRecords++;
        continue;
      }
      const tool = obs.signal?.tool ?? obs.usage?.tool;
      if (tool !== undefined) countReceipt(this.received, tool, 'logRecords', now);
      changed = this.#apply(obs) || changed;
      if (obs.usage !== undefined) {
        usage ??= [];
        usage.push(obs.usage);
      }
    }
    if (changed) this.#changed();
    // Before the answer: what the exporter sees acknowledged is in the ledger. When the ledger
    // cannot keep it (a full or read-only disk), the live sessions have it already and the
    // exporter is asked to send the batch again later, when it can be kept.
    if (usage !== undefined && this.#usageListener !== undefined) {
      try {
        this.#usageListener(usage);
      } catch (err) {
        return {
          kind: 'overloaded',
          retryAfterSeconds: LEDGER_RETRY_SECONDS,
          message: `billed requests cannot be stored now (${(err as Error).message}); retry later`,
        };
      }
    }
    return ACCEPTED;
  }

  metrics(points: MetricPointView[]): ExportOutcome {
    let changed = false;
    const now = this.#now();
    for (const p of points) {
      this.stats.metricPoints++;
      const tool = toolOfMetric(p);
      if (tool !== undefined) countReceipt(this.received, tool, 'metricPoints', now);
      const inc = this.#deltas.increment(p);
      if (inc <= 0) continue;
      const usage = metricUsage(p, inc);
      if (usage === undefined || usage.sessionId.length > MAX_ID_CHARS) continue;
      if (usage.model !== undefined) usage.model = cut(usage.model);
      changed = this.#table.observeMetric(usage) || changed;
    }
    if (changed) this.#changed();
    return ACCEPTED;
  }

  traces(spans: SpanView[]): ExportOutcome {
    let changed = false;
    const now = this.#now();
    for (const s of spans) {
      this.stats.spans++;
      const signal = normalizeSpan(s);
      if (signal !== undefined) countReceipt(this.received, signal.tool, 'spans', now);
      const obs = signal === undefined ? undefined : boundObservation({ signal, usage: undefined });
      if (obs !== undefined) changed = this.#apply(obs) || changed;
    }
    if (changed) this.#changed();
    return ACCEPTED;
  }

  /** A hook callback; throws HookPayloadError on a payload that is not one. */
  hook(tool: HookTool, payload: unknown): void {
    const now = this.#now();
    const signal =
      tool === 'claude' ? claudeHookSignal(payload, now) : codexNotifySignal(payload, now);
    this.stats.hooks++;
    countReceipt(this.received, tool === 'claude' ? 'claude-code' : 'codex', 'hooks', now);
    const obs = signal === undefined ? undefined : boundObservation({ signal, usage: undefined });
    if (obs !== undefined && this.#apply(obs)) this.#changed();
  }

  /** The user has seen a finished turn. False when there is no such session. */
  acknowledge(sessionId: string): boolean {
    if (this.#table.get(sessionId) === undefined) return false;
    const t = this.#table.acknowledge(sessionId, this.#now());
    if (t !== undefined) {
      this.#emitTransition(t);
      this.#changed();
    }
    return true;
  }

  snapshot(): Snapshot {
    if (this.#last !== undefined && !this.#emitPending) return this.#last;
    this.#last = this.#build();
    return this.#last;
  }

  onSnapshot(listener: SnapshotListener): () => void {
    this.#snapshotListeners.add(listener);
    return () => this.#snapshotListeners.delete(listener);
  }

  /** The one consumer of billed requests (the ledger). A throw fails the export (retried). */
  onUsage(listener: UsageListener | undefined): void {
    this.#usageListener = listener;
  }

  onTransition(listener: TransitionListener): () => void {
    this.#transitionListeners.add(listener);
    return () => this.#transitionListeners.delete(listener);
  }

  /** One live session as the API shows it, if the table holds it. */
  session(id: string): SessionView | undefined {
    const s = this.#table.get(id);
    return s === undefined ? undefined : viewOf(s);
  }

  get sessionCount(): number {
    return this.#table.size;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#emitTimer !== undefined) clearTimeout(this.#emitTimer);
    this.#emitTimer = undefined;
    this.#snapshotListeners.clear();
    this.#transitionListeners.clear();
  }

  #build(): Snapshot {
    return snapshotOf(sessionListJson(this.#table.list(), this.#now(), this.#fragments));
  }

  #apply(obs: Observation): boolean {
    if (obs.usage !== undefined) this.stats.usageEvents++;
    const { transitions, changed } = this.#table.observe(obs);
    for (const t of transitions) this.#emitTransition(t);
    return changed;
  }

  #emitTransition(t: Transition): void {
    for (const l of this.#transitionListeners) {
      try {
        l(t);
      } catch {
        // A listener's failure is its own; the monitor goes on.
      }
    }
  }

  /** Something visible changed: one snapshot after the current burst, and a new deadline. */
  #changed(): void {
    this.#reschedule();
    if (this.#emitPending || this.#closed) return;
    this.#emitPending = true;
    // The snapshot is built when it goes out, from the table as it is then: it holds every
    // change made since the one that scheduled it.
    const wait = this.#lastEmitAt + this.#snapshotIntervalMs - performance.now();
    if (wait <= 0) setImmediate(() => this.#emit());
    else this.#emitTimer = setTimeout(() => this.#emit(), wait);
  }

  #emit(): void {
    this.#emitTimer = undefined;
    this.#emitPending = false;
    if (this.#closed) return;
    this.#lastEmitAt = performance.now();
    this.#last = this.#build();
    this.stats.snapshots++;
    for (const l of this.#snapshotListeners) {
      try {
        l(this.#last);
      } catch {
        // As above: one bad consumer never stops the others.
      }
    }
  }

  #reschedule(): void {
    if (this.#closed) return;
    const next = this.#table.nextDeadline();
    if (next === undefined || next >= this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = next;
    // Timers past ~24.8 days overflow; wake up daily instead and look again.
    const delay = Math.min(Math.max(0, next - this.#now()), 86_400_000);
    this.#timer = setTimeout(() => this.#onTimer(), delay + 1);
    this.#timer.unref();
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const transitions = this.#table.tick(this.#now());
    for (const t of transitions) this.#emitTransition(t);
    if (transitions.length > 0) this.#changed();
    else this.#reschedule();
  }
}
