// Memory of the agent with live sessions under the latency load, over time.
//
//   node bench/memory.ts [--duration 600] [--quick 60] [--build dist|ts] [--every 10]
//                        [--rate 1000] [--sessions 100] [--batch 1] [--no-watch]
//                        [--node-flags="--max-semi-space-size=1"] [--probe] [--root DIR]
//                        [--env MALLOC_ARENA_MAX=2,…]
//
// Starts the real agent (and a real `watch` reading its stream), sends the same load as
// bench/latency.ts (1,000 Claude api_request records/s over 100 sessions, one per request),
// and samples the agent every `every` seconds from /proc/<pid>/status (VmRSS, RssAnon) and
// /proc/<pid>/smaps_rollup (Private_Clean + Private_Dirty, Anonymous). `--quick N` is a short
// run of N seconds sampled every 5 s. `--probe` preloads bench/lib/mem-probe.ts into the agent
// to log process.memoryUsage() and V8 heap spaces as well. Growth compares the mean private
// memory of the last third of the samples with the middle third. `--root DIR` runs the agent
// from another copy of the project (a patched copy in /tmp, with a node_modules symlink) to
// measure a proposed change without editing this checkout.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentBuild,
  type MemoryBreakdown,
  type MemorySample,
  ROOT,
  readBreakdown,
  readMemory,
  startAgent,
  startWatch,
} from './lib/agent.ts';
import { pacedLoad } from './lib/load.ts';
import { fmt, int, machine, numberFlags } from './lib/stats.ts';

const MiB = 1024; // /proc figures are kB

interface Row extends MemorySample {
  s: number;
  sessions: number | undefined;
  probe?: ProbeLine;
}

interface ProbeLine {
  t: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  liveHeap?: number;
  external: number;
  arrayBuffers: number;
  mallocedMemory: number;
  spaces: Record<string, number>;
  /** Resident bytes per V8 heap space. */
  physical?: Record<string, number>;
}

export interface MemoryResult {
  rows: Row[];
  idle: MemorySample;
  growing: boolean;
  middle: number;
  last: number;
  records: number;
  failed: Record<number, number>;
  /** Where the resident memory was at the end of the load. */
  breakdown: MemoryBreakdown;
}

const priv = (m: MemorySample) => m.privateClean + m.privateDirty;
const mib = (kb: number) => fmt(kb / MiB, 1);

export async function runMemory(o: {
  durationS: number;
  everyS: number;
  build: AgentBuild;
  nodeFlags: string[];
  rate: number;
  sessions: number;
  batch: number;
  watch: boolean;
  probe: boolean;
  /** Another copy of the project to run the agent from (see AgentLaunch.root). */
  root?: string;
  /** Extra environment for the agent, e.g. MALLOC_ARENA_MAX=2. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}): Promise<MemoryResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const probeDir = o.probe ? mkdtempSync(join(tmpdir(), 'ai-observer-probe-')) : undefined;
  const probeFile = probeDir === undefined ? undefined : join(probeDir, 'probe.jsonl');
  const nodeFlags = [...o.nodeFlags];
  if (probeFile !== undefined)
    nodeFlags.push('--import', join(ROOT, 'bench', 'lib', 'mem-probe.ts'));
  const agent = await startAgent({
    build: o.build,
    nodeFlags,
    ...(o.root !== undefined && { root: o.root }),
    env: {
      ...o.env,
      ...(probeFile !== undefined && {
        BENCH_MEM_PROBE: probeFile,
        BENCH_MEM_PROBE_MS: String(o.everyS * 1000),
      }),
    },
  });
  const watch = o.watch ? startWatch(agent.url, () => {}) : undefined;
  const rows: Row[] = [];
  const start = performance.now();
  const sessionCount = async (): Promise<number | undefined> => {
    try {
      const res = await fetch(`${agent.url}/health`, { signal: AbortSignal.timeout(2000) });
      return ((await res.json()) as { sessions?: number }).sessions;
    } catch {
      return undefined;
    }
  };
  const probeLines = (): ProbeLine[] =>
    probeFile !== undefined && existsSync(probeFile)
      ? readFileSync(probeFile, 'utf8')
          .trim()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as ProbeLine)
      : [];
  const sample = async () => {
    const m = readMemory(agent.pid);
    const row: Row = {
      ...m,
      s: (performance.now() - start) / 1000,
      sessions: await sessionCount(),
    };
    const p = probeLines().at(-1);
    if (p !== undefined) row.probe = p;
    rows.push(row);
    log(line(row));
  };
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const idle = readMemory(agent.pid);
    const flags = o.nodeFlags.length > 0 ? `, ${o.nodeFlags.join(' ')}` : '';
    const from =
      (o.root !== undefined ? `, from ${o.root}` : '') +
      Object.entries(o.env ?? {})
        .map(([k, v]) => `, ${k}=${v}`)
        .join('');
    log(`memory: agent (${o.build} build${flags}${from})`);
    log(
      `  idle before load: RSS ${mib(idle.vmRss)} MiB, RssAnon ${mib(idle.rssAnon)} MiB, ` +
        `private ${mib(priv(idle))} MiB, anonymous ${mib(idle.anonymous)} MiB`,
    );
    log(
      `  load: ${int(o.rate)} records/s over ${o.sessions} sessions, ${o.batch}/request, ` +
        `${o.durationS} s${o.watch ? ', one watch client' : ''}; sample every ${o.everyS} s`,
    );
    log(header(o.probe));
    const timer = setInterval(() => void sample(), o.everyS * 1000);
    const load = await pacedLoad({
      port: agent.port,
      rate: o.rate,
      sessions: o.sessions,
      batch: o.batch,
      durationMs: o.durationS * 1000,
      stop: () => agent.child.exitCode !== null,
    });
    clearInterval(timer);
    if (agent.child.exitCode !== null)
      throw new Error(`the agent died:\n${agent.stderr.join('\n')}`);
    if ((performance.now() - start) / 1000 - (rows.at(-1)?.s ?? 0) > 1) await sample();
    const breakdown = readBreakdown(agent.pid);
    const third = Math.max(1, Math.floor(rows.length / 3));
    const mean = (rs: Row[]) => rs.reduce((a, r) => a + priv(r), 0) / Math.max(1, rs.length);
    const middle = mean(rows.slice(third, 2 * third));
    const last = mean(rows.slice(rows.length - third));
    const growing = last > middle * 1.05 && last - middle > 1024;
    const result: MemoryResult = {
      rows,
      idle,
      growing,
      middle,
      last,
      records: load.records,
      failed: load.failed,
      breakdown,
    };
    summary(result, log);
    return result;
  } finally {
    await watch?.stop();
    await agent.stop();
    if (probeDir !== undefined) rmSync(probeDir, { recursive: true, force: true });
  }
}

function header(probe: boolean): string {
  const cols = ['    t s', 'sessions', 'VmRSS', 'RssAnon', 'RssFile', 'Private', 'Anonymous'];
  if (probe) cols.push('heapUsed', 'liveHeap', 'heapTotal', 'external');
  return `${cols.map((c) => c.padStart(9)).join(' ')}   (MiB)`;
}

function line(r: Row): string {
  const cells = [
    fmt(r.s, 0),
    r.sessions === undefined ? '?' : String(r.sessions),
    mib(r.vmRss),
    mib(r.rssAnon),
    mib(r.rssFile),
    mib(priv(r)),
    mib(r.anonymous),
  ];
  if (r.probe !== undefined) {
    const m = (b: number) => fmt(b / 1024 / 1024, 1);
    cells.push(
      m(r.probe.heapUsed),
      r.probe.liveHeap === undefined ? '-' : m(r.probe.liveHeap),
      m(r.probe.heapTotal),
      m(r.probe.external),
    );
  }
  return cells.map((c) => c.padStart(9)).join(' ');
}

function summary(r: MemoryResult, log: (line: string) => void): void {
  const first = r.rows[0]!;
  const last = r.rows.at(-1)!;
  const max = (f: (m: MemorySample) => number) => Math.max(...r.rows.map(f));
  log(
    `  sent ${int(r.records)} records` +
      (Object.keys(r.failed).length > 0 ? `, failed ${JSON.stringify(r.failed)}` : ', all 200 OK'),
  );
  log(
    `  VmRSS    first ${mib(first.vmRss)}  last ${mib(last.vmRss)}  max ${mib(max((m) => m.vmRss))} MiB`,
  );
  log(
    `  RssAnon  first ${mib(first.rssAnon)}  last ${mib(last.rssAnon)}  max ${mib(max((m) => m.rssAnon))} MiB`,
  );
  log(
    `  Private  first ${mib(priv(first))}  last ${mib(priv(last))}  max ${mib(max(priv))} MiB ` +
      `(Private_Clean + Private_Dirty)`,
  );
  log(
    `  growth: private mean of middle third ${mib(r.middle)} MiB → last third ${mib(r.last)} MiB: ` +
      (r.growing ? 'GROWING' : 'flat'),
  );
  const b = r.breakdown;
  log(
    `  at the end (smaps, MiB): node binary ${mib(b.nodeBinaryRss)} resident, ${mib(b.nodeBinaryPrivate)} of it private; ` +
      `other files ${mib(b.otherFilesRss)}; malloc main arena ${mib(b.mallocMain)}; ` +
      `anonymous ≥ 1 MiB (thread arenas, code range) ${mib(b.anonLarge)}; ` +
      `anonymous < 1 MiB (V8 heap pages, …) ${mib(b.anonSmall)}; other ${mib(b.other)}`,
  );
  const phys = last.probe?.physical;
  if (phys !== undefined) {
    const m = (bytes: number) => fmt(bytes / 1024 / 1024, 1);
    const of = (k: string) => phys[k] ?? 0;
    const rest = Object.entries(phys)
      .filter(([k]) => !['new_space', 'old_space', 'large_object_space'].includes(k))
      .reduce((a, [, v]) => a + v, 0);
    log(
      `  V8 heap resident (MiB): new space ${m(of('new_space'))}, old space ${m(of('old_space'))}, ` +
        `large objects ${m(of('large_object_space'))}, code and the rest ${m(rest)}`,
    );
  }
  const pOk = max(priv) < 30 * MiB;
  const rOk = max((m) => m.vmRss) < 64 * MiB;
  log(
    `  goal private < 30 MB: ${pOk ? 'met' : 'NOT met'}; RSS < 64 MB: ${rOk ? 'met' : 'NOT met'}; ` +
      `not growing: ${r.growing ? 'NOT met' : 'met'}`,
  );
}

if (import.meta.main) {
  const f = numberFlags({
    duration: 600,
    quick: 0,
    every: 10,
    build: 'dist',
    'node-flags': '',
    rate: 1000,
    sessions: 100,
    batch: 1,
    'no-watch': false,
    probe: false,
    root: '',
    env: '',
  });
  const quick = f.quick > 0;
  const durationS = quick ? f.quick : f.duration;
  if (durationS <= 0 || durationS > 7200) throw new Error('--duration/--quick: 1..7200 seconds');
  console.log(`machine: ${machine()}`);
  await runMemory({
    durationS,
    everyS: quick && f.every === 10 ? 5 : f.every,
    build: f.build === 'ts' ? 'ts' : 'dist',
    nodeFlags: f['node-flags'] === '' ? [] : f['node-flags'].split(/\s+/),
    rate: f.rate,
    sessions: f.sessions,
    batch: f.batch,
    watch: !f['no-watch'],
    probe: f.probe,
    ...(f.root !== '' && { root: f.root }),
    env: Object.fromEntries(
      f.env
        .split(',')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
  });
}
