// `ai-observer setup claude` on a HOME with the user's own Claude Code settings, then the real
// Claude Code CLI run with that HOME and nothing else configured: its telemetry (from the
// settings' env block) and its hooks reach the agent, which runs on free ports named in the
// user's config.yaml; the session ends completed with the token counts Claude printed. Then
// `--undo` puts the user's settings back byte for byte.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SessionListMessage } from '../../src/domain/session-view.ts';
import { runCli, type Served, scratchHome, startServe } from '../support/cli.ts';
import { type MockModelApi, startMockModelApi } from '../support/mock-model-api.ts';
import { claudePrinted } from '../support/printed-usage.ts';
import { cliAvailable, runClaude } from '../support/real-clis.ts';

const USER_SETTINGS = `{
  "permissions": {
    "allow": ["Bash(echo:*)"]
  },
  "env": {
    "MY_OWN_VARIABLE": "kept"
  },
  "hooks": {
    "Stop": [{ "hooks": [{ "type": "command", "command": "true" }] }]
  }
}
`;

let served: Served;
let api: MockModelApi;

before(async () => {
  const why = cliAvailable('claude');
  if (why !== null) throw new Error(`claude cannot run here: ${why} (run npm install)`);
  served = await startServe({ AI_OBSERVER_HOME: scratchHome() }, ['--no-notify']);
  api = await startMockModelApi({ log: () => {} });
});
after(async () => {
  await api?.close();
  await served?.stop();
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('setup claude, then the real Claude Code reaches the agent with no other configuration', async () => {
  const root = scratchHome('aio-claude-setup-');
  const home = join(root, 'home');
  const settingsFile = join(home, '.claude', 'settings.json');
  mkdirSync(join(home, '.claude'), { recursive: true });
  writeFileSync(settingsFile, USER_SETTINGS);
  // The agent's free ports, as a user would write them in their config.
  mkdirSync(join(home, '.config', 'ai-observer'), { recursive: true });
  const port = Number(new URL(served.url).port);
  writeFileSync(
    join(home, '.config', 'ai-observer', 'config.yaml'),
    `server:\n  port: ${port}\n  grpcPort: ${served.grpcPort}\n`,
  );
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
  };

  const first = await runCli(['setup', 'claude'], { env });
  assert.equal(first.code, 0, first.stderr);
  const configured = readFileSync(settingsFile, 'utf8');
  const second = await runCli(['setup', 'claude'], { env });
  assert.match(second.stdout, /already set up/);
  assert.equal(readFileSync(settingsFile, 'utf8'), configured, 'second run: byte for byte');
  const s = JSON.parse(configured);
  assert.equal(s.env.MY_OWN_VARIABLE, 'kept');
  assert.deepEqual(s.permissions, { allow: ['Bash(echo:*)'] });
  assert.equal(s.env.OTEL_EXPORTER_OTLP_ENDPOINT, served.url);

  // No otlp, no hooks, no settings from the harness: only what setup wrote.
  const r = await runClaude({
    prompt: 'Run the shell command `echo hello` and tell me what it printed.',
    apiUrl: api.url,
    root,
    home,
  });
  assert.equal(r.exitCode, 0, r.stderr.slice(-2000));
  const printed = claudePrinted(r);

  const session = await until('the session, completed, with the printed tokens', async () => {
    const res = await fetch(`${served.url}/api/sessions`);
    const list = (await res.json()) as SessionListMessage;
    const found = list.sessions.find((x) => x.id === printed.sessionId);
    return found?.state === 'completed' &&
      found.tokens.input === printed.input &&
      found.tokens.output === printed.output &&
      found.tokens.cache_read === printed.cacheRead
      ? found
      : undefined;
  });
  assert.equal(session.tool, 'claude-code');
  assert.ok(Math.abs(session.cost_usd - printed.costUsd!) < 1e-6);

  const stats = (await (await fetch(`${served.url}/api/stats`)).json()) as {
    received: Record<string, { logRecords: number; hooks: number; lastAt: number | null }>;
  };
  const claude = stats.received['claude-code']!;
  assert.ok(claude.logRecords > 0, 'telemetry from the settings env block');
  assert.ok(claude.hooks >= 3, `hooks from the settings (${claude.hooks})`);
  assert.ok(claude.lastAt !== null && Date.now() - claude.lastAt < 120_000);

  const doctor = JSON.parse((await runCli(['doctor', '--json'], { env })).stdout);
  assert.equal(doctor.agent.running, true);
  assert.ok(doctor.agent.received['claude-code'].logRecords > 0);
  assert.equal(doctor.setup.find((x: { tool: string }) => x.tool === 'claude').configured, true);

  const undo = await runCli(['setup', 'claude', '--undo'], { env });
  assert.equal(undo.code, 0, undo.stderr);
  assert.equal(readFileSync(settingsFile, 'utf8'), USER_SETTINGS, 'undo: byte for byte');
});
