// The agent's side of workstation activity: it scans processes (every 15 s) and the window in
// front (every 5 s), reads browser and shell history (every minute / 30 s), and writes what it
// sees into the ledger as activity intervals and counts. CLI time runs while a CLI's process
// runs; app time while the app is in front — or, where the desktop cannot say what is in front,
// while it runs. A stretch is written as [previous scan, this scan] while the subject is seen
// in both, so a process that stops ends its stretch at the last scan that saw it: no ghost
// time. Each source runs on its own timer, never overlapping itself; a source that fails is
// logged once per outage and tried again on its next round — it never stops the agent.

import type { Config } from '../config/schema.ts';
import type { Catalog, Os } from '../domain/activity/catalog.ts';
import type { ActivityInterval, ActivitySource } from '../domain/activity/intervals.ts';
import {
  claimAll,
  type EntryProcesses,
  foregroundEntry,
  type ProcessGauge,
  type ProcessInfo,
  processGauges,
} from '../domain/activity/process-match.ts';
import { historySources, type HistorySources } from '../sources/activity.ts';
import type { HistoryScanResult } from '../sources/browser-history/index.ts';
import { type Foreground, ForegroundSource } from '../sources/foreground/index.ts';
import { PowerShellSession } from '../sources/powershell.ts';
import { type ProcessSource, processSource } from '../sources/processes/index.ts';
import type { ShellScanResult } from '../sources/shell-history/index.ts';
import type { ActivityStore } from '../store/types.ts';

export interface ActivityServiceOptions {
  config: Config;
  catalog: Catalog;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** The ledger as its writer holds it; undefined while another process has the lock. */
  store: () => ActivityStore | undefined;
  platform?: NodeJS.Platform;
  now?: () => number;
  /** Another /proc (tests). */
  procRoot?: string;
}

/** What the foreground source last said, and the app it put in front. */
export interface ForegroundStatus {
  status: 'known' | 'unknown' | 'off';
  method?: string;
  reason?: string;
  /** The catalog app in front, if any. */
  entry?: string;
}

export interface ActivityStatus {
  processes: { lastScanAt: number | undefined; count: number; lastError: string | undefined };
  foreground: ForegroundStatus;
  history: (HistoryScanResult & { at: number }) | undefined;
  shell: (ShellScanResult & { at: number }) | undefined;
  /** Sightings held while the ledger's lock is not ours. */
  pending: number;
}

/** Two scans further apart than this many intervals are not one stretch (a suspend, a stall). */
const CONTINUITY = 2.5;
const MAX_PENDING = 10_000;

function osOf(platform: NodeJS.Platform): Os {
  return platform === 'darwin' ? 'darwin' : platform === 'win32' ? 'win32' : 'linux';
}

interface Seen {
  at: number;
  entries: Set<string>;
}

export class ActivityService {
  readonly catalog: Catalog;
  readonly #opts: ActivityServiceOptions;
  readonly #os: Os;
  readonly #now: () => number;
  #powershell: PowerShellSession | undefined;
  readonly #processes: ProcessSource | undefined;
  readonly #foreground: ForegroundSource | undefined;
  readonly #history: HistorySources;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #running = new Set<Promise<unknown>>();
  readonly #busy = new Set<string>();
  readonly #failing = new Set<string>();
  #closed = false;
  #claimed = new Map<string, EntryProcesses>();
  #table = new Map<string, ProcessInfo>();
  /** What the previous process scan saw running (apps only when counted by process). */
  #lastProcessScan: Seen | undefined;
  #lastForeground: Seen | undefined;
  #foregroundKnown = false;
  #pending: ActivityInterval[] = [];
  readonly status: ActivityStatus = {
    processes: { lastScanAt: undefined, count: 0, lastError: undefined },
    foreground: { status: 'off' },
    history: undefined,
    shell: undefined,
    pending: 0,
  };

  constructor(opts: ActivityServiceOptions) {
    this.#opts = opts;
    this.catalog = opts.catalog;
    const platform = opts.platform ?? process.platform;
    this.#os = osOf(platform);
    this.#now = opts.now ?? Date.now;
    const a = opts.config.activity;
    const powershell = () => {
      this.#powershell ??= new PowerShellSession();
      return this.#powershell;
    };
    this.#processes =
      a.enabled && a.processes
        ? processSource(platform, {
            wsl: a.wsl,
            powershell,
            ...(opts.procRoot !== undefined ? { procRoot: opts.procRoot } : {}),
          })
        : undefined;
    this.#foreground =
      a.enabled && a.foreground
        ? new ForegroundSource(platform, opts.env, powershell, this.#now)
        : undefined;
    this.#history = historySources(opts.config, opts.catalog, opts.env, {
      platform,
      pause: () =>
        this.#closed
          ? Promise.reject(new Error('the agent is stopping'))
          : new Promise((resolve) => setImmediate(resolve)),
    });
  }

  start(): void {
    const a = this.#opts.config.activity;
    if (!a.enabled) return;
    if (this.#processes !== undefined)
      this.#every('processes', a.processIntervalMs, () => this.scanProcesses());
    if (this.#foreground !== undefined)
      this.#every('foreground', a.foregroundIntervalMs, () => this.readForeground());
    if (this.#history.browser !== undefined)
      this.#every('browser history', a.historyIntervalMs, () => this.readBrowserHistory());
    if (this.#history.shell !== undefined)
      this.#every('shell history', a.shellIntervalMs, () => this.readShellHistory());
  }

  /** Runs `job` now and then every `ms`, never two at once, never throwing. */
  #every(name: string, ms: number, job: () => Promise<unknown>): void {
    const tick = () => {
      if (this.#closed || this.#busy.has(name)) return;
      this.#busy.add(name);
      const run = job()
        .then(
          () => this.#recovered(name),
          (err: Error) => this.#fail(name, err.message),
        )
        .finally(() => {
          this.#busy.delete(name);
          this.#running.delete(run);
        });
      this.#running.add(run);
    };
    setImmediate(tick);
    const timer = setInterval(tick, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  #fail(name: string, message: string): void {
    // A read cut short by the agent stopping is no failure.
    if (this.#closed || this.#failing.has(name)) return;
    this.#failing.add(name);
    this.#opts.log(`activity: ${name}: ${message} (trying again; further failures are not logged)`);
  }

  #recovered(name: string): void {
    if (this.#failing.delete(name)) this.#opts.log(`activity: ${name}: working again`);
  }

  /** Settles when the sources' current rounds are done. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }

  /** One process scan: gauges, and CLI time (and app time where the front is unknown). */
  async scanProcesses(): Promise<void> {
    if (this.#processes === undefined) return;
    let processes: ProcessInfo[];
    try {
      processes = await this.#processes.scan();
    } catch (err) {
      this.status.processes.lastError = (err as Error).message;
      throw err;
    }
    const now = this.#now();
    this.#claimed = claimAll(processes, this.catalog, this.#os);
    this.#table = new Map(processes.map((p) => [`${p.host}:${p.pid}`, p]));
    this.status.processes = { lastScanAt: now, count: processes.length, lastError: undefined };
    const appsByProcess = !this.#foregroundKnown;
    const entries = new Set<string>();
    for (const [id, g] of this.#claimed) {
      if (g.entry.kind === 'cli' || appsByProcess) entries.add(id);
    }
    const prev = this.#lastProcessScan;
    this.#lastProcessScan = { at: now, entries };
    this.#record(entries, prev, now, this.#opts.config.activity.processIntervalMs, 'process');
  }

  /** One look at the window in front: app time for the catalog app there. */
  async readForeground(): Promise<void> {
    if (this.#foreground === undefined) return;
    const fg: Foreground = await this.#foreground.read();
    const now = this.#now();
    if (fg.status === 'unknown') {
      if (this.#foregroundKnown || this.status.foreground.status === 'off') {
        this.#opts.log(
          `activity: foreground window unknown (${fg.reason}); app time counts while an app runs`,
        );
      }
      this.#foregroundKnown = false;
      this.#lastForeground = undefined;
      this.status.foreground = { status: 'unknown', reason: fg.reason };
      return;
    }
    this.#foregroundKnown = true;
    const entry =
      fg.window === undefined
        ? undefined
        : foregroundEntry(fg.window, this.#claimed, this.#table, this.catalog, this.#os);
    this.status.foreground = {
      status: 'known',
      method: fg.method,
      ...(entry !== undefined ? { entry: entry.id } : {}),
    };
    const entries = new Set(entry === undefined ? [] : [entry.id]);
    const prev = this.#lastForeground;
    this.#lastForeground = { at: now, entries };
    this.#record(entries, prev, now, this.#opts.config.activity.foregroundIntervalMs, 'foreground');
  }

  /**
   * Sightings of `entries` at `now`: from the previous round where it saw them too (and was
   * recent enough to be one stretch), else a point that the next round extends.
   */
  #record(
    entries: ReadonlySet<string>,
    prev: Seen | undefined,
    now: number,
    intervalMs: number,
    source: ActivitySource,
  ): void {
    const continuous = prev !== undefined && now - prev.at <= intervalMs * CONTINUITY;
    const out: ActivityInterval[] = [];
    for (const id of entries) {
      const e = this.catalog.byId.get(id);
      if (e === undefined) continue;
      const start = continuous && prev.entries.has(id) ? prev.at : now;
      out.push({
        subject: id,
        kind: e.kind,
        entry: id,
        category: e.category,
        rate: e.hourlyRate,
        start,
        end: now,
        source,
      });
    }
    this.#write(out);
  }

  #write(intervals: ActivityInterval[]): void {
    const store = this.#opts.store();
    if (store === undefined) {
      // The lock is a report's for a moment: hold the sightings, a bounded number.
      const room = MAX_PENDING - this.#pending.length;
      if (room > 0) this.#pending.push(...intervals.slice(0, room));
      this.status.pending = this.#pending.length;
      return;
    }
    const batch = this.#pending.length > 0 ? [...this.#pending, ...intervals] : intervals;
    if (batch.length === 0) return;
    store.commitActivity({ intervals: batch, counts: [], cursors: [] });
    this.#pending = [];
    this.status.pending = 0;
  }

  async readBrowserHistory(): Promise<void> {
    const store = this.#opts.store();
    if (store === undefined || this.#history.browser === undefined) return;
    const r = await this.#history.browser.scan(store);
    this.status.history = { ...r, at: this.#now() };
    if (r.errors.length > 0)
      throw new Error(`cannot read ${r.errors[0]!.path}: ${r.errors[0]!.message}`);
  }

  async readShellHistory(): Promise<void> {
    const store = this.#opts.store();
    if (store === undefined || this.#history.shell === undefined) return;
    await this.#history.refreshWsl();
    const r = this.#history.shell.scan(store);
    this.status.shell = { ...r, at: this.#now() };
    if (r.errors.length > 0)
      throw new Error(`cannot read ${r.errors[0]!.path}: ${r.errors[0]!.message}`);
  }

  /**
   * Running-process gauges, one per app and CLI of the catalog, from the last process scan:
   * running, pid count, CPU % (of one core, summed) and memory bytes. What the `ai.app.*` and
   * `ai.cli.*` gauges export.
   */
  gauges(): ProcessGauge[] {
    return processGauges(this.#claimed, this.catalog);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.idle();
    this.#processes?.close();
    this.#powershell?.close();
  }
}
