import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LiveMonitor, type Snapshot } from '../../src/daemon/monitor.ts';
import { DEFAULT_TIMINGS } from '../../src/domain/sessions.ts';

const turn = () => new Promise<void>((r) => setImmediate(r));

function monitor(snapshotIntervalMs: number) {
  const m = new LiveMonitor({ timings: DEFAULT_TIMINGS, maxSessions: 1000, snapshotIntervalMs });
  const published: { at: number; snap: Snapshot; sessions: number }[] = [];
  m.onSnapshot((snap) =>
    published.push({ at: performance.now(), snap, sessions: snap.message.sessions.length }),
  );
  let made = 0;
  /** One visible change: a new session. */
  const change = () => {
    m.hook('claude', { hook_event_name: 'SessionStart', session_id: `s${made}`, cwd: '/p' });
    made++;
  };
  return { m, published, change, made: () => made };
}

test('a change after a quiet spell is published on the next turn, not after the interval', async () => {
  const { m, published, change } = monitor(10_000);
  change();
  assert.equal(published.length, 0, 'not inside the call that made the change');
  await turn();
  assert.equal(published.length, 1);
  assert.equal(published[0]!.sessions, 1);
  m.close();
});

test('a stream of changes: fewer snapshots, each holds every change made before it, the last state is sent', async () => {
  const { m, published, change, made } = monitor(20);
  // Each published snapshot must hold exactly the changes made before it went out.
  const seenAtPublish: number[] = [];
  m.onSnapshot(() => seenAtPublish.push(made()));
  const until = performance.now() + 300;
  while (performance.now() < until && made() < 900) {
    change();
    await turn();
  }
  await sleep(60);
  assert.ok(made() > 50, `changes made: ${made()}`);
  assert.ok(
    published.length < made() / 2,
    `${published.length} snapshots for ${made()} changes: not coalesced`,
  );
  published.forEach((p, i) => {
    assert.equal(p.sessions, seenAtPublish[i], `snapshot ${i} holds what was made before it`);
  });
  assert.equal(published.at(-1)!.sessions, made(), 'the last state went out');
  assert.equal(m.snapshot().json, published.at(-1)!.snap.json);
  for (let i = 1; i < published.length; i++) {
    const gap = published[i]!.at - published[i - 1]!.at;
    // A timer counts from the event loop's clock of the turn that set it, which may be behind
    // performance.now() by what that turn had already run: allow for a busy machine.
    assert.ok(gap >= 10, `snapshots ${i - 1} and ${i} only ${gap.toFixed(1)} ms apart`);
  }
  m.close();
});

test('between two publications, snapshot() already shows the latest change', async () => {
  const { m, published, change } = monitor(10_000);
  change();
  await turn();
  change();
  await turn();
  assert.equal(published.length, 1, 'the second change waits for the interval');
  assert.equal(m.snapshot().message.sessions.length, 2);
  m.close();
});

test('close drops a pending publication and its timer', async () => {
  const { m, published, change } = monitor(30);
  change();
  await turn();
  change();
  m.close();
  await sleep(60);
  assert.equal(published.length, 1);
});
