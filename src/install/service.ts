// Installs the agent as a login service with the platform's own manager: writes the file that
// domain/service/files.ts generates and asks systemd, launchd or Task Scheduler to start it.
// When the manager cannot be reached (a container, an SSH session without a user manager) the
// file is still written and the commands to run are printed.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { win32 } from 'node:path';
import type { ServicePlatform, ServiceSpec } from '../domain/service/files.ts';
import { LAUNCHD_LABEL, SERVICE_NAME, serviceFileText } from '../domain/service/files.ts';
import { writeAtomic } from './backup.ts';
import { selfCommand } from './self-command.ts';

export function serviceFile(platform: ServicePlatform, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir();
  switch (platform) {
    case 'linux':
      return join(
        env.XDG_CONFIG_HOME || join(home, '.config'),
        'systemd',
        'user',
        `${SERVICE_NAME}.service`,
      );
    case 'darwin':
      return join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
    case 'win32':
      return win32.join(localAppData(env, home), 'ai-observer', `${SERVICE_NAME}-task.xml`);
  }
}

function localAppData(env: NodeJS.ProcessEnv, home: string): string {
  return env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local');
}

export function serviceSpec(platform: ServicePlatform, env: NodeJS.ProcessEnv): ServiceSpec {
  const [program, bin] = selfCommand() as [string, string];
  const home = env.HOME || homedir();
  const keep: Record<string, string> = {};
  // The agent starts notifiers (notify-send, osascript) by name: give it the user's PATH.
  if (platform !== 'win32' && env.PATH) keep.PATH = env.PATH;
  if (env.AI_OBSERVER_HOME) keep.AI_OBSERVER_HOME = env.AI_OBSERVER_HOME;
  let user = env.USERNAME || env.USER || '';
  try {
    user ||= userInfo().username;
  } catch {
    // No passwd entry: the task then names no user, and Windows uses the one who creates it.
  }
  return {
    program,
    args: [bin, 'serve'],
    env: keep,
    logDir: join(home, 'Library', 'Logs', 'ai-observer'),
    user: env.USERDOMAIN ? `${env.USERDOMAIN}\\${user}` : user,
  };
}

interface Run {
  ok: boolean;
  out: string;
}

function run(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  if (r.error !== undefined) return { ok: false, out: r.error.message };
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** The commands the user runs by hand when the manager cannot be reached from here. */
export function managerCommands(
  platform: ServicePlatform,
  action: 'install' | 'uninstall',
  file: string,
): string[] {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 501;
  switch (platform) {
    case 'linux':
      return action === 'install'
        ? [
            'systemctl --user daemon-reload',
            `systemctl --user enable --now ${SERVICE_NAME}.service`,
          ]
        : [
            `systemctl --user disable --now ${SERVICE_NAME}.service`,
            'systemctl --user daemon-reload',
          ];
    case 'darwin':
      return action === 'install'
        ? [`launchctl bootstrap gui/${uid} '${file}'`]
        : [`launchctl bootout gui/${uid}/${LAUNCHD_LABEL}`];
    case 'win32':
      return action === 'install'
        ? [
            `schtasks /Create /TN ${SERVICE_NAME} /XML "${file}" /F`,
            `schtasks /Run /TN ${SERVICE_NAME}`,
          ]
        : [`schtasks /End /TN ${SERVICE_NAME}`, `schtasks /Delete /TN ${SERVICE_NAME} /F`];
  }
}

function systemdReachable(): boolean {
  return run('systemctl', ['--user', 'show-environment']).ok;
}

export interface ServiceOutcome {
  file: string;
  /** Lines for the user: what was done, or what to run. */
  lines: string[];
  ok: boolean;
}

export function installService(platform: ServicePlatform, env: NodeJS.ProcessEnv): ServiceOutcome {
  const file = serviceFile(platform, env);
  const spec = serviceSpec(platform, env);
  const text = serviceFileText(platform, spec);
  const lines: string[] = [];
  if (platform === 'win32') {
    // Task Scheduler reads task XML as UTF-16 (the declaration says so).
    writeAtomic(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    mkdirSync(win32.join(localAppData(env, env.HOME || homedir()), 'ai-observer', 'logs'), {
      recursive: true,
    });
  } else {
    writeAtomic(file, text, 0o644);
    if (platform === 'darwin') mkdirSync(spec.logDir, { recursive: true });
  }
  lines.push(`wrote ${file}`);
  return { file, ...manage(platform, 'install', file, lines) };
}

export function uninstallService(
  platform: ServicePlatform,
  env: NodeJS.ProcessEnv,
): ServiceOutcome {
  const file = serviceFile(platform, env);
  const lines: string[] = [];
  if (!existsSync(file)) return { file, lines: [`not installed (no ${file})`], ok: true };
  const r = manage(platform, 'uninstall', file, lines);
  rmSync(file, { force: true });
  lines.push(`removed ${file}`);
  if (platform === 'linux' && systemdReachable()) run('systemctl', ['--user', 'daemon-reload']);
  return { file, ...r, lines };
}

function manage(
  platform: ServicePlatform,
  action: 'install' | 'uninstall',
  file: string,
  lines: string[],
): { lines: string[]; ok: boolean } {
  const commands = managerCommands(platform, action, file);
  const reachable = platform === 'linux' ? systemdReachable() : platform === process.platform;
  if (!reachable) {
    const why =
      platform === 'linux'
        ? 'no systemd user manager is reachable from here'
        : `this is not ${platform}`;
    lines.push(`${why}; to ${action === 'install' ? 'start' : 'stop'} it, run:`);
    for (const c of commands) lines.push(`  ${c}`);
    return { lines, ok: true };
  }
  let ok = true;
  if (platform === 'darwin' && action === 'install') {
    // A loaded older definition would make bootstrap fail: unload it first.
    const uid = process.getuid?.() ?? 501;
    run('launchctl', ['bootout', `gui/${uid}/${LAUNCHD_LABEL}`]);
  }
  for (const c of commands) {
    const [cmd, ...args] = splitCommand(c);
    const r = run(cmd!, args);
    lines.push(`${r.ok ? '✓' : '✗'} ${c}${r.ok || r.out === '' ? '' : `: ${r.out}`}`);
    // Stopping what is not running is not a failure of uninstall.
    if (!r.ok && action === 'install') ok = false;
  }
  return { lines, ok };
}

/** Splits the commands above (no user input in them besides quoted paths). */
function splitCommand(c: string): string[] {
  const out: string[] = [];
  for (const m of c.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

export interface ServiceStatus {
  platform: ServicePlatform;
  file: string;
  installed: boolean;
  /** What the manager says (active, enabled, …), when it can be asked. */
  manager: string | null;
}

export function serviceStatus(platform: ServicePlatform, env: NodeJS.ProcessEnv): ServiceStatus {
  const file = serviceFile(platform, env);
  const installed = existsSync(file);
  let manager: string | null = null;
  if (platform === 'linux' && systemdReachable()) {
    const active = run('systemctl', ['--user', 'is-active', `${SERVICE_NAME}.service`]).out;
    const enabled = run('systemctl', ['--user', 'is-enabled', `${SERVICE_NAME}.service`]).out;
    manager = `${active || 'unknown'}, ${enabled || 'unknown'}`;
  } else if (platform === 'darwin' && process.platform === 'darwin') {
    const uid = process.getuid?.() ?? 501;
    const r = run('launchctl', ['print', `gui/${uid}/${LAUNCHD_LABEL}`]);
    manager = r.ok ? (/state = (\w+)/.exec(r.out)?.[1] ?? 'loaded') : 'not loaded';
  } else if (platform === 'win32' && process.platform === 'win32') {
    const r = run('schtasks', ['/Query', '/TN', SERVICE_NAME, '/FO', 'LIST']);
    manager = r.ok ? (/Status:\s*(.+)/.exec(r.out)?.[1]?.trim() ?? 'registered') : 'not registered';
  }
  return { platform, file, installed, manager };
}
