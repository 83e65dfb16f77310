// The transcript sources the ledger indexes, with their directories resolved from config and
// environment (DESIGN.md §3: one folder per source).

import { homedir } from 'node:os';
import type { Config } from '../config/schema.ts';
import type { Tool } from '../domain/events.ts';
import { claudeCodeFormat } from './claude-code/format.ts';
import { claudeRoots } from './claude-code/paths.ts';
import { codexFormat } from './codex/format.ts';
import { codexRoots } from './codex/paths.ts';
import type { LogSource } from './files/indexer.ts';
import { geminiCliFormat } from './gemini-cli/format.ts';
import { geminiRoots } from './gemini-cli/paths.ts';
import type { LogFormat } from './types.ts';

const FORMATS: Record<Tool, LogFormat<unknown>> = {
  'claude-code': claudeCodeFormat as LogFormat<unknown>,
  codex: codexFormat as LogFormat<unknown>,
  'gemini-cli': geminiCliFormat as LogFormat<unknown>,
};

/** The transcript format of a tool. */
export function formatOf(tool: Tool): LogFormat<unknown> {
  return FORMATS[tool];
}

export function logSources(
  ledger: Config['ledger'],
  env: NodeJS.ProcessEnv = process.env,
): LogSource[] {
  const home = env.HOME || homedir();
  return [
    { format: FORMATS['claude-code'], roots: claudeRoots(env, ledger.claudeDirs, home) },
    { format: FORMATS.codex, roots: codexRoots(env, ledger.codexHome, home) },
    { format: FORMATS['gemini-cli'], roots: geminiRoots(env, ledger.geminiDir, home) },
  ];
}
