// What the exporter needs from the workstation-activity store (apps, CLI processes, sites,
// shell history) to observe the `ai.app.*`, `ai.cli.*` and `ai.browser.domain.*` metrics.
// The store implements this; the agent hands it to the exporter (daemon/agent.ts,
// `AgentOptions.activity`); memory-activity.ts is an in-memory one.

export type ActivityKind = 'app' | 'cli' | 'site';

/**
 * Everything recorded for one subject (and one source) since the store began. Every figure is
 * cumulative: it only grows, and after a restart it continues from what the store kept, so the
 * exported counters never drop or count twice. Rows are disjoint: time the store merged from two
 * sources is in one row only (DESIGN.md §4).
 */
export interface ActivityTotal {
  kind: ActivityKind;
  /** App name (`ChatGPT`), CLI name (`claude`, `aider`) or site domain (`chatgpt.com`). */
  subject: string;
  /** The catalog's category (`chat`, `coding`, …); '' when it has none. */
  category: string;
  /** What observed it: `process`, `foreground`, `history`, `extension`, `shell`. */
  source: string;
  /** Seconds in use (apps: foreground or running; CLIs: running; sites: on the page). */
  activeSeconds: number;
  /** From the catalog's hourly rate (basis: estimated). */
  estimatedCostUsd: number;
  /** Sites: visits; 0 for the others. */
  visits: number;
  /** CLIs: commands seen in shell history; 0 for the others. */
  commands: number;
}

/** One app or CLI running now, from the process sampler's latest sample. */
export interface RunningSubject {
  kind: 'app' | 'cli';
  subject: string;
  category: string;
  /** Instances running (an app's helper processes count as one instance). */
  instances: number;
  /** CPU use over the last sample, all its processes together (100 = one core). */
  cpuPercent: number;
  /** Resident memory of all its processes, in bytes. */
  memoryBytes: number;
}

export interface ActivitySource {
  /** Cumulative totals, one row per subject and source. Called on every metrics collection. */
  totals(): readonly ActivityTotal[];
  /** What runs now; empty when the process sampler is off. */
  running(): readonly RunningSubject[];
}
