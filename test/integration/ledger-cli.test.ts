// The ledger through the real command line: reports over copies of the real CLIs' transcripts,
// bad flags, a `kill -9` in the middle of a first import, the agent indexing appended lines
// within a second, the status line with and without a ledger, and doctor's skipped lines.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { childEnv, MAIN, runCli, type Served, scratchHome, startServe } from '../support/cli.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/real-logs');
const CLAUDE_SESSION = 'a80ef7a3-4b23-426f-b7b5-52a7461439d3';
const CLAUDE_FILE = `projects/-tmp-cap-claude-work/${CLAUDE_SESSION}.jsonl`;

/** A HOME holding copies of the real transcripts of all three CLIs. */
function homeWithLogs(): string {
  const home = scratchHome('aio-user-');
  cpSync(join(FIXTURES, 'claude'), join(home, '.claude'), { recursive: true });
  cpSync(join(FIXTURES, 'codex'), join(home, '.codex'), { recursive: true });
  cpSync(join(FIXTURES, 'gemini'), join(home, '.gemini'), { recursive: true });
  return home;
}

interface Report {
  rows: Array<Record<string, unknown>>;
  totals: {
    requests: number;
    inputTokens: number;
    outputTokens: number;
    totalTokens: number;
    costUsd: number;
  };
}

async function report(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Report> {
  const r = await runCli(['report', ...args, '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

/** One new Claude response: `n` makes its ids unique. */
function claudeLine(n: number, output = 10, ts = new Date().toISOString()): string {
  return `${JSON.stringify({
    type: 'assistant',
    isSidechain: false,
    sessionId: 'big-session',
    cwd: '/work/big',
    timestamp: ts,
    requestId: `req_big_${n}`,
    message: {
      id: `msg_big_${n}`,
      model: 'claude-opus-5-5',
      content: [{ type: 'text', text: 'x'.repeat(400) }],
      usage: {
        input_tokens: 100,
        output_tokens: output,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 0,
      },
    },
  })}\n`;
}

describe('report over the real transcripts', () => {
  const env: NodeJS.ProcessEnv = {};
  before(() => {
    env.AI_OBSERVER_HOME = scratchHome();
    env.HOME = homeWithLogs();
  });

  test('daily totals are the three CLIs’ requests, each once', async () => {
    const r = await report(env, 'daily', '--timezone', 'UTC');
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0]?.period, '2026-11-21');
    // Claude 4 + Codex 4 + Gemini 2 (the router request is only in telemetry).
    assert.equal(r.totals.requests, 10);
    assert.equal(r.totals.outputTokens, 240 + 280 + 155);
    const again = await report(env, 'daily', '--timezone', 'UTC');
    assert.deepEqual(again, r, 'a second run reads nothing new and answers the same');
  });

  test('filters and the other reports', async () => {
    assert.equal((await report(env, 'daily', '--tool', 'codex')).totals.requests, 4);
    assert.equal((await report(env, 'daily', '--tool', 'claude')).totals.requests, 4);
    assert.equal((await report(env, 'daily', '--project', 'work')).totals.requests, 10);
    assert.equal((await report(env, 'daily', '--project', 'nope')).totals.requests, 0);
    assert.equal((await report(env, 'daily', '--since', '20261122')).rows.length, 0);
    assert.equal((await report(env, 'monthly')).rows[0]?.period, '2026-11');
    assert.equal((await report(env, 'weekly', '--timezone', 'UTC')).rows[0]?.period, '2026-11-16');
    const sessions = await report(env, 'session');
    assert.deepEqual(sessions.rows.map((r) => r.tool).sort(), [
      'claude-code',
      'codex',
      'gemini-cli',
    ]);
    const models = await report(env, 'models');
    assert.deepEqual(models.rows.map((r) => r.model).sort(), [
      'claude-opus-5-5',
      'gemini-3.8-flash',
      'gpt-5.5',
    ]);
    const blocks = await report(env, 'blocks');
    assert.equal(blocks.rows.length, 1);
    assert.equal(blocks.rows[0]?.start, '2026-11-21T07:00:00.000Z');
    const breakdown = await report(env, 'daily', '--breakdown');
    assert.equal((breakdown.rows[0]!.breakdown as unknown[]).length, 3);
    const text = await runCli(['report', 'daily', '--timezone', 'UTC'], { env });
    assert.match(text.stdout, /2026-11-21/);
    assert.match(text.stdout, /computed/);
  });

  test('a reader that closes early ends the report quietly, as `| head` expects', async () => {
    const child = spawn(process.execPath, [MAIN, 'report', 'daily', '--json'], {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the pipe is closed before the report writes to it
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  test('bad flags are one clear line and exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['report', 'yearly'], /unknown report "yearly"/],
      [['report', 'daily', '--since', 'yesterday'], /invalid --since "yesterday"/],
      [['report', 'daily', '--until', '2026-02-30'], /invalid --until "2026-02-30"/],
      [
        ['report', 'daily', '--since', '20261122', '--until', '20261121'],
        /--since is after --until/,
      ],
      [['report', 'daily', '--tool', 'cursor'], /unknown --tool "cursor"/],
      [['report', 'daily', '--timezone', 'Mars/Olympus'], /unknown --timezone "Mars\/Olympus"/],
      [['report', 'daily', '--bogus'], /bogus/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
  });

  test('doctor shows what was indexed and the skipped lines of a file', async () => {
    appendFileSync(
      join(env.HOME!, '.claude', CLAUDE_FILE),
      'not json at all\n{"type":"assistant","message":{"usage":\n',
    );
    await report(env, 'daily');
    const r = await runCli(['doctor', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as {
      sources: Array<{
        tool: string;
        files: number;
        malformed: number;
        filesWithMalformed: Array<{ path: string; malformed: number }>;
      }>;
    };
    const claude = d.sources.find((s) => s.tool === 'claude-code')!;
    assert.equal(claude.files, 1);
    assert.equal(claude.malformed, 2);
    assert.match(claude.filesWithMalformed[0]!.path, /a80ef7a3/);
    const text = await runCli(['doctor'], { env });
    assert.match(text.stdout, /2 of \d+ lines skipped/);
  });
});

test('a kill -9 in the middle of a first import: the next run totals what a clean one does', async () => {
  const home = scratchHome('aio-user-');
  const dir = join(home, '.claude', 'projects', '-work-big');
  mkdirSync(dir, { recursive: true });
  const ts = '2026-11-20T12:00:00.000Z';
  for (let f = 0; f < 4; f++) {
    const lines: string[] = [];
    for (let i = 0; i < 15_000; i++) lines.push(claudeLine(f * 100_000 + i, (i % 9) + 1, ts));
    writeFileSync(join(dir, `s${f}.jsonl`), lines.join(''));
  }
  const clean = await report({ AI_OBSERVER_HOME: scratchHome(), HOME: home }, 'daily');
  assert.equal(clean.totals.requests, 60_000);

  const env = { AI_OBSERVER_HOME: scratchHome(), HOME: home };
  let killedMidway = false;
  for (const delay of [150, 250, 350, 500, 700]) {
    const child = spawn(process.execPath, [MAIN, 'report', 'daily', '--json'], {
      env: childEnv(env),
      stdio: 'ignore',
    });
    const closed = new Promise((r) => child.once('close', r));
    await new Promise((r) => setTimeout(r, delay));
    const running = child.exitCode === null && child.signalCode === null;
    child.kill('SIGKILL');
    await closed;
    if (running) killedMidway = true;
  }
  assert.ok(killedMidway, 'at least one run was killed before it finished');
  const after = await report(env, 'daily');
  assert.deepEqual(after.totals, clean.totals);
});

describe('with the agent running', () => {
  let served: Served;
  const env: NodeJS.ProcessEnv = {};
  before(async () => {
    env.AI_OBSERVER_HOME = scratchHome();
    env.HOME = homeWithLogs();
    served = await startServe(env, ['--no-notify', '--no-grpc']);
  });
  after(async () => {
    await served.stop();
  });

  test('appended transcript lines are in the ledger within a second', async () => {
    // The agent's first import of the copies.
    const deadline = Date.now() + 10_000;
    while ((await report(env, 'daily')).totals.requests < 10 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const file = join(env.HOME!, '.claude', CLAUDE_FILE);
    const appended = Date.now();
    appendFileSync(file, claudeLine(1, 77));
    let seenAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - appended < 5000) {
      const r = await report(env, 'daily', '--no-index');
      if (r.totals.requests === 11) {
        seenAfter = Date.now() - appended;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    // The report itself (a new process) takes part of the time measured here.
    assert.ok(seenAfter < 1000, `indexed after ${seenAfter} ms`);
  });

  test('the status line answers from the ledger while the agent runs', async () => {
    const input = JSON.stringify({
      session_id: CLAUDE_SESSION,
      model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
      cost: { total_cost_usd: 0.036 },
    });
    const r = await runCli(['statusline'], { env, input });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Opus 5\.5 · session \$0\.04 · today \$\d+\.\d\d/);
    assert.doesNotMatch(r.stdout, /agent off/);
    assert.equal(r.stdout.trim().split('\n').length, 1);
  });
});

test('the status line without an agent, a ledger or usable input still prints a line', async () => {
  const env = { AI_OBSERVER_HOME: scratchHome() };
  const cases: Array<[string, RegExp]> = [
    [
      JSON.stringify({ model: { display_name: 'Sonnet 4.5' }, cost: { total_cost_usd: 1.5 } }),
      /^Sonnet 4\.5 · session \$1\.50 · agent off$/,
    ],
    ['{not json', /^agent off$/],
    ['', /^agent off$/],
  ];
  for (const [input, want] of cases) {
    const r = await runCli(['statusline'], { env, input });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), want);
  }
  const help = await runCli(['statusline', '--help'], { env });
  assert.match(help.stdout, /statusLine/);
  assert.ok(readFileSync, 'fs in use');
});
