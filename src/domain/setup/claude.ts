// Claude Code's user settings (~/.claude/settings.json): the `env` block that makes it export
// OTLP to the agent (logs every second, for live sessions), the hooks the live monitor reads
// (domain/normalize/hooks.ts) and the status line.

import type { JsonChange } from './json-edit.ts';
import { editJson, parseJsonSettings } from './json-edit.ts';
import { isPlainObject } from './same-value.ts';
import type { SetupPlan, SetupTarget } from './target.ts';
import { runsAiObserver, shellCommand } from './target.ts';
import { SettingsEditError } from './text-position.ts';

export function claudeEnv(target: SetupTarget): Record<string, string> {
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: target.httpUrl,
    OTEL_LOGS_EXPORT_INTERVAL: '1000',
  };
}

/** Hook events that change a session's state, and whether they take a tool matcher. */
export const CLAUDE_HOOK_EVENTS: ReadonlyArray<readonly [string, boolean]> = [
  ['SessionStart', false],
  ['UserPromptSubmit', false],
  ['PreToolUse', true],
  ['PostToolUse', true],
  ['PermissionRequest', true],
  ['Notification', false],
  ['Stop', false],
  ['SessionEnd', false],
];

export function claudeHookCommand(target: SetupTarget): string {
  return shellCommand([...target.command, 'hook', 'claude']);
}

export function claudeStatuslineCommand(target: SetupTarget): string {
  return shellCommand([...target.command, 'statusline']);
}

function objectAt(settings: Record<string, unknown>, key: string, file: string) {
  const v = settings[key];
  if (v !== undefined && !isPlainObject(v)) {
    throw new SettingsEditError(`${file}: "${key}" is not an object; fix or remove it first`);
  }
  return v;
}

function changedNames(changes: readonly JsonChange[]): string[] {
  const names = changes.map((c) =>
    c.path[0] === 'statusLine' ? 'statusLine' : c.path.slice(0, 2).join('.'),
  );
  return [...new Set(names)];
}

export function planClaude(text: string, file: string, target: SetupTarget): SetupPlan {
  const settings = parseJsonSettings(text, file);
  const changes: JsonChange[] = [];
  const notes: string[] = [];

  const env = objectAt(settings, 'env', file) ?? {};
  for (const [k, v] of Object.entries(claudeEnv(target))) {
    if (env[k] === v) continue;
    if (typeof env[k] === 'string' && k === 'OTEL_EXPORTER_OTLP_ENDPOINT') {
      notes.push(`env.${k} was ${env[k]}; now the agent at ${v}`);
    }
    changes.push({ path: ['env', k], value: v });
  }

  const hooks = objectAt(settings, 'hooks', file) ?? {};
  const hookCommand = claudeHookCommand(target);
  for (const [event, matcher] of CLAUDE_HOOK_EVENTS) {
    const groups = hooks[event];
    const ours = { type: 'command', command: hookCommand };
    const group = matcher ? { matcher: '*', hooks: [ours] } : { hooks: [ours] };
    if (groups === undefined) {
      changes.push({ path: ['hooks', event], value: [group] });
      continue;
    }
    if (!Array.isArray(groups)) {
      throw new SettingsEditError(
        `${file}: "hooks.${event}" is not a list; fix or remove it first`,
      );
    }
    let found = false;
    groups.forEach((g, gi) => {
      const list = isPlainObject(g) && Array.isArray(g.hooks) ? (g.hooks as unknown[]) : [];
      list.forEach((h, hi) => {
        if (!isPlainObject(h) || !runsAiObserver(h.command, 'hook', 'claude')) return;
        found = true;
        if (h.command !== hookCommand && target.anyCommand !== true) {
          changes.push({ path: ['hooks', event, gi, 'hooks', hi, 'command'], value: hookCommand });
        }
      });
    });
    if (!found) changes.push({ path: ['hooks', event, groups.length], value: group, insert: true });
  }

  const statusCommand = claudeStatuslineCommand(target);
  const status = settings.statusLine;
  if (isPlainObject(status)) {
    if (status.type !== 'command') changes.push({ path: ['statusLine', 'type'], value: 'command' });
    const fine = target.anyCommand === true && runsAiObserver(status.command, 'statusline');
    if (status.command !== statusCommand && !fine) {
      if (!runsAiObserver(status.command, 'statusline') && typeof status.command === 'string') {
        notes.push(`statusLine was "${status.command}"; now ai-observer's (undo restores it)`);
      }
      changes.push({ path: ['statusLine', 'command'], value: statusCommand });
    }
  } else {
    changes.push({ path: ['statusLine'], value: { type: 'command', command: statusCommand } });
  }
  return { text: editJson(text, changes), notes, changed: changedNames(changes) };
}
