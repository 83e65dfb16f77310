// Where each tool's transcripts live and which files under those directories are transcripts,
// without their parsers: enough to tell whether anything changed since the ledger read them
// (ledger/freshness.ts), so a report over an up-to-date ledger never loads the formats.

import { homedir } from 'node:os';
import type { Config } from '../config/schema.ts';
import type { Tool } from '../domain/events.ts';
import { claudeRoots, isClaudeTranscript } from './claude-code/paths.ts';
import { codexRoots, isCodexRollout } from './codex/paths.ts';
import { geminiRoots, isGeminiChat } from './gemini-cli/paths.ts';

export interface LogLocation {
  tool: Tool;
  roots: string[];
  /** Whether a file under a root (path relative to it, `/`-separated) is a transcript. */
  matches(relPath: string): boolean;
}

export function logLocations(
  ledger: Config['ledger'],
  env: NodeJS.ProcessEnv = process.env,
): LogLocation[] {
  const home = env.HOME || homedir();
  return [
    {
      tool: 'claude-code',
      roots: claudeRoots(env, ledger.claudeDirs, home),
      matches: isClaudeTranscript,
    },
    { tool: 'codex', roots: codexRoots(env, ledger.codexHome, home), matches: isCodexRollout },
    {
      tool: 'gemini-cli',
      roots: geminiRoots(env, ledger.geminiDir, home),
      matches: isGeminiChat,
    },
  ];
}
