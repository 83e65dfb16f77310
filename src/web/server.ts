// The agent's one HTTP port: OTLP/HTTP, hooks, the session API with its SSE stream, the
// ledger's usage API, the browser extension's routes, health, and the web dashboard (static.ts).
// Every route checks the Host header; telemetry and hook routes refuse browser pages; the
// extension's take only the paired extension's origin and pairing code.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LiveMonitor } from '../daemon/monitor.ts';
import { HookPayloadError } from '../domain/normalize/hooks.ts';
import { ExtensionRoutes } from '../ingest/extension/routes.ts';
import { OTLP_PATHS, OtlpHttpHandler } from '../ingest/otlp/http.ts';
import type { OtlpSink } from '../ingest/otlp/sink.ts';
import type { UsageRoute } from './api/usage-api.ts';
import { HttpError, readBody } from './body.ts';
import type { GuardOptions, GuardResult } from './guard.ts';
import { checkHost, checkNoBrowser, checkToken } from './guard.ts';
import { type Scrape, serveMetrics } from './metrics-route.ts';
import { SseHub } from './sse.ts';
import { DashboardFiles } from './static.ts';

export interface WebServerOptions {
  host: string;
  port: number;
  monitor: LiveMonitor;
  /** Where OTLP data goes; the monitor unless a test puts something else there. */
  sink?: OtlpSink;
  version: string;
  guard: GuardOptions;
  maxBodyBytes: number;
  maxConcurrentRequests: number;
  maxInflightBytes: number;
  /** Longest a client may take to send a whole request; default 2 minutes. */
  requestTimeoutMs?: number;
  /** The ledger's usage routes (/api/summary, /api/usage, …) by path. */
  usage?: (path: string) => UsageRoute | undefined;
  /** The built dashboard (index.html, assets/); default dist/web/ of the package. */
  dashboardDir?: string;
  /** Whether the ledger can be written and its last problem, for GET /api/stats. */
  ledgerStatus?: () => { writable: boolean; lastError: string | null };
  /** GET /metrics (the Prometheus text); absent when it is off. */
  metrics?: Scrape | undefined;
  /** POST /api/extension/* (the browser extension's routes). */
  extension?: ExtensionRoutes | undefined;
}

export interface WebServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const HOOK_BODY_LIMIT = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown, extra = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(text);
}

function refuse(res: ServerResponse, g: Extract<GuardResult, { ok: false }>): void {
  sendJson(res, g.status, { error: g.message });
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  req.resume();
  sendJson(
    res,
    405,
    { error: `${req.method} is not allowed here; use ${allow}` },
    { Allow: allow },
  );
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const started = Date.now();
  const otlp = new OtlpHttpHandler({
    sink: opts.sink ?? opts.monitor,
    maxBodyBytes: opts.maxBodyBytes,
    maxConcurrentRequests: opts.maxConcurrentRequests,
    maxInflightBytes: opts.maxInflightBytes,
  });
  const sse = new SseHub(opts.monitor);
  const dashboard = new DashboardFiles(opts.dashboardDir);

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = checkHost(req, opts.guard);
    if (!host.ok) return refuse(res, host);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;

    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, res, 'GET');
      return sendJson(res, 200, {
        status: 'ok',
        version: opts.version,
        uptime_s: Math.round((Date.now() - started) / 1000),
        sessions: opts.monitor.sessionCount,
      });
    }
    // The extension's routes check their own bearer token (the pairing code) and origin.
    if (ExtensionRoutes.owns(path) && opts.extension !== undefined) {
      const r = await opts.extension.handle(req, path);
      return sendJson(res, r.status, r.body, r.headers ?? {});
    }
    const token = checkToken(req, opts.guard.token);
    if (!token.ok) return refuse(res, token);

    if (DashboardFiles.owns(path)) return dashboard.handle(req, res, path);
    const signal = OTLP_PATHS[path];
    if (signal !== undefined) {
      if (req.method !== 'POST') return methodNotAllowed(req, res, 'POST');
      const browser = checkNoBrowser(req);
      if (!browser.ok) return refuse(res, browser);
      return otlp.handle(req, res, signal);
    }
    if (path === '/metrics') return serveMetrics(req, res, opts.metrics);
    if (path === '/api/sessions') {
      if (req.method !== 'GET') return methodNotAllowed(req, res, 'GET');
      const snap = opts.monitor.snapshot();
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      return void res.end(snap.json);
    }
    if (path === '/api/stream') {
      if (req.method !== 'GET') return methodNotAllowed(req, res, 'GET');
      return sse.attach(req, res);
    }
    if (path === '/api/stats') {
      if (req.method !== 'GET') return methodNotAllowed(req, res, 'GET');
      return sendJson(res, 200, {
        monitor: opts.monitor.stats,
        received: opts.monitor.received,
        otlp_http: otlp.stats,
        stream: sse.stats(),
        ...(opts.ledgerStatus !== undefined && { ledger: opts.ledgerStatus() }),
      });
    }
    const ack = /^\/api\/sessions\/([^/]+)\/ack$/.exec(path);
    if (ack !== null) {
      if (req.method !== 'POST') return methodNotAllowed(req, res, 'POST');
      const browser = checkNoBrowser(req);
      if (!browser.ok) return refuse(res, browser);
      req.resume();
      const id = decodeURIComponent(ack[1]!);
      if (!opts.monitor.acknowledge(id)) {
        return sendJson(res, 404, { error: `no session ${JSON.stringify(id)}` });
      }
      return sendJson(res, 200, { ok: true });
    }
    const hook = /^\/api\/hooks\/(claude|codex)$/.exec(path);
    if (hook !== null) {
      if (req.method !== 'POST') return methodNotAllowed(req, res, 'POST');
      const browser = checkNoBrowser(req);
      if (!browser.ok) return refuse(res, browser);
      const body = await readBody(req, HOOK_BODY_LIMIT);
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw new HttpError(400, `hook body is not JSON: ${(err as Error).message}`);
      }
      try {
        opts.monitor.hook(hook[1] as 'claude' | 'codex', payload);
      } catch (err) {
        if (err instanceof HookPayloadError) throw new HttpError(400, err.message);
        throw err;
      }
      return sendJson(res, 200, { ok: true });
    }
    const usage = opts.usage?.(path);
    if (usage !== undefined) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, res, 'GET');
      req.resume();
      return sendJson(res, 200, usage(path, url.searchParams));
    }
    req.resume();
    sendJson(res, 404, { error: `no route ${path}` });
  };

  const requestTimeout = opts.requestTimeoutMs ?? 120_000;
  const server = createServer(
    {
      // The Host check is ours, so that a request without one is a 403 like any other
      // refused name rather than Node's bare 400.
      requireHostHeader: false,
      // Node looks for requests past their time this often: a fraction of the timeout, so a
      // trickled body is cut off close to it.
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, requestTimeout / 4)),
      requestTimeout,
      headersTimeout: Math.min(30_000, requestTimeout),
    },
    (req, res) => {
      route(req, res).catch((err: unknown) => {
        const e =
          err instanceof HttpError ? err : new HttpError(500, `internal error: ${String(err)}`);
        if (res.headersSent) return void res.destroy();
        sendJson(res, e.status, { error: e.message }, e.headers);
      });
    },
  );
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        sse.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
