// The transcript sources the ledger indexes, with their directories resolved from config and
// environment (DESIGN.md §3: one folder per source).

import { homedir } from 'node:os';
import type { Config } from '../config/schema.ts';
import { claudeCodeFormat } from './claude-code/format.ts';
import { claudeRoots } from './claude-code/paths.ts';
import { codexFormat } from './codex/format.ts';
import { codexRoots } from './codex/paths.ts';
import type { LogSource } from './files/indexer.ts';
import { geminiCliFormat } from './gemini-cli/format.ts';
import { geminiRoots } from './gemini-cli/paths.ts';
import type { LogFormat } from './types.ts';

export function logSources(
  ledger: Config['ledger'],
  env: NodeJS.ProcessEnv = process.env,
): LogSource[] {
  const home = env.HOME || homedir();
  return [
    {
      format: claudeCodeFormat as LogFormat<unknown>,
      roots: claudeRoots(env, ledger.claudeDirs, home),
    },
    { format: codexFormat as LogFormat<unknown>, roots: codexRoots(env, ledger.codexHome, home) },
    {
      format: geminiCliFormat as LogFormat<unknown>,
      roots: geminiRoots(env, ledger.geminiDir, home),
    },
  ];
}
