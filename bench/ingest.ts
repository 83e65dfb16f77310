// Ingest throughput: OTLP log records per second on one core.
//
//   node bench/ingest.ts [--seconds 3] [--http-seconds 10] [--only inproc|http]
//                        [--build dist|ts] [--concurrency 8] [--node-flags="…"] [--root DIR]
//                        [--env MALLOC_ARENA_MAX=2,…]
//
// 1. In process (pinned to CPU 1 with taskset when available): Claude Code api_request batches
//    of 100 and 500 records, pre-encoded as OTLP protobuf and OTLP/JSON, each record with its own
//    request_id over 100 sessions, go through the agent's real code path:
//      parse    parseExportRequest (wire check + protobuf-es / JSON decode)
//      decode   decodeExport = parse + flatten to LogRecordView[]
//      ingest   decodeExport + LiveMonitor.logs() (normalize, dedup, session table)
//      +snap    ingest, then one event-loop turn per batch so the monitor builds its snapshot
//               (session list + JSON) for every batch, as the agent does when requests arrive
//               one per turn
//    Each pass feeds every pre-encoded batch once into a fresh LiveMonitor (so no record is a
//    duplicate); passes repeat for `seconds` (bounded by a pass count as well).
// 2. Over HTTP: the real agent child pinned to CPU 1, this process (the load client) pinned to
//    CPU 0, posting batches to /v1/logs over `concurrency` keep-alive connections, closed loop,
//    for `http-seconds` after a 2 s warm-up. Reports records/s answered 200 and the agent's CPU.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LiveMonitor } from '../src/daemon/monitor.ts';
import { DEFAULT_TIMINGS } from '../src/domain/sessions.ts';
import { decodeExport, type OtlpFormat, parseExportRequest } from '../src/ingest/otlp/decode.ts';
import {
  type AgentBuild,
  cpuSeconds,
  hasTaskset,
  NODE,
  startAgent,
  startWatch,
} from './lib/agent.ts';
import { ClaudeBatches, type Format, keepAliveAgent, postLogs } from './lib/load.ts';
import { fmt, int, machine, numberFlags, summarize } from './lib/stats.ts';

const SESSIONS = 100;
/** Records per pass in process: enough distinct batches to cycle through the 100 sessions. */
const RECORDS_PER_PASS = 50_000;
const MAX_PASSES = 1000;

type Stage = 'parse' | 'decode' | 'ingest' | '+snap';

function corpus(format: Format, batch: number): Uint8Array[] {
  const sessions = Array.from({ length: SESSIONS }, (_, i) => new ClaudeBatches(i, batch));
  const n = Math.max(SESSIONS, Math.ceil(RECORDS_PER_PASS / batch));
  return Array.from({ length: n }, (_, i) => sessions[i % SESSIONS]!.next(format));
}

function newMonitor(): LiveMonitor {
  return new LiveMonitor({ timings: DEFAULT_TIMINGS, maxSessions: 256 });
}

/** With --expose-gc (the pinned child runs with it): a full collection between cases. */
const gc = (globalThis as { gc?: () => void }).gc;

const turn = () => new Promise<void>((r) => setImmediate(r));

async function pass(stage: Stage, bodies: Uint8Array[], format: OtlpFormat): Promise<number> {
  let records = 0;
  if (stage === 'parse') {
    for (const b of bodies) {
      const req = parseExportRequest('logs', b, format);
      records += req.resourceLogs[0]!.scopeLogs[0]!.logRecords.length;
    }
    return records;
  }
  if (stage === 'decode') {
    for (const b of bodies) {
      const d = decodeExport('logs', b, format);
      if (d.signal === 'logs') records += d.records.length;
    }
    return records;
  }
  const monitor = newMonitor();
  let snapshots = 0;
  monitor.onSnapshot(() => snapshots++);
  for (const b of bodies) {
    const d = decodeExport('logs', b, format);
    if (d.signal !== 'logs') continue;
    monitor.logs(d.records);
    records += d.records.length;
    if (stage === '+snap') await turn();
  }
  if (monitor.stats.usageEvents !== records) {
    throw new Error(`expected ${records} usage events, got ${monitor.stats.usageEvents}`);
  }
  if (stage === '+snap' && snapshots !== bodies.length) {
    throw new Error(`expected ${bodies.length} snapshots, got ${snapshots}`);
  }
  monitor.close();
  return records;
}

async function inProcess(seconds: number, log: (l: string) => void): Promise<void> {
  log(
    `ingest in process, one core (${process.env.BENCH_PINNED ?? 'not pinned'}), ${seconds} s per case`,
  );
  log(
    `  ${'format'.padEnd(9)} ${'batch'.padStart(5)} ${'bytes/rec'.padStart(9)}  ${(['parse', 'decode', 'ingest', '+snap'] as Stage[]).map((s) => `${s} rec/s`.padStart(14)).join(' ')}`,
  );
  for (const format of ['protobuf', 'json'] as const) {
    for (const batch of [100, 500]) {
      const bodies = corpus(format, batch);
      const bytes = bodies.reduce((a, b) => a + b.byteLength, 0);
      const perRecord = bytes / (bodies.length * batch);
      const cells: string[] = [];
      for (const stage of ['parse', 'decode', 'ingest', '+snap'] as Stage[]) {
        // Warm-up (JIT) for a fifth of the time, then a full collection so that one stage's
        // garbage is not collected on the next one's clock.
        const warm = performance.now();
        while (performance.now() - warm < seconds * 200) await pass(stage, bodies, format);
        gc?.();
        let records = 0;
        let passes = 0;
        const t0 = performance.now();
        while (passes < MAX_PASSES && performance.now() - t0 < seconds * 1000) {
          records += await pass(stage, bodies, format);
          passes++;
        }
        const rate = records / ((performance.now() - t0) / 1000);
        cells.push(int(rate).padStart(14));
      }
      log(
        `  ${format.padEnd(9)} ${String(batch).padStart(5)} ${fmt(perRecord, 0).padStart(9)}  ${cells.join(' ')}`,
      );
    }
  }
}

async function overHttp(o: {
  seconds: number;
  build: AgentBuild;
  concurrency: number;
  nodeFlags: string[];
  root: string | undefined;
  /** Extra environment for the agent. */
  env: Record<string, string>;
  log: (l: string) => void;
}): Promise<void> {
  const { log } = o;
  log(
    `ingest over HTTP: agent (${o.build} build${o.nodeFlags.length > 0 ? ` ${o.nodeFlags.join(' ')}` : ''}` +
      `${o.root !== undefined ? ` from ${o.root}` : ''}` +
      Object.entries(o.env)
        .map(([k, v]) => `, ${k}=${v}`)
        .join('') +
      `) pinned to CPU 1, load client on CPU 0 ` +
      `(${process.env.BENCH_PINNED ?? 'not pinned'}), ${o.concurrency} keep-alive connections, ` +
      `${o.seconds} s per case after 2 s warm-up`,
  );
  log(
    `  ${'format'.padEnd(9)} ${'batch'.padStart(5)} ${'watch'.padStart(5)} ${'records/s'.padStart(10)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'agent CPU'.padStart(9)} ${'rec/agent-s'.padStart(13)} ${'client CPU'.padStart(10)}  non-200`,
  );
  const cases: { format: Format; batch: number; watch: boolean }[] = [
    { format: 'protobuf', batch: 100, watch: false },
    { format: 'protobuf', batch: 500, watch: false },
    { format: 'json', batch: 100, watch: false },
    { format: 'json', batch: 500, watch: false },
    { format: 'protobuf', batch: 100, watch: true },
  ];
  for (const c of cases) {
    const agent = await startAgent({
      build: o.build,
      cpus: '1',
      grpc: false,
      nodeFlags: o.nodeFlags,
      env: o.env,
      ...(o.root !== undefined && { root: o.root }),
    });
    const watch = c.watch ? startWatch(agent.url, () => {}, { cpus: '0' }) : undefined;
    try {
      const sessions = Array.from({ length: SESSIONS }, (_, i) => new ClaudeBatches(i, c.batch));
      const http = keepAliveAgent(o.concurrency);
      let next = 0;
      let measuring = false;
      let stop = false;
      let accepted = 0;
      let requests = 0;
      const failed: Record<number, number> = {};
      const ms: number[] = [];
      const worker = async () => {
        while (!stop) {
          const s = sessions[next++ % SESSIONS]!;
          const r = await postLogs(http, agent.port, s.next(c.format), c.format);
          if (!measuring) continue;
          requests++;
          ms.push(r.ms);
          if (r.status === 200) accepted += c.batch;
          else failed[r.status] = (failed[r.status] ?? 0) + 1;
        }
      };
      const workers = Array.from({ length: o.concurrency }, worker);
      await new Promise((r) => setTimeout(r, 2000));
      const cpu0 = cpuSeconds(agent.pid);
      const client0 = process.cpuUsage();
      const t0 = performance.now();
      measuring = true;
      await new Promise((r) => setTimeout(r, o.seconds * 1000));
      measuring = false;
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = (cpuSeconds(agent.pid) - cpu0) / elapsed;
      const used = process.cpuUsage(client0);
      const clientCpu = (used.user + used.system) / 1e6 / elapsed;
      stop = true;
      await Promise.all(workers);
      http.destroy();
      const s = summarize(ms);
      log(
        `  ${c.format.padEnd(9)} ${String(c.batch).padStart(5)} ${(c.watch ? 'yes' : 'no').padStart(5)} ` +
          `${int(accepted / elapsed).padStart(10)} ${int(requests / elapsed).padStart(7)} ` +
          `${fmt(s.p50).padStart(7)} ${fmt(s.p99).padStart(7)} ${fmt(cpu * 100, 0).padStart(8)}% ` +
          `${int(accepted / elapsed / cpu).padStart(13)} ${fmt(clientCpu * 100, 0).padStart(9)}%  ` +
          `${Object.keys(failed).length === 0 ? '0' : JSON.stringify(failed)}`,
      );
    } finally {
      await watch?.stop();
      await agent.stop();
    }
  }
}

/** Runs this script again as a child pinned to `cpu`, for one part, and relays its output. */
function pinned(cpu: string, args: string[]): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const [cmd, argv] = hasTaskset()
    ? ['taskset', ['-c', cpu, NODE, '--expose-gc', self, ...args]]
    : [NODE, ['--expose-gc', self, ...args]];
  const child = spawn(cmd, argv, {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: hasTaskset() ? `taskset -c ${cpu}` : 'not pinned' },
  });
  return new Promise((ok, fail) =>
    child.once('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`${args[1]} part failed (${code})`)),
    ),
  );
}

if (import.meta.main) {
  const f = numberFlags({
    seconds: 3,
    'http-seconds': 10,
    only: '',
    part: '',
    build: 'dist',
    concurrency: 8,
    'node-flags': '',
    root: '',
    env: '',
  });
  const build: AgentBuild = f.build === 'ts' ? 'ts' : 'dist';
  const log = (l: string) => console.log(l);
  if (f.seconds <= 0 || f.seconds > 60 || f['http-seconds'] <= 0 || f['http-seconds'] > 120) {
    throw new Error('--seconds: 1..60, --http-seconds: 1..120');
  }
  if (f.part === 'inproc') {
    await inProcess(f.seconds, log);
  } else if (f.part === 'http') {
    await overHttp({
      seconds: f['http-seconds'],
      build,
      concurrency: f.concurrency,
      nodeFlags: f['node-flags'] === '' ? [] : f['node-flags'].split(/\s+/),
      root: f.root === '' ? undefined : f.root,
      env: Object.fromEntries(
        f.env
          .split(',')
          .filter((kv) => kv.includes('='))
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
      log,
    });
  } else {
    log(`machine: ${machine()}`);
    const common = ['--seconds', String(f.seconds), '--http-seconds', String(f['http-seconds'])];
    common.push('--build', build, '--concurrency', String(f.concurrency));
    if (f['node-flags'] !== '') common.push(`--node-flags=${f['node-flags']}`);
    if (f.root !== '') common.push('--root', f.root);
    if (f.env !== '') common.push(`--env=${f.env}`);
    if (f.only !== 'http') await pinned('1', ['--part', 'inproc', ...common]);
    if (f.only !== 'inproc') await pinned('0', ['--part', 'http', ...common]);
    log('goal: ≥ 30,000 records/s on one core');
  }
}
