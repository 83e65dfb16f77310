// Where shells keep their history, and which format a file is in.

import { join } from 'node:path';
import type { ShellFormat } from '../../domain/activity/shell.ts';
import { SHELL_FORMATS } from '../../domain/activity/shell.ts';

export interface HistoryFileSpec {
  path: string;
  format: ShellFormat;
}

/** The format from a file's name: fish_history, *zsh*, ConsoleHost_history.txt, else bash. */
export function formatOf(path: string): ShellFormat {
  const name = path.split(/[/\\]/).pop() ?? '';
  if (name.includes('fish_history')) return 'fish';
  if (name.includes('zsh') || name === '.zhistory') return 'zsh';
  if (name.toLowerCase().includes('consolehost_history')) return 'powershell';
  return 'bash';
}

/** `zsh:/path` names the format; a bare path is recognised by its name. */
export function parseSpec(text: string): HistoryFileSpec {
  const m = /^(bash|zsh|fish|powershell):(.+)$/.exec(text.trim());
  if (m !== null && (SHELL_FORMATS as readonly string[]).includes(m[1]!)) {
    return { format: m[1] as ShellFormat, path: m[2]! };
  }
  return { format: formatOf(text.trim()), path: text.trim() };
}

/** The usual history files of this user (those that exist are read), `$HISTFILE` first. */
export function defaultHistoryFiles(
  platform: NodeJS.Platform,
  home: string,
  env: NodeJS.ProcessEnv,
): HistoryFileSpec[] {
  const out: HistoryFileSpec[] = [];
  if (env.HISTFILE) out.push(parseSpec(env.HISTFILE));
  if (platform === 'win32') {
    const roaming = env.APPDATA ?? join(home, 'AppData', 'Roaming');
    out.push({
      format: 'powershell',
      path: join(
        roaming,
        'Microsoft',
        'Windows',
        'PowerShell',
        'PSReadLine',
        'ConsoleHost_history.txt',
      ),
    });
    out.push({ format: 'bash', path: join(home, '.bash_history') });
    return out;
  }
  const zdot = env.ZDOTDIR || home;
  const data = env.XDG_DATA_HOME || join(home, '.local', 'share');
  out.push({ format: 'bash', path: join(home, '.bash_history') });
  out.push({ format: 'zsh', path: join(zdot, '.zsh_history') });
  out.push({ format: 'zsh', path: join(zdot, '.zhistory') });
  out.push({ format: 'fish', path: join(data, 'fish', 'fish_history') });
  out.push({
    format: 'powershell',
    path: join(data, 'powershell', 'PSReadLine', 'ConsoleHost_history.txt'),
  });
  return out;
}

/**
 * The history files of the users of a WSL distro, as Windows reaches them
 * (`\\wsl.localhost\<distro>\home\<user>\…`), given the distro's home folders.
 */
export function wslHistoryFiles(distro: string, users: readonly string[]): HistoryFileSpec[] {
  const out: HistoryFileSpec[] = [];
  for (const user of users) {
    const home = `\\\\wsl.localhost\\${distro}\\home\\${user}`;
    out.push({ format: 'bash', path: `${home}\\.bash_history` });
    out.push({ format: 'zsh', path: `${home}\\.zsh_history` });
    out.push({ format: 'fish', path: `${home}\\.local\\share\\fish\\fish_history` });
  }
  return out;
}
