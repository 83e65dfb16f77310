// The history sources of workstation activity, as the config sets them up: every browser
// profile found, and the shell history files (the usual ones, the config's list, and on
// Windows those of the users of running WSL distros). Shared by the agent and by `report`,
// which reads them itself when no agent runs.

import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Config } from '../config/schema.ts';
import type { Catalog } from '../domain/activity/catalog.ts';
import { shellIndex } from '../domain/activity/shell.ts';
import { siteIndex } from '../domain/activity/sites.ts';
import { BrowserHistorySource, findHistoryFiles } from './browser-history/index.ts';
import { wslDistros } from './processes/index.ts';
import { ShellHistorySource } from './shell-history/index.ts';
import {
  defaultHistoryFiles,
  type HistoryFileSpec,
  parseSpec,
  wslHistoryFiles,
} from './shell-history/paths.ts';

export interface HistorySources {
  browser: BrowserHistorySource | undefined;
  shell: ShellHistorySource | undefined;
  /** Looks again for WSL distros and their users (Windows only; at most every 5 minutes). */
  refreshWsl(): Promise<void>;
}

const WSL_REFRESH_MS = 5 * 60_000;

export function historySources(
  config: Config,
  catalog: Catalog,
  env: NodeJS.ProcessEnv,
  opts: { platform?: NodeJS.Platform; pause?: () => Promise<void> } = {},
): HistorySources {
  const platform = opts.platform ?? process.platform;
  const home = env.HOME || env.USERPROFILE || homedir();
  const a = config.activity;
  const sites = siteIndex(catalog);
  const commands = shellIndex(catalog);
  let wslFiles: HistoryFileSpec[] = [];
  let wslAt = Number.NEGATIVE_INFINITY;
  const listed = a.shellHistoryFiles
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseSpec);
  return {
    browser: a.browserHistory
      ? new BrowserHistorySource({
          files: () => findHistoryFiles(platform, home, env),
          sites: () => sites,
          gapMs: a.siteSessionGapMs,
          ...(opts.pause !== undefined ? { pause: opts.pause } : {}),
        })
      : undefined,
    shell: a.shellHistory
      ? new ShellHistorySource({
          files: () => [
            ...(listed.length > 0 ? listed : defaultHistoryFiles(platform, home, env)),
            ...wslFiles,
          ],
          commands: () => commands,
        })
      : undefined,
    async refreshWsl() {
      if (platform !== 'win32' || !a.wsl || !a.shellHistory) return;
      if (Date.now() - wslAt < WSL_REFRESH_MS) return;
      wslAt = Date.now();
      const files: HistoryFileSpec[] = [];
      for (const distro of await wslDistros().catch(() => [])) {
        let users: string[] = [];
        try {
          users = readdirSync(`\\\\wsl.localhost\\${distro}\\home`);
        } catch {
          // Not reachable from Windows (an old WSL without \\wsl.localhost).
        }
        files.push(...wslHistoryFiles(distro, users));
      }
      wslFiles = files;
    },
  };
}
