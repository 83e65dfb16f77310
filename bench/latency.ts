// Latency from an OTLP/HTTP request arriving to the `ai-observer watch` line that shows it.
//
//   node bench/latency.ts [--duration 30] [--rate 1000] [--sessions 100] [--batch 1]
//                         [--warmup 2] [--build dist|ts] [--node-flags="--max-semi-space-size=1"]
//                         [--no-snapshot-file] [--root DIR] [--agent-stdout FILE] [--direct]
//
// Starts the real agent and a real `watch` child on 127.0.0.1, then sends OTLP/HTTP protobuf
// requests of `batch` claude_code.api_request records (default 1) at `rate` records/s,
// round-robin over `sessions` live sessions, over a keep-alive agent. Every record has a new
// request_id, so every request raises its session's `requests` count by `batch` and makes a
// change the agent must publish. A request's latency is from just before it is written to the
// socket until the first watch line whose session shows `requests` ≥ the count it brought.
// Requests sent during the first `warmup` seconds are not counted. `--no-snapshot-file` runs the
// agent with snapshot.enabled=false; `--root DIR` runs it from another (e.g. patched) copy;
// `--direct` reads /api/stream in the load client instead of through `watch` (agent alone).

import { readSse } from '../src/cli/sse-client.ts';
import { type AgentBuild, cpuSeconds, startAgent, startWatch } from './lib/agent.ts';
import { pacedLoad } from './lib/load.ts';
import { fmt, int, machine, numberFlags, summarize } from './lib/stats.ts';

/** A session object in a watch line: its id, then scalar fields up to `requests`. */
const SESSION_RE = /\{"id":"([^"]+)",[^{}]*?"requests":(\d+)/g;

interface Pending {
  n: number;
  t0: number;
  counted: boolean;
}

export interface LatencyResult {
  summary: ReturnType<typeof summarize>;
  lines: number;
  requests: number;
  records: number;
  okResponses: number;
  failed: Record<number, number>;
  unmatched: number;
  http: ReturnType<typeof summarize>;
  maxBehindMs: number;
  elapsedS: number;
  cpu: { agent: number; watch: number; client: number };
}

export async function runLatency(o: {
  durationS: number;
  rate: number;
  sessions: number;
  batch: number;
  warmupS: number;
  build: AgentBuild;
  nodeFlags: string[];
  /** false: run the agent with snapshot.enabled=false (no sessions.json writes). */
  snapshotFile?: boolean;
  /** Another copy of the project to run the agent from (see AgentLaunch.root). */
  root?: string;
  /** Append the agent's stdout here (for --node-flags --trace-gc). */
  agentStdout?: string;
  /** Read /api/stream here rather than through `ai-observer watch` (isolates the agent). */
  direct?: boolean;
  log?: (line: string) => void;
}): Promise<LatencyResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const agent = await startAgent({
    build: o.build,
    nodeFlags: o.nodeFlags,
    ...(o.snapshotFile === false && { env: { AI_OBSERVER_SNAPSHOT_ENABLED: 'false' } }),
    ...(o.root !== undefined && { root: o.root }),
    ...(o.agentStdout !== undefined && { stdoutFile: o.agentStdout }),
  });
  const pending = new Map<string, { q: Pending[]; head: number }>();
  const latencies: number[] = [];
  let lines = 0;
  let unmatched = 0;
  let firstLine: () => void = () => {};
  const connected = new Promise<void>((r) => {
    firstLine = r;
  });
  const onLine = (line: string, at: number) => {
    lines++;
    firstLine();
    // A regex scan instead of JSON.parse: the line is ~55 KB for 100 sessions, and the load
    // client shares the two cores with the agent and watch, so it must stay cheap.
    SESSION_RE.lastIndex = 0;
    for (let m = SESSION_RE.exec(line); m !== null; m = SESSION_RE.exec(line)) {
      const p = pending.get(m[1]!);
      if (p === undefined) continue;
      const requests = Number(m[2]);
      while (p.head < p.q.length && p.q[p.head]!.n <= requests) {
        const item = p.q[p.head]!;
        if (item.counted) latencies.push(at - item.t0);
        p.head++;
      }
      if (p.head > 1024) {
        p.q.splice(0, p.head);
        p.head = 0;
      }
    }
  };
  // --direct: read the agent's SSE stream in this process instead of through a watch child.
  const watch = o.direct ? startDirect(agent.url, onLine) : startWatch(agent.url, onLine);
  try {
    await Promise.race([
      connected,
      new Promise((_, fail) => setTimeout(() => fail(new Error('watch printed nothing')), 15_000)),
    ]);
    const cpu0 = {
      agent: cpuSeconds(agent.pid),
      watch: watch.child?.pid !== undefined ? cpuSeconds(watch.child.pid) : 0,
      client: process.cpuUsage(),
    };
    const linesBefore = lines;
    const warmupUntil = performance.now() + o.warmupS * 1000;
    const load = await pacedLoad({
      port: agent.port,
      rate: o.rate,
      sessions: o.sessions,
      batch: o.batch,
      durationMs: (o.durationS + o.warmupS) * 1000,
      onSend: (s, n, at) => {
        let p = pending.get(s.sessionId);
        if (p === undefined) {
          p = { q: [], head: 0 };
          pending.set(s.sessionId, p);
        }
        p.q.push({ n, t0: at, counted: at >= warmupUntil });
      },
    });
    // Let the last lines arrive (bounded).
    const drainUntil = performance.now() + 5000;
    const open = () => [...pending.values()].some((p) => p.head < p.q.length);
    while (open() && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
    for (const p of pending.values()) unmatched += p.q.length - p.head;
    const clientCpu = process.cpuUsage(cpu0.client);
    const cpu = {
      agent: cpuSeconds(agent.pid) - cpu0.agent,
      watch: watch.child?.pid !== undefined ? cpuSeconds(watch.child.pid) - cpu0.watch : 0,
      client: (clientCpu.user + clientCpu.system) / 1e6,
    };
    const result: LatencyResult = {
      summary: summarize(latencies),
      lines: lines - linesBefore,
      requests: load.requests,
      records: load.records,
      okResponses: load.ok,
      failed: load.failed,
      unmatched,
      http: summarize(load.httpMs),
      maxBehindMs: load.maxBehindMs,
      elapsedS: load.elapsedMs / 1000,
      cpu,
    };
    report(result, o, log);
    return result;
  } finally {
    await watch.stop();
    await agent.stop();
  }
}

/** The SSE stream read in this process: each session_list event's data is one "line". */
function startDirect(
  url: string,
  onLine: (line: string, at: number) => void,
): { child: undefined; stop(): Promise<void> } {
  const abort = new AbortController();
  const done = (async () => {
    try {
      const res = await fetch(`${url}/api/stream`, { signal: abort.signal });
      if (res.body === null) return;
      for await (const ev of readSse(res.body)) {
        if (ev.event === 'session_list') onLine(ev.data, performance.now());
      }
    } catch {
      // aborted at the end
    }
  })();
  return {
    child: undefined,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

function report(
  r: LatencyResult,
  o: {
    rate: number;
    sessions: number;
    batch: number;
    warmupS: number;
    build: AgentBuild;
    direct?: boolean;
  },
  log: (line: string) => void,
): void {
  const s = r.summary;
  const to = o.direct ? 'SSE event read by the load client (--direct)' : 'watch line';
  log(`latency: OTLP/HTTP protobuf request → ${to} (${o.build} build)`);
  log(
    `  load: ${int(o.rate)} records/s, ${o.sessions} sessions, ${o.batch} record(s)/request, ` +
      `${fmt(r.elapsedS, 1)} s (first ${o.warmupS} s not counted)`,
  );
  log(
    `  sent: ${int(r.requests)} requests, ${int(r.records)} records; 200 OK: ${int(r.okResponses)}` +
      (Object.keys(r.failed).length > 0 ? `; failed: ${JSON.stringify(r.failed)}` : ''),
  );
  log(`  watch lines: ${int(r.lines)}; requests never seen in a line: ${r.unmatched}`);
  log(
    `  request → line ms (n=${int(s.n)}): p50 ${fmt(s.p50)}  p90 ${fmt(s.p90)}  ` +
      `p99 ${fmt(s.p99)}  max ${fmt(s.max)}  mean ${fmt(s.mean)}`,
  );
  log(
    `  HTTP round trip ms: p50 ${fmt(r.http.p50)}  p99 ${fmt(r.http.p99)}  max ${fmt(r.http.max)}; ` +
      `sender max lag behind schedule ${fmt(r.maxBehindMs, 1)} ms`,
  );
  log(
    `  CPU s used: agent ${fmt(r.cpu.agent)}, watch ${fmt(r.cpu.watch)}, load client ${fmt(r.cpu.client)} ` +
      `(of ${fmt(r.elapsedS * 2, 0)} core-s on this machine)`,
  );
  log(`  goal p99 < 20 ms: ${s.p99 < 20 ? 'met' : 'NOT met'}`);
}

if (import.meta.main) {
  const f = numberFlags({
    duration: 30,
    rate: 1000,
    sessions: 100,
    batch: 1,
    warmup: 2,
    build: 'dist',
    'node-flags': '',
    'no-snapshot-file': false,
    root: '',
    'agent-stdout': '',
    direct: false,
  });
  if (f.duration <= 0 || f.duration > 3600) throw new Error('--duration: 1..3600 seconds');
  if (f.rate <= 0 || f.rate > 100_000) throw new Error('--rate: 1..100000 records/s');
  console.log(`machine: ${machine()}`);
  await runLatency({
    durationS: f.duration,
    rate: f.rate,
    sessions: f.sessions,
    batch: f.batch,
    warmupS: f.warmup,
    build: f.build === 'ts' ? 'ts' : 'dist',
    nodeFlags: f['node-flags'] === '' ? [] : f['node-flags'].split(/\s+/),
    snapshotFile: !f['no-snapshot-file'],
    ...(f.root !== '' && { root: f.root }),
    ...(f['agent-stdout'] !== '' && { agentStdout: f['agent-stdout'] }),
    direct: f.direct,
  });
}
