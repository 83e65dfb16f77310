// The real interactive Claude Code (its TUI under a pseudo-terminal), driven as a user would,
// with every hook forwarded to the real agent by `ai-observer hook claude` and its telemetry
// going to the same agent. The model asks to write a file, which needs permission: the TUI asks,
// `watch` shows the session waiting; the later Notification(permission_prompt) hook must not be
// a second transition; the user answers "Yes", the file is written, the session works and
// completes on Stop, and after /exit it is shown as ended.
//
// Facts about what Claude Code sends and when: test/fixtures/real/NOTES.md §2.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SessionListMessage, SessionView } from '../../src/domain/session-view.ts';
import {
  MAIN,
  type Served,
  scratchHome,
  startServe,
  startWatch,
  type Watcher,
} from '../support/cli.ts';
import { type MockModelApi, startMockModelApi } from '../support/mock-model-api.ts';
import {
  type ClaudeHooks,
  cliAvailable,
  type InteractiveClaude,
  NODE24,
  startClaudeInteractive,
} from '../support/real-clis.ts';

const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PermissionRequest',
  'Notification',
  'Stop',
  'SessionEnd',
] as const;

/** Claude Code sends a Notification(permission_prompt) ≈ 6–7 s after the dialog opens. */
const NOTIFICATION_WAIT_MS = 15_000;

interface HookCall {
  hook_event_name: string;
  session_id: string;
  notification_type?: string;
  reason?: string;
}

/**
 * The TUI draws spaces as cursor moves, which stripping escape sequences removes, so the text
 * comes out as "Doyouwanttocreatenote.txt?": match on the text without any whitespace.
 */
function squash(s: string): string {
  return s.replace(/\s+/g, '');
}

function sessionIn(line: string, id: string): SessionView | undefined {
  return (JSON.parse(line) as SessionListMessage).sessions.find((s) => s.id === id);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value; throws `message()` after `timeoutMs`. */
async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  message: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(message());
    await sleep(100);
  }
}

describe('Claude Code interactive TUI → hooks and telemetry → agent → watch', () => {
  let served: Served;
  let api: MockModelApi;
  let watcher: Watcher;
  let tui: InteractiveClaude | undefined;
  let root: string;

  before(async () => {
    const why = cliAvailable('claude');
    if (why !== null) throw new Error(`claude cannot run here: ${why}`);
    if (!existsSync('/usr/bin/script')) throw new Error('this test needs /usr/bin/script');
    root = mkdtempSync(join(tmpdir(), 'aio-claude-tui-'));
    served = await startServe({ AI_OBSERVER_HOME: scratchHome() }, ['--no-notify', '--no-grpc']);
    // The model asks to create a file; `--permission-mode default` without allowed tools makes
    // the TUI ask for permission first.
    api = await startMockModelApi({
      log: () => {},
      anthropic: { tool: { name: 'Write', input: { file_path: 'note.txt', content: 'hi\n' } } },
    });
    watcher = startWatch(['--url', served.url]);
  });

  after(async () => {
    // /exit, then SIGKILL to the group after 3 s; a no-op when the test already stopped it.
    await tui?.stop(3000).catch(() => undefined);
    watcher?.stop();
    await api?.close();
    await served?.stop();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  test('permission prompt → waiting (once), answered Yes → working → completed; /exit → ended', {
    timeout: 60_000,
  }, async (t) => {
    const started = Date.now();
    const sessionId = randomUUID();
    const recorded = join(root, 'hooks.jsonl');
    const forward = `"${NODE24}" "${MAIN}" hook claude`;
    // Next to the forwarding hook, each call's payload is appended to a file: that says what
    // Claude Code sent and when, to compare with what the agent counted.
    const record = `{ cat; echo; } >> '${recorded}'`;
    const hooks: ClaudeHooks = Object.fromEntries(
      HOOK_EVENTS.map((e) => [
        e,
        [
          {
            matcher: '*',
            hooks: [
              { type: 'command' as const, command: forward },
              { type: 'command' as const, command: record },
            ],
          },
        ],
      ]),
    );
    const hookCalls = (): HookCall[] => {
      if (!existsSync(recorded)) return [];
      // Only complete lines: a call being appended right now has no newline yet.
      return readFileSync(recorded, 'utf8')
        .split('\n')
        .slice(0, -1)
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as HookCall);
    };
    const agentHooks = async (): Promise<number> => {
      const res = await fetch(`${served.url}/api/stats`);
      return ((await res.json()) as { monitor: { hooks: number } }).monitor.hooks;
    };
    const agentSession = async (): Promise<SessionView | undefined> => {
      const res = await fetch(`${served.url}/api/sessions`);
      return ((await res.json()) as SessionListMessage).sessions.find((s) => s.id === sessionId);
    };
    const seen = (): SessionView[] =>
      watcher.lines.map((l) => sessionIn(l, sessionId)).filter((s) => s !== undefined);
    // The session as watch showed it, line by line: state(detail)@ms since start, requests.
    const history = (): string =>
      seen()
        .map(
          (s) =>
            `${s.state}${s.detail === null ? '' : `(${s.detail})`}@${s.state_changed_at - started}` +
            ` r${s.requests}${s.ended ? ' ended' : ''}`,
        )
        .join(', ');

    const app = startClaudeInteractive({
      prompt: 'Write "hi" to note.txt.',
      apiUrl: api.url,
      root,
      hooks,
      permissionMode: 'default',
      extraArgs: ['--session-id', sessionId],
      env: { AI_OBSERVER_URL: served.url },
      otlp: { endpoint: served.url, protocol: 'http/protobuf' },
      timeoutMs: 60_000,
    });
    tui = app;
    const screen = () => `\n--- the TUI's last screen text ---\n${app.output().slice(-1500)}\n---`;
    const onScreen = (re: RegExp, from = 0) => re.test(squash(app.output().slice(from)));
    const waitScreen = (re: RegExp, timeoutMs: number, what: string, from = 0) =>
      until(
        () => (onScreen(re, from) ? true : undefined),
        timeoutMs,
        () => `${what}: the TUI did not show ${re} within ${timeoutMs} ms${screen()}`,
      );
    // Adds the TUI's screen to a failed watch wait.
    const watchFor = (pred: (s: SessionView) => boolean, timeoutMs: number, what: string) =>
      watcher
        .waitFor((l) => {
          const s = sessionIn(l, sessionId);
          return s !== undefined && pred(s);
        }, timeoutMs)
        .then(
          (l) => sessionIn(l, sessionId)!,
          (err: Error) => {
            throw new Error(`${what}: ${err.message}${screen()}`);
          },
        );

    // 1. The permission dialog opens; the PermissionRequest hook makes the session `waiting`.
    const [, waiting] = await Promise.all([
      waitScreen(/Doyouwanttocreatenote\.txt\?/, 20_000, 'permission dialog'),
      watchFor((s) => s.state === 'waiting', 20_000, 'waiting in watch'),
    ]);
    const dialogAt = Date.now();
    assert.equal(waiting.detail, 'permission requested');
    assert.equal(waiting.tool, 'claude-code');
    assert.equal(waiting.project, 'work', 'project from the hook cwd');
    assert.ok(onScreen(/1\.Yes/) && onScreen(/3\.No/), `the dialog offers Yes and No${screen()}`);
    assert.ok(!onScreen(/Wrote\d+lines?tonote\.txt/), `nothing written yet${screen()}`);
    assert.ok(
      seen().some((s) => s.state === 'working' && s.state_changed_at < waiting.state_changed_at),
      `working (UserPromptSubmit) before waiting: ${seen()
        .map((s) => s.state)
        .join(',')}`,
    );

    // 2. With the dialog still open, Claude Code sends Notification(permission_prompt). Wait
    //    until the agent has counted every hook Claude Code called so far, the notification
    //    included: the session is still `waiting` since the same moment (no second transition).
    const notification = await until(
      () => {
        const n = hookCalls().find((h) => h.hook_event_name === 'Notification');
        if (n !== undefined) return n;
        // The file gets the call before the (slower) forwarding hook reaches the agent, so
        // whatever the session shows now happened before the notification.
        if (seen().at(-1)?.state !== 'waiting') {
          throw new Error(
            'the session left `waiting` while the permission dialog was open, before any ' +
              `Notification hook; watch showed: ${history()}${screen()}`,
          );
        }
        return undefined;
      },
      NOTIFICATION_WAIT_MS,
      () =>
        `no Notification hook within ${NOTIFICATION_WAIT_MS} ms of the permission dialog; ` +
        `hooks called: ${hookCalls()
          .map((h) => h.hook_event_name)
          .join(',')}${screen()}`,
    );
    const notifiedAfterMs = Date.now() - dialogAt;
    assert.equal(notification.notification_type, 'permission_prompt');
    assert.equal(notification.session_id, sessionId);
    const calledSoFar = hookCalls().length;
    await until(
      async () => ((await agentHooks()) >= calledSoFar ? true : undefined),
      5000,
      () => `the agent did not count the ${calledSoFar} hook calls made so far`,
    );
    assert.equal(await agentHooks(), calledSoFar, 'every hook call reached the agent once');
    assert.ok(
      !onScreen(/Wrote\d+lines?tonote\.txt/),
      `the dialog is still open (not answered)${screen()}`,
    );
    await sleep(300); // a snapshot the notification might have caused reaches watch
    const afterNotification = await agentSession();
    assert.equal(afterNotification?.state, 'waiting', 'still waiting after the notification');
    assert.equal(afterNotification?.detail, 'permission requested');
    assert.equal(
      afterNotification?.state_changed_at,
      waiting.state_changed_at,
      `the notification is not a new transition; watch showed: ${history()}`,
    );
    const states = seen().map((s) => s.state);
    const intoWaiting = states.filter((s, i) => s === 'waiting' && states[i - 1] !== 'waiting');
    assert.equal(intoWaiting.length, 1, `one transition to waiting: ${states.join(',')}`);
    for (const s of seen().filter((v) => v.state === 'waiting')) {
      assert.equal(s.state_changed_at, waiting.state_changed_at, 'one waiting since the hook');
      assert.equal(s.detail, 'permission requested');
    }

    // 3. Answer the dialog: "1" picks "1. Yes" (Enter on the preselected option does too).
    const answeredFrom = app.output().length;
    const linesBefore = watcher.lines.length;
    app.write('1');
    await waitScreen(/Wrote1linetonote\.txt/, 15_000, 'after answering Yes', answeredFrom);
    const completed = await watchFor((s) => s.state === 'completed', 15_000, 'completed (Stop)');
    await waitScreen(/Done:thecommandprintedhello\./, 5000, 'final answer', answeredFrom);
    assert.equal(readFileSync(join(app.cwd, 'note.txt'), 'utf8'), 'hi\n', 'the file was written');
    const later = watcher.lines
      .slice(linesBefore)
      .map((l) => sessionIn(l, sessionId)?.state)
      .filter((s) => s !== undefined);
    const workingAt = later.indexOf('working');
    assert.ok(workingAt >= 0, `working after the answer: ${later.join(',')}`);
    assert.ok(workingAt < later.indexOf('completed'), `then completed: ${later.join(',')}`);
    assert.equal(completed.detail, null);

    // 4. /exit: SessionEnd marks the session ended.
    const exit = await app.stop();
    assert.equal(exit.exitCode, 0, `claude exited cleanly${screen()}`);
    await watchFor((s) => s.ended, 10_000, 'ended (SessionEnd)');
    // Telemetry (flushed before exit) went to the same session as the hooks.
    const withUsage = await watchFor((s) => s.requests >= 2, 10_000, 'telemetry usage');
    assert.equal(withUsage.usage_source, 'events');
    assert.ok(withUsage.cost_usd > 0, 'cost reported by the telemetry');

    const calls = hookCalls();
    assert.deepEqual(
      calls.map((h) => h.hook_event_name),
      [
        'SessionStart',
        'UserPromptSubmit',
        'PreToolUse',
        'PermissionRequest',
        'Notification',
        'PostToolUse',
        'Stop',
        'SessionEnd',
      ],
    );
    assert.equal(calls.at(-1)?.reason, 'prompt_input_exit');
    assert.ok(
      calls.every((h) => h.session_id === sessionId),
      'hooks carry the --session-id',
    );
    await until(
      async () => ((await agentHooks()) >= calls.length ? true : undefined),
      5000,
      () => `the agent did not count all ${calls.length} hook calls`,
    );
    assert.equal(await agentHooks(), calls.length);
    assert.equal((await agentSession())?.ended, true);
    t.diagnostic(
      `claude TUI: dialog after ${dialogAt - started} ms, notification ${notifiedAfterMs} ms ` +
        `later, whole run ${Date.now() - started} ms`,
    );
  });
});
