/**
 * Record what the real CLIs send: a script, not a test.
 *
 *   node test/e2e/capture-real-telemetry.ts            # everything
 *   node test/e2e/capture-real-telemetry.ts claude codex-json hooks notify   # a selection
 *
 * Selectors: a tool (`claude`, `codex`, `gemini`), a fixture dir name (`claude-grpc`, ...),
 * `hooks` (Claude hook payloads) or `notify` (Codex notify payloads).
 *
 * Each telemetry run starts the mock model API and a raw OTLP capture server, runs the CLI once
 * with a prompt that makes ONE shell tool call, waits until the exporter is quiet, and writes
 * test/fixtures/real/<tool>-<protocol>/:
 *   NNN-<signal>.json | .bin       the request body as received (after HTTP gzip is undone);
 *                                  bodies over 64 KiB are stored gzipped as .json.gz / .bin.gz
 *                                  (gunzip gives the exact bytes back)
 *   index.json                     the requests (path, content type, encoding, headers, sizes,
 *                                  timing relative to the CLI's exit), the mock API's log
 *                                  (which requests, which usage it answered) and the CLI's
 *                                  printed JSON result
 * Metrics batches beyond the first 3 per run are dropped (counted in index.json).
 * Scratch HOMEs are deleted afterwards; the script fails if a body mentions a path outside the
 * scratch dirs that could hold a real user's data.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type MockModelApi, startMockModelApi } from '../support/mock-model-api.ts';
import { type CapturedRequest, startOtlpCapture } from '../support/otlp-capture.ts';
import {
  CLI_VERSIONS,
  type ClaudeHooks,
  type CliName,
  cliAvailable,
  type RunResult,
  runClaude,
  runCodex,
  runGemini,
  startClaudeInteractive,
} from '../support/real-clis.ts';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'real');
const PROMPT = 'Run the shell command `echo hello` and tell me what it printed.';
const GZIP_OVER = 64 * 1024;
const MAX_METRIC_BATCHES = 3;

interface Target {
  dir: string;
  cli: CliName;
  protocol: string;
  grpc: boolean;
}

const TARGETS: Target[] = [
  { dir: 'claude-http-json', cli: 'claude', protocol: 'http/json', grpc: false },
  { dir: 'claude-http-protobuf', cli: 'claude', protocol: 'http/protobuf', grpc: false },
  { dir: 'claude-grpc', cli: 'claude', protocol: 'grpc', grpc: true },
  { dir: 'codex-json', cli: 'codex', protocol: 'json', grpc: false },
  { dir: 'codex-binary', cli: 'codex', protocol: 'binary', grpc: false },
  { dir: 'codex-grpc', cli: 'codex', protocol: 'grpc', grpc: true },
  { dir: 'gemini-http', cli: 'gemini', protocol: 'http', grpc: false },
  { dir: 'gemini-grpc', cli: 'gemini', protocol: 'grpc', grpc: true },
];

function writeJsonFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function mockLog(api: MockModelApi) {
  return api.requests.map((r) => ({
    seq: r.seq,
    method: r.method,
    path: r.path + r.query,
    vendor: r.vendor,
    kind: r.kind,
    model: r.model,
    stream: r.stream,
    toolName: r.toolName,
    responseId: r.responseId,
    usage: r.usage,
    status: r.status,
  }));
}

// Paths that would point at a real user's data (the runs only touch scratch dirs under tmp).
const FORBIDDEN = [/\/root\//, /\/home\/[a-z]/, /\/work\/shared/];

function privacyProblems(label: string, text: string): string[] {
  const out: string[] = [];
  for (const re of FORBIDDEN) {
    const m = re.exec(text);
    if (m)
      out.push(
        `${label}: matches ${re} near ${JSON.stringify(text.slice(Math.max(0, m.index - 60), m.index + 60))}`,
      );
  }
  return out;
}

async function captureTelemetry(t: Target): Promise<string[]> {
  const why = cliAvailable(t.cli);
  if (why) throw new Error(why);
  const idPrefix = t.dir.replace(/[^a-z0-9]/g, '');
  const api = await startMockModelApi({ idPrefix });
  const cap = await startOtlpCapture({ grpc: t.grpc });
  const root = mkdtempSync(join(tmpdir(), `capture-${t.dir}-`));
  const started = Date.now();
  let result: RunResult;
  try {
    const base = { prompt: PROMPT, apiUrl: api.url, root };
    if (t.cli === 'claude') {
      result = await runClaude({
        ...base,
        otlp: {
          endpoint: cap.url,
          protocol: t.protocol as 'http/json' | 'http/protobuf' | 'grpc',
          traces: true,
        },
      });
    } else if (t.cli === 'codex') {
      result = await runCodex({
        ...base,
        otlp: { endpoint: cap.url, protocol: t.protocol as 'json' | 'binary' | 'grpc' },
      });
    } else {
      result = await runGemini({
        ...base,
        otlp: { endpoint: cap.url, protocol: t.protocol as 'http' | 'grpc' },
      });
    }
    const exitedAt = Date.now();
    await cap.waitQuiet(3000, 20_000);

    const dir = join(OUT, t.dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const problems: string[] = [];
    const entries: unknown[] = [];
    let metricBatches = 0;
    let droppedMetricBatches = 0;
    for (const req of cap.requests as CapturedRequest[]) {
      if (req.signal === 'metrics' && ++metricBatches > MAX_METRIC_BATCHES) {
        droppedMetricBatches++;
        continue;
      }
      const ext = req.isJson ? 'json' : 'bin';
      const gz = req.body.length > GZIP_OVER;
      const file = `${String(req.seq).padStart(3, '0')}-${req.signal}.${ext}${gz ? '.gz' : ''}`;
      writeFileSync(join(dir, file), gz ? gzipSync(req.body, { level: 9 }) : req.body);
      problems.push(...privacyProblems(`${t.dir}/${file}`, req.body.toString('latin1')));
      const { host: _host, ...headers } = req.headers;
      entries.push({
        seq: req.seq,
        file,
        storedGzipped: gz,
        transport: req.transport,
        signal: req.signal,
        path: req.path,
        contentType: req.contentType,
        contentEncoding: req.contentEncoding,
        headers,
        wireBytes: req.wireBytes,
        bodyBytes: req.body.length,
        msAfterStart: req.receivedAt - started,
        msAfterExit: req.receivedAt - exitedAt,
      });
    }
    problems.push(...privacyProblems(`${t.dir} stdout`, result.stdout));
    writeJsonFile(join(dir, 'index.json'), {
      tool: t.cli,
      cliVersion: CLI_VERSIONS[t.cli],
      protocol: t.protocol,
      transport: t.grpc ? 'grpc' : 'http',
      capturedAt: new Date(started).toISOString(),
      prompt: PROMPT,
      note: 'Bodies are stored after HTTP content-encoding was undone; *.gz files are gzipped at rest only.',
      cli: {
        args: result.args,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: result.durationMs,
        printed: result.json,
      },
      mock: {
        usagePlan:
          api.scripts[t.cli === 'claude' ? 'anthropic' : t.cli === 'codex' ? 'openai' : 'gemini']
            .usage,
        requests: mockLog(api),
      },
      otlp: entries,
      droppedMetricBatches,
    });
    console.log(
      `${t.dir}: exit ${result.exitCode} in ${result.durationMs} ms, ${cap.requests.length} OTLP requests (${cap.requests.map((r) => r.signal).join(',')}), ${api.requests.length} API requests`,
    );
    return problems;
  } finally {
    await cap.close();
    await api.close();
    rmSync(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Claude hooks

const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PermissionRequest',
  'PermissionDenied',
  'PostToolUse',
  'PostToolUseFailure',
  'PostToolBatch',
  'Notification',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'SessionEnd',
];

function hookConfig(file: string): ClaudeHooks {
  const hooks: ClaudeHooks = {};
  // Append the hook's stdin JSON as one line.
  for (const e of HOOK_EVENTS) {
    hooks[e] = [{ hooks: [{ type: 'command', command: `{ cat; echo; } >> '${file}'` }] }];
  }
  return hooks;
}

function readHookLines(file: string): unknown[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}

async function captureHooks(): Promise<string[]> {
  const why = cliAvailable('claude');
  if (why) throw new Error(why);
  const dir = join(OUT, 'claude-hooks');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const scenarios: Record<string, unknown> = {};
  const problems: string[] = [];

  // 1. -p, Bash allowed: the happy path.
  // 2. -p, the model calls Write but only Bash is allowed: what a permission prompt does in -p.
  for (const s of [
    { name: 'print-allowed', allowedTools: ['Bash', 'Write', 'Edit'], tool: undefined },
    {
      name: 'print-permission-denied',
      allowedTools: ['Bash'],
      tool: 'write' as const,
    },
  ]) {
    const root = mkdtempSync(join(tmpdir(), `capture-hooks-${s.name}-`));
    const file = join(root, 'hooks.jsonl');
    const api = await startMockModelApi({
      idPrefix: s.name.replace(/-/g, ''),
      anthropic: {
        tool:
          s.tool === 'write'
            ? {
                name: 'Write',
                input: { file_path: join(root, 'work', 'hello.txt'), content: 'hello\n' },
              }
            : { shell: 'echo hello' },
      },
    });
    try {
      const r = await runClaude({
        prompt: PROMPT,
        apiUrl: api.url,
        root,
        hooks: hookConfig(file),
        allowedTools: s.allowedTools,
      });
      const lines = readHookLines(file);
      writeFileSync(
        join(dir, `${s.name}.jsonl`),
        `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`,
      );
      problems.push(...privacyProblems(`claude-hooks/${s.name}`, JSON.stringify(lines)));
      scenarios[s.name] = {
        args: r.args,
        exitCode: r.exitCode,
        hookEvents: lines.map((l) => (l as { hook_event_name?: string }).hook_event_name),
        printed: r.json,
      };
      console.log(`claude-hooks/${s.name}: exit ${r.exitCode}, ${lines.length} hook calls`);
    } finally {
      await api.close();
      rmSync(root, { recursive: true, force: true });
    }
  }

  // 3. Interactive TUI, --permission-mode default, a Bash command that needs approval: the
  //    permission dialog opens, Notification(permission_prompt) follows; Esc, then /exit.
  {
    const root = mkdtempSync(join(tmpdir(), 'capture-hooks-interactive-'));
    const file = join(root, 'hooks.jsonl');
    const api = await startMockModelApi({
      idPrefix: 'interactive',
      anthropic: { tool: { shell: 'touch made-by-mock.txt' } },
    });
    try {
      const c = startClaudeInteractive({
        prompt: PROMPT,
        apiUrl: api.url,
        root,
        hooks: hookConfig(file),
        timeoutMs: 60_000,
      });
      const t0 = Date.now();
      let notifiedAfterMs: number | null = null;
      while (Date.now() - t0 < 30_000) {
        if (
          readHookLines(file).some(
            (l) => (l as { hook_event_name?: string }).hook_event_name === 'Notification',
          )
        ) {
          notifiedAfterMs = Date.now() - t0;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const res = await c.stop();
      const lines = readHookLines(file);
      writeFileSync(
        join(dir, 'interactive-permission.jsonl'),
        `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`,
      );
      problems.push(...privacyProblems('claude-hooks/interactive', JSON.stringify(lines)));
      scenarios['interactive-permission'] = {
        how: 'TUI under script(1), --permission-mode default; waited for the Notification hook, then Esc and /exit',
        exitCode: res.exitCode,
        notificationSeenAfterMs: notifiedAfterMs,
        hookEvents: lines.map((l) => (l as { hook_event_name?: string }).hook_event_name),
      };
      console.log(
        `claude-hooks/interactive-permission: ${lines.length} hook calls, notification after ${notifiedAfterMs} ms`,
      );
    } finally {
      await api.close();
      rmSync(root, { recursive: true, force: true });
    }
  }
  writeJsonFile(join(dir, 'index.json'), {
    tool: 'claude',
    cliVersion: CLI_VERSIONS.claude,
    hooksConfigured: HOOK_EVENTS,
    hookCommand: "{ cat; echo; } >> hooks.jsonl   (one line per call: the hook's stdin JSON)",
    scenarios,
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Codex notify

async function captureNotify(): Promise<string[]> {
  const why = cliAvailable('codex');
  if (why) throw new Error(why);
  const dir = join(OUT, 'codex-notify');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'capture-notify-'));
  const file = join(root, 'notify.jsonl');
  const notify = ['bash', '-c', `printf '%s\\n' "$1" >> '${file}'`, 'notify'];
  const api = await startMockModelApi({ idPrefix: 'notify' });
  try {
    const r1 = await runCodex({ prompt: PROMPT, apiUrl: api.url, root, notify });
    const threadId = (r1.json as Array<{ thread_id?: string }> | undefined)?.[0]?.thread_id;
    if (!threadId) throw new Error(`codex printed no thread id: ${r1.stdout}`);
    const r2 = await runCodex({
      prompt: 'Run it once more.',
      apiUrl: api.url,
      root,
      home: r1.home,
      cwd: r1.cwd,
      resume: threadId,
      notify,
    });
    await new Promise((r) => setTimeout(r, 500));
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
    writeFileSync(join(dir, 'notify.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    writeJsonFile(join(dir, 'index.json'), {
      tool: 'codex',
      cliVersion: CLI_VERSIONS.codex,
      config: 'notify = ["bash", "-c", "printf \'%s\\\\n\' \\"$1\\" >> notify.jsonl", "notify"]',
      runs: [
        { args: r1.args, exitCode: r1.exitCode, printed: r1.json },
        { args: r2.args, exitCode: r2.exitCode, printed: r2.json },
      ],
      mock: { usagePlan: api.scripts.openai.usage, requests: mockLog(api) },
    });
    console.log(`codex-notify: exits ${r1.exitCode}/${r2.exitCode}, ${lines.length} notify calls`);
    return privacyProblems('codex-notify', JSON.stringify(lines));
  } finally {
    await api.close();
    rmSync(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

const selectors = process.argv.slice(2);
const want = (names: string[]) =>
  selectors.length === 0 || names.some((n) => selectors.includes(n));
const problems: string[] = [];
for (const t of TARGETS) {
  if (want([t.cli, t.dir])) problems.push(...(await captureTelemetry(t)));
}
if (want(['hooks', 'claude'])) problems.push(...(await captureHooks()));
if (want(['notify', 'codex'])) problems.push(...(await captureNotify()));
if (problems.length > 0) {
  console.error(`privacy check failed:\n${problems.join('\n')}`);
  process.exitCode = 1;
}
