// The metric instruments over what the agent knows: every one is observable, read from totals
// at collection time (the ledger's, the session counters', the activity store's), so that a
// counter continues across restarts and a re-sent export or a repeated scrape never counts
// anything twice. One batch callback per source reads it once for all its instruments.

import type { Meter, Observable } from '@opentelemetry/api';
import { TOOLS } from '../domain/events.ts';
import type { SessionTotalsData } from '../domain/session-totals.ts';
import type { SessionState } from '../domain/sessions.ts';
import type { RollupRow } from '../store/types.ts';
import type { ActivitySource } from './activity-source.ts';
import { METRICS, type MetricId, type MetricSpec } from './catalog.ts';
import type { LedgerTotalsSnapshot } from './ledger-totals.ts';
import { type Labels, SeriesBuilder } from './series.ts';

/** States exported by `ai.sessions` (expired sessions are history, not live). */
export const LIVE_STATES: readonly SessionState[] = ['working', 'waiting', 'completed', 'idle'];

export interface InstrumentSources {
  ledger: () => LedgerTotalsSnapshot;
  /** Tool and state of every session the monitor holds. */
  sessions: () => ReadonlyArray<{ tool: string; state: SessionState }>;
  sessionTotals: () => SessionTotalsData;
  activity: ActivitySource | undefined;
}

export interface InstrumentOptions {
  /** The label allowlist (export.labels). */
  labels: readonly string[];
  perSession: boolean;
  /** How reading a source went: an error leaves its metrics out of that collection. */
  onSourceRead?: (source: string, err: Error | undefined) => void;
}

type Builders = Partial<Record<MetricId, SeriesBuilder>>;

function create(meter: Meter, spec: MetricSpec): Observable {
  const o = { description: spec.description, unit: spec.unit };
  switch (spec.kind) {
    case 'counter':
      return meter.createObservableCounter(spec.name, o);
    case 'updown':
      return meter.createObservableUpDownCounter(spec.name, o);
    case 'gauge':
      return meter.createObservableGauge(spec.name, o);
  }
}

function modelOf(row: RollupRow): string {
  return row.model === undefined || row.model === '' ? 'unknown' : row.model;
}

/** Registers every instrument on the meter. */
export function registerInstruments(
  meter: Meter,
  sources: InstrumentSources,
  opts: InstrumentOptions,
): void {
  const allowed = new Set(opts.labels);
  const instruments = new Map<MetricId, Observable>();
  const group = (source: string, ids: MetricId[], fill: (b: Builders) => void): void => {
    const observables = ids.map((id) => {
      const o = create(meter, METRICS[id]);
      instruments.set(id, o);
      return o;
    });
    meter.addBatchObservableCallback((result) => {
      const builders: Builders = {};
      for (const id of ids) builders[id] = new SeriesBuilder(allowed);
      try {
        fill(builders);
      } catch (err) {
        // One failing source (an activity store that throws) costs its own metrics only.
        opts.onSourceRead?.(source, err as Error);
        return;
      }
      opts.onSourceRead?.(source, undefined);
      observeAll(result, builders, instruments);
    }, observables);
  };

  const ledgerIds: MetricId[] = [
    'tokensInput',
    'tokensOutput',
    'tokensCacheRead',
    'tokensCacheWrite',
    'tokensReasoning',
    'tokensCost',
    'promptCount',
  ];
  if (opts.perSession) ledgerIds.push('sessionTokens', 'sessionCost');
  group('ledger', ledgerIds, (b) => fillLedger(b, sources.ledger()));

  group('sessions', ['sessions', 'sessionWaiting', 'sessionTurns'], (b) => {
    for (const tool of TOOLS) {
      for (const state of LIVE_STATES) b.sessions!.add({ tool, state }, 0);
    }
    for (const s of sources.sessions()) {
      if (LIVE_STATES.includes(s.state)) b.sessions!.add({ tool: s.tool, state: s.state }, 1);
    }
    const totals = sources.sessionTotals();
    for (const [tool, v] of Object.entries(totals.waitingSeconds))
      b.sessionWaiting!.add({ tool }, v);
    for (const [tool, v] of Object.entries(totals.turnsCompleted)) b.sessionTurns!.add({ tool }, v);
  });

  const activity = sources.activity;
  if (activity !== undefined) {
    group(
      'activity',
      [
        'appRunning',
        'appActive',
        'appCpu',
        'appMemory',
        'appCost',
        'siteActive',
        'siteVisits',
        'siteCost',
        'cliRunning',
        'cliActive',
        'cliCost',
        'cliCommands',
      ],
      (b) => fillActivity(b, activity),
    );
  }
}

function observeAll(
  result: { observe(o: Observable, value: number, attributes?: Labels): void },
  builders: Builders,
  instruments: Map<MetricId, Observable>,
): void {
  for (const [id, builder] of Object.entries(builders) as Array<[MetricId, SeriesBuilder]>) {
    const o = instruments.get(id)!;
    for (const p of builder.points()) result.observe(o, p.value, p.labels);
  }
}

function fillLedger(b: Builders, totals: LedgerTotalsSnapshot): void {
  for (const row of totals.byToolModel) {
    const l = { tool: row.tool ?? 'unknown', model: modelOf(row) };
    const t = row.tokens;
    b.tokensInput!.add(l, t.input);
    b.tokensOutput!.add(l, t.output);
    b.tokensCacheRead!.add(l, t.cacheRead);
    b.tokensCacheWrite!.add(l, t.cacheWrite5m + t.cacheWrite1h);
    b.tokensReasoning!.add(l, t.reasoning);
    b.promptCount!.add(l, row.requests);
    // A basis with no requests has no series, rather than one that reads 0 for ever.
    if (row.reportedRequests > 0) {
      b.tokensCost!.add({ ...l, cost_basis: 'reported' }, row.costReported);
    }
    if (row.computedRequests > 0) {
      b.tokensCost!.add({ ...l, cost_basis: 'computed' }, row.costComputed);
    }
  }
  if (b.sessionTokens === undefined || b.sessionCost === undefined) return;
  for (const row of totals.bySession) {
    const l = { tool: row.tool ?? 'unknown', model: modelOf(row), session_id: row.session ?? '' };
    const t = row.tokens;
    b.sessionTokens.add({ ...l, type: 'input' }, t.input);
    b.sessionTokens.add({ ...l, type: 'output' }, t.output);
    b.sessionTokens.add({ ...l, type: 'cache_read' }, t.cacheRead);
    b.sessionTokens.add({ ...l, type: 'cache_write' }, t.cacheWrite5m + t.cacheWrite1h);
    b.sessionCost.add(l, row.costReported + row.costComputed);
  }
}

function fillActivity(b: Builders, activity: ActivitySource): void {
  const known = new Map<string, { kind: 'app' | 'cli'; subject: string; category: string }>();
  for (const t of activity.totals()) {
    const category = t.category;
    if (t.kind === 'app') {
      known.set(`app\0${t.subject}`, { kind: 'app', subject: t.subject, category });
      const l = { app: t.subject, category };
      b.appActive!.add({ ...l, source: t.source }, t.activeSeconds);
      b.appCost!.add(l, t.estimatedCostUsd);
    } else if (t.kind === 'cli') {
      known.set(`cli\0${t.subject}`, { kind: 'cli', subject: t.subject, category });
      const l = { tool: t.subject, category };
      b.cliActive!.add({ ...l, source: t.source }, t.activeSeconds);
      b.cliCost!.add(l, t.estimatedCostUsd);
      b.cliCommands!.add(l, t.commands);
    } else {
      const l = { domain: t.subject, category };
      b.siteActive!.add({ ...l, source: t.source }, t.activeSeconds);
      b.siteVisits!.add({ ...l, source: t.source }, t.visits);
      b.siteCost!.add(l, t.estimatedCostUsd);
    }
  }
  // Known subjects read 0 when not running, so "running now" panels show them stopped.
  for (const k of known.values()) {
    if (k.kind === 'app') b.appRunning!.add({ app: k.subject, category: k.category }, 0);
    else b.cliRunning!.add({ tool: k.subject, category: k.category }, 0);
  }
  for (const r of activity.running()) {
    if (r.kind === 'app') {
      const l = { app: r.subject, category: r.category };
      b.appRunning!.add(l, r.instances);
      b.appCpu!.add(l, r.cpuPercent);
      b.appMemory!.add(l, r.memoryBytes / 1e6);
    } else {
      b.cliRunning!.add({ tool: r.subject, category: r.category }, r.instances);
    }
  }
}
