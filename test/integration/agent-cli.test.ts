// The agent and its client commands as separate processes: serve, watch, status, hook, ack,
// notifications through a stand-in notify-send, the snapshot file, shutdown, config errors.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SessionListMessage } from '../../src/domain/session-view.ts';
import {
  runCli,
  type Served,
  scratchHome,
  startServe,
  startWatch,
  type Watcher,
} from '../support/cli.ts';

function parse(line: string): SessionListMessage & { connected: boolean } {
  return JSON.parse(line) as SessionListMessage & { connected: boolean };
}

const stateOf = (line: string, id: string) => parse(line).sessions.find((s) => s.id === id)?.state;

describe('agent and client commands', () => {
  const home = scratchHome();
  const notifyLog = join(home, 'notify.log');
  const fakeNotify = join(home, 'notify-send');
  writeFileSync(
    fakeNotify,
    `#!/bin/sh\nprintf '%s|' "$@" >> "${notifyLog}"\necho >> "${notifyLog}"\n`,
  );
  chmodSync(fakeNotify, 0o755);
  const env = {
    AI_OBSERVER_HOME: home,
    AI_OBSERVER_NOTIFICATIONS_COMMAND: fakeNotify,
  };
  let served: Served;
  let watcher: Watcher;
  let clientEnv: NodeJS.ProcessEnv;

  before(async () => {
    served = await startServe(env);
    clientEnv = { AI_OBSERVER_HOME: home, AI_OBSERVER_URL: served.url };
    watcher = startWatch([], clientEnv);
    await watcher.waitFor((l) => parse(l).connected === true);
  });
  after(async () => {
    watcher.stop();
    if (served.proc.exitCode === null) await served.stop('SIGKILL');
  });

  const hook = (payload: object) =>
    runCli(['hook', 'claude'], { env: clientEnv, input: JSON.stringify(payload) });
  const base = { session_id: 'cli-1', cwd: '/home/dev/shop', transcript_path: '/t.jsonl' };

  test('hooks drive the session: working → waiting → working → completed', async () => {
    const started = await hook({ ...base, hook_event_name: 'UserPromptSubmit', prompt: 'p' });
    assert.equal(started.code, 0);
    assert.equal(started.stdout, '', 'hooks print nothing for Claude to read');
    await watcher.waitFor((l) => stateOf(l, 'cli-1') === 'working');

    await hook({
      ...base,
      hook_event_name: 'Notification',
      notification_type: 'permission_prompt',
      message: 'Claude needs your permission to use Bash',
    });
    const waiting = await watcher.waitFor((l) => stateOf(l, 'cli-1') === 'waiting');
    const s = parse(waiting).sessions.find((x) => x.id === 'cli-1');
    assert.equal(s?.project, 'shop');
    assert.equal(s?.detail, 'permission requested');
    assert.equal(parse(waiting).has_waiting, true);

    await hook({ ...base, hook_event_name: 'PostToolUse', tool_name: 'Bash' });
    await watcher.waitFor(
      (l, i = watcher.lines.indexOf(l)) =>
        i > watcher.lines.indexOf(waiting) && stateOf(l, 'cli-1') === 'working',
    );
    await hook({ ...base, hook_event_name: 'Stop' });
    await watcher.waitFor((l) => stateOf(l, 'cli-1') === 'completed');
  });

  test('one desktop notification per transition to waiting and to completed', async () => {
    const deadline = Date.now() + 5000;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = existsSync(notifyLog) ? readFileSync(notifyLog, 'utf8').trim().split('\n') : [];
      if (lines.length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, /Claude Code needs you\|.*shop.*permission requested/);
    assert.match(lines[0]!, /--urgency=critical/);
    assert.match(lines[1]!, /Claude Code finished\|.*shop/);
  });

  test('the snapshot file holds the same sessions (written at most every 250 ms)', async () => {
    const read = () => JSON.parse(readFileSync(join(home, 'run', 'sessions.json'), 'utf8'));
    const deadline = Date.now() + 5000;
    let snap = read();
    const stateOf1 = (x: typeof snap) =>
      x.sessions.find((s: { id: string }) => s.id === 'cli-1')?.state;
    while (stateOf1(snap) !== 'completed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      snap = read();
    }
    assert.equal(snap.type, 'session_list');
    assert.equal(stateOf1(snap), 'completed');
  });

  test('status prints the sessions as text and JSON; ack marks a finished turn seen', async () => {
    const text = await runCli(['status'], { env: clientEnv });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /completed\s+Claude Code\s+shop\s+cli-1/);
    const json = await runCli(['status', '--json'], { env: clientEnv });
    assert.equal(parse(json.stdout).sessions[0]?.id, 'cli-1');
    const acked = await runCli(['ack', 'cli-1'], { env: clientEnv });
    assert.equal(acked.code, 0);
    await watcher.waitFor((l) => stateOf(l, 'cli-1') === 'idle');
    const missing = await runCli(['ack', 'nope'], { env: clientEnv });
    assert.equal(missing.code, 1);
  });

  test('watch --format waybar and text', async () => {
    const w = startWatch(['--format', 'waybar'], clientEnv);
    const t = startWatch(['--format', 'text'], clientEnv);
    try {
      const line = JSON.parse(await w.waitFor(() => true));
      assert.deepEqual(Object.keys(line).sort(), ['alt', 'class', 'text', 'tooltip']);
      assert.equal(line.class, 'idle');
      assert.equal(await t.waitFor(() => true), '1 idle');
    } finally {
      w.stop();
      t.stop();
    }
  });

  test('a bad hook payload is refused by the agent and still exits 0', async () => {
    const r = await runCli(['hook', 'claude'], { env: clientEnv, input: '{"nope":1}' });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /400.*hook_event_name/);
  });

  test('codex notify forwards agent-turn-complete', async () => {
    const r = await runCli(
      [
        'hook',
        'codex',
        JSON.stringify({ type: 'agent-turn-complete', 'thread-id': 'cx-1', cwd: '/w/api' }),
      ],
      { env: clientEnv },
    );
    assert.equal(r.code, 0);
    await watcher.waitFor((l) => stateOf(l, 'cx-1') === 'completed');
  });

  test('SIGTERM stops the agent cleanly; watch then says it is disconnected', async () => {
    const code = await served.stop('SIGTERM');
    assert.equal(code, 0);
    assert.equal(existsSync(join(home, 'run', 'sessions.json')), false, 'snapshot removed');
    const line = await watcher.waitFor((l) => parse(l).connected === false);
    assert.deepEqual(parse(line).sessions, []);
  });
});

describe('client commands without an agent', () => {
  const env = { AI_OBSERVER_HOME: scratchHome(), AI_OBSERVER_URL: 'http://127.0.0.1:9' };

  test('hook exits 0 at once when the agent is down', async () => {
    const r = await runCli(['hook', 'claude'], {
      env,
      input: JSON.stringify({ hook_event_name: 'Stop', session_id: 'x' }),
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.ok(r.ms < 3000, `took ${r.ms} ms`);
    const c = await runCli(['hook', 'codex', '{"type":"agent-turn-complete"}'], { env });
    assert.equal(c.code, 0);
  });

  test('status exits 1 with a hint; watch prints a disconnected snapshot', async () => {
    const r = await runCli(['status'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not reachable.*ai-observer serve/);
    const w = startWatch([], env);
    try {
      const line = parse(await w.waitFor(() => true));
      assert.equal(line.connected, false);
      assert.equal(line.has_working, false);
    } finally {
      w.stop();
    }
  });
});

describe('startup errors', () => {
  test('a bad config value: one line naming the key, exit code 2', async () => {
    const home = scratchHome();
    const r = await runCli(['serve'], {
      env: { AI_OBSERVER_HOME: home, AI_OBSERVER_SESSIONS_QUIET_PERIOD: 'soon' },
    });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /sessions\.quietPeriod/);
  });

  test('a bad config file: exit 2 naming the file and key', async () => {
    const home = scratchHome();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(home, 'config'), { recursive: true });
    writeFileSync(join(home, 'config', 'config.yaml'), 'server:\n  port: 99999\n');
    const r = await runCli(['serve'], { env: { AI_OBSERVER_HOME: home } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /server\.port .*config\.yaml.*at most 65535/);
  });

  test('a non-loopback host without --allow-remote is refused', async () => {
    const r = await runCli(['serve', '--host', '0.0.0.0'], {
      env: { AI_OBSERVER_HOME: scratchHome() },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a loopback address/);
  });

  test('a port in use: a clear error, exit 1', async () => {
    const first = await startServe({ AI_OBSERVER_HOME: scratchHome() }, ['--no-grpc']);
    try {
      const port = new URL(first.url).port;
      const r = await runCli(['serve', '--port', port, '--no-grpc'], {
        env: { AI_OBSERVER_HOME: scratchHome() },
      });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`));
    } finally {
      await first.stop();
    }
  });

  test('unknown command and unknown flag: exit 2', async () => {
    assert.equal((await runCli(['frobnicate'])).code, 2);
    assert.equal(
      (await runCli(['serve', '--bogus'], { env: { AI_OBSERVER_HOME: scratchHome() } })).code,
      2,
    );
  });
});
