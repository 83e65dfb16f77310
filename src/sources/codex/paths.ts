// Where Codex keeps its rollouts: `<codex home>/sessions/YYYY/MM/DD/` and, once archived,
// `<codex home>/archived_sessions/`.

import { join, resolve } from 'node:path';

function expandHome(dir: string, home: string): string {
  return resolve(dir === '~' ? home : dir.startsWith('~/') ? join(home, dir.slice(2)) : dir);
}

/** The Codex home: config `ledger.codexHome`, else `CODEX_HOME`, else `~/.codex`. */
export function codexHome(env: NodeJS.ProcessEnv, configured: string, home: string): string {
  const dir = configured.trim() || env.CODEX_HOME?.trim() || join(home, '.codex');
  return expandHome(dir, home);
}

export function codexRoots(env: NodeJS.ProcessEnv, configured: string, home: string): string[] {
  const dir = codexHome(env, configured, home);
  return [join(dir, 'sessions'), join(dir, 'archived_sessions')];
}

/** Whether a file under a root (path relative to `sessions/` or `archived_sessions/`) is a rollout. */
export function isCodexRollout(relPath: string): boolean {
  // Dated folders under `sessions/`, flat under `archived_sessions/`.
  return /^(?:\d{4}\/\d{2}\/\d{2}\/)?rollout-[^/]*\.jsonl$/.test(relPath);
}
