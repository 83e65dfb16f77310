// Explicit signals: Claude Code hook payloads and Codex `notify` payloads → session signals.
// Only ids, the event name and the working directory are read; prompts, messages and tool
// input in these payloads are never kept.

import type { SessionSignal, SignalKind, Tool } from '../events.ts';
import { projectOf } from './attrs.ts';

export class HookPayloadError extends Error {
  override name = 'HookPayloadError';
}

const CLAUDE_KINDS: Record<string, SignalKind> = {
  SessionStart: 'start',
  UserPromptSubmit: 'prompt',
  PreToolUse: 'activity',
  PostToolUse: 'activity',
  PostToolUseFailure: 'activity',
  SubagentStart: 'activity',
  SubagentStop: 'activity',
  PreCompact: 'activity',
  PermissionRequest: 'waiting',
  Notification: 'waiting',
  Stop: 'turn-complete',
  SessionEnd: 'end',
};

// Notifications that are not a request for the user's decision leave the state alone.
const WAITING_NOTIFICATIONS: Record<string, string> = {
  permission_prompt: 'permission requested',
  elicitation_dialog: 'question asked',
};

function field(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function asObject(payload: unknown, what: string): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new HookPayloadError(`${what}: expected a JSON object`);
  }
  return payload as Record<string, unknown>;
}

/** Undefined when the hook is valid but says nothing about the session's state. */
export function claudeHookSignal(payload: unknown, now: number): SessionSignal | undefined {
  const o = asObject(payload, 'Claude Code hook payload');
  const event = field(o, 'hook_event_name');
  const sessionId = field(o, 'session_id');
  if (event === undefined)
    throw new HookPayloadError('Claude Code hook payload: no hook_event_name');
  if (sessionId === undefined)
    throw new HookPayloadError('Claude Code hook payload: no session_id');
  const kind = CLAUDE_KINDS[event];
  if (kind === undefined) return undefined;
  let detail: string | undefined = event;
  if (event === 'Notification') {
    const type = field(o, 'notification_type');
    const waitingDetail = type === undefined ? undefined : WAITING_NOTIFICATIONS[type];
    if (waitingDetail === undefined) return undefined;
    detail = waitingDetail;
  } else if (event === 'PermissionRequest') {
    detail = 'permission requested';
  }
  return signal(kind, 'claude-code', sessionId, now, field(o, 'cwd'), detail);
}

/** Codex's `notify` program argument: `{"type":"agent-turn-complete","thread-id":…}`. */
export function codexNotifySignal(payload: unknown, now: number): SessionSignal | undefined {
  const o = asObject(payload, 'Codex notify payload');
  const type = field(o, 'type');
  if (type === undefined) throw new HookPayloadError('Codex notify payload: no type');
  const sessionId = field(o, 'thread-id') ?? field(o, 'thread_id') ?? field(o, 'session_id');
  if (sessionId === undefined) throw new HookPayloadError('Codex notify payload: no thread-id');
  if (type !== 'agent-turn-complete') return undefined;
  return signal('turn-complete', 'codex', sessionId, now, field(o, 'cwd'), type);
}

function signal(
  kind: SignalKind,
  tool: Tool,
  sessionId: string,
  ts: number,
  cwd: string | undefined,
  detail: string | undefined,
): SessionSignal {
  return {
    kind,
    tool,
    sessionId,
    ts,
    explicit: true,
    source: 'hook',
    project: projectOf(cwd),
    detail,
  };
}
