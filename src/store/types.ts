// The ledger port: what the indexer, the daemon and the reports need from the store. The real
// implementation is SQLite (sqlite/ledger.ts); memory.ts is the in-memory one; both pass the
// contract suite in test/contract/ledger-store.ts.

import type {
  ActivityCount,
  ActivityFilter,
  ActivityInterval,
  ActivityTotalsRow,
  StoredInterval,
} from '../domain/activity/intervals.ts';
import type { Tool, UsageEvent } from '../domain/events.ts';
import type { Totals } from '../domain/report.ts';

/** Where the indexer is in one transcript file (DESIGN.md §4). */
export interface Cursor {
  path: string;
  tool: Tool;
  /** File identity: a file replaced under the same path has another. */
  dev: number;
  ino: number;
  /** Size and mtime when last read. */
  size: number;
  mtimeMs: number;
  /** Bytes consumed: everything before it ended in a newline and has been indexed. */
  offset: number;
  /** The format's parser state at `offset`, as JSON. */
  state: string;
  lines: number;
  events: number;
  malformed: number;
  /** Why the last malformed line was (a short reason, never line content). */
  lastMalformed: string;
  updatedAt: number;
}

/** What tells whether a file changed since its cursor was written. */
export type FileStamp = Pick<Cursor, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'offset'>;

export interface MergeResult {
  /** Events new to the ledger. */
  added: number;
  /** Known events that this sighting made fuller (more output, a reported cost, a source). */
  updated: number;
  /** Replays that changed nothing. */
  unchanged: number;
}

export interface RollupFilter {
  /** Inclusive start, ms since the epoch; rounded down to the rollup's quarter hour. */
  since?: number | undefined;
  /** Exclusive end, ms. */
  until?: number | undefined;
  tool?: Tool | undefined;
  project?: string | undefined;
  sessionId?: string | undefined;
  /**
   * Local time minus UTC at an instant, in ms: the zone the `day` dimension counts days in
   * (UTC when not given).
   */
  zoneOffset?: ((ts: number) => number) | undefined;
  /**
   * The IANA name of that zone, when known: a store that keeps days in it answers from them.
   */
  zone?: string | undefined;
}

/** `day`: the local calendar day of the quarter hour, as days since 1970-01-01. */
export type RollupDimension = 'bucket' | 'day' | 'tool' | 'model' | 'project' | 'session';

/** Sums over a group of requests. */
export type UsageTotals = Totals;

export interface RollupRow extends UsageTotals {
  bucket?: number;
  day?: number;
  tool?: Tool;
  model?: string;
  project?: string;
  session?: string;
  /** With `lists`: the tools of the group's requests, sorted. */
  tools?: Tool[];
  /** With `lists`: the models of the group's requests (empty names left out), sorted. */
  models?: string[];
}

/** What one pass of an activity source hands to the store, committed as a whole. */
export interface ActivityBatch {
  /** Sightings of time spent: each is folded into its subject's union (never added twice). */
  intervals: readonly ActivityInterval[];
  /** Visits and typed commands, added to their quarter hour. */
  counts: readonly ActivityCount[];
  /** Where the source has read to (opaque JSON per source key, e.g. `shell:/home/u/.zsh_history`). */
  cursors: ReadonlyArray<{ source: string; state: string }>;
}

/**
 * One event of a client that may send it again (the browser extension retries what it could
 * not confirm): folded in once; a second commit of its id changes nothing.
 */
export interface OnceBatch {
  /** The client's id for the event. */
  id: string;
  /** Who sent it, e.g. `extension:Brave`: what `takenEvents` sums per. */
  origin: string;
  intervals: readonly ActivityInterval[];
  counts: readonly ActivityCount[];
}

export interface OnceCommit {
  /** Events new to the store, folded in. */
  taken: number;
  /** Ids it had taken before: nothing changed for them. */
  duplicates: number;
}

/** Events taken per origin. */
export interface TakenSummary {
  origin: string;
  events: number;
  /** When the newest was taken, ms. */
  lastAt: number;
}

/**
 * How long the id of a taken event is kept: longer than the oldest event the agent takes
 * (30 days), so any retry of a taken event still finds its id.
 */
export const TAKEN_IDS_KEEP_MS = 35 * 86_400_000;

export interface ActivityCommit {
  /** Sightings that added time or a source to what was stored. */
  changed: number;
  /** Sightings already wholly stored. */
  unchanged: number;
}

/**
 * Workstation activity (DESIGN.md §4 ActivityInterval). Part of the ledger: the same file, the
 * same one writer.
 */
export interface ActivityStore {
  /** Folds a batch in atomically: a crash keeps its intervals, counts and cursors, or none. */
  commitActivity(batch: ActivityBatch): ActivityCommit;
  /**
   * Folds in events that each carry an id, in one transaction: an id taken before is skipped
   * (a retry counts once). Ids taken more than TAKEN_IDS_KEEP_MS before `now` are forgotten.
   */
  commitActivityOnce(batches: readonly OnceBatch[], now: number): OnceCommit;
  /** How many events each origin sent that were taken (within TAKEN_IDS_KEEP_MS), newest first. */
  takenEvents(): TakenSummary[];
  /** The state a source last committed under this key. */
  activityCursor(source: string): string | undefined;
  /**
   * Totals per kind and subject (and local day with `byDay`, in the filter's zone): active
   * seconds (the union of every source's intervals, clipped to the range), estimated cost
   * (seconds × hourly rate), visits and commands — the shape ActivityTotalsRow documents.
   * What reports, the dashboard's `GET /api/activity` and the `ai.app.*`, `ai.cli.*` and
   * `ai.browser.domain.*` metrics read.
   */
  activityTotals(filter: ActivityFilter, byDay?: boolean): ActivityTotalsRow[];
  /** The stored intervals in the range (unclipped), oldest first. */
  activityIntervals(filter: ActivityFilter): StoredInterval[];
}

export interface LedgerStore extends ActivityStore {
  /** Folds events in (one transaction): new keys are added, known ones keep the fuller record. */
  mergeUsage(events: readonly UsageEvent[]): MergeResult;
  /**
   * Atomically folds files' new events in and moves their cursors: a crash keeps both or
   * none. The cursors cover exactly the events given (several files per commit on an import).
   */
  commitFiles(cursors: readonly Cursor[], events: readonly UsageEvent[]): MergeResult;
  cursor(path: string): Cursor | undefined;
  cursors(): Cursor[];
  /** How many files have a cursor (none: the first import is still to come). */
  fileCount(): number;
  /** Every file's stamp by path: what a check for changed files needs, and far cheaper. */
  fileStamps(): Map<string, FileStamp>;
  /**
   * Sums grouped by the given dimensions, from the pre-aggregated rollup; with `lists`, each
   * row also names its tools and models (a report of days needs no row per model then).
   */
  rollup(filter: RollupFilter, by: readonly RollupDimension[], lists?: boolean): RollupRow[];
  /** A session's newest `limit` requests, oldest first (for a session's detail). */
  sessionEvents(sessionId: string, limit: number): UsageEvent[];
  /** The event stored under a key (or an alias of it). */
  event(key: string): UsageEvent | undefined;
  /**
   * Re-prices every event without a reported cost (after the price table changed) and
   * rebuilds the rollup. `priceId` identifies the table so an unchanged one is skipped.
   */
  reprice(priceId: string, price: (e: UsageEvent) => UsageEvent): number;
  /** The id of the price table the computed costs come from. */
  priceId(): string | undefined;
  /**
   * A number that moves whenever usage stored through this store changes (a merge that adds
   * or updates, a re-pricing that changes a cost); replays leave it. Reading it is free: the
   * metrics export sums the ledger again only when it moved.
   */
  usageVersion(): number;
  /**
   * For a large import: the store may put off its periodic flushes to the database file until
   * the returned function is called (durability of each commit unchanged).
   */
  deferCheckpoints?(): () => void;
  close(): void;
}
