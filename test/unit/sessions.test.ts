import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionSignal, SignalKind } from '../../src/domain/events.ts';
import type { Session, SessionState, SessionTimings } from '../../src/domain/sessions.ts';
import {
  acknowledge,
  advance,
  applySignal,
  newSession,
  nextDeadline,
} from '../../src/domain/sessions.ts';

const T: SessionTimings = {
  quietMs: 45_000,
  staleWorkingMs: 1_800_000,
  completedToIdleMs: 900_000,
  expireAfterMs: 3_600_000,
  endedExpireMs: 300_000,
};

function sig(kind: SignalKind, ts: number, explicit = false, extra: Partial<SessionSignal> = {}) {
  return {
    kind,
    tool: 'claude-code',
    sessionId: 's1',
    ts,
    explicit,
    source: explicit ? 'hook' : 'otlp',
    ...extra,
  } satisfies SessionSignal;
}

function inState(state: SessionState, at = 1000, explicitAt = 0): Session {
  return {
    ...newSession(sig('start', 0)),
    state,
    stateChangedAt: at,
    lastEventAt: at,
    lastExplicitAt: explicitAt,
    signalled: true,
  };
}

describe('applySignal: every signal from every state', () => {
  const cases: Array<[SessionState, SignalKind, SessionState]> = [
    ['idle', 'prompt', 'working'],
    ['idle', 'activity', 'working'],
    ['idle', 'waiting', 'waiting'],
    ['idle', 'turn-complete', 'completed'],
    ['idle', 'start', 'idle'],
    ['idle', 'end', 'idle'],
    ['working', 'prompt', 'working'],
    ['working', 'activity', 'working'],
    ['working', 'waiting', 'waiting'],
    ['working', 'turn-complete', 'completed'],
    ['working', 'start', 'working'],
    ['working', 'end', 'idle'],
    ['waiting', 'prompt', 'working'],
    ['waiting', 'activity', 'working'],
    ['waiting', 'waiting', 'waiting'],
    ['waiting', 'turn-complete', 'completed'],
    ['waiting', 'end', 'idle'],
    ['completed', 'prompt', 'working'],
    ['completed', 'activity', 'working'],
    ['completed', 'waiting', 'waiting'],
    ['completed', 'turn-complete', 'completed'],
    ['completed', 'start', 'completed'],
    ['completed', 'end', 'completed'],
    ['expired', 'start', 'idle'],
    ['expired', 'prompt', 'working'],
    ['expired', 'end', 'expired'],
  ];
  for (const [from, kind, to] of cases) {
    test(`${from} + ${kind} → ${to}`, () => {
      const before = inState(from);
      const { session, transition } = applySignal(before, sig(kind, 2000, true));
      assert.equal(session.state, to);
      if (from === to) assert.equal(transition, undefined);
      else {
        assert.deepEqual([transition?.from, transition?.to], [from, to]);
        assert.equal(session.stateChangedAt, 2000);
      }
      assert.equal(before.state, from, 'input session is not mutated');
    });
  }
});

describe('applySignal: ordering and new sessions', () => {
  test('a new session starts in the state its first signal asks for', () => {
    for (const [kind, state] of [
      ['prompt', 'working'],
      ['activity', 'working'],
      ['waiting', 'waiting'],
      ['turn-complete', 'completed'],
      ['start', 'idle'],
    ] as const) {
      const { session, transition } = applySignal(undefined, sig(kind, 5));
      assert.equal(session.state, state);
      assert.equal(transition?.from, undefined);
      assert.equal(transition?.to, state);
    }
  });

  test('late telemetry older than an explicit Stop does not reopen the turn', () => {
    let s = applySignal(undefined, sig('prompt', 1000, true)).session;
    s = applySignal(s, sig('turn-complete', 5000, true)).session;
    const late = applySignal(s, sig('activity', 4900));
    assert.equal(late.session.state, 'completed');
    assert.equal(late.transition, undefined);
    const same = applySignal(s, sig('activity', 5000));
    assert.equal(same.session.state, 'completed', 'equal time is not newer than the signal');
  });

  test('telemetry newer than the last explicit signal does move the state', () => {
    let s = applySignal(undefined, sig('turn-complete', 1000, true)).session;
    s = applySignal(s, sig('activity', 2000)).session;
    assert.equal(s.state, 'working');
  });

  test('a record older than the last state change is history, not news', () => {
    let s = applySignal(undefined, sig('activity', 1000)).session;
    s = advance(s, 1000 + T.quietMs, T).session;
    assert.equal(s.state, 'completed');
    const old = applySignal(s, sig('activity', 1500));
    assert.equal(old.session.state, 'completed');
    assert.equal(old.session.lastEventAt, 1500);
  });

  test('telemetry of a kind the hooks report is left out of the state', () => {
    // UserPromptSubmit is configured: a telemetry user_prompt (a slash command such as /exit)
    // does not reopen a finished turn.
    let s = applySignal(undefined, sig('prompt', 1000, true)).session;
    s = applySignal(s, sig('turn-complete', 2000, true)).session;
    const slash = applySignal(s, sig('prompt', 3000));
    assert.equal(slash.session.state, 'completed');
    assert.equal(slash.transition, undefined);
    assert.equal(slash.session.lastEventAt, 3000, 'still counts as a sign of life');
  });

  test('telemetry fills in what the configured hooks do not report', () => {
    // Only PermissionRequest and Stop are configured: the approved tool's telemetry shows work.
    let s = applySignal(undefined, sig('waiting', 1000, true)).session;
    s = applySignal(s, sig('activity', 2000)).session;
    assert.equal(s.state, 'working');
    // Once PreToolUse/PostToolUse report activity themselves, telemetry activity no longer
    // moves the state.
    s = applySignal(s, sig('activity', 2500, true)).session;
    s = applySignal(s, sig('waiting', 3000, true)).session;
    assert.equal(applySignal(s, sig('activity', 4000)).session.state, 'waiting');
  });

  test('waiting keeps its detail; other states clear it', () => {
    let s = applySignal(undefined, sig('prompt', 1, true)).session;
    s = applySignal(s, sig('waiting', 2, true, { detail: 'permission requested' })).session;
    assert.equal(s.detail, 'permission requested');
    s = applySignal(s, sig('activity', 3, true)).session;
    assert.equal(s.detail, undefined);
  });

  test('project is kept from the first signal that has one; model follows the latest', () => {
    let s = applySignal(undefined, sig('start', 1, true, { project: 'app' })).session;
    s = applySignal(s, sig('activity', 2, false, { project: 'other', model: 'm1' })).session;
    s = applySignal(s, sig('activity', 3, false, { model: 'm2' })).session;
    assert.equal(s.project, 'app');
    assert.equal(s.model, 'm2');
  });

  test('end marks the session ended; a later event resumes it', () => {
    let s = applySignal(undefined, sig('turn-complete', 1, true)).session;
    s = applySignal(s, sig('end', 2, true)).session;
    assert.equal(s.endedAt, 2);
    assert.equal(s.state, 'completed');
    s = applySignal(s, sig('prompt', 3, true)).session;
    assert.equal(s.endedAt, undefined);
    assert.equal(s.state, 'working');
  });
});

describe('advance: time alone', () => {
  test('without explicit signals, a quiet period ends working as completed', () => {
    const s = applySignal(undefined, sig('activity', 1000)).session;
    assert.equal(nextDeadline(s, T), 1000 + T.quietMs);
    assert.equal(advance(s, 1000 + T.quietMs - 1, T).transition, undefined);
    const { session, transition } = advance(s, 1000 + T.quietMs, T);
    assert.equal(session.state, 'completed');
    assert.equal(transition?.reason, 'quiet');
  });

  test('with explicit signals, working waits for them and only goes stale much later', () => {
    const s = applySignal(undefined, sig('prompt', 1000, true)).session;
    assert.equal(advance(s, 1000 + T.quietMs, T).session.state, 'working');
    const { session, transition } = advance(s, 1000 + T.staleWorkingMs, T);
    assert.equal(session.state, 'idle');
    assert.equal(transition?.reason, 'stale');
  });

  test('completed → idle → expired', () => {
    let s = inState('completed', 0, 0);
    s = advance(s, T.completedToIdleMs, T).session;
    assert.equal(s.state, 'idle');
    s = advance(s, T.completedToIdleMs + T.expireAfterMs, T).session;
    assert.equal(s.state, 'expired');
    assert.equal(nextDeadline(s, T), undefined);
  });

  test('waiting expires only after the long expiry', () => {
    const s = inState('waiting', 0, 0);
    assert.equal(advance(s, T.completedToIdleMs, T).session.state, 'waiting');
    assert.equal(advance(s, T.expireAfterMs, T).session.state, 'expired');
  });

  test('an ended idle session expires sooner', () => {
    let s = applySignal(undefined, sig('prompt', 0, true)).session;
    s = applySignal(s, sig('end', 10, true)).session;
    assert.equal(s.state, 'idle');
    const { session, transition } = advance(s, 10 + T.endedExpireMs, T);
    assert.equal(session.state, 'expired');
    assert.equal(transition?.reason, 'ended');
  });
});

test('acknowledge turns completed into idle and leaves other states alone', () => {
  const done = acknowledge(inState('completed'), 5000);
  assert.equal(done.session.state, 'idle');
  assert.equal(done.transition?.reason, 'acknowledged');
  assert.equal(acknowledge(inState('working'), 5000).transition, undefined);
});
