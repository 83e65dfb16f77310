// A real Prometheus (the Debian package's `prometheus` binary) for tests: started on
// 127.0.0.1 with a free port, a temporary storage directory and a 1 s scrape of the given
// targets; stopped (and its directory removed) by close().

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface Prometheus {
  url: string;
  /** An instant query at `timeMs`: the vector's samples. Throws on a query error. */
  query(expr: string, timeMs?: number): Promise<PromSample[]>;
  /** Raw samples of a range selector (e.g. `x[5m]`) at `timeMs`: [ts ms, value] per series. */
  samples(
    selector: string,
    timeMs?: number,
  ): Promise<Array<{ metric: Record<string, string>; points: Array<[number, number]> }>>;
  /** Values of a label on series matching `match`. */
  labelValues(label: string, match: string): Promise<string[]>;
  /** The scrape targets' health. */
  targets(): Promise<Array<{ health: string; lastError: string; scrapeUrl: string }>>;
  close(): Promise<void>;
}

/** The binary, or undefined when it is not installed (.ci/run installs it). */
export function prometheusBinary(): string | undefined {
  const r = spawnSync('prometheus', ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0 ? 'prometheus' : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface ApiResponse<T> {
  status: string;
  data: T;
  error?: string;
  errorType?: string;
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as ApiResponse<T>;
  if (body.status !== 'success') {
    throw new Error(`Prometheus ${url}: ${body.errorType ?? res.status}: ${body.error ?? ''}`);
  }
  return body.data;
}

/** Starts Prometheus scraping `targets` (host:port) at `metricsPath` every second. */
export async function startPrometheus(opts: {
  targets: string[];
  metricsPath?: string;
  bearerToken?: string;
}): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'aio-prom-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: ai-observer',
      `    metrics_path: ${opts.metricsPath ?? '/metrics'}`,
      ...(opts.bearerToken !== undefined
        ? ['    authorization:', `      credentials: ${opts.bearerToken}`]
        : []),
      '    static_configs:',
      `      - targets: [${opts.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  let lastErr = '';
  // A port found free can be taken by another test before Prometheus binds it: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc: ChildProcess = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const url = `http://127.0.0.1:${port}`;
    const ready = await waitReady(url, proc, 20_000);
    if (!ready) {
      proc.kill('SIGKILL');
      lastErr = stderr;
      continue;
    }
    return {
      url,
      async query(expr, timeMs) {
        const q = new URLSearchParams({ query: expr });
        if (timeMs !== undefined) q.set('time', (timeMs / 1000).toFixed(3));
        const data = await api<{ resultType: string; result: unknown }>(`${url}/api/v1/query?${q}`);
        if (data.resultType === 'scalar') {
          const [, v] = data.result as [number, string];
          return [{ metric: {}, value: Number(v) }];
        }
        if (data.resultType !== 'vector') throw new Error(`${expr}: a ${data.resultType}`);
        return (
          data.result as Array<{ metric: Record<string, string>; value: [number, string] }>
        ).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
      },
      async samples(selector, timeMs) {
        const q = new URLSearchParams({ query: selector });
        if (timeMs !== undefined) q.set('time', (timeMs / 1000).toFixed(3));
        const data = await api<{
          resultType: string;
          result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
        }>(`${url}/api/v1/query?${q}`);
        return data.result.map((r) => ({
          metric: r.metric,
          points: r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number]),
        }));
      },
      async labelValues(label, match) {
        const q = new URLSearchParams({ 'match[]': match });
        return api<string[]>(`${url}/api/v1/label/${label}/values?${q}`);
      },
      async targets() {
        const data = await api<{
          activeTargets: Array<{ health: string; lastError: string; scrapeUrl: string }>;
        }>(`${url}/api/v1/targets`);
        return data.activeTargets;
      },
      close() {
        return new Promise<void>((resolve) => {
          const done = () => {
            rmSync(dir, { recursive: true, force: true });
            resolve();
          };
          if (proc.exitCode !== null) return done();
          proc.once('exit', done);
          proc.kill('SIGTERM');
          setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
        });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`prometheus did not start: ${lastErr}`);
}

async function waitReady(url: string, proc: ChildProcess, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
