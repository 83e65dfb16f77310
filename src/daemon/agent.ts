// The composition root: config in, a running agent out (monitor, HTTP port, gRPC port,
// notifications, snapshot file, metrics export), and one idempotent close.

import { loadCatalog } from '../catalog/load.ts';
import type { Paths } from '../config/paths.ts';
import { type Config, ConfigError } from '../config/schema.ts';
import type { Transition } from '../domain/sessions.ts';
import type { ActivitySource } from '../export/activity-source.ts';
import { MetricsExport } from '../export/metrics-export.ts';
import { OtlpTargetError } from '../export/otlp-target.ts';
import { PairingFile, pairingPath } from '../ingest/extension/pairing.ts';
import { ExtensionRoutes } from '../ingest/extension/routes.ts';
import { startGrpcReceiver } from '../ingest/otlp/grpc.ts';
import { createNotifier, notificationFor } from '../notify/index.ts';
import { VERSION } from '../version.ts';
import { localZoneName } from '../config/local-zone.ts';
import { dataDirProblems } from '../ledger/data-dir.ts';
import { activityApi } from '../web/api/activity-api.ts';
import { usageApi } from '../web/api/usage-api.ts';
import { startWebServer } from '../web/server.ts';
import { activityMetrics } from './activity-metrics.ts';
import { ActivityService } from './activity-service.ts';
import { LedgerService } from './ledger-service.ts';
import { LiveMonitor } from './monitor.ts';
import { SnapshotFile } from './snapshot-file.ts';

export interface AgentOptions {
  config: Config;
  paths: Paths;
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** The workstation-activity store, for the `ai.app.*`, `ai.cli.*`, `ai.browser.*` metrics. */
  activity?: ActivitySource | undefined;
}

export interface Agent {
  monitor: LiveMonitor;
  ledger: LedgerService;
  metrics: MetricsExport;
  activity: ActivityService;
  httpPort: number;
  grpcPort: number | undefined;
  close(): Promise<void>;
}

export function shouldNotify(t: Transition, config: Config['notifications']): boolean {
  if (!config.enabled || t.from === t.to) return false;
  if (t.to === 'completed') return config.onCompleted;
  if (t.to === 'waiting') return config.onWaiting;
  return false;
}

export async function startAgent(opts: AgentOptions): Promise<Agent> {
  const { config, log } = opts;
  // First: a bad catalog override is a config error, before anything listens.
  const catalog = loadCatalog(config.activity.catalog);
  const s = config.sessions;
  const monitor = new LiveMonitor({
    timings: {
      quietMs: s.quietPeriodMs,
      staleWorkingMs: s.staleWorkingMs,
      completedToIdleMs: s.completedToIdleMs,
      expireAfterMs: s.expireAfterMs,
      endedExpireMs: s.endedExpireMs,
    },
    maxSessions: s.maxSessions,
  });

  const notifier = createNotifier({
    enabled: config.notifications.enabled,
    ...(config.notifications.command !== '' ? { command: config.notifications.command } : {}),
    onError: (err) => log(`notifications: ${err.message} (further failures are not logged)`),
  });
  monitor.onTransition((t) => {
    if (!shouldNotify(t, config.notifications)) return;
    notifier.notify(
      notificationFor({
        sessionId: t.sessionId,
        tool: t.tool,
        project: t.project,
        from: t.from ?? 'new',
        to: t.to as 'completed' | 'waiting',
        ...(t.detail !== undefined && t.to === 'waiting' ? { detail: t.detail } : {}),
      }),
    );
  });

  const ledger = new LedgerService({
    config,
    paths: opts.paths,
    env: opts.env ?? process.env,
    log,
  });
  monitor.onUsage((events) => ledger.addUsage(events));
  // A read-only or full data directory is said at start with what to do; the agent goes on.
  for (const problem of dataDirProblems(opts.paths)) log(`ledger: ${problem}`);
  ledger.start();
  const activity = new ActivityService({
    config,
    catalog,
    env: opts.env ?? process.env,
    log,
    store: () => ledger.store,
  });
  activity.start();

  let metrics: MetricsExport;
  try {
    metrics = new MetricsExport({
      config: config.export,
      dataDir: opts.paths.dataDir,
      version: VERSION,
      ledger: () => ledger.store,
      sessions: () => monitor.snapshot().message.sessions,
      activity: opts.activity ?? activityMetrics(activity, () => ledger.store),
      log,
    });
  } catch (err) {
    monitor.close();
    await ledger.close();
    if (err instanceof OtlpTargetError) throw new ConfigError(err.message);
    throw err;
  }
  monitor.onTransition((t) => metrics.transition(t));

  const snapshotPath = config.snapshot.path || opts.paths.snapshotFile;
  let logged = false;
  const snapshot = config.snapshot.enabled
    ? new SnapshotFile(snapshotPath, (err) => {
        if (!logged) log(`snapshot file ${snapshotPath}: ${err.message}`);
        logged = true;
      })
    : undefined;
  if (snapshot !== undefined) {
    snapshot.write(monitor.snapshot().json);
    monitor.onSnapshot((snap) => snapshot.write(snap.json));
  }

  const extraHosts = config.server.allowRemote ? [config.server.host.toLowerCase()] : [];
  const reportZone = config.report.timezone || localZoneName(opts.env ?? process.env);
  const web = await startWebServer({
    host: config.server.host,
    port: config.server.port,
    monitor,
    version: VERSION,
    guard: { extraHosts, token: config.server.token },
    maxBodyBytes: config.server.maxBodyBytes,
    maxConcurrentRequests: config.server.maxConcurrentRequests,
    maxInflightBytes: config.server.maxInflightBytes,
    requestTimeoutMs: config.server.requestTimeoutMs,
    ledgerStatus: () => ({
      writable: ledger.status.writable,
      lastError: ledger.status.lastError ?? null,
    }),
    usage: usageApi({
      store: () => ledger.reader(),
      liveSession: (id) => monitor.session(id),
      zone: reportZone,
      activity: activityApi({
        store: () => ledger.reader(),
        catalog: activity.catalog,
        zone: reportZone,
      }),
    }),
    metrics: config.export.prometheus ? () => metrics.scrape() : undefined,
    extension: new ExtensionRoutes({
      pairing: new PairingFile(pairingPath(opts.paths.dataDir)),
      catalog: activity.catalog,
      store: () => ledger.store,
      reader: () => ledger.reader(),
      zone: reportZone,
      version: VERSION,
      log,
    }),
  }).catch(async (err: NodeJS.ErrnoException) => {
    monitor.close();
    await activity.close();
    await ledger.close();
    await metrics.close();
    throw new Error(
      `cannot listen on ${config.server.host}:${config.server.port}: ${err.code ?? err.message}`,
    );
  });

  let grpc: Awaited<ReturnType<typeof startGrpcReceiver>> | undefined;
  if (config.server.grpc) {
    try {
      grpc = await startGrpcReceiver({
        host: config.server.host,
        port: config.server.grpcPort,
        sink: monitor,
        maxMessageBytes: config.server.maxBodyBytes,
        token: config.server.token,
      });
    } catch (err) {
      await web.close();
      monitor.close();
      await activity.close();
      await ledger.close();
      await metrics.close();
      throw new Error(
        `cannot listen for OTLP/gRPC on ${config.server.host}:${config.server.grpcPort}: ${(err as Error).message}`,
      );
    }
  }

  try {
    await metrics.start(
      config.server.host,
      [web.port, grpc?.port].filter((p) => p !== undefined),
    );
  } catch (err) {
    await Promise.allSettled([web.close(), grpc?.close()]);
    monitor.close();
    await ledger.close();
    await metrics.close();
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    monitor,
    ledger,
    metrics,
    activity,
    httpPort: web.port,
    grpcPort: grpc?.port,
    close() {
      closing ??= (async () => {
        await Promise.allSettled([web.close(), grpc?.close()]);
        // Before the ledger closes: the last push reads its totals.
        await metrics.close();
        monitor.close();
        await activity.close();
        await ledger.close();
        await notifier.close();
        await snapshot?.remove();
      })();
      return closing;
    },
  };
}
