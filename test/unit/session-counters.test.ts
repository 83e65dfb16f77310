import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SessionState, Transition } from '../../src/domain/sessions.ts';
import { SessionCounters } from '../../src/export/session-counters.ts';
import { scratchHome } from '../support/cli.ts';

function tr(from: SessionState, to: SessionState, at: number): Transition {
  return {
    sessionId: 's',
    tool: 'codex',
    project: undefined,
    from,
    to,
    at,
    reason: 'signal',
    detail: undefined,
  };
}

test('what is exported is what is saved, and a new process starts from it', () => {
  const file = join(scratchHome('aio-counters-'), 'data', 'session-counters.json');
  let now = 10_000;
  const logs: string[] = [];
  let state: SessionState = 'waiting';
  const a = new SessionCounters({
    file,
    stateOf: () => state,
    log: (l) => logs.push(l),
    now: () => now,
  });
  a.transition(tr('working', 'waiting', 10_000));
  now = 13_000;
  assert.equal(a.current().waitingSeconds.codex, 3);
  const onDisk = JSON.parse(readFileSync(file, 'utf8')) as {
    waitingSeconds: Record<string, number>;
  };
  assert.equal(onDisk.waitingSeconds.codex, 3);
  state = 'completed';
  now = 14_000;
  a.transition(tr('waiting', 'completed', 14_000));
  // Not saved yet (the save is a moment later): a crash here loses it, and a restarted agent
  // reads 3 s and no turn — never more than it exported, never less.
  const b = new SessionCounters({ file, stateOf: () => undefined, log: (l) => logs.push(l) });
  assert.equal(b.current().waitingSeconds.codex, 3);
  assert.equal(b.current().turnsCompleted.codex, 0);
  // The first one's next collection saves both.
  assert.equal(a.current().waitingSeconds.codex, 4);
  assert.equal(a.current().turnsCompleted.codex, 1);
  a.close();
  b.close();
  const c = new SessionCounters({ file, stateOf: () => undefined, log: (l) => logs.push(l) });
  assert.deepEqual(c.current().turnsCompleted, { 'claude-code': 0, codex: 1, 'gemini-cli': 0 });
  c.close();
  assert.deepEqual(logs, []);
});

test('a damaged file is reported and counting starts from zero', () => {
  const dir = scratchHome('aio-counters-');
  const file = join(dir, 'session-counters.json');
  writeFileSync(file, '{not json');
  const logs: string[] = [];
  const c = new SessionCounters({ file, stateOf: () => undefined, log: (l) => logs.push(l) });
  assert.equal(c.current().turnsCompleted.codex, 0);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /cannot read .*session-counters\.json: .*counting from 0/);
  c.close();
});

test('a data directory that cannot be written is logged once; values stay at what was saved', () => {
  const dir = scratchHome('aio-counters-');
  // A file where the directory should be: every save fails.
  writeFileSync(join(dir, 'blocked'), '');
  const file = join(dir, 'blocked', 'session-counters.json');
  const logs: string[] = [];
  const c = new SessionCounters({ file, stateOf: () => 'completed', log: (l) => logs.push(l) });
  c.transition(tr('working', 'completed', 1));
  assert.equal(c.current().turnsCompleted.codex, 0);
  c.transition(tr('idle', 'completed', 2));
  assert.equal(c.current().turnsCompleted.codex, 0);
  c.close();
  const writes = logs.filter((l) => l.startsWith('cannot write'));
  assert.equal(writes.length, 1, logs.join('\n'));
  assert.match(writes[0]!, /blocked\/session-counters\.json/);
});
