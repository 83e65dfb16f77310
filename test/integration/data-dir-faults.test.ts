// A data directory that is read-only, and one that fills up, under the real agent: live
// sessions keep being served, the problem is named in the log, in GET /api/stats and by the
// data directory check (src/ledger/data-dir.ts, for `doctor`), and once the directory is
// writable again the ledger
// catches up — the telemetry that was refused meanwhile is taken when it is sent again (as
// exporters do), and the transcript lines written meanwhile are indexed.
//
// The directory is a small tmpfs mounted for the test (remounted read-only, or filled): a
// root process ignores file permissions, so chmod cannot stand in for it. Where mounting is
// not allowed the test says so and is skipped.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { dataDirProblems } from '../../src/ledger/data-dir.ts';
import { loadConfig } from '../../src/config/load.ts';
import { type Paths, resolvePaths } from '../../src/config/paths.ts';
import { type Agent, startAgent } from '../../src/daemon/agent.ts';
import { runCli, scratchHome } from '../support/cli.ts';
import { logsRequest, msToNanos, toProtobuf } from '../support/otlp-builders.ts';

function tryMount(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
  }
}

function mount(...args: string[]): void {
  execFileSync('mount', args, { stdio: 'pipe' });
}

let seq = 0;
function billed(session: string, n: number): { body: Uint8Array; ids: string[] } {
  const ids: string[] = [];
  const records = [];
  for (let i = 0; i < n; i++) {
    const id = `req_fault_${seq++}`;
    ids.push(id);
    records.push({
      timeUnixNano: msToNanos(Date.now()),
      attrs: {
        'event.name': 'claude_code.api_request',
        'session.id': session,
        request_id: id,
        model: 'claude-sonnet-4-5',
        input_tokens: 10,
        output_tokens: 1,
      },
    });
  }
  return {
    body: toProtobuf(logsRequest({ resource: { 'service.name': 'claude-code' }, records })),
    ids,
  };
}

function logLines(n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) {
    const id = `req_faultlog_${seq++}`;
    text += `${JSON.stringify({
      type: 'assistant',
      sessionId: 'fault-log',
      timestamp: new Date().toISOString(),
      requestId: id,
      message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 7, output_tokens: 1 } },
    })}\n`;
  }
  return text;
}

interface Setup {
  home: string;
  dataDir: string;
  paths: Paths;
  agent: Agent;
  url: string;
  transcript: string;
  logs: string[];
}

const mounted: string[] = [];
const agents: Agent[] = [];
after(async () => {
  for (const a of agents) await a.close();
  for (const dir of mounted) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    } catch {
      // already gone
    }
  }
});

/** A home whose data directory is a fresh 4 MiB tmpfs; `readOnly` remounts it so first. */
async function setUp(readOnly: boolean): Promise<Setup | string> {
  const home = scratchHome('aio-fault-');
  const dataDir = join(home, 'data');
  mkdirSync(dataDir, { recursive: true });
  const cannot = tryMount(dataDir, '4m');
  if (cannot !== undefined) return cannot;
  mounted.push(dataDir);
  if (readOnly) mount('-o', 'remount,ro', dataDir);
  const claude = join(home, 'claude', 'projects', '-w-fault');
  mkdirSync(claude, { recursive: true });
  const transcript = join(claude, 'fault-log.jsonl');
  writeFileSync(transcript, logLines(3));
  const env: NodeJS.ProcessEnv = {
    AI_OBSERVER_HOME: home,
    HOME: join(home, 'user-home'),
    CLAUDE_CONFIG_DIR: join(home, 'claude'),
    AI_OBSERVER_SERVER_PORT: '0',
    AI_OBSERVER_SERVER_GRPC: 'false',
    AI_OBSERVER_NOTIFICATIONS_ENABLED: 'false',
    AI_OBSERVER_ACTIVITY_ENABLED: 'false',
    AI_OBSERVER_LEDGER_RESCAN_INTERVAL: '1s',
  };
  const paths = resolvePaths(env);
  assert.equal(paths.dataDir, dataDir);
  const logs: string[] = [];
  const agent = await startAgent({
    config: loadConfig(paths.configFile, env),
    paths,
    env,
    log: (line) => logs.push(line),
  });
  agents.push(agent);
  return {
    home,
    dataDir,
    paths,
    agent,
    url: `http://127.0.0.1:${agent.httpPort}`,
    transcript,
    logs,
  };
}

async function send(s: Setup, body: Uint8Array): Promise<number> {
  const r = await fetch(`${s.url}/v1/logs`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-protobuf' },
  });
  await r.arrayBuffer();
  return r.status;
}

async function ledgerRequests(s: Setup): Promise<number> {
  const r = await fetch(`${s.url}/api/usage?period=total`);
  const u = (await r.json()) as { rows: Array<{ requests: number }> };
  return u.rows.reduce((a, row) => a + row.requests, 0);
}

async function until(s: Setup, what: string, pred: () => Promise<boolean> | boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; log:\n${s.logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stats(
  s: Setup,
): Promise<{ ledger: { writable: boolean; lastError: string | null } }> {
  return (await (await fetch(`${s.url}/api/stats`)).json()) as never;
}

/** While the directory cannot be written: sessions live, billed requests refused, all named. */
async function duringFault(s: Setup, fault: 'read-only' | 'full', refused: Uint8Array) {
  assert.equal(await send(s, refused), 503, 'the exporter is asked to send it again');
  const sessions = (await (await fetch(`${s.url}/api/sessions`)).json()) as {
    sessions: Array<{ id: string }>;
  };
  assert.ok(
    sessions.sessions.some((x) => x.id === `fault-${fault}`),
    'the live session is served',
  );
  appendFileSync(s.transcript, logLines(4)); // the tools' logs live elsewhere and go on
  await until(
    s,
    'the problem in /api/stats',
    async () => (await stats(s)).ledger.lastError !== null,
  );
  const st = await stats(s);
  assert.equal(st.ledger.writable, false);
  assert.match(st.ledger.lastError!, fault === 'read-only' ? /read-?only|EROFS/i : /full|space/i);
  assert.ok(
    s.logs.some((l) => /^ledger: cannot write/.test(l)),
    `logged: ${s.logs.join('\n')}`,
  );
  const problems = dataDirProblems(s.paths);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, fault === 'read-only' ? /read-only/ : /full/);
  assert.ok(problems[0]!.includes(s.dataDir));
  // And `doctor` says the same, with its fix.
  const d = await runCli(['doctor', '--json'], {
    env: {
      AI_OBSERVER_HOME: s.home,
      HOME: join(s.home, 'user-home'),
      CLAUDE_CONFIG_DIR: join(s.home, 'claude'),
    },
  });
  assert.equal(d.code, 0, d.stderr);
  assert.ok(
    (JSON.parse(d.stdout) as { problems: string[] }).problems.includes(problems[0]!),
    d.stdout,
  );
}

/** Writable again: the refused batch is taken when sent again, the transcript indexed. */
async function afterFault(s: Setup, refused: Uint8Array, want: number) {
  assert.deepEqual(dataDirProblems(s.paths), []);
  await until(s, 'the batch sent again taken', async () => (await send(s, refused)) === 200);
  await until(s, 'the ledger caught up', async () => (await ledgerRequests(s)) === want, 20_000);
  await until(s, 'the problem cleared', async () => (await stats(s)).ledger.lastError === null);
  assert.equal((await stats(s)).ledger.writable, true);
  assert.ok(
    s.logs.some((l) => /^ledger: writing to .* again$/.test(l)),
    s.logs.join('\n'),
  );
}

describe('data directory faults', () => {
  test('read-only from the start: live sessions go on, the problem is named, the ledger catches up', async (t) => {
    const s = await setUp(true);
    if (typeof s === 'string') return t.skip(s);
    const refused = billed('fault-read-only', 50).body;
    assert.ok(
      s.logs.some((l) => /^ledger: data directory .* is on a read-only file system/.test(l)),
      'said at start',
    );
    await duringFault(s, 'read-only', refused);
    mount('-o', 'remount,rw', s.dataDir);
    await afterFault(s, refused, 50 + 3 + 4);
  });

  test('full while running: live sessions go on, the problem is named, the ledger catches up', async (t) => {
    const s = await setUp(false);
    if (typeof s === 'string') return t.skip(s);
    await until(s, 'the transcript indexed', async () => (await ledgerRequests(s)) === 3);
    assert.equal(await send(s, billed('fault-a', 2).body), 200);
    await until(s, 'the first batch', async () => (await ledgerRequests(s)) === 5);
    const filler = join(s.dataDir, 'filler');
    for (const size of [64 * 1024, 512]) {
      try {
        for (;;) appendFileSync(filler, Buffer.alloc(size, 1));
      } catch {
        // ENOSPC: full to the last block
      }
    }
    const refused = billed('fault-full', 50).body;
    await duringFault(s, 'full', refused);
    rmSync(filler);
    await afterFault(s, refused, 5 + 50 + 4);
  });
});
