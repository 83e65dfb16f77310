// Where Gemini CLI keeps its chat recordings: `<gemini dir>/tmp/<project>/chats/`.

import { join, resolve } from 'node:path';

function expandHome(dir: string, home: string): string {
  return resolve(dir === '~' ? home : dir.startsWith('~/') ? join(home, dir.slice(2)) : dir);
}

/**
 * The Gemini dir: config `ledger.geminiDir`, else `$GEMINI_CLI_HOME/.gemini` (the CLI's own
 * override of the home it puts `.gemini` in), else `~/.gemini`.
 */
export function geminiDir(env: NodeJS.ProcessEnv, configured: string, home: string): string {
  const base = env.GEMINI_CLI_HOME?.trim() || home;
  return expandHome(configured.trim() || join(base, '.gemini'), home);
}

export function geminiRoots(env: NodeJS.ProcessEnv, configured: string, home: string): string[] {
  return [join(geminiDir(env, configured, home), 'tmp')];
}

/** Whether a file under `tmp/` (path relative to it) is a chat recording. */
export function isGeminiChat(relPath: string): boolean {
  // Older versions wrote one whole `session-*.json` document, rewritten in place: not a log;
  // on resume Gemini converts it to `.jsonl`, which is read then.
  return (
    /^[^/]+\/chats\/session-[^/]*\.jsonl$/.test(relPath) ||
    /^[^/]+\/chats\/[^/]+\/[^/]+\.jsonl$/.test(relPath)
  );
}
