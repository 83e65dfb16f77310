// The process source of each OS: /proc on Linux, `ps` on macOS, Win32_Process through a
// long-lived PowerShell on Windows, plus the processes inside running WSL distros.

import { execFile } from 'node:child_process';
import type { ProcessInfo } from '../../domain/activity/process-match.ts';
import type { PowerShellSession } from '../powershell.ts';
import { ProcScanner } from './linux.ts';
import {
  CpuTracker,
  parsePsDarwin,
  parsePsLinux,
  parseWin32Processes,
  parseWslList,
  WIN32_PROCESS_SCRIPT,
} from './parse.ts';

export interface ProcessSource {
  scan(): Promise<ProcessInfo[]>;
  close(): void;
}

/** Runs a command (found on `env.PATH`); its stdout as a Buffer, or an error naming it. */
export function run(
  cmd: string,
  args: string[],
  timeoutMs = 5000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        encoding: 'buffer',
        timeout: timeoutMs,
        maxBuffer: 32 * 1024 * 1024,
        windowsHide: true,
        env,
      },
      (err, stdout, stderr) => {
        if (err === null) return resolve(stdout);
        const why =
          typeof err.code === 'number'
            ? `exit code ${err.code}${stderr.length > 0 ? `: ${stderr.toString().trim().split('\n')[0]}` : ''}`
            : err.message.split('\n')[0];
        reject(new Error(`${cmd} ${args.join(' ')}: ${why}`));
      },
    );
  });
}

class LinuxProcesses implements ProcessSource {
  readonly #scanner: ProcScanner;
  constructor(root?: string) {
    this.#scanner = new ProcScanner(root);
  }
  async scan(): Promise<ProcessInfo[]> {
    return this.#scanner.scan();
  }
  close(): void {}
}

class DarwinProcesses implements ProcessSource {
  async scan(): Promise<ProcessInfo[]> {
    const [comm, args] = await Promise.all([
      run('ps', ['-axww', '-o', 'pid=,ppid=,%cpu=,rss=,comm=']),
      run('ps', ['-axww', '-o', 'pid=,args=']),
    ]);
    return parsePsDarwin(comm.toString('utf8'), args.toString('utf8'));
  }
  close(): void {}
}

class WindowsProcesses implements ProcessSource {
  readonly #ps: () => PowerShellSession;
  readonly #cpu = new CpuTracker();
  readonly #wsl: boolean;

  constructor(wsl: boolean, ps: () => PowerShellSession) {
    this.#wsl = wsl;
    this.#ps = ps;
  }

  async scan(): Promise<ProcessInfo[]> {
    const rows = parseWin32Processes(await this.#ps().run(WIN32_PROCESS_SCRIPT));
    const cpu = new Map(rows.map((r) => [`${r.info.pid}:${r.started}`, r.cpuSeconds]));
    const pct = this.#cpu.update(cpu, Date.now());
    const out = rows.map((r) => ({ ...r.info, cpuPercent: pct.get(`${r.info.pid}:${r.started}`) }));
    if (this.#wsl) out.push(...(await wslProcesses().catch(() => [])));
    return out;
  }

  close(): void {
    // The PowerShell session belongs to whoever made it (it serves the foreground too).
  }
}

/** The running WSL distros, as `wsl.exe --list --running --quiet` names them. */
export async function wslDistros(): Promise<string[]> {
  return parseWslList(await run('wsl.exe', ['--list', '--running', '--quiet']));
}

/** Processes inside every running WSL distro, each tagged with its distro. */
export async function wslProcesses(): Promise<ProcessInfo[]> {
  const out: ProcessInfo[] = [];
  for (const distro of await wslDistros()) {
    try {
      const text = await run('wsl.exe', [
        '-d',
        distro,
        '--exec',
        'ps',
        '-eww',
        '-o',
        'pid=,ppid=,%cpu=,rss=,comm=,args=',
      ]);
      out.push(...parsePsLinux(text.toString('utf8'), distro));
    } catch {
      // A distro stopping while we ask: the next scan will not list it.
    }
  }
  return out;
}

export function processSource(
  platform: NodeJS.Platform,
  opts: { wsl: boolean; powershell: () => PowerShellSession; procRoot?: string },
): ProcessSource | undefined {
  if (platform === 'linux') return new LinuxProcesses(opts.procRoot);
  if (platform === 'darwin') return new DarwinProcesses();
  if (platform === 'win32') return new WindowsProcesses(opts.wsl, opts.powershell);
  return undefined;
}
