// Starts the real agent (`ai-observer serve`) and `ai-observer watch` as child processes for the
// benchmarks, and reads a child's memory from /proc.

import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** Node 24 from the devDependency; the system node may be too old. */
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');

/** The entry point of a build in a checkout (this one unless `root` names another copy). */
export function entryPoint(build: AgentBuild, root = ROOT): string {
  return build === 'ts' ? join(root, 'src', 'cli', 'main.ts') : join(root, 'dist', 'main.js');
}

export type AgentBuild = 'ts' | 'dist';

export interface AgentLaunch {
  /**
   * `dist` (default): the bundle (scripts/build.ts), what `npm start` runs; `ts`: src/cli/main.ts through
   * Node's type stripping (`node src/cli/main.ts serve`, or an installed checkout never built).
   */
  build?: AgentBuild;
  /** Extra Node flags, e.g. `--max-semi-space-size=1`. */
  nodeFlags?: string[];
  /** Pin to these CPUs with taskset (e.g. "1"), when taskset exists. */
  cpus?: string;
  /** Start the OTLP/gRPC port too (default: only when src/ingest/otlp/grpc.ts exists). */
  grpc?: boolean;
  /** Extra environment. */
  env?: Record<string, string>;
  /**
   * Run the agent from another copy of the project (e.g. a patched copy in /tmp with a
   * node_modules symlink), to measure a change without touching this checkout.
   */
  root?: string;
  /** Append the agent's stdout (e.g. --trace-gc output) to this file; default: discard it. */
  stdoutFile?: string;
  /** An AI_OBSERVER_HOME with data in it (kept on stop); default: a new empty one. */
  home?: string;
}

export interface RunningAgent {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  home: string;
  /** Lines the agent wrote on stderr (kept for the report when it dies). */
  stderr: string[];
  stop(): Promise<void>;
}

export function hasTaskset(): boolean {
  return existsSync('/usr/bin/taskset') || existsSync('/bin/taskset');
}

export function grpcReady(): boolean {
  return existsSync(join(ROOT, 'src', 'ingest', 'otlp', 'grpc.ts'));
}

/** argv for a Node child, under taskset when asked and available. */
export function nodeCommand(
  script: string[],
  nodeFlags: string[] = [],
  cpus?: string,
): [string, string[]] {
  const args = [...nodeFlags, ...script];
  if (cpus !== undefined && hasTaskset()) return ['taskset', ['-c', cpus, NODE, ...args]];
  return [NODE, args];
}

export async function startAgent(opts: AgentLaunch = {}): Promise<RunningAgent> {
  const build = opts.build ?? 'dist';
  const main = entryPoint(build, opts.root);
  if (!existsSync(main)) throw new Error(`${main} is missing (run "npm run build" for dist)`);
  if (build === 'dist') checkFresh(opts.root ?? ROOT);
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'ai-observer-bench-'));
  const grpc = opts.grpc ?? grpcReady();
  const serveArgs = ['serve', '--port', '0', '--no-notify'];
  serveArgs.push(...(grpc ? ['--grpc-port', '0'] : ['--no-grpc']));
  const [cmd, args] = nodeCommand([main, ...serveArgs], opts.nodeFlags, opts.cpus);
  const stdout = opts.stdoutFile === undefined ? 'ignore' : openSync(opts.stdoutFile, 'a');
  const child = spawn(cmd, args, {
    cwd: opts.root ?? ROOT,
    env: { ...process.env, AI_OBSERVER_HOME: home, ...opts.env },
    stdio: ['ignore', stdout, 'pipe'],
  });
  if (typeof stdout === 'number') closeSync(stdout);
  const stderr: string[] = [];
  const port = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('the agent did not start within 20 s')), 20_000);
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      stderr.push(line);
      if (stderr.length > 200) stderr.shift();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(line);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the agent exited (${code}) before listening:\n${stderr.join('\n')}`));
    });
  });
  // With taskset, the node process is taskset's child after exec: same pid (taskset execs).
  const pid = child.pid!;
  return {
    child,
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    home,
    stderr,
    stop: () =>
      stopChild(child).finally(() => {
        if (opts.home === undefined) rmSync(home, { recursive: true, force: true });
      }),
  };
}

/** Newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Refuses to measure a dist/ older than src/ (it would not be the code under test). */
function checkFresh(root: string): void {
  const built = statSync(join(root, 'dist', 'main.js')).mtimeMs;
  if (newest(join(root, 'src')) > built) {
    throw new Error(`${join(root, 'dist')} is older than src/: run "npm run build" first`);
  }
}

export interface RunningWatch {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `ai-observer watch --url …`; `onLine` gets every stdout line with the time it was read. */
export function startWatch(
  url: string,
  onLine: (line: string, at: number) => void,
  opts: { cpus?: string; build?: AgentBuild } = {},
): RunningWatch {
  const main = entryPoint(opts.build ?? 'ts');
  const [cmd, args] = nodeCommand([main, 'watch', '--url', url], [], opts.cpus);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => onLine(line, performance.now()));
  return { child, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the child has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      ok();
    });
    child.kill('SIGTERM');
  });
}

export interface MemorySample {
  /** kB, from /proc/<pid>/status */
  vmRss: number;
  rssAnon: number;
  rssFile: number;
  /** kB, from /proc/<pid>/smaps_rollup */
  privateClean: number;
  privateDirty: number;
  anonymous: number;
  pss: number;
}

/** Where a process's resident memory is, from /proc/<pid>/smaps (kB). */
export interface MemoryBreakdown {
  /** Pages of the node executable (shared with every other node process, clean). */
  nodeBinaryRss: number;
  /** ... of which only this process touched (relocated data, Private_*). */
  nodeBinaryPrivate: number;
  /** Other files: shared libraries (libc, libstdc++, …). */
  otherFilesRss: number;
  /** glibc's main malloc arena (`[heap]`). */
  mallocMain: number;
  /** Anonymous mappings of 1 MiB or more: glibc's per-thread arenas, V8's code range. */
  anonLarge: number;
  /** Anonymous mappings under 1 MiB: V8's heap pages (256 KiB each) and small mmaps. */
  anonSmall: number;
  /** Thread stacks and the rest (`[stack]`, vdso, …). */
  other: number;
}

export function readBreakdown(pid: number): MemoryBreakdown {
  const b: MemoryBreakdown = {
    nodeBinaryRss: 0,
    nodeBinaryPrivate: 0,
    otherFilesRss: 0,
    mallocMain: 0,
    anonLarge: 0,
    anonSmall: 0,
    other: 0,
  };
  const exe = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  let name = '';
  let sizeKb = 0;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m !== null) {
      name = m[3] ?? '';
      sizeKb = (Number.parseInt(m[2]!, 16) - Number.parseInt(m[1]!, 16)) / 1024;
      continue;
    }
    const k = /^(Rss|Private_Clean|Private_Dirty):\s+(\d+) kB/.exec(line);
    if (k === null) continue;
    const v = Number(k[2]);
    const isBinary = name !== '' && (name === exe || name.endsWith('/bin/node'));
    if (k[1] !== 'Rss') {
      if (isBinary) b.nodeBinaryPrivate += v;
      continue;
    }
    if (isBinary) b.nodeBinaryRss += v;
    else if (name.startsWith('/')) b.otherFilesRss += v;
    else if (name === '[heap]') b.mallocMain += v;
    else if (name === '') {
      if (sizeKb >= 1024) b.anonLarge += v;
      else b.anonSmall += v;
    } else b.other += v;
  }
  return b;
}

function kb(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return m?.[1] === undefined ? Number.NaN : Number(m[1]);
}

export function readMemory(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return {
    vmRss: kb(status, 'VmRSS'),
    rssAnon: kb(status, 'RssAnon'),
    rssFile: kb(status, 'RssFile'),
    privateClean: kb(rollup, 'Private_Clean'),
    privateDirty: kb(rollup, 'Private_Dirty'),
    anonymous: kb(rollup, 'Anonymous'),
    pss: kb(rollup, 'Pss'),
  };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
