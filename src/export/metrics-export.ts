// The agent's metrics export, as the composition root sees it: the session counters (kept from
// the start, whether or not anything is exported yet), the OTLP push when an endpoint is set,
// and GET /metrics. The OpenTelemetry SDK itself loads on first need (metrics-service.ts).

import { join } from 'node:path';
import { type Config, ConfigError } from '../config/schema.ts';
import type { SessionState, Transition } from '../domain/sessions.ts';
import type { LedgerStore } from '../store/types.ts';
import type { ActivitySource } from './activity-source.ts';
import { LedgerTotals } from './ledger-totals.ts';
import type { MetricsService } from './metrics-service.ts';
import { CaFileError } from './otlp-ca.ts';
import { isOwnReceiver, type OtlpTarget, otlpTarget } from './otlp-target.ts';
import { resourceAttributes } from './resource.ts';
import { SessionCounters } from './session-counters.ts';

export const SESSION_COUNTERS_FILE = 'session-counters.json';

export interface MetricsExportOptions {
  config: Config['export'];
  dataDir: string;
  version: string;
  /** The ledger, while this process is its writer. */
  ledger: () => LedgerStore | undefined;
  /** Tool and state of every live session. */
  sessions: () => ReadonlyArray<{ id: string; tool: string; state: SessionState }>;
  activity: ActivitySource | undefined;
  log: (line: string) => void;
}

export class MetricsExport {
  readonly #opts: MetricsExportOptions;
  readonly counters: SessionCounters;
  readonly #target: OtlpTarget | undefined;
  #service: Promise<MetricsService> | undefined;
  #closed = false;
  /** False when the endpoint turned out to be this agent's own receiver. */
  #push = true;
  /** Settles once start() has decided about the push; scrapes wait for it. */
  readonly #started: Promise<void>;
  #markStarted: () => void = () => undefined;

  /** Throws OtlpTargetError on an endpoint that cannot be used. */
  constructor(opts: MetricsExportOptions) {
    this.#opts = opts;
    this.#target = otlpTarget(opts.config.otlp);
    this.counters = new SessionCounters({
      file: join(opts.dataDir, SESSION_COUNTERS_FILE),
      stateOf: (id) => opts.sessions().find((s) => s.id === id)?.state,
      log: (line) => opts.log(`metrics: ${line}`),
    });
    this.#started = new Promise((resolve) => {
      this.#markStarted = resolve;
    });
  }

  /** Where metrics are pushed, if anywhere. */
  get target(): OtlpTarget | undefined {
    return this.#target;
  }

  transition(t: Transition): void {
    this.counters.transition(t);
  }

  /**
   * Starts the push once the agent's own ports are known. An endpoint that is this agent's
   * own receiver is refused with a log line (see isOwnReceiver); anything else that fails
   * (an unreadable CA file) is thrown.
   */
  async start(listenHost: string, ownPorts: readonly number[]): Promise<void> {
    try {
      const t = this.#target;
      if (t === undefined) return;
      if (isOwnReceiver(t, listenHost, ownPorts)) {
        this.#opts.log(
          `export: not sending metrics to ${t.display} (export.otlp.endpoint from ${this.#opts.config.otlp.endpointOrigin}): that is this agent's own OTLP receiver`,
        );
        this.#push = false;
        return;
      }
      try {
        await this.#load();
      } catch (err) {
        this.#service = undefined;
        if (err instanceof CaFileError) {
          throw new ConfigError(`invalid config export.otlp.ca: ${err.message}`);
        }
        throw err;
      }
      this.#opts.log(
        `export: sending metrics to ${t.display} every ${this.#opts.config.intervalMs / 1000} s`,
      );
    } finally {
      this.#markStarted();
    }
  }

  /** GET /metrics: the Prometheus text. */
  async scrape(): Promise<string> {
    await this.#started;
    return (await this.#load()).scrape();
  }

  #load(): Promise<MetricsService> {
    if (this.#closed) return Promise.reject(new Error('the agent is stopping'));
    this.#service ??= this.#create();
    return this.#service;
  }

  async #create(): Promise<MetricsService> {
    const o = this.#opts;
    const { startMetricsService } = await import('./metrics-service.ts');
    const ledger = new LedgerTotals({
      store: o.ledger,
      perSession: o.config.perSession,
      onError: (err) => o.log(`metrics: cannot read the ledger: ${err.message}`),
    });
    return startMetricsService({
      labels: o.config.labels,
      perSession: o.config.perSession,
      sources: {
        ledger: () => ledger.read(),
        sessions: o.sessions,
        sessionTotals: () => this.counters.current(),
        activity: o.activity,
      },
      resource: resourceAttributes({
        version: o.version,
        dataDir: o.dataDir,
        hostName: o.config.hostName,
        environment: o.config.environment,
      }),
      version: o.version,
      prometheus: o.config.prometheus,
      otlp: this.#push ? this.#target : undefined,
      ca: o.config.otlp.ca,
      intervalMs: o.config.intervalMs,
      log: o.log,
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const service = this.#service;
    if (service !== undefined) {
      // The last totals go out before the agent stops (shutdown pushes once more).
      await service.then(
        (s) => s.close(),
        () => undefined,
      );
    }
    this.counters.close();
  }
}
