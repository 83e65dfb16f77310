// Privacy audit. The real agent (ledger, activity sources, snapshot file, OTLP push to a test
// sink, GET /metrics) is fed content a user would never want copied: prompts, responses, tool
// inputs, file paths, shell commands and URL paths, each carrying a marker string —
// through the real OTLP receiver (with the attributes Claude Code sends under
// OTEL_LOG_USER_PROMPTS=1 and OTEL_LOG_TOOL_DETAILS=1, and their Codex and Gemini
// equivalents), hook calls, transcript files the ledger indexes, browser history and shell
// history. Then the database file (raw bytes, WAL included), the snapshot file, every API
// response, the Prometheus text, the pushed OTLP payloads and the agent's log are searched:
// no marker may appear. The data itself must arrive (tokens, sessions, sites, CLIs), or the
// audit would prove nothing.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { type Paths, resolvePaths } from '../../src/config/paths.ts';
import { type Agent, startAgent } from '../../src/daemon/agent.ts';
import { ledgerFile } from '../../src/ledger/files.ts';
import { HistoryDb } from '../support/browser-history.ts';
import { scratchHome } from '../support/cli.ts';
import {
  logsRequest,
  metricsRequest,
  msToNanos,
  toJsonBytes,
  toProtobuf,
  tracesRequest,
} from '../support/otlp-builders.ts';
import { type OtlpCapture, startOtlpCapture } from '../support/otlp-capture.ts';

/** One marker per kind of private content; each must stay out of everything the agent keeps. */
const M = {
  prompt: 'PRIVMARK-PROMPT-7f3a',
  response: 'PRIVMARK-RESPONSE-91bc',
  toolInput: 'PRIVMARK-TOOLINPUT-c0de',
  filePath: 'PRIVMARK-FILEPATH-d15c',
  shell: 'PRIVMARK-SHELL-5e11',
  urlPath: 'PRIVMARK-URLPATH-a11e',
  query: 'PRIVMARK-QUERY-0f0f',
  body: 'PRIVMARK-LOGBODY-b0d7',
  title: 'PRIVMARK-TITLE-717e',
};
const MARKERS = Object.values(M);
const secretPath = `/home/u/${M.filePath}/src/main.ts`;
const cwd = '/home/u/work/shop'; // the project is the folder's name, which reports show

let home: string;
let paths: Paths;
let agent: Agent;
let sink: OtlpCapture;
const logLines: string[] = [];
let url: string;

function writeTranscripts(userHome: string, now: number): void {
  const iso = (ms: number) => new Date(ms).toISOString();
  // Claude Code: a prompt, a reply with text and a tool call, the tool's output.
  const claudeDir = join(userHome, '.claude', 'projects', '-home-u-work-shop');
  mkdirSync(claudeDir, { recursive: true });
  const claude = [
    {
      type: 'user',
      sessionId: 'priv-claude-log',
      timestamp: iso(now - 60_000),
      cwd,
      message: { role: 'user', content: `please ${M.prompt}` },
    },
    {
      type: 'assistant',
      sessionId: 'priv-claude-log',
      timestamp: iso(now - 50_000),
      cwd,
      requestId: 'req_priv_1',
      message: {
        id: 'msg_priv_1',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'text', text: `sure ${M.response}` },
          {
            type: 'tool_use',
            name: 'Bash',
            input: { command: `cat ${secretPath} | grep ${M.toolInput}` },
          },
        ],
        usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 1000 },
      },
    },
    {
      type: 'user',
      sessionId: 'priv-claude-log',
      timestamp: iso(now - 40_000),
      cwd,
      message: {
        content: [{ type: 'tool_result', content: `${M.response} in ${secretPath}` }],
      },
      toolUseResult: { stdout: M.shell, file: { filePath: secretPath } },
    },
  ];
  writeFileSync(
    join(claudeDir, 'priv-claude-log.jsonl'),
    `${claude.map((l) => JSON.stringify(l)).join('\n')}\n`,
  );

  // Codex: session meta, a prompt, a reply, a shell call, the token count.
  const day = new Date(now);
  const codexDir = join(
    userHome,
    '.codex',
    'sessions',
    String(day.getUTCFullYear()),
    String(day.getUTCMonth() + 1).padStart(2, '0'),
    String(day.getUTCDate()).padStart(2, '0'),
  );
  mkdirSync(codexDir, { recursive: true });
  const uuid = '0199a213-81c0-7800-8aa1-bbab2a035a53';
  const codex = [
    { timestamp: iso(now - 60_000), type: 'session_meta', payload: { id: uuid, cwd } },
    { timestamp: iso(now - 59_000), type: 'turn_context', payload: { model: 'gpt-5-codex', cwd } },
    {
      timestamp: iso(now - 58_000),
      type: 'response_item',
      payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: M.prompt }] },
    },
    {
      timestamp: iso(now - 57_000),
      type: 'response_item',
      payload: {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({
          command: ['bash', '-lc', `rm ${secretPath} # ${M.toolInput}`],
        }),
      },
    },
    {
      timestamp: iso(now - 56_000),
      type: 'event_msg',
      payload: { type: 'agent_message', message: M.response },
    },
    {
      timestamp: iso(now - 55_000),
      type: 'event_msg',
      payload: {
        type: 'token_count',
        info: {
          total_token_usage: {
            input_tokens: 500,
            cached_input_tokens: 100,
            output_tokens: 50,
            total_tokens: 550,
          },
          last_token_usage: {
            input_tokens: 500,
            cached_input_tokens: 100,
            output_tokens: 50,
            total_tokens: 550,
          },
        },
      },
    },
  ];
  writeFileSync(
    join(codexDir, `rollout-2026-11-21T07-35-04-${uuid}.jsonl`),
    `${codex.map((l) => JSON.stringify(l)).join('\n')}\n`,
  );

  // Gemini CLI: header, the user's message, a reply with tokens.
  const geminiDir = join(userHome, '.gemini', 'tmp', 'shop', 'chats');
  mkdirSync(geminiDir, { recursive: true });
  const gemini = [
    { sessionId: 'priv-gemini-log', projectHash: 'abc', startTime: iso(now - 60_000) },
    { id: 'u1', timestamp: iso(now - 58_000), type: 'user', content: [{ text: M.prompt }] },
    {
      id: 'g1',
      timestamp: iso(now - 57_000),
      type: 'gemini',
      model: 'gemini-2.5-pro',
      content: M.response,
      toolCalls: [{ name: 'run_shell_command', args: { command: M.shell, dir: secretPath } }],
      tokens: { input: 300, output: 40, cached: 0, thoughts: 5, total: 345 },
    },
  ];
  writeFileSync(
    join(geminiDir, 'session-priv.jsonl'),
    `${gemini.map((l) => JSON.stringify(l)).join('\n')}\n`,
  );
}

function writeHistories(userHome: string, now: number): void {
  const chrome = new HistoryDb(
    join(userHome, '.config', 'google-chrome', 'Default', 'History'),
    'chromium',
  );
  chrome.add([
    { url: `https://chatgpt.com/c/${M.urlPath}?q=${M.query}`, ts: now - 20 * 60_000 },
    { url: `https://claude.ai/chat/${M.urlPath}#${M.query}`, ts: now - 10 * 60_000 },
  ]);
  chrome.db.exec(`UPDATE urls SET title = '${M.title}'`);
  chrome.close();
  const s = Math.floor((now - 5 * 60_000) / 1000);
  writeFileSync(
    join(userHome, '.zsh_history'),
    `: ${s}:0;claude -p "${M.shell}"\n: ${s + 5}:0;codex exec '${M.prompt}' > ${secretPath}\n: ${s + 9}:0;cd ${secretPath}\n`,
  );
  writeFileSync(join(userHome, '.bash_history'), `gemini -p "${M.shell}"\n`);
}

async function post(path: string, body: Uint8Array | string, type: string): Promise<number> {
  const r = await fetch(url + path, { method: 'POST', body, headers: { 'Content-Type': type } });
  await r.arrayBuffer();
  return r.status;
}

async function sendTelemetry(now: number): Promise<void> {
  const t = (ms: number) => msToNanos(now - ms);
  const claude = logsRequest({
    resource: {
      'service.name': 'claude-code',
      'process.command_line': `claude -p ${M.prompt}`,
      'host.name': 'laptop',
    },
    records: [
      {
        timeUnixNano: t(9000),
        body: `claude_code.user_prompt ${M.body}`,
        attrs: {
          'event.name': 'user_prompt',
          'session.id': 'priv-claude-otlp',
          prompt: `do ${M.prompt}`,
          prompt_length: 20,
        },
      },
      {
        timeUnixNano: t(8000),
        attrs: {
          'event.name': 'tool_result',
          'session.id': 'priv-claude-otlp',
          tool_name: 'Bash',
          success: 'true',
          tool_parameters: JSON.stringify({
            bash_command: `ls ${secretPath}`,
            full_command: `ls ${secretPath} && echo ${M.toolInput}`,
          }),
          tool_input: JSON.stringify({ file_path: secretPath }),
        },
      },
      {
        timeUnixNano: t(7000),
        attrs: {
          'event.name': 'api_request',
          'session.id': 'priv-claude-otlp',
          model: 'claude-sonnet-4-5',
          request_id: 'req_priv_otlp',
          input_tokens: 50,
          output_tokens: 10,
          cost_usd: 0.01,
          'user.email': `${M.prompt}@example.com`,
        },
      },
      {
        timeUnixNano: t(6000),
        attrs: {
          'event.name': 'api_error',
          'session.id': 'priv-claude-otlp',
          error: `${M.response} at ${secretPath}`,
        },
      },
    ],
  });
  assert.equal(await post('/v1/logs', toProtobuf(claude), 'application/x-protobuf'), 200);
  const codex = logsRequest({
    resource: { 'service.name': 'codex_cli_rs' },
    records: [
      {
        timeUnixNano: t(5000),
        eventName: 'codex.user_prompt',
        attrs: {
          'event.name': 'codex.user_prompt',
          'conversation.id': 'priv-codex-otlp',
          prompt: M.prompt,
        },
      },
      {
        timeUnixNano: t(4500),
        eventName: 'codex.tool_result',
        attrs: {
          'event.name': 'codex.tool_result',
          'conversation.id': 'priv-codex-otlp',
          arguments: `{"command":"cat ${secretPath}"}`,
          output: M.response,
        },
      },
    ],
  });
  assert.equal(await post('/v1/logs', toJsonBytes(codex), 'application/json'), 200);
  const gemini = logsRequest({
    resource: { 'service.name': 'gemini-cli' },
    records: [
      {
        timeUnixNano: t(4000),
        attrs: {
          'event.name': 'gemini_cli.user_prompt',
          'session.id': 'priv-gemini-otlp',
          prompt: M.prompt,
        },
      },
      {
        timeUnixNano: t(3500),
        attrs: {
          'event.name': 'gemini_cli.tool_call',
          'session.id': 'priv-gemini-otlp',
          function_name: 'run_shell_command',
          function_args: JSON.stringify({ command: M.shell, path: secretPath }),
        },
      },
    ],
  });
  assert.equal(await post('/v1/logs', toProtobuf(gemini), 'application/x-protobuf'), 200);
  const spans = tracesRequest({
    resource: { 'service.name': 'claude-code' },
    spans: [
      {
        name: 'claude_code.interaction',
        startTimeUnixNano: t(3000),
        endTimeUnixNano: t(2000),
        attrs: {
          'session.id': 'priv-claude-otlp',
          user_prompt: M.prompt,
          'tool.input': M.toolInput,
          'http.url': `https://api.example.com/${M.urlPath}`,
        },
      },
    ],
  });
  assert.equal(await post('/v1/traces', toProtobuf(spans), 'application/x-protobuf'), 200);
  const metrics = metricsRequest({
    resource: { 'service.name': 'claude-code', 'process.command_line': M.shell },
    metrics: [
      {
        name: 'claude_code.token.usage',
        kind: 'sum',
        temporality: 'delta',
        monotonic: true,
        points: [
          {
            value: 42,
            timeUnixNano: t(1000),
            attrs: {
              'session.id': 'priv-claude-otlp',
              type: 'input',
              model: 'claude-sonnet-4-5',
              file_path: secretPath,
              prompt: M.prompt,
            },
          },
        ],
      },
    ],
  });
  assert.equal(await post('/v1/metrics', toProtobuf(metrics), 'application/x-protobuf'), 200);
  // Hooks carry the prompt, the tool input and the working directory.
  const hooks: Array<[string, unknown]> = [
    [
      'claude',
      {
        hook_event_name: 'UserPromptSubmit',
        session_id: 'priv-claude-otlp',
        cwd: `/home/u/${M.filePath}/shop`,
        prompt: M.prompt,
        transcript_path: secretPath,
      },
    ],
    [
      'claude',
      {
        hook_event_name: 'PreToolUse',
        session_id: 'priv-claude-otlp',
        cwd,
        tool_name: 'Bash',
        tool_input: { command: M.shell, file_path: secretPath },
      },
    ],
    [
      'claude',
      {
        hook_event_name: 'Notification',
        session_id: 'priv-claude-otlp',
        notification_type: 'permission_prompt',
        message: `Claude needs your permission to use ${M.toolInput}`,
      },
    ],
    [
      'codex',
      {
        type: 'agent-turn-complete',
        'thread-id': 'priv-codex-otlp',
        cwd,
        'input-messages': [M.prompt],
        'last-assistant-message': M.response,
      },
    ],
  ];
  for (const [tool, body] of hooks) {
    assert.equal(await post(`/api/hooks/${tool}`, JSON.stringify(body), 'application/json'), 200);
  }
}

async function until(what: string, pred: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function getText(path: string): Promise<string> {
  const r = await fetch(url + path);
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text}`);
  return text;
}

before(async () => {
  home = scratchHome('aio-privacy-');
  const userHome = join(home, 'user-home');
  const now = Date.now();
  writeTranscripts(userHome, now);
  writeHistories(userHome, now);
  sink = await startOtlpCapture();
  const env: NodeJS.ProcessEnv = {
    AI_OBSERVER_HOME: home,
    HOME: userHome,
    XDG_CONFIG_HOME: join(userHome, '.config'),
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
    SWAYSOCK: '',
    HYPRLAND_INSTANCE_SIGNATURE: '',
    HISTFILE: join(userHome, '.bash_history'),
    AI_OBSERVER_SERVER_PORT: '0',
    AI_OBSERVER_SERVER_GRPC: 'false',
    AI_OBSERVER_NOTIFICATIONS_ENABLED: 'false',
    AI_OBSERVER_EXPORT_INTERVAL: '1s',
    AI_OBSERVER_EXPORT_PER_SESSION: 'true',
    AI_OBSERVER_EXPORT_OTLP_ENDPOINT: `${sink.url}/v1/metrics`,
    AI_OBSERVER_EXPORT_OTLP_PROTOCOL: 'http/json',
    AI_OBSERVER_ACTIVITY_HISTORY_INTERVAL: '1s',
    AI_OBSERVER_ACTIVITY_SHELL_INTERVAL: '1s',
    AI_OBSERVER_ACTIVITY_PROCESS_INTERVAL: '1s',
  };
  paths = resolvePaths(env);
  agent = await startAgent({
    config: loadConfig(paths.configFile, env),
    paths,
    env,
    log: (line) => logLines.push(line),
  });
  url = `http://127.0.0.1:${agent.httpPort}`;
  await sendTelemetry(now);
});

after(async () => {
  await agent?.close();
  await sink?.close();
});

test('no prompt, response, tool input, path, command or URL path is kept or sent anywhere', async () => {
  // First: everything arrived, so the search below looks at real data.
  await until('the three transcripts in the ledger', async () => {
    const u = JSON.parse(await getText('/api/usage?period=total&by=tool')) as {
      rows: Array<{ tool: string }>;
    };
    const tools = new Set(u.rows.map((r) => r.tool));
    return tools.has('claude-code') && tools.has('codex') && tools.has('gemini-cli');
  });
  await until('sites and CLIs from the histories', async () => {
    const a = await getText('/api/activity');
    return a.includes('chatgpt.com') && a.includes('claude.ai') && /"kind":"cli"/.test(a);
  });
  await until('a push to the sink with the ledger in it', async () =>
    sink.requests.some((r) => r.body.toString('utf8').includes('ai.tokens')),
  );
  const sessions = JSON.parse(await getText('/api/sessions')) as {
    sessions: Array<{ id: string }>;
  };
  const ids = sessions.sessions.map((s) => s.id);
  for (const id of ['priv-claude-otlp', 'priv-codex-otlp', 'priv-gemini-otlp']) {
    assert.ok(ids.includes(id), `${id} is live: ${ids.join(', ')}`);
  }

  // Everything a reader could get: the API, the stream, /metrics, the dashboard's files.
  const texts: Array<[string, string]> = [];
  const routes = [
    '/health',
    '/api/sessions',
    '/api/stats',
    '/api/summary',
    '/api/usage',
    '/api/usage?period=total&by=tool,model,project',
    '/api/usage?period=hour&by=project',
    '/api/blocks',
    '/api/activity',
    '/api/activity?kind=site',
    '/metrics',
    '/',
    ...ids.map((id) => `/api/sessions/${encodeURIComponent(id)}`),
    '/api/sessions/priv-claude-log',
  ];
  for (const route of routes) texts.push([route, await getText(route)]);
  const stream = await fetch(`${url}/api/stream`);
  const reader = stream.body!.getReader();
  const first = await reader.read();
  await reader.cancel();
  texts.push(['/api/stream', Buffer.from(first.value ?? new Uint8Array()).toString('utf8')]);

  // Files: the ledger with its WAL and shared memory, the snapshot, anything else in the
  // data directory.
  await agent.ledger.idle;
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(paths.dataDir);
  assert.ok(files.includes(ledgerFile(paths)), files.join(', '));
  assert.ok(existsSync(`${ledgerFile(paths)}-wal`), 'the WAL is searched too');
  files.push(paths.snapshotFile);
  for (const f of files) texts.push([f, readFileSync(f).toString('latin1')]);
  for (const r of sink.requests)
    texts.push([`export ${r.path} #${r.seq}`, r.body.toString('utf8')]);
  texts.push(['agent log', logLines.join('\n')]);

  const leaks: string[] = [];
  for (const [where, text] of texts) {
    for (const marker of MARKERS) {
      if (text.includes(marker)) {
        const at = text.indexOf(marker);
        leaks.push(`${marker} in ${where}: …${text.slice(Math.max(0, at - 80), at + 40)}…`);
      }
    }
  }
  assert.deepEqual(leaks, [], `leaks:\n${leaks.join('\n')}`);
  // Sanity: the search finds what is there (the project name is shown by design).
  assert.ok(texts.some(([, t]) => t.includes('shop')));
});
