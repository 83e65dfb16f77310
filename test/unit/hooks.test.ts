import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  claudeHookSignal,
  codexNotifySignal,
  HookPayloadError,
} from '../../src/domain/normalize/hooks.ts';

const base = { session_id: 'abc', cwd: '/home/u/work/my-app', transcript_path: '/x.jsonl' };

describe('Claude Code hooks', () => {
  const cases: Array<[Record<string, unknown>, string | undefined, string | undefined]> = [
    [{ hook_event_name: 'SessionStart', source: 'startup' }, 'start', 'SessionStart'],
    [{ hook_event_name: 'UserPromptSubmit', prompt: 'secret' }, 'prompt', 'UserPromptSubmit'],
    [
      { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {} },
      'activity',
      'PreToolUse',
    ],
    [{ hook_event_name: 'PostToolUse', tool_name: 'Bash' }, 'activity', 'PostToolUse'],
    [
      { hook_event_name: 'Notification', notification_type: 'permission_prompt', message: 'x' },
      'waiting',
      'permission requested',
    ],
    [{ hook_event_name: 'Notification', notification_type: 'idle_prompt' }, undefined, undefined],
    [
      { hook_event_name: 'PermissionRequest', tool_name: 'Bash' },
      'waiting',
      'permission requested',
    ],
    [{ hook_event_name: 'Stop', stop_hook_active: false }, 'turn-complete', 'Stop'],
    [{ hook_event_name: 'SessionEnd', reason: 'other' }, 'end', 'SessionEnd'],
    [{ hook_event_name: 'SomethingNew' }, undefined, undefined],
  ];
  for (const [payload, kind, detail] of cases) {
    test(`${String(payload.hook_event_name)} ${String(payload.notification_type ?? '')}`, () => {
      const s = claudeHookSignal({ ...base, ...payload }, 42);
      assert.equal(s?.kind, kind);
      assert.equal(s?.detail, detail);
      if (s !== undefined) {
        assert.equal(s.explicit, true);
        assert.equal(s.ts, 42);
        assert.equal(s.project, 'my-app');
        assert.equal(JSON.stringify(s).includes('secret'), false, 'no prompt text kept');
      }
    });
  }

  test('payloads that are not hook calls are refused with a reason', () => {
    for (const bad of [null, 5, 'x', [], {}, { hook_event_name: 'Stop' }, { session_id: 'a' }]) {
      assert.throws(() => claudeHookSignal(bad, 1), HookPayloadError);
    }
  });
});

describe('Codex notify', () => {
  test('agent-turn-complete completes the thread', () => {
    const s = codexNotifySignal(
      {
        type: 'agent-turn-complete',
        'thread-id': 't1',
        'turn-id': 'u1',
        cwd: '/w/proj',
        'input-messages': ['private'],
        'last-assistant-message': 'private',
      },
      7,
    );
    assert.equal(s?.kind, 'turn-complete');
    assert.equal(s?.sessionId, 't1');
    assert.equal(s?.project, 'proj');
    assert.equal(JSON.stringify(s).includes('private'), false);
  });

  test('other types are ignored; malformed payloads are refused', () => {
    assert.equal(codexNotifySignal({ type: 'other', 'thread-id': 't' }, 1), undefined);
    assert.throws(() => codexNotifySignal({ 'thread-id': 't' }, 1), HookPayloadError);
    assert.throws(() => codexNotifySignal({ type: 'agent-turn-complete' }, 1), HookPayloadError);
  });
});
