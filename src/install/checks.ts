// The checks `doctor` adds to its ledger report: whether each AI tool is set up (its settings
// read, never changed), whether the agent runs and what it has received from each tool,
// whether the ports are free or taken, and whether ai-observer's own dirs are usable and
// private.

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Paths } from '../config/paths.ts';
import type { Tool } from '../domain/events.ts';
import { planSetup } from '../domain/setup/plan.ts';
import type { SetupTarget, SetupTool } from '../domain/setup/target.ts';
import { readIfPresent } from './backup.ts';
import { settingsFile } from './settings-files.ts';

export interface SetupStatus {
  tool: SetupTool;
  file: string;
  exists: boolean;
  /** Why the file could not be read or parsed. */
  error: string | null;
  /** Everything setup would write is there (pointing at this agent). */
  configured: boolean;
  /** What setup would still add or change. */
  missing: string[];
}

export function setupStatus(
  tool: SetupTool,
  target: SetupTarget,
  env: NodeJS.ProcessEnv,
): SetupStatus {
  const file = settingsFile(tool, env);
  try {
    const bytes = readIfPresent(file);
    const plan = planSetup(tool, bytes?.toString('utf8') ?? '', file, {
      ...target,
      anyCommand: true,
    });
    return {
      tool,
      file,
      exists: bytes !== undefined,
      error: null,
      configured: plan.changed.length === 0,
      missing: plan.changed,
    };
  } catch (err) {
    return {
      tool,
      file,
      exists: existsSync(file),
      error: (err as Error).message,
      configured: false,
      missing: [],
    };
  }
}

export interface ToolReceived {
  logRecords: number;
  metricPoints: number;
  spans: number;
  hooks: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface AgentStatus {
  url: string;
  running: boolean;
  error: string | null;
  version: string | null;
  uptimeS: number | null;
  received: Partial<Record<Tool, ToolReceived>>;
}

export async function agentStatus(
  url: string,
  headers: Record<string, string>,
): Promise<AgentStatus> {
  const base: AgentStatus = {
    url,
    running: false,
    error: null,
    version: null,
    uptimeS: null,
    received: {},
  };
  try {
    const get = async (path: string) => {
      const res = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(2000) });
      if (!res.ok) throw new Error(`${path} answered ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const health = await get('/health');
    const stats = await get('/api/stats');
    return {
      ...base,
      running: true,
      version: typeof health.version === 'string' ? health.version : null,
      uptimeS: typeof health.uptime_s === 'number' ? health.uptime_s : null,
      received: (stats.received ?? {}) as AgentStatus['received'],
    };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ...base, error: cause ?? (err as Error).message };
  }
}

/** Whether a TCP port on the host can be listened on now. */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface DirCheck {
  path: string;
  exists: boolean;
  writable: boolean;
  /** Permission bits (POSIX); null where there are none to check. */
  mode: number | null;
  problem: string | null;
}

/** A dir of ai-observer's: present or creatable, writable, and not open to other users. */
export function checkDir(path: string, platform = process.platform): DirCheck {
  if (!existsSync(path)) {
    return { path, exists: false, writable: true, mode: null, problem: null };
  }
  const st = statSync(path);
  const mode = platform === 'win32' ? null : st.mode & 0o777;
  let writable = true;
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch {
    writable = false;
  }
  let problem: string | null = null;
  if (!st.isDirectory()) problem = `${path} is not a directory — move it away`;
  else if (!writable) problem = `${path} is not writable by you — run \`chmod u+rwx ${path}\``;
  else if (mode !== null && (mode & 0o022) !== 0) {
    problem = `${path} can be written by other users — run \`chmod 700 ${path}\``;
  }
  return { path, exists: true, writable, mode, problem };
}

export function ownDirs(paths: Paths): string[] {
  return [paths.dataDir, paths.runtimeDir];
}
