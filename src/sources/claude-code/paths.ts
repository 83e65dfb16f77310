// Where Claude Code keeps its transcripts: `<config dir>/projects`. Roots that do not exist
// are the indexer's to skip; listing them keeps a later install visible without a restart.

import { isAbsolute, join, resolve } from 'node:path';

/** Comma-separated directories, `~` expanded, blanks dropped. */
export function dirList(value: string, home: string): string[] {
  return value
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map((d) => resolve(d === '~' ? home : d.startsWith('~/') ? join(home, d.slice(2)) : d));
}

/**
 * The projects directories to index. `configured` (config `ledger.claudeDirs`) beats
 * `CLAUDE_CONFIG_DIR`; both list config dirs, comma-separated, as Claude Code and ccusage
 * read them. Without either: the XDG location newer versions use and the classic `~/.claude`.
 */
export function claudeRoots(env: NodeJS.ProcessEnv, configured: string, home: string): string[] {
  let dirs = dirList(configured, home);
  if (dirs.length === 0) dirs = dirList(env.CLAUDE_CONFIG_DIR ?? '', home);
  if (dirs.length === 0) {
    // XDG says a relative XDG_CONFIG_HOME is invalid and to be ignored.
    const xdgEnv = env.XDG_CONFIG_HOME?.trim() ?? '';
    const xdg = isAbsolute(xdgEnv) ? xdgEnv : join(home, '.config');
    dirs = [join(xdg, 'claude'), join(home, '.claude')];
  }
  return [...new Set(dirs.map((d) => join(d, 'projects')))];
}

/** Whether a file under a projects directory (path relative to it) is a transcript. */
export function isClaudeTranscript(relPath: string): boolean {
  return relPath.endsWith('.jsonl');
}
