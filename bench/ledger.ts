// The usage ledger against ccusage, on the same Claude Code corpus, in the same run.
//
//   node bench/ledger.ts [--corpus /tmp/ledger-corpus] [--size 1GB] [--sessions N] [--seed 1]
//                        [--only all|ccusage|ours] [--ccusage PATH] [--ccusage-runs 3]
//                        [--cold-runs 5] [--warm-runs 5] [--append-runs 5] [--append-bytes 1MB]
//                        [--append-files 3]
//                        [--statusline-runs 50] [--root DIR] [--regenerate]
//   node bench/ledger.ts --size 50MB --corpus /tmp/ledger-50mb      # quick iteration
//
// The corpus (bench/corpus/claude-corpus.ts) is generated in --corpus when it has no
// corpus-summary.json (or with --regenerate); it is never inside the repo. Every command runs
// with an environment of its own: PATH, TZ=UTC, LANG, an empty temporary HOME (so no real
// ~/.claude, ~/.codex, … is read) and CLAUDE_CONFIG_DIR=<corpus>; ours also gets a fresh
// temporary AI_OBSERVER_HOME.
//
// 1. The corpus is read once (page cache warm, for both tools alike; the time is the I/O floor).
// 2. ccusage: `ccusage daily --json --offline` (median wall, max peak RSS). When both halves
//    run, it runs once before each of our cold imports and once before each of our warm
//    reports, and each ratio is taken against the ccusage runs beside it: this VM's speed
//    drifts by tens of percent within minutes, and runs seconds apart see the same machine.
//    Alone (--only ccusage) it runs --ccusage-runs times. ccusage 20 is a native (Rust)
//    program that npm installs as the optional dependency @ccusage/ccusage-<os>-<arch>; its
//    npm `bin` (src/cli.js) is a Node launcher that only spawns it. The native binary is run
//    directly, so the launcher's Node start-up is not counted against ccusage. --ccusage PATH
//    runs another build instead (a .js file through Node 24, e.g. ccusage 19's dist/index.js,
//    or an executable).
// 3. ai-observer (`node bin/ai-observer.js`, i.e. dist/ when built, else src/ by type
//    stripping): the first `report daily --json` is the cold import (it indexes the corpus into
//    its SQLite ledger, then reports), --cold-runs times, each into an empty data directory
//    (median wall, as for ccusage; max peak RSS), the next --warm-runs are warm reports on the
//    last one's ledger (median), then as many with
//    the agent running on the same ledger (it holds it and keeps it current); then the status
//    line (`statusline` with a Claude Code status-line JSON on stdin, --statusline-runs times);
//    then --append-runs cycles that each append --append-bytes of new turns (new requests) to
//    --append-files of the latest sessions and time the next report, checking that its totals
//    grew by exactly what was appended. The appended bytes are cut off again at the end
//    (and at the start of a run that was interrupted), so the corpus stays as generated.
// 4. Totals: ours and ccusage's token totals must equal each other (and the generator's
//    expectation); the cost difference is printed next to the generator's cost under
//    ccusage's tiering rule and under Anthropic's long-context rule (see the corpus header).
//
// Peak RSS: /proc/<pid>/status VmHWM, the kernel's high-water mark of the process's resident
// set, read every --poll-ms (10) ms for the child and its descendants until it exits; the
// largest single-process value is reported (what getrusage's ru_maxrss gives for a child).
// Because the kernel keeps the maximum, polling only misses growth in the last ≤ 10 ms before
// exit. Where /usr/bin/time exists, the cold runs also go through `/usr/bin/time -f %M` (wait4's
// ru_maxrss, exact) as a cross-check; both are in the raw results.
//
// Output: a table with the goals and ratios on stdout, and the same plus every raw figure in
// bench/results/ledger-<timestamp>.txt (git-ignored). Exit code 1 when our half could not run
// (e.g. `report` is not there yet) or a total differs.

import { spawn } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppendResult,
  appendToSession,
  type CorpusSummary,
  defaultSessions,
  generateCorpus,
  parseSize,
  printSummary,
} from './corpus/claude-corpus.ts';
import { NODE, ROOT, startAgent } from './lib/agent.ts';
import { fmt, int, machine, numberFlags, summarize } from './lib/stats.ts';

const f = numberFlags({
  corpus: '/tmp/ledger-corpus',
  size: '1GB',
  sessions: 0,
  seed: 1,
  only: 'all',
  ccusage: '',
  'ccusage-runs': 3,
  'cold-runs': 5,
  'warm-runs': 5,
  'append-runs': 5,
  'append-bytes': '1MB',
  'append-files': 3,
  'statusline-runs': 50,
  'poll-ms': 10,
  root: '',
  regenerate: false,
});
const root = f.root === '' ? ROOT : f.root;
const corpus = f.corpus;
const resultsDir = join(ROOT, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(
  resultsDir,
  `ledger-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`,
);
const out = createWriteStream(resultsFile);
const raw: Record<string, unknown> = {};
const say = (text = '') => {
  process.stdout.write(`${text}\n`);
  out.write(`${text}\n`);
};
const MiB = 1024; // VmHWM and ru_maxrss are in kB
const GOAL_RSS_KIB = 200e6 / 1024; // "200 MB"

// ───────────────────────────── measuring a command ─────────────────────────────

interface Run {
  wallMs: number;
  /** Largest VmHWM (kB) seen among the child and its descendants. */
  peakRssKiB: number;
  /** ru_maxrss (kB) and user + system CPU seconds from /usr/bin/time, when it was used. */
  timeMaxRssKiB?: number;
  cpuS?: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';

function vmHwm(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

function descendants(pid: number, into: number[]): void {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const c of children.split(' ')) {
      if (c === '') continue;
      into.push(Number(c));
      descendants(Number(c), into);
    }
  }
}

async function measure(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { input?: string; rss?: boolean; time?: boolean } = {},
): Promise<Run> {
  const useTime = opts.time === true && existsSync(TIME);
  const timeOut = useTime ? join(tmpdir(), `ledger-time-${process.pid}-${Date.now()}`) : '';
  const [c, a] = useTime ? [TIME, ['-f', '%M %U %S', '-o', timeOut, cmd, ...args]] : [cmd, args];
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let peak = 0;
  const t0 = performance.now();
  const child = spawn(c, a, { env, cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid!;
  const poll = () => {
    const pids = [pid];
    descendants(pid, pids);
    for (const p of pids) peak = Math.max(peak, p === pid && useTime ? 0 : vmHwm(p));
  };
  const timer = opts.rss === true ? setInterval(poll, f['poll-ms']) : undefined;
  if (opts.rss === true) poll();
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  child.stdin.on('error', () => {});
  child.stdin.end(opts.input ?? '');
  let wallMs = 0;
  const code = await new Promise<number | null>((ok) => {
    child.once('exit', () => {
      wallMs = performance.now() - t0;
      if (timer !== undefined) clearInterval(timer);
    });
    child.once('close', (code) => ok(code));
    child.once('error', (err) => {
      stderr.push(Buffer.from(String(err)));
      ok(null);
    });
  });
  const run: Run = {
    wallMs,
    peakRssKiB: peak,
    code,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
  if (useTime) {
    try {
      const lines = readFileSync(timeOut, 'utf8').trim().split('\n');
      const [rss, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
      if (rss !== undefined && user !== undefined && sys !== undefined) {
        run.timeMaxRssKiB = rss;
        run.cpuS = user + sys;
      }
      unlinkSync(timeOut);
    } catch {}
  }
  return run;
}

const median = (xs: number[]) => summarize(xs).p50;

/** What /usr/bin/time added: ru_maxrss and CPU seconds (user + system, all threads). */
function timeNote(r: Run): string {
  if (r.timeMaxRssKiB === undefined || r.cpuS === undefined) return '';
  return `, ${fmt(r.timeMaxRssKiB / MiB, 1)} MiB (ru_maxrss), CPU ${fmt(r.cpuS, 2)} s`;
}

// ───────────────────────────── totals ─────────────────────────────

interface Totals {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  total: number;
  cost: number;
  requests?: number;
  /** Total tokens per day (YYYY-MM-DD). */
  days: Map<string, number>;
}

function ccusageTotals(stdout: string): Totals {
  const j = JSON.parse(stdout) as {
    daily: { period?: string; date?: string; totalTokens: number }[];
    totals: {
      inputTokens: number;
      outputTokens: number;
      cacheCreationTokens: number;
      cacheReadTokens: number;
      totalTokens: number;
      totalCost: number;
    };
  };
  return {
    input: j.totals.inputTokens,
    output: j.totals.outputTokens,
    cacheWrite: j.totals.cacheCreationTokens,
    cacheRead: j.totals.cacheReadTokens,
    total: j.totals.totalTokens,
    cost: j.totals.totalCost,
    days: new Map(j.daily.map((d) => [d.period ?? d.date ?? '?', d.totalTokens])),
  };
}

function ourTotals(stdout: string): Totals {
  const j = JSON.parse(stdout) as {
    rows: { period: string; totalTokens: number }[];
    totals: {
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      totalTokens: number;
      costUsd: number;
      requests?: number;
    };
  };
  return {
    input: j.totals.inputTokens,
    output: j.totals.outputTokens,
    cacheWrite: j.totals.cacheWriteTokens,
    cacheRead: j.totals.cacheReadTokens,
    total: j.totals.totalTokens,
    cost: j.totals.costUsd,
    ...(j.totals.requests !== undefined && { requests: j.totals.requests }),
    days: new Map(j.rows.map((r) => [r.period, r.totalTokens])),
  };
}

function expectedTotals(s: CorpusSummary): Totals {
  const e = s.expected;
  return {
    input: e.inputTokens,
    output: e.outputTokens,
    cacheWrite: e.cacheCreationTokens,
    cacheRead: e.cacheReadTokens,
    total: e.totalTokens,
    cost: e.costUsd.ccusageRule,
    requests: e.requests,
    days: new Map(Object.entries(e.byDay).map(([d, t]) => [d, t.totalTokens])),
  };
}

const KEYS = ['input', 'output', 'cacheWrite', 'cacheRead', 'total'] as const;

function tokensEqual(a: Totals, b: Totals): boolean {
  return KEYS.every((k) => a[k] === b[k]);
}

function dayMismatches(a: Totals, b: Totals): number {
  let n = 0;
  for (const d of new Set([...a.days.keys(), ...b.days.keys()])) {
    if ((a.days.get(d) ?? 0) !== (b.days.get(d) ?? 0)) n++;
  }
  return n;
}

function totalsTable(cols: [string, Totals | undefined][]): void {
  const w = 18;
  say(`  ${''.padEnd(14)}${cols.map(([n]) => n.padStart(w)).join('')}`);
  for (const k of KEYS) {
    say(
      `  ${k.padEnd(14)}${cols.map(([, t]) => (t === undefined ? '-' : int(t[k])).padStart(w)).join('')}`,
    );
  }
  say(
    `  ${'cost USD'.padEnd(14)}${cols.map(([, t]) => (t === undefined ? '-' : fmt(t.cost, 2)).padStart(w)).join('')}`,
  );
  say(
    `  ${'requests'.padEnd(14)}${cols.map(([, t]) => (t?.requests === undefined ? '-' : int(t.requests)).padStart(w)).join('')}`,
  );
  say(
    `  ${'days'.padEnd(14)}${cols.map(([, t]) => (t === undefined ? '-' : int(t.days.size)).padStart(w)).join('')}`,
  );
}

// ───────────────────────────── the corpus ─────────────────────────────

function loadOrGenerate(): CorpusSummary {
  const file = join(corpus, 'corpus-summary.json');
  if (existsSync(file) && !f.regenerate) {
    const s = JSON.parse(readFileSync(file, 'utf8')) as CorpusSummary;
    say(`corpus: ${corpus} (existing; --regenerate to make it again)`);
    return s;
  }
  const sizeBytes = parseSize(f.size);
  const sessions = f.sessions > 0 ? f.sessions : defaultSessions(sizeBytes);
  say(`corpus: generating ${f.size} (${sessions} sessions, seed ${f.seed}) in ${corpus}`);
  mkdirSync(corpus, { recursive: true });
  return generateCorpus({
    out: corpus,
    sizeBytes,
    sessions,
    seed: f.seed,
    end: '2026-11-14',
    days: 182,
    log: (l) => process.stderr.write(`${l}\n`),
  });
}

function jsonlFiles(dir: string, into: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) jsonlFiles(p, into);
    else if (e.name.endsWith('.jsonl')) into.push(p);
  }
  return into;
}

/** Where the appends of an interrupted run are recorded, to be cut off again. */
const APPENDED = join(corpus, '.ledger-bench-appended.json');

function restoreAppended(): void {
  if (!existsSync(APPENDED)) return;
  const sizes = JSON.parse(readFileSync(APPENDED, 'utf8')) as Record<string, number>;
  for (const [p, size] of Object.entries(sizes)) {
    if (existsSync(p) && statSync(p).size > size) truncateSync(p, size);
  }
  unlinkSync(APPENDED);
}

// ───────────────────────────── ccusage ─────────────────────────────

interface Peer {
  cmd: string;
  args: string[];
  label: string;
}

function resolveCcusage(): Peer {
  if (f.ccusage !== '') {
    return f.ccusage.endsWith('.js')
      ? { cmd: NODE, args: [f.ccusage], label: `ccusage (${f.ccusage}, Node ${process.version})` }
      : { cmd: f.ccusage, args: [], label: `ccusage (${f.ccusage})` };
  }
  const req = createRequire(join(ROOT, 'package.json'));
  let version = '?';
  try {
    version = (
      JSON.parse(readFileSync(req.resolve('ccusage/package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    throw new Error('ccusage is not installed: run "npm install" (it is a devDependency)');
  }
  try {
    const bin = req.resolve(`@ccusage/ccusage-${process.platform}-${process.arch}/bin/ccusage`);
    // npm unpacks it without the executable bit; ccusage's own launcher sets it the same way.
    if ((statSync(bin).mode & 0o111) === 0) chmodSync(bin, 0o755);
    return { cmd: bin, args: [], label: `ccusage ${version} (native)` };
  } catch {}
  const dist = join(ROOT, 'node_modules', 'ccusage', 'dist', 'index.js');
  if (existsSync(dist))
    return { cmd: NODE, args: [dist], label: `ccusage ${version} (Node ${process.version})` };
  throw new Error(
    `ccusage ${version} has no native binary for ${process.platform}-${process.arch} (its optional dependency did not install) and no dist/index.js`,
  );
}

// ───────────────────────────── main ─────────────────────────────

const emptyHome = mkdtempSync(join(tmpdir(), 'ledger-bench-home-'));
const ourHome = mkdtempSync(join(tmpdir(), 'ledger-bench-aio-'));
const baseEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: emptyHome,
  TZ: 'UTC',
  LANG: 'C.UTF-8',
  CLAUDE_CONFIG_DIR: corpus,
};
const ourEnv: NodeJS.ProcessEnv = { ...baseEnv, AI_OBSERVER_HOME: ourHome };
const ourBin = join(root, 'bin', 'ai-observer.js');
let failed = false;

interface OurFigures {
  /** Median wall and largest peak RSS of the cold imports. */
  cold?: Run;
  colds: Run[];
  coldTotals?: Totals;
  warm: number[];
  warmRss: number[];
  /** Warm reports while the agent runs (it holds the ledger and keeps it current). */
  warmAgent: number[];
  append: number[];
  appendIncluded: boolean[];
  statusline: number[];
  statuslineOutput?: string;
  error?: string;
}
const ours: OurFigures = {
  colds: [],
  warm: [],
  warmRss: [],
  warmAgent: [],
  append: [],
  appendIncluded: [],
  statusline: [],
};
/** ccusage's runs, each with what it ran beside: our cold imports, our warm reports, or alone. */
type Phase = 'cold' | 'warm' | 'alone';
const peerRuns: Array<Run & { phase: Phase }> = [];
let peerTotals: Totals | undefined;
let peer: Peer | undefined;

try {
  say(`machine: ${machine()}`);
  restoreAppended();
  const summary = loadOrGenerate();
  printSummary(summary);
  raw.corpus = { ...summary, expected: { ...summary.expected, byDay: undefined } };

  // 1. Page cache: read every file once.
  const files = jsonlFiles(join(corpus, 'projects'));
  const t0 = performance.now();
  let bytes = 0;
  for (const p of files) bytes += readFileSync(p).length;
  const readMs = performance.now() - t0;
  say(
    `read once (page cache warm-up): ${int(files.length)} files, ${fmt(bytes / 1e6, 1)} MB in ${fmt(readMs / 1000, 2)} s (${fmt(bytes / 1e6 / (readMs / 1000), 0)} MB/s)`,
  );
  raw.readOnceMs = readMs;

  // 2. ccusage, and 3. ai-observer, one ccusage run before each of our cold and warm runs.
  if (f.only !== 'ours') {
    peer = resolveCcusage();
    say(`\n${peer.label}: daily --json --offline`);
  }
  if (f.only === 'ccusage') {
    for (let i = 0; i < f['ccusage-runs']; i++) await runPeer('alone');
  } else {
    try {
      await runOurs(summary, f.only === 'all' ? runPeer : async () => {});
    } catch (err) {
      ours.error ??= (err as Error).message;
    }
  }
  if (peerRuns.length > 0) {
    peerTotals = ccusageTotals(peerRuns[peerRuns.length - 1]!.stdout);
    raw.ccusage = {
      label: peer?.label,
      runs: peerRuns.map((r) => ({
        phase: r.phase,
        wallMs: r.wallMs,
        peakRssKiB: r.peakRssKiB,
        timeMaxRssKiB: r.timeMaxRssKiB,
        cpuS: r.cpuS,
      })),
      totals: { ...peerTotals, days: peerTotals.days.size },
    };
  }

  // 4. The table.
  report(summary);
} catch (err) {
  failed = true;
  say(`\nerror: ${(err as Error).message}`);
} finally {
  restoreAppended();
  rmSync(emptyHome, { recursive: true, force: true });
  rmSync(ourHome, { recursive: true, force: true });
  out.write(
    `\nraw results:\n${JSON.stringify(raw, (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v), 2)}\n`,
  );
  out.end();
  process.stdout.write(`\nresults: ${resultsFile}\n`);
  process.exitCode = failed ? 1 : 0;
}

async function runPeer(phase: Phase): Promise<void> {
  const p = peer!;
  const r = await measure(p.cmd, [...p.args, 'daily', '--json', '--offline'], baseEnv, {
    rss: true,
    time: true,
  });
  if (r.code !== 0) throw new Error(`ccusage exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
  peerRuns.push({ ...r, phase });
  say(
    `  ccusage run ${peerRuns.length}${phase === 'alone' ? '' : ` (beside ${phase})`}: ${fmt(r.wallMs / 1000, 2)} s, peak RSS ${fmt(r.peakRssKiB / MiB, 1)} MiB (VmHWM)${timeNote(r)}`,
  );
}

/** `beside(phase)` runs before each cold import and each warm report (ccusage, or nothing). */
async function runOurs(
  summary: CorpusSummary,
  beside: (phase: Phase) => Promise<void>,
): Promise<void> {
  if (!existsSync(ourBin)) throw new Error(`${ourBin} is missing`);
  const built = existsSync(join(root, 'dist', 'main.js'));
  say(
    `\nai-observer (${ourBin} → ${built ? 'dist/' : 'src/ through type stripping'}): report daily --json`,
  );
  if (built && newest(join(root, 'src')) > statSync(join(root, 'dist', 'main.js')).mtimeMs) {
    say('  warning: dist/ is older than src/ — run "npm run build" to measure the current code');
  }
  const report = [ourBin, 'report', 'daily', '--json'];

  // Cold: the first report indexes the whole corpus, each time into an empty data directory.
  for (let i = 0; i < Math.max(1, f['cold-runs']); i++) {
    if (i > 0) {
      rmSync(ourHome, { recursive: true, force: true });
      mkdirSync(ourHome);
    }
    await beside('cold');
    const cold = await measure(NODE, report, ourEnv, { rss: true, time: true });
    if (cold.code !== 0) {
      const unknown = /unknown command "report"/.test(cold.stderr);
      ours.error = unknown
        ? '`ai-observer report` does not exist yet in this checkout: our half of the benchmark cannot run'
        : `\`ai-observer report daily --json\` exited ${cold.code}: ${cold.stderr.trim().slice(0, 2000)}`;
      throw new Error(ours.error);
    }
    const totals = ourTotals(cold.stdout);
    if (ours.coldTotals !== undefined && !tokensEqual(totals, ours.coldTotals))
      say(`  warning: cold run ${i + 1} reports other totals than the first`);
    ours.coldTotals = totals;
    ours.colds.push(cold);
    say(
      `  cold import + report ${i + 1}: ${fmt(cold.wallMs / 1000, 2)} s, peak RSS ${fmt(cold.peakRssKiB / MiB, 1)} MiB (VmHWM)${timeNote(cold)}`,
    );
  }
  const coldTotals = ours.coldTotals;
  if (coldTotals === undefined) throw new Error('no cold run');
  const byWall = [...ours.colds].sort((a, b) => a.wallMs - b.wallMs);
  ours.cold = {
    ...byWall[Math.floor((byWall.length - 1) / 2)]!,
    wallMs: median(ours.colds.map((r) => r.wallMs)),
    peakRssKiB: Math.max(...ours.colds.map((r) => r.peakRssKiB)),
  };

  // Warm: nothing changed since.
  let last = coldTotals;
  for (let i = 0; i < f['warm-runs']; i++) {
    await beside('warm');
    const r = await measure(NODE, report, ourEnv, { rss: true });
    if (r.code !== 0) throw new Error(`warm report exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
    ours.warm.push(r.wallMs);
    ours.warmRss.push(r.peakRssKiB);
    last = ourTotals(r.stdout);
    if (!tokensEqual(last, coldTotals))
      say(`  warning: warm run ${i + 1} reports other totals than the cold run`);
  }
  say(`  warm report: ${ours.warm.map((ms) => fmt(ms, 0)).join(', ')} ms`);

  // Warm with the agent running, as a user of the agent has it: the agent keeps the index
  // current, so a report opens the ledger read-only and checks no file.
  const agent = await startAgent({
    build: built ? 'dist' : 'ts',
    root,
    env: ourEnv as Record<string, string>,
  });
  try {
    // Its first pass over the (current) ledger on start-up is not what is measured.
    await new Promise((ok) => setTimeout(ok, 2000));
    for (let i = 0; i < f['warm-runs']; i++) {
      const r = await measure(NODE, report, ourEnv, {});
      if (r.code !== 0) throw new Error(`report beside the agent exited ${r.code}: ${r.stderr}`);
      if (!tokensEqual(ourTotals(r.stdout), coldTotals))
        say(`  warning: report ${i + 1} beside the agent has other totals than the cold run`);
      ours.warmAgent.push(r.wallMs);
    }
  } finally {
    await agent.stop();
  }
  say(`  warm report, agent running: ${ours.warmAgent.map((ms) => fmt(ms, 0)).join(', ')} ms`);

  // Status line: the latest session, as Claude Code would call it.
  const s = summary.latestSessions[summary.latestSessions.length - 1]!;
  const input = JSON.stringify(statuslinePayload(s));
  for (let i = 0; i < f['statusline-runs']; i++) {
    const r = await measure(NODE, [ourBin, 'statusline'], ourEnv, { input });
    if (r.code !== 0) {
      say(`  statusline exited ${r.code}: ${r.stderr.trim().slice(0, 500)}`);
      break;
    }
    if (i === 0) ours.statuslineOutput = r.stdout.trim();
    ours.statusline.push(r.wallMs);
  }
  if (ours.statusline.length > 0) {
    const st = summarize(ours.statusline);
    say(
      `  statusline: p50 ${fmt(st.p50, 1)} ms, p99 ${fmt(st.p99, 1)} ms over ${st.n}; output: ${ours.statuslineOutput}`,
    );
  }

  // Appends: new turns in the latest sessions, then a report.
  const targets = summary.latestSessions.slice(-f['append-files']);
  const sizes: Record<string, number> = {};
  for (const t of targets) sizes[t.path] = statSync(t.path).size;
  writeFileSync(APPENDED, JSON.stringify(sizes));
  const appendBytes = parseSize(f['append-bytes']);
  const lastTs = Date.parse(summary.lastTimestamp);
  for (let c = 0; c < f['append-runs']; c++) {
    const added: AppendResult[] = targets.map((t, i) =>
      appendToSession(
        t,
        appendBytes / targets.length,
        lastTs + (c * targets.length + i + 1) * 600_000,
        0xa99e + c * 31 + i,
      ),
    );
    const r = await measure(NODE, report, ourEnv, { rss: true });
    if (r.code !== 0)
      throw new Error(`report after append exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
    const now = ourTotals(r.stdout);
    const addedTotal = added.reduce((a, x) => a + x.totals.totalTokens, 0);
    const addedOutput = added.reduce((a, x) => a + x.totals.outputTokens, 0);
    const included =
      now.total - last.total === addedTotal && now.output - last.output === addedOutput;
    ours.append.push(r.wallMs);
    ours.appendIncluded.push(included);
    say(
      `  +${fmt(added.reduce((a, x) => a + x.bytes, 0) / 1e6, 2)} MB (${added.reduce((a, x) => a + x.requests, 0)} requests, ${int(addedTotal)} tokens) → report ${fmt(r.wallMs, 0)} ms, ${included ? 'included' : `NOT included (totals grew by ${int(now.total - last.total)})`}`,
    );
    last = now;
  }
  restoreAppended();
  raw.ours = {
    cold: ours.colds.map((r) => ({
      wallMs: r.wallMs,
      peakRssKiB: r.peakRssKiB,
      timeMaxRssKiB: r.timeMaxRssKiB,
      cpuS: r.cpuS,
    })),
    coldTotals: { ...coldTotals, days: coldTotals.days.size },
    warmMs: ours.warm,
    warmPeakRssKiB: ours.warmRss,
    warmAgentMs: ours.warmAgent,
    appendMs: ours.append,
    appendIncluded: ours.appendIncluded,
    statuslineMs: ours.statusline,
    statuslineOutput: ours.statuslineOutput,
  };
}

function statuslinePayload(s: CorpusSummary['latestSessions'][number]): Record<string, unknown> {
  // The fields Claude Code 2.1.x sends to a status-line command on stdin.
  return {
    hook_event_name: 'Status',
    session_id: s.sessionId,
    transcript_path: s.path,
    cwd: s.cwd,
    model: {
      id: s.model,
      display_name: s.model.includes('opus')
        ? 'Opus 4.1'
        : s.model.includes('haiku')
          ? 'Haiku 4.5'
          : 'Sonnet 4.5',
    },
    workspace: { current_dir: s.cwd, project_dir: s.cwd, added_dirs: [] },
    version: '2.1.328',
    output_style: { name: 'default' },
    cost: {
      total_cost_usd: 1.23,
      total_duration_ms: 1000,
      total_api_duration_ms: 500,
      total_lines_added: 0,
      total_lines_removed: 0,
    },
    context_window: {
      total_input_tokens: 84_000,
      total_output_tokens: 2_100,
      context_window_size: 200_000,
      current_usage: {
        input_tokens: 8,
        output_tokens: 350,
        cache_creation_input_tokens: 1_900,
        cache_read_input_tokens: 82_000,
      },
      used_percentage: 42,
      remaining_percentage: 58,
    },
    exceeds_200k_tokens: false,
    fast_mode: false,
    thinking: { enabled: true },
  };
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function report(summary: CorpusSummary): void {
  const expected = expectedTotals(summary);
  say('\ntotals');
  totalsTable([
    ['generator', expected],
    ['ccusage', peerTotals],
    ['ai-observer', ours.coldTotals],
  ]);
  const e = summary.expected;
  say(
    `  cost rules on this corpus: ccusage's per-bucket tiering $${fmt(e.costUsd.ccusageRule, 2)}, Anthropic's whole-request long-context rule $${fmt(e.costUsd.anthropicRule, 2)} (${int(e.over200kContextRequests)} requests above 200k input+cache)`,
  );
  if (peerTotals !== undefined) {
    const ok = tokensEqual(peerTotals, expected);
    say(
      `  ccusage vs generator: tokens ${ok ? 'equal' : 'DIFFER'}; ${dayMismatches(peerTotals, expected)} days differ (UTC)`,
    );
  }
  if (ours.coldTotals !== undefined) {
    const vsExpected = tokensEqual(ours.coldTotals, expected);
    say(
      `  ai-observer vs generator: tokens ${vsExpected ? 'equal' : 'DIFFER'}; ${dayMismatches(ours.coldTotals, expected)} days differ (UTC)`,
    );
    if (!vsExpected) failed = true;
    if (peerTotals !== undefined) {
      const eq = tokensEqual(ours.coldTotals, peerTotals);
      if (!eq) failed = true;
      say(
        `  ai-observer vs ccusage: tokens ${eq ? 'equal' : 'DIFFER'}; cost $${fmt(ours.coldTotals.cost, 2)} vs $${fmt(peerTotals.cost, 2)} (difference $${fmt(ours.coldTotals.cost - peerTotals.cost, 2)}; Anthropic's rule minus ccusage's tiering on this corpus: $${fmt(e.costUsd.anthropicRule - e.costUsd.ccusageRule, 2)})`,
      );
    }
  }

  // Each ratio against the ccusage runs taken beside it (all of them when it ran alone).
  const peerOf = (phase: Phase) => {
    const beside = peerRuns.filter((r) => r.phase === phase);
    const runs = beside.length > 0 ? beside : peerRuns;
    return {
      wall: runs.length > 0 ? median(runs.map((r) => r.wallMs)) : Number.NaN,
      n: runs.length,
    };
  };
  const peerCold = peerOf('cold');
  const peerWarm = peerOf('warm');
  const peerWall = peerCold.wall;
  const peerRss = peerRuns.length > 0 ? Math.max(...peerRuns.map((r) => r.peakRssKiB)) : Number.NaN;
  const warm = ours.warm.length > 0 ? median(ours.warm) : Number.NaN;
  const warmAgent = ours.warmAgent.length > 0 ? median(ours.warmAgent) : Number.NaN;
  const append = ours.append.length > 0 ? median(ours.append) : Number.NaN;
  const st = ours.statusline.length > 0 ? summarize(ours.statusline) : undefined;
  const cold = ours.cold;
  const pending = ours.error !== undefined ? 'not run' : '-';
  const yes = (b: boolean | undefined) => (b === undefined ? '-' : b ? 'yes' : 'NO');
  const rows: [string, string, string, string, string][] = [
    ['', peer?.label ?? 'ccusage', 'ai-observer', 'goal', 'met?'],
    [
      'whole corpus, wall',
      Number.isNaN(peerWall) ? '-' : `${fmt(peerWall / 1000, 2)} s (median of ${peerCold.n})`,
      cold === undefined
        ? pending
        : `${fmt(cold.wallMs / 1000, 2)} s cold import (median of ${ours.colds.length}; ${fmt(cold.wallMs / peerWall, 2)}×)`,
      '≤ 1.5× ccusage',
      yes(cold === undefined ? undefined : cold.wallMs <= 1.5 * peerWall),
    ],
    [
      'peak RSS',
      Number.isNaN(peerRss) ? '-' : `${fmt(peerRss / MiB, 1)} MiB`,
      cold === undefined ? pending : `${fmt(cold.peakRssKiB / MiB, 1)} MiB cold`,
      '< 200 MB (190.7 MiB)',
      yes(cold === undefined ? undefined : cold.peakRssKiB < GOAL_RSS_KIB),
    ],
    [
      'warm report',
      Number.isNaN(peerWarm.wall)
        ? '-'
        : `${fmt(peerWarm.wall, 0)} ms (median of ${peerWarm.n}; every run reads all)`,
      Number.isNaN(warm)
        ? pending
        : `${fmt(warm, 0)} ms (median of ${ours.warm.length}; ${fmt(peerWarm.wall / warm, 1)}× faster)`,
      '≥ 20× faster',
      yes(Number.isNaN(warm) ? undefined : peerWarm.wall / warm >= 20),
    ],
    [
      'warm report, agent running',
      '-',
      Number.isNaN(warmAgent)
        ? pending
        : `${fmt(warmAgent, 0)} ms (median of ${ours.warmAgent.length}; ${fmt(peerWarm.wall / warmAgent, 1)}× faster)`,
      '≥ 20× faster',
      yes(Number.isNaN(warmAgent) ? undefined : peerWarm.wall / warmAgent >= 20),
    ],
    [
      `report after +${f['append-bytes']}`,
      '-',
      Number.isNaN(append)
        ? pending
        : `${fmt(append, 0)} ms (median of ${ours.append.length}; ${ours.appendIncluded.every(Boolean) ? 'all included' : 'NOT all included'})`,
      '< 150 ms',
      yes(Number.isNaN(append) ? undefined : append < 150 && ours.appendIncluded.every(Boolean)),
    ],
    [
      'statusline p50 / p99',
      '-',
      st === undefined ? pending : `${fmt(st.p50, 1)} / ${fmt(st.p99, 1)} ms (n=${st.n})`,
      'p50 < 60, p99 < 100 ms',
      yes(st === undefined ? undefined : st.p50 < 60 && st.p99 < 100),
    ],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  say('');
  for (const r of rows) say(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`);
  if (ours.error !== undefined) {
    say(`\n${ours.error}. The ccusage figures above are complete.`);
    failed = true;
  }
}
