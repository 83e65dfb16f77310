// Where each AI tool keeps the user settings that `setup` edits and `doctor` reads: the
// places the tools themselves look (CLAUDE_CONFIG_DIR, CODEX_HOME, GEMINI_CLI_HOME), else
// their defaults.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SetupTool } from '../domain/setup/target.ts';

export function settingsFile(tool: SetupTool, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || homedir();
  switch (tool) {
    case 'claude': {
      const dir = env.CLAUDE_CONFIG_DIR?.split(',')[0]?.trim();
      return join(dir || join(home, '.claude'), 'settings.json');
    }
    case 'codex':
      return join(env.CODEX_HOME || join(home, '.codex'), 'config.toml');
    case 'gemini':
      return join(env.GEMINI_CLI_HOME?.trim() || home, '.gemini', 'settings.json');
  }
}

export const TOOL_NAMES: Record<SetupTool, string> = {
  claude: 'Claude Code',
  codex: 'Codex CLI',
  gemini: 'Gemini CLI',
};
