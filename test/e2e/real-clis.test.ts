// The real Claude Code, Codex and Gemini CLIs from npm, pointed at the real agent (`serve`) over
// every protocol each one offers, answering a prompt that makes one tool call against a mock
// model API. The session must show up in `watch` as working, then completed, with exactly the
// token counts (and cost) that the CLI itself printed.

import assert from 'node:assert/strict';
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
  claudePrinted,
  codexPrinted,
  geminiPrinted,
  type Printed,
} from '../support/printed-usage.ts';
import {
  type ClaudeProtocol,
  type CliName,
  type CodexProtocol,
  cliAvailable,
  type GeminiProtocol,
  NODE24,
  type RunResult,
  runClaude,
  runCodex,
  runGemini,
} from '../support/real-clis.ts';

const PROMPT = 'Run the shell command `echo hello` and tell me what it printed.';

function sessionIn(line: string, id: string): SessionView | undefined {
  return (JSON.parse(line) as SessionListMessage).sessions.find((s) => s.id === id);
}

function matches(s: SessionView | undefined, e: Printed): boolean {
  return (
    s !== undefined &&
    s.tokens.input === e.input &&
    s.tokens.output === e.output &&
    s.tokens.cache_read === e.cacheRead &&
    s.tokens.cache_write === e.cacheWrite &&
    s.tokens.reasoning === e.reasoning &&
    (e.costUsd === undefined || Math.abs(s.cost_usd - e.costUsd) < 1e-6)
  );
}

type Case =
  | { cli: 'claude'; protocol: ClaudeProtocol }
  | { cli: 'codex'; protocol: CodexProtocol }
  | { cli: 'gemini'; protocol: GeminiProtocol };

const CASES: Case[] = [
  { cli: 'claude', protocol: 'http/json' },
  { cli: 'claude', protocol: 'http/protobuf' },
  { cli: 'claude', protocol: 'grpc' },
  { cli: 'codex', protocol: 'json' },
  { cli: 'codex', protocol: 'binary' },
  { cli: 'codex', protocol: 'grpc' },
  { cli: 'gemini', protocol: 'http' },
  { cli: 'gemini', protocol: 'grpc' },
];

const TOOL: Record<CliName, string> = {
  claude: 'claude-code',
  codex: 'codex',
  gemini: 'gemini-cli',
};

describe('real AI CLIs → agent → watch', () => {
  let served: Served;
  let api: MockModelApi;
  let watcher: Watcher;

  before(async () => {
    for (const cli of ['claude', 'codex', 'gemini'] as const) {
      const why = cliAvailable(cli);
      if (why !== null) throw new Error(`${cli} cannot run here: ${why} (run npm install)`);
    }
    served = await startServe(
      {
        AI_OBSERVER_HOME: scratchHome(),
        // Without hooks, a quiet period ends `working`; short here so the test is quick.
        AI_OBSERVER_SESSIONS_QUIET_PERIOD: '2s',
      },
      ['--no-notify'],
    );
    api = await startMockModelApi({ log: () => {} });
    watcher = startWatch(['--url', served.url]);
  });
  after(async () => {
    watcher?.stop();
    await api?.close();
    await served?.stop();
  });

  for (const c of CASES) {
    test(`${c.cli} over ${c.protocol}: working → completed with the printed token counts`, async () => {
      const grpc = `http://127.0.0.1:${served.grpcPort}`;
      const endpoint = c.protocol === 'grpc' ? grpc : served.url;
      let r: RunResult;
      let expected: Printed;
      if (c.cli === 'claude') {
        r = await runClaude({
          prompt: PROMPT,
          apiUrl: api.url,
          otlp: { endpoint, protocol: c.protocol },
        });
      } else if (c.cli === 'codex') {
        r = await runCodex({
          prompt: PROMPT,
          apiUrl: api.url,
          otlp: { endpoint, protocol: c.protocol },
        });
      } else {
        r = await runGemini({
          prompt: PROMPT,
          apiUrl: api.url,
          otlp: { endpoint, protocol: c.protocol },
        });
      }
      assert.equal(r.exitCode, 0, `${c.cli} failed: ${r.stderr.slice(-2000)}`);
      if (c.cli === 'claude') expected = claudePrinted(r);
      else if (c.cli === 'codex') expected = codexPrinted(r);
      else expected = geminiPrinted(r);
      assert.ok(expected.input + expected.output > 0, 'the CLI printed usage');

      const done = await watcher.waitFor((l) => {
        const s = sessionIn(l, expected.sessionId);
        return s?.state === 'completed' && matches(s, expected);
      }, 30_000);
      const s = sessionIn(done, expected.sessionId)!;
      assert.equal(s.tool, TOOL[c.cli]);
      assert.equal(s.usage_source, 'events');
      assert.equal(s.cost_basis, c.cli === 'claude' ? 'reported' : 'unknown');
      const states = watcher.lines
        .map((l) => sessionIn(l, expected.sessionId)?.state)
        .filter((x) => x !== undefined);
      assert.ok(states.indexOf('working') >= 0, `seen as working first: ${states.join(',')}`);
      assert.ok(states.indexOf('working') < states.indexOf('completed'));
    });
  }
});

describe('Claude Code hooks → agent', () => {
  let served: Served;
  let api: MockModelApi;
  let watcher: Watcher;

  before(async () => {
    served = await startServe({ AI_OBSERVER_HOME: scratchHome() }, ['--no-notify', '--no-grpc']);
    // The model asks to write a file, a tool this run does not allow: Claude Code asks for
    // permission (the PermissionRequest hook), is refused, and finishes the turn.
    api = await startMockModelApi({
      log: () => {},
      anthropic: { tool: { name: 'Write', input: { file_path: 'note.txt', content: 'hi\n' } } },
    });
    watcher = startWatch(['--url', served.url]);
  });
  after(async () => {
    watcher?.stop();
    await api?.close();
    await served?.stop();
  });

  test('waiting on a permission prompt, completed on Stop', async () => {
    const command = `"${NODE24}" "${MAIN}" hook claude`;
    const events = [
      'SessionStart',
      'UserPromptSubmit',
      'PreToolUse',
      'PostToolUse',
      'PermissionRequest',
      'Notification',
      'Stop',
      'SessionEnd',
    ];
    const hooks = Object.fromEntries(
      events.map((e) => [e, [{ matcher: '*', hooks: [{ type: 'command' as const, command }] }]]),
    );
    const r = await runClaude({
      prompt: 'Write "hi" to note.txt.',
      apiUrl: api.url,
      hooks,
      allowedTools: ['Bash'],
      env: { AI_OBSERVER_URL: served.url },
      otlp: { endpoint: served.url, protocol: 'http/protobuf' },
    });
    assert.equal(r.exitCode, 0, r.stderr.slice(-2000));
    const id = (r.json as { session_id: string }).session_id;
    const denials = (r.json as { permission_denials: unknown[] }).permission_denials;
    assert.equal(denials.length, 1, 'the Write was refused, so permission was asked');

    await watcher.waitFor((l) => sessionIn(l, id)?.state === 'completed', 15_000);
    const seen = watcher.lines.map((l) => sessionIn(l, id)).filter((s) => s !== undefined);
    const states = seen.map((s) => s.state);
    const waitingAt = states.indexOf('waiting');
    assert.ok(waitingAt >= 0, `waiting was shown: ${states.join(',')}`);
    assert.equal(seen[waitingAt]?.detail, 'permission requested');
    assert.ok(states.indexOf('working') < waitingAt, 'working before waiting');
    assert.ok(waitingAt < states.lastIndexOf('completed'), 'completed after waiting');
    const last = seen.at(-1)!;
    assert.equal(last.project, 'work', 'project from the hook cwd');
    assert.equal(last.ended, true, 'SessionEnd seen');
  });
});
