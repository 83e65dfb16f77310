// The usage ledger against the real Claude Code, Codex and Gemini CLIs from npm (mock model
// API, see test/support/real-clis.ts), each run twice in one session (the second a resume):
// 1. logs only, no agent: `report session --json` indexes the transcripts on demand, and each
//    session's tokens equal what the CLI printed; Claude's computed cost equals the cost
//    Claude Code itself reported;
// 2. with the agent receiving their OTLP telemetry and watching the same transcripts: every
//    request seen by both is one event (reported cost kept), and the totals still equal what
//    each CLI printed.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, type Served, scratchHome, startServe } from '../support/cli.ts';
import { type MockModelApi, startMockModelApi } from '../support/mock-model-api.ts';
import {
  claudeSessionPrinted,
  codexPrinted,
  geminiPrinted,
  type Printed,
} from '../support/printed-usage.ts';
import { cliAvailable, runClaude, runCodex, runGemini } from '../support/real-clis.ts';

const PROMPT = 'Run the shell command `echo hello` and tell me what it printed.';

interface SessionJson {
  sessionId: string;
  tool: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
  costBasis: string;
}

function assertSession(
  rows: SessionJson[],
  want: Printed,
  requests: number,
  label: string,
): SessionJson {
  const row = rows.find((r) => r.sessionId === want.sessionId);
  assert.ok(
    row,
    `${label}: session ${want.sessionId} is in the ledger (${JSON.stringify(rows.map((r) => r.sessionId))})`,
  );
  assert.deepEqual(
    {
      requests: row.requests,
      input: row.inputTokens,
      output: row.outputTokens,
      cacheRead: row.cacheReadTokens,
      cacheWrite: row.cacheWriteTokens,
      reasoning: row.reasoningTokens,
    },
    {
      requests,
      input: want.input,
      output: want.output,
      cacheRead: want.cacheRead,
      cacheWrite: want.cacheWrite,
      reasoning: want.reasoning,
    },
    label,
  );
  if (want.costUsd !== undefined)
    assert.ok(
      Math.abs(row.costUsd - want.costUsd) < 1e-6,
      `${label}: cost ${row.costUsd} vs ${want.costUsd}`,
    );
  return row;
}

async function sessions(env: NodeJS.ProcessEnv): Promise<SessionJson[]> {
  const r = await runCli(['report', 'session', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { rows: SessionJson[] }).rows;
}

describe('usage ledger ← real AI CLIs', () => {
  let api: MockModelApi;
  before(async () => {
    for (const cli of ['claude', 'codex', 'gemini'] as const) {
      const why = cliAvailable(cli);
      if (why !== null) throw new Error(`${cli} cannot run here: ${why} (run npm install)`);
    }
    api = await startMockModelApi();
  });
  after(async () => {
    await api.close();
  });

  test('from their logs alone: tokens as printed, Claude cost as reported', async () => {
    const root = mkdtempSync(join(tmpdir(), 'aio-ledger-logs-'));
    const c1 = await runClaude({ prompt: PROMPT, apiUrl: api.url, root: join(root, 'c') });
    const sid = (c1.json as { session_id: string }).session_id;
    const c2 = await runClaude({
      prompt: PROMPT,
      apiUrl: api.url,
      home: c1.home,
      cwd: c1.cwd,
      resume: sid,
    });
    const x1 = await runCodex({ prompt: PROMPT, apiUrl: api.url, home: c1.home, cwd: c1.cwd });
    const thread = codexPrinted(x1).sessionId;
    const x2 = await runCodex({
      prompt: PROMPT,
      apiUrl: api.url,
      home: c1.home,
      cwd: c1.cwd,
      resume: thread,
    });
    const g = await runGemini({ prompt: PROMPT, apiUrl: api.url, home: c1.home, cwd: c1.cwd });
    for (const r of [c1, c2, x1, x2, g]) assert.equal(r.exitCode, 0, r.stderr);

    const env = { AI_OBSERVER_HOME: scratchHome(), HOME: c1.home };
    const rows = await sessions(env);
    const claude = assertSession(rows, claudeSessionPrinted(c2), 4, 'claude-code');
    assert.equal(
      claude.costBasis,
      'computed',
      'Claude Code 2.1 writes no cost into its transcripts',
    );
    assertSession(rows, codexPrinted(x2), 4, 'codex');
    // The router request is only in telemetry; the chat file has the main model's two.
    assertSession(
      rows,
      geminiPrinted(g, (m) => !m.includes('lite')),
      2,
      'gemini-cli',
    );

    // A second report reads nothing new and answers the same.
    const again = await sessions(env);
    assert.deepEqual(again, rows);
  });

  describe('with the agent receiving their telemetry too', () => {
    let served: Served;
    let home: string;
    const env: NodeJS.ProcessEnv = {};
    before(async () => {
      const root = mkdtempSync(join(tmpdir(), 'aio-ledger-otlp-'));
      home = join(root, 'home');
      env.AI_OBSERVER_HOME = scratchHome();
      env.HOME = home;
      served = await startServe(env, ['--no-notify', '--no-grpc']);
      env.AI_OBSERVER_URL = served.url;
    });
    after(async () => {
      await served.stop();
    });

    test('each request seen by telemetry and by a log is one event', async () => {
      const otlp = { endpoint: served.url };
      const c1 = await runClaude({
        prompt: PROMPT,
        apiUrl: api.url,
        home,
        otlp: { ...otlp, protocol: 'http/protobuf' },
      });
      const sid = (c1.json as { session_id: string }).session_id;
      const c2 = await runClaude({
        prompt: PROMPT,
        apiUrl: api.url,
        home,
        cwd: c1.cwd,
        resume: sid,
        otlp: { ...otlp, protocol: 'http/json' },
      });
      const x1 = await runCodex({
        prompt: PROMPT,
        apiUrl: api.url,
        home,
        cwd: c1.cwd,
        otlp: { ...otlp, protocol: 'binary' },
      });
      const x2 = await runCodex({
        prompt: PROMPT,
        apiUrl: api.url,
        home,
        cwd: c1.cwd,
        resume: codexPrinted(x1).sessionId,
        otlp: { ...otlp, protocol: 'json' },
      });
      const g = await runGemini({
        prompt: PROMPT,
        apiUrl: api.url,
        home,
        cwd: c1.cwd,
        otlp: { ...otlp, protocol: 'http' },
      });
      for (const r of [c1, c2, x1, x2, g]) assert.equal(r.exitCode, 0, r.stderr);

      const want = {
        claude: claudeSessionPrinted(c2),
        codex: codexPrinted(x2),
        gemini: geminiPrinted(g),
      };
      // The agent indexes changed transcripts within a second; telemetry is in already.
      let rows: SessionJson[] = [];
      const deadline = Date.now() + 10_000;
      for (;;) {
        rows = await sessions(env);
        const done = [want.claude, want.codex, want.gemini].every((w) => {
          const r = rows.find((x) => x.sessionId === w.sessionId);
          return r !== undefined && r.outputTokens === w.output;
        });
        if (done || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const claude = assertSession(rows, want.claude, 4, 'claude-code');
      assert.equal(claude.costBasis, 'reported', 'the cost Claude Code sent in its telemetry');
      assertSession(rows, want.codex, 4, 'codex');
      assertSession(rows, want.gemini, 3, 'gemini-cli');
    });
  });
});
