// Slowloris against the real agent with its shipped timeout: `connections` clients each send
// an OTLP request's head and then trickle its body a byte every `every` seconds, for minutes.
// Each must be cut off (408, or the connection closed) once server.requestTimeout (default
// 2 minutes) has passed, while the agent keeps answering others: /health is asked every
// second throughout, and its slowest answer is reported. Nothing of the trickled requests
// may be recorded.
//
//   node bench/slowloris.ts [--connections 200] [--every 5] [--max-minutes 5] [--timeout 2m]
//                           [--build dist|ts]
//
// 127.0.0.1 only; bounded by --max-minutes.

import { connect } from 'node:net';
import { type AgentBuild, startAgent } from './lib/agent.ts';
import { fmt, int, machine, numberFlags, summarize } from './lib/stats.ts';

interface Cut {
  afterMs: number;
  status: string;
  bytesSent: number;
}

export async function runSlowloris(o: {
  connections: number;
  everyS: number;
  maxMinutes: number;
  timeout: string;
  build: AgentBuild;
}): Promise<{ cuts: Cut[]; healthMs: number[]; ok: boolean }> {
  const agent = await startAgent({
    build: o.build,
    env: {
      AI_OBSERVER_SERVER_REQUEST_TIMEOUT: o.timeout,
      AI_OBSERVER_ACTIVITY_ENABLED: 'false',
      AI_OBSERVER_LEDGER_ENABLED: 'false',
    },
  });
  console.log(`machine: ${machine()}`);
  console.log(
    `slowloris: ${o.connections} connections, a byte every ${o.everyS} s, server.requestTimeout ${o.timeout}, agent pid ${agent.pid} (${o.build})`,
  );
  const body = Buffer.alloc(100_000, 1); // declared, never all sent
  const cuts: Cut[] = [];
  const started = Date.now();
  const deadline = started + o.maxMinutes * 60_000;
  const clients = Array.from(
    { length: o.connections },
    () =>
      new Promise<void>((resolve) => {
        let sent = 0;
        let got = '';
        const t0 = Date.now();
        const sock = connect(agent.port, '127.0.0.1', () => {
          sock.write(
            `POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`,
          );
        });
        const trickle = setInterval(() => {
          if (Date.now() > deadline) return sock.destroy();
          if (!sock.destroyed) sock.write(body.subarray(sent, ++sent));
        }, o.everyS * 1000);
        sock.on('data', (c) => {
          got += c.toString('latin1');
        });
        sock.on('error', () => undefined);
        sock.on('close', () => {
          clearInterval(trickle);
          const status = /^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 'closed';
          cuts.push({ afterMs: Date.now() - t0, status, bytesSent: sent });
          resolve();
        });
      }),
  );
  const healthMs: number[] = [];
  const health = setInterval(() => {
    const t = performance.now();
    void fetch(`${agent.url}/health`)
      .then((r) => r.arrayBuffer())
      .then(() => healthMs.push(performance.now() - t))
      .catch(() => healthMs.push(Number.POSITIVE_INFINITY));
  }, 1000);
  await Promise.all(clients);
  clearInterval(health);
  const stats = (await (await fetch(`${agent.url}/api/stats`)).json()) as {
    monitor: { logRecords: number };
  };
  await agent.stop();

  const after = summarize(cuts.map((c) => c.afterMs / 1000));
  const h = summarize(healthMs);
  const byStatus: Record<string, number> = {};
  for (const c of cuts) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
  const timeoutS = cuts.length > 0 ? Math.min(...cuts.map((c) => c.afterMs)) / 1000 : 0;
  // Node looks for expired requests every quarter of the timeout (server.ts), so a cut comes
  // between the timeout and a quarter more. Requests over server.maxConcurrentRequests were
  // answered 429 at once; their connections are cut by the same timeout.
  const limitMs = parseDuration(o.timeout) * 1.25 + 5000;
  const ok =
    cuts.length === o.connections &&
    cuts.every((c) => (c.status === '408' || c.status === '429') && c.afterMs <= limitMs) &&
    stats.monitor.logRecords === 0 &&
    h.max < 1000;
  console.log(
    `cut off: ${int(cuts.length)}/${o.connections} (${JSON.stringify(byStatus)}) after ${fmt(after.p50, 1)} s (min ${fmt(timeoutS, 1)}, max ${fmt(after.max, 1)}); ` +
      `bytes of body trickled before the cut: ${int(Math.max(...cuts.map((c) => c.bytesSent)))} at most`,
  );
  console.log(
    `/health during the attack: ${int(h.n)} answers, p50 ${fmt(h.p50)} ms, max ${fmt(h.max)} ms; records taken from trickled requests: ${stats.monitor.logRecords}`,
  );
  console.log(
    `elapsed ${fmt((Date.now() - started) / 60_000, 1)} min; goals ${ok ? 'met' : 'NOT met'}`,
  );
  return { cuts, healthMs, ok };
}

/** `90s`, `2m`, `1h` → ms (the bench's own flag; the agent validates the real key). */
function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (m === null) throw new Error(`--timeout: a duration such as 90s or 2m, not ${text}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

if (import.meta.main) {
  const f = numberFlags({
    connections: 200,
    every: 5,
    'max-minutes': 5,
    timeout: '2m',
    build: 'dist',
  });
  if (f.connections < 1 || f.connections > 2000) throw new Error('--connections: 1..2000');
  if (f['max-minutes'] <= 0 || f['max-minutes'] > 60) throw new Error('--max-minutes: 1..60');
  const r = await runSlowloris({
    connections: f.connections,
    everyS: f.every,
    maxMinutes: f['max-minutes'],
    timeout: f.timeout,
    build: f.build === 'ts' ? 'ts' : 'dist',
  });
  process.exitCode = r.ok ? 0 : 1;
}
