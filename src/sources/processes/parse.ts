// What the OSes say about their processes, parsed: Linux /proc/<pid>/stat, macOS and WSL `ps`,
// Windows Win32_Process as JSON from PowerShell, and `wsl.exe --list` (UTF-16). Pure, so each
// is tested on recorded output. Command lines are parsed for matching and never kept.

import type { ProcessInfo } from '../../domain/activity/process-match.ts';

export interface ProcStat {
  comm: string;
  ppid: number;
  /** CPU time used, in clock ticks (USER_HZ, 100 per second on Linux). */
  ticks: number;
  /** Start time in ticks since boot: with the pid, what tells a reused pid apart. */
  startTicks: number;
  rssPages: number;
}

/** `/proc/<pid>/stat`: the comm may hold spaces and parentheses, so split after the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const f = text.slice(close + 2).split(' ');
  // Field n of proc(5) is f[n - 3]: ppid 4, utime 14, stime 15, starttime 22, rss 24.
  const ppid = Number(f[1]);
  const ticks = Number(f[11]) + Number(f[12]);
  const startTicks = Number(f[19]);
  const rssPages = Number(f[21]);
  if (![ppid, ticks, startTicks, rssPages].every(Number.isFinite)) return undefined;
  return { comm: text.slice(open + 1, close), ppid, ticks, startTicks, rssPages };
}

/** `/proc/<pid>/cmdline`: NUL-separated arguments (a trailing NUL, or none after a rename). */
export function parseCmdline(text: string): string[] {
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  // A process that rewrote its title (node's process.title) may leave one space-padded string.
  if (parts.length === 1)
    return parts[0]!
      .trimEnd()
      .split(/ +/)
      .filter((s) => s !== '');
  return parts;
}

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? path : path.slice(cut + 1);
}

const PS_ROW = /^\s*(\d+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s(.*)$/;
const PS_ARGS = /^\s*(\d+)\s(.*)$/;

/**
 * macOS: `ps -axww -o pid=,ppid=,%cpu=,rss=,comm=` (comm is the executable's path, spaces and
 * all, so it comes last) and `ps -axww -o pid=,args=` for the arguments, joined by pid.
 */
export function parsePsDarwin(commOut: string, argsOut: string): ProcessInfo[] {
  const args = new Map<number, string>();
  for (const line of argsOut.split('\n')) {
    const m = PS_ARGS.exec(line);
    if (m !== null) args.set(Number(m[1]), m[2]!);
  }
  const out: ProcessInfo[] = [];
  for (const line of commOut.split('\n')) {
    const m = PS_ROW.exec(line);
    if (m === null) continue;
    const pid = Number(m[1]);
    const comm = m[5]!.trim();
    const line2 = args.get(pid) ?? comm;
    // The first argument may be the path with its spaces: take it whole when it is comm.
    const argv = line2.startsWith(comm)
      ? [
          comm,
          ...line2
            .slice(comm.length)
            .trim()
            .split(/\s+/)
            .filter((s) => s !== ''),
        ]
      : line2.split(/\s+/).filter((s) => s !== '');
    out.push({
      pid,
      ppid: Number(m[2]),
      name: baseName(comm),
      exe: comm.startsWith('/') ? comm : '',
      argv,
      host: '',
      cpuPercent: Number(m[3]),
      memoryBytes: Number(m[4]) * 1024,
    });
  }
  return out;
}

/**
 * Linux `ps -eww -o pid=,ppid=,%cpu=,rss=,comm=,args=` (how processes inside a WSL distro are
 * listed from Windows). comm is taken as one word: Linux names with spaces are rare.
 */
export function parsePsLinux(text: string, host: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const line of text.split('\n')) {
    const m = PS_ROW.exec(line);
    if (m === null) continue;
    const rest = m[5]!.trim();
    const space = rest.search(/\s/);
    const comm = space < 0 ? rest : rest.slice(0, space);
    const argv = space < 0 ? [comm] : rest.slice(space).trim().split(/\s+/);
    out.push({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      name: comm,
      exe: argv[0]?.startsWith('/') ? argv[0] : '',
      argv,
      host,
      cpuPercent: Number(m[3]),
      memoryBytes: Number(m[4]) * 1024,
    });
  }
  return out;
}

/** A Windows command line → arguments, by the C runtime's quoting rules (enough to match). */
export function splitWindowsCommandLine(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let inArg = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === '\\') {
      let n = 0;
      while (cmd[i + n] === '\\') n++;
      if (cmd[i + n] === '"') {
        cur += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) cur += '"';
        else quoted = !quoted;
        i += n;
      } else {
        cur += '\\'.repeat(n);
        i += n - 1;
      }
      inArg = true;
    } else if (c === '"') {
      quoted = !quoted;
      inArg = true;
    } else if ((c === ' ' || c === '\t') && !quoted) {
      if (inArg) out.push(cur);
      cur = '';
      inArg = false;
    } else {
      cur += c;
      inArg = true;
    }
  }
  if (inArg) out.push(cur);
  return out;
}

/** The PowerShell line that lists processes as the JSON `parseWin32Processes` reads. */
export const WIN32_PROCESS_SCRIPT =
  'Get-CimInstance Win32_Process | ForEach-Object { [pscustomobject]@{ p = $_.ProcessId; pp = $_.ParentProcessId; n = $_.Name; e = $_.ExecutablePath; c = $_.CommandLine; m = $_.WorkingSetSize; t = $_.KernelModeTime + $_.UserModeTime; s = $_.CreationDate.Ticks } } | ConvertTo-Json -Compress';

export interface Win32Process {
  info: ProcessInfo;
  /** CPU time used, seconds. */
  cpuSeconds: number;
  /** Creation time: with the pid, tells a reused pid apart. */
  started: string;
}

/** Win32_Process rows as WIN32_PROCESS_SCRIPT prints them (one object alone is not a list). */
export function parseWin32Processes(json: string): Win32Process[] {
  const text = json.trim();
  if (text === '') return [];
  const doc = JSON.parse(text) as unknown;
  const rows = (Array.isArray(doc) ? doc : [doc]) as Array<Record<string, unknown>>;
  const out: Win32Process[] = [];
  for (const r of rows) {
    if (typeof r !== 'object' || r === null) continue;
    const pid = Number(r.p);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const cmd = typeof r.c === 'string' ? r.c : '';
    const exe = typeof r.e === 'string' ? r.e : '';
    out.push({
      info: {
        pid,
        ppid: Number(r.pp) || 0,
        name: typeof r.n === 'string' ? r.n : '',
        exe,
        argv: cmd !== '' ? splitWindowsCommandLine(cmd) : exe !== '' ? [exe] : [],
        host: '',
        cpuPercent: undefined,
        memoryBytes: Number(r.m) || 0,
      },
      // KernelModeTime + UserModeTime are in 100 ns units.
      cpuSeconds: (Number(r.t) || 0) / 1e7,
      started: String(r.s ?? ''),
    });
  }
  return out;
}

/** `wsl.exe --list --running --quiet` prints UTF-16LE: the running distros' names. */
export function parseWslList(out: Buffer): string[] {
  const utf16 = out.length >= 2 && (out[1] === 0 || (out[0] === 0xff && out[1] === 0xfe));
  const text = utf16 ? out.toString('utf16le') : out.toString('utf8');
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((s) => s.replace(/\0/g, '').trim())
    .filter((s) => s !== '');
}

/**
 * CPU % of one core between two readings of a process's CPU time. A process seen for the
 * first time has none yet; identities that vanish are forgotten.
 */
export class CpuTracker {
  #prev = new Map<string, { cpu: number; at: number }>();

  /** `seen` identities this round: id → CPU seconds. Returns id → % since the last round. */
  update(seen: ReadonlyMap<string, number>, at: number): Map<string, number | undefined> {
    const next = new Map<string, { cpu: number; at: number }>();
    const out = new Map<string, number | undefined>();
    for (const [id, cpu] of seen) {
      const p = this.#prev.get(id);
      const elapsed = p === undefined ? 0 : (at - p.at) / 1000;
      out.set(
        id,
        p === undefined || elapsed <= 0 ? undefined : Math.max(0, ((cpu - p.cpu) / elapsed) * 100),
      );
      next.set(id, { cpu, at });
    }
    this.#prev = next;
    return out;
  }
}
