// One entry for the three tools' settings: the new text of a tool's settings file.

import { planClaude } from './claude.ts';
import { planCodex } from './codex.ts';
import { planGemini } from './gemini.ts';
import type { SetupPlan, SetupTarget, SetupTool } from './target.ts';

export function planSetup(
  tool: SetupTool,
  text: string,
  file: string,
  target: SetupTarget,
): SetupPlan {
  switch (tool) {
    case 'claude':
      return planClaude(text, file, target);
    case 'codex':
      return planCodex(text, file, target);
    case 'gemini':
      return planGemini(text, file, target);
  }
}
