// Starts the real HTTP port with a live monitor on 127.0.0.1:0 for tests.

import { LiveMonitor } from '../../src/daemon/monitor.ts';
import { DEFAULT_TIMINGS, type SessionTimings } from '../../src/domain/sessions.ts';
import type { OtlpSink } from '../../src/ingest/otlp/sink.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';

export interface TestServer {
  monitor: LiveMonitor;
  web: WebServer;
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(
  opts: {
    maxBodyBytes?: number;
    maxConcurrentRequests?: number;
    maxInflightBytes?: number;
    sink?: OtlpSink;
    timings?: Partial<SessionTimings>;
    token?: string;
    dashboardDir?: string;
    requestTimeoutMs?: number;
    maxSessions?: number;
    /** The monitor's shortest time between snapshots (0: one per event-loop turn). */
    snapshotIntervalMs?: number;
  } = {},
): Promise<TestServer> {
  const monitor = new LiveMonitor({
    timings: { ...DEFAULT_TIMINGS, ...opts.timings },
    maxSessions: opts.maxSessions ?? 256,
    ...(opts.snapshotIntervalMs !== undefined
      ? { snapshotIntervalMs: opts.snapshotIntervalMs }
      : {}),
  });
  const web = await startWebServer({
    host: '127.0.0.1',
    port: 0,
    monitor,
    ...(opts.sink !== undefined ? { sink: opts.sink } : {}),
    version: 'test',
    guard: { extraHosts: [], token: opts.token ?? '' },
    maxBodyBytes: opts.maxBodyBytes ?? 20 * 1024 * 1024,
    maxConcurrentRequests: opts.maxConcurrentRequests ?? 64,
    maxInflightBytes: opts.maxInflightBytes ?? 256 * 1024 * 1024,
    ...(opts.dashboardDir !== undefined ? { dashboardDir: opts.dashboardDir } : {}),
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  });
  return {
    monitor,
    web,
    url: `http://127.0.0.1:${web.port}`,
    async close() {
      await web.close();
      monitor.close();
    },
  };
}
