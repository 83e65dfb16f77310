// Linux processes from /proc. A scan reads every /proc/<pid>/stat (name, parent, CPU time,
// memory, start time); the command line and executable are read only for a process not seen
// before (a pid whose start time or name changed is a new one), so a warm scan of hundreds of
// processes is one small read each.

import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import type { ProcessInfo } from '../../domain/activity/process-match.ts';
import { CpuTracker, parseCmdline, parseProcStat } from './parse.ts';

const USER_HZ = 100;

interface Known {
  id: string;
  exe: string;
  argv: string[];
}

/** Bytes per page: this process's resident pages against its RSS (4 KiB, 16 KiB, 64 KiB). */
function pageSize(root: string): number {
  try {
    const pages = Number(readFileSync(`${root}/self/statm`, 'latin1').split(' ')[1]);
    const ratio = process.memoryUsage.rss() / pages;
    for (const size of [4096, 16_384, 65_536]) if (ratio < size * 1.5) return size;
  } catch {
    // Not Linux or no /proc/self: the common size.
  }
  return 4096;
}

/** One reused buffer for the small /proc files: a read is open, read, close, no stat. */
const buf = Buffer.allocUnsafe(8192);

function readSmall(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('latin1', 0, n);
  } finally {
    closeSync(fd);
  }
}

export class ProcScanner {
  readonly #root: string;
  readonly #page: number;
  #known = new Map<number, Known>();
  readonly #cpu = new CpuTracker();

  constructor(root = '/proc') {
    this.#root = root;
    this.#page = pageSize(root);
  }

  scan(at = Date.now()): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    const known = new Map<number, Known>();
    const cpu = new Map<string, number>();
    for (const name of readdirSync(this.#root)) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      let stat: ReturnType<typeof parseProcStat>;
      try {
        stat = parseProcStat(readSmall(`${this.#root}/${name}/stat`));
      } catch {
        continue; // gone between the listing and the read
      }
      if (stat === undefined) continue;
      const id = `${pid}:${stat.startTicks}:${stat.comm}`;
      let k = this.#known.get(pid);
      if (k === undefined || k.id !== id) {
        k = { id, exe: this.#exe(name), argv: this.#argv(name) };
      }
      known.set(pid, k);
      cpu.set(id, stat.ticks / USER_HZ);
      out.push({
        pid,
        ppid: stat.ppid,
        name: stat.comm,
        exe: k.exe,
        argv: k.argv,
        host: '',
        cpuPercent: undefined,
        memoryBytes: stat.rssPages * this.#page,
      });
    }
    this.#known = known;
    const pct = this.#cpu.update(cpu, at);
    for (const p of out) p.cpuPercent = pct.get(known.get(p.pid)!.id);
    return out;
  }

  #exe(pid: string): string {
    try {
      // A deleted executable reads as "/path (deleted)" (an upgraded binary still running).
      return readlinkSync(`${this.#root}/${pid}/exe`).replace(/ \(deleted\)$/, '');
    } catch {
      return ''; // another user's process, or a kernel thread
    }
  }

  #argv(pid: string): string[] {
    try {
      return parseCmdline(readFileSync(`${this.#root}/${pid}/cmdline`, 'utf8'));
    } catch {
      return [];
    }
  }
}
