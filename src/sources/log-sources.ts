// The transcript sources the ledger indexes: each tool's locations (log-locations.ts) with
// its format (DESIGN.md §3: one folder per source).

import type { Config } from '../config/schema.ts';
import type { Tool } from '../domain/events.ts';
import { claudeCodeFormat } from './claude-code/format.ts';
import { codexFormat } from './codex/format.ts';
import type { LogSource } from './files/indexer.ts';
import { geminiCliFormat } from './gemini-cli/format.ts';
import { logLocations } from './log-locations.ts';
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
  return logLocations(ledger, env).map((l) => ({ format: FORMATS[l.tool], roots: l.roots }));
}
