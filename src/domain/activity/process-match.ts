// Which catalog entry a running process belongs to. Names are compared with case on Linux and
// macOS and without it on Windows; paths decide between entries that share a name. That is how
// the `claude` CLI is never taken for the Claude desktop app (`Claude` in `Claude.app` on
// macOS; `claude.exe` under `AnthropicClaude\` on Windows), nor `codex` for Codex.app. Each
// process is claimed by one entry: the one whose matching rule says the most about it.

import type { Catalog, CatalogEntry, Os, ProcessRule } from './catalog.ts';
import { rulesFor } from './catalog.ts';

/** A process as a source saw it. Command lines are matched here and never stored. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The OS's name for it: comm on Linux (≤ 15 bytes), the image name on Windows. */
  name: string;
  /** The executable's full path when known, else ''. */
  exe: string;
  argv: string[];
  /** A WSL distro the process runs in; '' for this machine. */
  host: string;
  /** CPU use since the previous scan, % of one core (undefined on a first sighting). */
  cpuPercent: number | undefined;
  memoryBytes: number | undefined;
}

const INTERPRETERS = /^(node|nodejs|bun|deno|ruby|perl|python(\d+(\.\d+)?)?|pythonw|uv|pipx)$/;
const COMM_MAX = 15;

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? path : path.slice(cut + 1);
}

function normalizePath(path: string, os: Os): string {
  return os === 'win32' ? path.replace(/\//g, '\\').toLowerCase() : path;
}

function stripExe(name: string): string {
  return name.toLowerCase().endsWith('.exe') ? name.slice(0, -4) : name;
}

/** Compares a rule's name with one of the process's, the way its OS compares file names. */
function sameName(rule: string, seen: string, os: Os, isComm: boolean): boolean {
  if (seen === '') return false;
  if (os === 'win32') return stripExe(rule.toLowerCase()) === stripExe(seen.toLowerCase());
  if (rule === seen) return true;
  // Linux cuts comm at 15 bytes: `claude-desktop-…` shows as its first 15.
  return isComm && os === 'linux' && seen.length === COMM_MAX && rule.startsWith(seen);
}

function namesOf(p: ProcessInfo): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = [[baseName(p.name), true]];
  if (p.exe !== '') out.push([baseName(p.exe), false]);
  const argv0 = p.argv[0];
  // A login shell's argv[0] starts with '-'; macOS ps prints argv[0] as given.
  if (argv0 !== undefined && argv0 !== '') out.push([baseName(argv0).replace(/^-/, ''), false]);
  return out;
}

/** The script an interpreter runs: its first argument that is not an option. */
function scriptOf(p: ProcessInfo): string | undefined {
  const interpreter = namesOf(p).some(([n]) => INTERPRETERS.test(stripExe(n).toLowerCase()));
  if (!interpreter) return undefined;
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i]!;
    if (a.startsWith('-')) {
      // `python -m aider`: the module is the script.
      if ((a === '-m' || a === 'run' || a === 'x') && p.argv[i + 1] !== undefined)
        return p.argv[i + 1];
      continue;
    }
    if (a === 'run' || a === 'x' || a === 'tool') continue;
    return a;
  }
  return undefined;
}

function scriptMatches(rule: string, script: string, os: Os): boolean {
  const s = normalizePath(script, os);
  const r = normalizePath(rule, os);
  if (r.includes('/') || r.includes('\\')) return s.endsWith(r);
  const base = baseName(s).replace(/\.(c?js|mjs|ts|py|rb|pl|exe|cmd)$/i, '');
  return base === (os === 'win32' ? r.replace(/\.exe$/, '') : r);
}

/**
 * What the rules look at in a process, worked out once per process rather than once per rule
 * (a scan claims hundreds of processes against dozens of entries).
 */
interface ProcessView {
  p: ProcessInfo;
  names: Array<[string, boolean]>;
  where: string;
  script: string | undefined | null;
  args: string;
}

function viewOf(p: ProcessInfo, os: Os): ProcessView {
  return {
    p,
    names: namesOf(p),
    where: normalizePath(p.exe !== '' ? p.exe : (p.argv[0] ?? ''), os),
    script: null,
    args: p.argv.length > 1 ? p.argv.slice(1).join(' ') : '',
  };
}

function scoreView(rule: ProcessRule, v: ProcessView, os: Os): number {
  let score = 0;
  if (rule.names.length > 0) {
    if (!rule.names.some((r) => v.names.some(([n, comm]) => sameName(r, n, os, comm)))) return 0;
    score += 1;
  }
  if (rule.paths.length > 0) {
    if (!rule.paths.some((frag) => v.where.includes(normalizePath(frag, os)))) return 0;
    score += 4;
  }
  if (rule.scripts.length > 0) {
    if (v.script === null) v.script = scriptOf(v.p);
    const script = v.script;
    if (script === undefined || !rule.scripts.some((r) => scriptMatches(r, script, os))) return 0;
    score += 2;
  }
  if (rule.args.length > 0) {
    if (!rule.args.some((re) => re.test(v.args))) return 0;
    score += 2;
  }
  if (rule.notArgs.some((re) => re.test(v.args))) return 0;
  return score;
}

/** How much a rule that matches says about the process (0: it does not match). */
export function ruleScore(rule: ProcessRule, p: ProcessInfo, os: Os): number {
  return scoreView(rule, viewOf(p, os), os);
}

function bestEntry(
  v: ProcessView,
  entries: ReadonlyArray<readonly [CatalogEntry, readonly ProcessRule[]]>,
  os: Os,
): CatalogEntry | undefined {
  let best: CatalogEntry | undefined;
  let bestScore = 0;
  for (const [e, rules] of entries) {
    for (const rule of rules) {
      const s = scoreView(rule, v, os);
      if (s > bestScore) {
        best = e;
        bestScore = s;
      }
    }
  }
  return best;
}

/** The entry that claims a process, if any: the best-scoring rule, the first entry on a tie. */
export function claimProcess(
  p: ProcessInfo,
  entries: readonly CatalogEntry[],
  os: Os,
): CatalogEntry | undefined {
  return bestEntry(
    viewOf(p, os),
    entries.map((e) => [e, rulesFor(e, os)] as const),
    os,
  );
}

/** What one entry has running now. */
export interface EntryProcesses {
  entry: CatalogEntry;
  processes: ProcessInfo[];
}

/** Entries with processes (only those with processes), each process in exactly one. */
export function claimAll(
  processes: readonly ProcessInfo[],
  catalog: Catalog,
  os: Os,
): Map<string, EntryProcesses> {
  const withRules = catalog.entries
    .filter((e) => e.kind !== 'site')
    .map((e) => [e, rulesFor(e, os)] as const)
    .filter(([, rules]) => rules.length > 0);
  const out = new Map<string, EntryProcesses>();
  for (const p of processes) {
    const e = bestEntry(viewOf(p, os), withRules, os);
    if (e === undefined) continue;
    let group = out.get(e.id);
    if (group === undefined) {
      group = { entry: e, processes: [] };
      out.set(e.id, group);
    }
    group.processes.push(p);
  }
  return out;
}

/** Running-process figures of one entry (the gauges the metrics export reads). */
export interface ProcessGauge {
  entry: string;
  name: string;
  kind: 'app' | 'cli';
  category: string;
  running: boolean;
  pids: number;
  /** Summed over its processes, % of one core (so it can pass 100). */
  cpuPercent: number;
  memoryBytes: number;
}

/** One gauge per app and CLI entry of the catalog, running or not. */
export function processGauges(
  claimed: ReadonlyMap<string, EntryProcesses>,
  catalog: Catalog,
): ProcessGauge[] {
  const out: ProcessGauge[] = [];
  for (const e of catalog.entries) {
    if (e.kind === 'site') continue;
    const ps = claimed.get(e.id)?.processes ?? [];
    let cpu = 0;
    let mem = 0;
    for (const p of ps) {
      cpu += p.cpuPercent ?? 0;
      mem += p.memoryBytes ?? 0;
    }
    out.push({
      entry: e.id,
      name: e.name,
      kind: e.kind,
      category: e.category,
      running: ps.length > 0,
      pids: ps.length,
      cpuPercent: Math.round(cpu * 10) / 10,
      memoryBytes: mem,
    });
  }
  return out;
}

/**
 * The app entry in front, given the foreground window's pid and class: the entry that claimed
 * that pid or one of its ancestors (an Electron window belongs to its main process), else the
 * first app whose window classes or process names match the class without case.
 */
export function foregroundEntry(
  window: { pid: number | undefined; className: string; host?: string },
  claimed: ReadonlyMap<string, EntryProcesses>,
  processes: ReadonlyMap<string, ProcessInfo>,
  catalog: Catalog,
  os: Os,
): CatalogEntry | undefined {
  if (window.pid !== undefined) {
    const owner = new Map<string, CatalogEntry>();
    for (const g of claimed.values()) {
      for (const p of g.processes) owner.set(`${p.host}:${p.pid}`, g.entry);
    }
    const host = window.host ?? '';
    let pid: number | undefined = window.pid;
    for (let depth = 0; pid !== undefined && pid > 1 && depth < 32; depth++) {
      const e = owner.get(`${host}:${pid}`);
      if (e !== undefined) return e.kind === 'app' ? e : undefined;
      pid = processes.get(`${host}:${pid}`)?.ppid;
    }
  }
  const cls = stripExe(window.className.toLowerCase());
  if (cls === '') return undefined;
  for (const e of catalog.entries) {
    if (e.kind !== 'app') continue;
    if (e.windowClasses.some((w) => w.toLowerCase() === cls)) return e;
  }
  for (const e of catalog.entries) {
    if (e.kind !== 'app') continue;
    if (rulesFor(e, os).some((r) => r.names.some((n) => stripExe(n.toLowerCase()) === cls)))
      return e;
  }
  return undefined;
}
