// Gemini CLI's user settings (~/.gemini/settings.json): the `telemetry` block that sends its
// OTLP to the agent. Prompts stay out of the telemetry (`logPrompts: false`): the agent never
// keeps them, so there is no reason to send them.

import type { JsonChange } from './json-edit.ts';
import { editJson, parseJsonSettings } from './json-edit.ts';
import { isPlainObject, sameValue } from './same-value.ts';
import type { SetupPlan, SetupTarget } from './target.ts';
import { SettingsEditError } from './text-position.ts';

export function geminiTelemetry(target: SetupTarget): Record<string, unknown> {
  return {
    enabled: true,
    target: 'local',
    otlpEndpoint: target.httpUrl,
    otlpProtocol: 'http',
    logPrompts: false,
  };
}

export function planGemini(text: string, file: string, target: SetupTarget): SetupPlan {
  const settings = parseJsonSettings(text, file);
  const changes: JsonChange[] = [];
  const notes: string[] = [];
  const telemetry = settings.telemetry;
  if (telemetry !== undefined && !isPlainObject(telemetry)) {
    throw new SettingsEditError(`${file}: "telemetry" is not an object; fix or remove it first`);
  }
  const current = telemetry ?? {};
  for (const [k, v] of Object.entries(geminiTelemetry(target))) {
    if (sameValue(current[k], v)) continue;
    if (k === 'otlpEndpoint' && typeof current[k] === 'string') {
      notes.push(`telemetry.otlpEndpoint was ${current[k]}; now the agent at ${String(v)}`);
    }
    changes.push({ path: ['telemetry', k], value: v });
  }
  const changed = changes.map((c) => c.path.join('.'));
  return { text: editJson(text, changes), notes, changed };
}
