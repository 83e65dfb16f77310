import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tool } from '../../src/domain/events.ts';
import { parseSessionTotals, SessionTotals } from '../../src/domain/session-totals.ts';
import type { SessionState, Transition } from '../../src/domain/sessions.ts';

function t(
  sessionId: string,
  from: SessionState | undefined,
  to: SessionState,
  at: number,
  tool: Tool = 'claude-code',
): Transition {
  return { sessionId, tool, project: undefined, from, to, at, reason: 'signal', detail: undefined };
}

const waitingIn = (states: Record<string, SessionState>) => (id: string) => states[id];

test('time in waiting is credited when the wait ends, and while it lasts', () => {
  const s = new SessionTotals();
  s.transition(t('a', 'working', 'waiting', 1_000), 1_000);
  s.tick(4_000, waitingIn({ a: 'waiting' }));
  assert.equal(s.data.waitingSeconds['claude-code'], 3);
  s.transition(t('a', 'waiting', 'working', 6_500), 6_500);
  assert.equal(s.data.waitingSeconds['claude-code'], 5.5);
  // Nothing open any more: time passing adds nothing.
  s.tick(60_000, waitingIn({ a: 'working' }));
  assert.equal(s.data.waitingSeconds['claude-code'], 5.5);
  assert.equal(s.openWaits, 0);
});

test('completed turns are counted by tool, once per entry into completed', () => {
  const s = new SessionTotals();
  s.transition(t('a', 'working', 'completed', 1), 1);
  s.transition(t('x', undefined, 'completed', 2, 'codex'), 2);
  s.transition(t('a', 'completed', 'idle', 3), 3);
  s.transition(t('a', 'working', 'completed', 4), 4);
  assert.deepEqual(s.data.turnsCompleted, { 'claude-code': 2, codex: 1, 'gemini-cli': 0 });
});

test('a wait whose session left the table ends at the tick that notices', () => {
  const s = new SessionTotals();
  s.transition(t('gone', 'working', 'waiting', 0, 'gemini-cli'), 0);
  s.tick(2_000, () => undefined);
  assert.equal(s.data.waitingSeconds['gemini-cli'], 2);
  s.tick(10_000, () => undefined);
  assert.equal(s.data.waitingSeconds['gemini-cli'], 2);
});

test('event times ahead of the clock or behind the credited time never subtract', () => {
  const s = new SessionTotals();
  s.transition(t('a', 'working', 'waiting', 5_000), 2_000);
  s.tick(3_000, waitingIn({ a: 'waiting' }));
  assert.equal(s.data.waitingSeconds['claude-code'], 1);
  s.transition(t('a', 'waiting', 'working', 2_500), 4_000);
  assert.equal(s.data.waitingSeconds['claude-code'], 1);
});

test('totals start from what was saved, and bad saved data counts as nothing', () => {
  const s = new SessionTotals(
    parseSessionTotals({
      waitingSeconds: { codex: 12.5, bad: -1, worse: 'x' },
      turnsCompleted: { codex: 3 },
    }),
  );
  assert.equal(s.data.waitingSeconds.codex, 12.5);
  assert.equal(s.data.waitingSeconds.bad, undefined);
  assert.equal(s.data.turnsCompleted.codex, 3);
  assert.equal(s.data.turnsCompleted['claude-code'], 0);
  assert.deepEqual(parseSessionTotals('nonsense').turnsCompleted, {
    'claude-code': 0,
    codex: 0,
    'gemini-cli': 0,
  });
});
