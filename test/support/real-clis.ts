/**
 * Run the real Claude Code, Codex and Gemini CLIs (devDependencies) hermetically against a
 * mock model API (see mock-model-api.ts) with their OpenTelemetry export pointed at a local
 * endpoint. Facts behind every setting: /work/shared/REAL-CLIENTS.md and
 * test/fixtures/real/NOTES.md (what each CLI actually sends).
 *
 *   import { cliAvailable, runClaude, runCodex, runGemini } from '../support/real-clis.ts';
 *
 *   const why = cliAvailable('claude');            // null when runnable, else a reason string
 *   if (why) assert.fail(why);
 *   const r = await runClaude({
 *     prompt: 'run echo hello',
 *     apiUrl: api.url,                              // startMockModelApi().url
 *     otlp: { endpoint: cap.url, protocol: 'http/json' },   // omit: telemetry off
 *     hooks: { Stop: [{ hooks: [{ type: 'command', command: '...' }] }] },  // optional
 *   });
 *   r.exitCode, r.stdout, r.stderr, r.json          // json: the parsed printed result
 *   r.home, r.cwd, r.root                           // scratch dirs (kept; rm r.root when done)
 *
 *   runCodex({ prompt, apiUrl, otlp: { endpoint, protocol: 'json' }, notify: ['prog', 'arg'] })
 *   runCodex({ ..., home: r.home, cwd: r.cwd, resume: threadId })   // exec resume
 *   runGemini({ prompt, apiUrl, otlp: { endpoint, protocol: 'grpc' }, model: 'gemini-2.5-flash' })
 *   runClaude({ ..., home: r.home, cwd: r.cwd, resume: sessionId }) // or sessionId: '<uuid>'
 *
 *   const tui = startClaudeInteractive({ prompt, apiUrl, hooks });  // TUI under script(1)
 *   await tui.waitForOutput(/proceed/); tui.write("\x1b"); await tui.stop();
 *
 * Every run gets a fresh root dir (`opts.root`, or a new mkdtemp) holding `home/` (HOME, and
 * for Codex `home/.codex` = CODEX_HOME) and `work/` (the cwd), unless `home`/`cwd` are given —
 * pass a previous result's `home` and `cwd` to resume a session (`resume`/`continue`).
 * The child gets a minimal environment (PATH with node_modules/.bin first so Node 24 runs the
 * JS CLIs, HOME, XDG dirs under HOME, LANG, TZ=UTC) plus the CLI's own variables and
 * `opts.env`; nothing from the caller's ANTHROPIC_/OPENAI_/GEMINI_/OTEL_ variables leaks in.
 * stdin is closed; the child runs in its own process group, which gets SIGTERM then SIGKILL at
 * `timeoutMs` (default and maximum 120 s); `timedOut` tells. The group is also SIGKILLed after
 * a normal exit, so no helper (shell, MCP server) outlives the run.
 *
 * Protocols: Claude `http/json | http/protobuf | grpc` (OTEL_EXPORTER_OTLP_PROTOCOL; export
 * intervals 1 s), Codex `json | binary | grpc` (config.toml [otel] exporters; HTTP endpoints
 * get `/v1/<signal>` appended), Gemini `http | grpc` (settings.json telemetry.otlpProtocol;
 * its http is JSON only). All three flush telemetry before they exit, so once the promise
 * resolves the capture/daemon has (or is receiving) everything.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchHome } from './cli.ts';

export type CliName = 'claude' | 'codex' | 'gemini';
export type ClaudeProtocol = 'http/json' | 'http/protobuf' | 'grpc';
export type CodexProtocol = 'json' | 'binary' | 'grpc';
export type GeminiProtocol = 'http' | 'grpc';

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO_ROOT, 'node_modules', '.bin');
/** Node 24 from the devDependency `node`. */
export const NODE24 = join(BIN, 'node');

/** Versions the harness was verified with (package.json pins them). */
export const CLI_VERSIONS = { claude: '2.1.328', codex: '0.169.0', gemini: '0.61.0' } as const;

const ENTRY: Record<CliName, { file: string; viaNode: boolean }> = {
  // The native binary from the per-platform optional dependency (the .bin link points at it).
  claude: {
    file: join(REPO_ROOT, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe'),
    viaNode: false,
  },
  // codex.js locates the native binary and execve()s it (needs Node >= 22 for execve).
  codex: { file: join(REPO_ROOT, 'node_modules/@openai/codex/bin/codex.js'), viaNode: true },
  gemini: {
    file: join(REPO_ROOT, 'node_modules/@google/gemini-cli/bundle/gemini.js'),
    viaNode: true,
  },
};

/** `null` when the CLI can run here, else a message saying what is missing. */
export function cliAvailable(cli: CliName): string | null {
  const entry = ENTRY[cli];
  if (entry.viaNode && !existsSync(NODE24)) {
    return `${cli}: ${NODE24} is missing; run npm install (devDependency "node@24")`;
  }
  if (!existsSync(entry.file)) {
    return `${cli}: ${entry.file} is missing; run npm install (devDependency ${cli})`;
  }
  if (cli === 'codex') {
    const native = join(
      REPO_ROOT,
      'node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex',
    );
    if (process.platform === 'linux' && process.arch === 'x64' && !existsSync(native)) {
      return `codex: native binary ${native} is missing; run npm install`;
    }
  }
  return null;
}

export interface RunResult {
  cli: CliName;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /**
   * The printed result, parsed: Claude `--output-format json` → the result object
   * (stream-json → array of lines); Codex `exec --json` → array of JSONL events; Gemini
   * `--output-format json` → the result object. `undefined` when stdout did not parse.
   */
  json: unknown;
  /** Scratch root holding home/ and work/. */
  root: string;
  home: string;
  cwd: string;
  /** The argv the CLI got (after the program). */
  args: string[];
}

export interface CommonRunOptions {
  prompt: string;
  /** Base URL of the mock model API, e.g. `http://127.0.0.1:1234` (no `/v1`). */
  apiUrl: string;
  /** Where the scratch dirs go; default a fresh mkdtemp under the OS temp dir. */
  root?: string;
  /** Reuse an existing HOME (e.g. a previous run's `home` to resume). */
  home?: string;
  /** Reuse an existing cwd. */
  cwd?: string;
  /** Extra environment variables for the child (win over the harness's). */
  env?: Record<string, string>;
  /** Extra CLI arguments, appended before the prompt. */
  extraArgs?: string[];
  /** Kill after this many ms (default and cap: 120 000). */
  timeoutMs?: number;
  /** Model name to pin (Claude `--model`, Codex `model`, Gemini `--model`). */
  model?: string;
}

interface ScratchDirs {
  root: string;
  home: string;
  cwd: string;
}

function scratch(cli: CliName, opts: CommonRunOptions): ScratchDirs {
  const root = opts.root ?? scratchHome(`ai-observer-${cli}-`);
  const home = opts.home ?? join(root, 'home');
  const cwd = opts.cwd ?? join(root, 'work');
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  return { root, home, cwd };
}

function baseEnv(home: string): Record<string, string> {
  return {
    PATH: [BIN, '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(
      delimiter,
    ),
    HOME: home,
    USER: process.env.USER ?? 'root',
    LOGNAME: process.env.USER ?? 'root',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    TERM: 'dumb',
    NO_COLOR: '1',
    TMPDIR: tmpdir(),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
  };
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function parseOutput(stdout: string): unknown {
  const text = stdout.trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON lines (Codex exec --json, Claude stream-json); skip non-JSON lines.
    const out: unknown[] = [];
    for (const line of text.split('\n')) {
      const l = line.trim();
      if (!l.startsWith('{') && !l.startsWith('[')) continue;
      try {
        out.push(JSON.parse(l) as unknown);
      } catch {
        /* not JSON */
      }
    }
    return out.length > 0 ? out : undefined;
  }
}

const MAX_TIMEOUT_MS = 120_000;

function runProcess(
  cli: CliName,
  args: string[],
  dirs: ScratchDirs,
  env: Record<string, string>,
  timeoutMs: number | undefined,
): Promise<RunResult> {
  const missing = cliAvailable(cli);
  if (missing) return Promise.reject(new Error(missing));
  const entry = ENTRY[cli];
  const program = entry.viaNode ? NODE24 : entry.file;
  const argv = entry.viaNode ? [entry.file, ...args] : args;
  const limit = Math.min(timeoutMs ?? MAX_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, argv, {
      cwd: dirs.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    let timedOut = false;
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      hardKill = setTimeout(() => killGroup('SIGKILL'), 3000);
    }, limit);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      // Reap helpers the CLI left behind in its process group (shells, MCP servers).
      killGroup('SIGKILL');
      resolvePromise({
        cli,
        exitCode: code,
        signal,
        timedOut,
        durationMs: Date.now() - started,
        stdout,
        stderr,
        json: parseOutput(stdout),
        root: dirs.root,
        home: dirs.home,
        cwd: dirs.cwd,
        args,
      });
    });
  });
}

function deepMerge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      typeof prev === 'object' &&
      prev !== null &&
      !Array.isArray(prev) &&
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Claude Code

export interface ClaudeHookCommand {
  type: 'command';
  command: string;
  timeout?: number;
}
/** `$HOME/.claude/settings.json` `hooks` shape: event → [{ matcher?, hooks: [...] }]. */
export type ClaudeHooks = Record<string, Array<{ matcher?: string; hooks: ClaudeHookCommand[] }>>;

export interface ClaudeRunOptions extends CommonRunOptions {
  /** Omit to run with telemetry disabled. */
  otlp?: {
    endpoint: string;
    protocol: ClaudeProtocol;
    /** `gzip` sets OTEL_EXPORTER_OTLP_COMPRESSION=gzip; default none. */
    compression?: 'gzip' | 'none';
    /** Also export traces (OTEL_TRACES_EXPORTER + CLAUDE_CODE_ENHANCED_TELEMETRY_BETA). */
    traces?: boolean;
    /** Export intervals in ms (default 1000 each). */
    metricIntervalMs?: number;
    logsIntervalMs?: number;
  };
  /** Hooks written to `$HOME/.claude/settings.json`. */
  hooks?: ClaudeHooks;
  /** Extra keys merged into `$HOME/.claude/settings.json`. */
  settings?: Record<string, unknown>;
  /** `--allowedTools`; default `['Bash', 'Write', 'Edit']`. */
  allowedTools?: string[];
  /** `--output-format`; default 'json'. */
  outputFormat?: 'json' | 'stream-json' | 'text';
  /** `--resume <session id>`. */
  resume?: string;
  /** `--continue`. */
  continue?: boolean;
  /** `--session-id <uuid>`: choose the session id of a new session. */
  sessionId?: string;
}

/** The environment Claude Code gets (exported for tests that want to inspect it). */
export function claudeEnv(opts: ClaudeRunOptions, home: string): Record<string, string> {
  const env: Record<string, string> = {
    ...baseEnv(home),
    ANTHROPIC_API_KEY: 'sk-ant-mock-key',
    ANTHROPIC_BASE_URL: opts.apiUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
  if (opts.otlp) {
    Object.assign(env, {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: opts.otlp.protocol,
      OTEL_EXPORTER_OTLP_ENDPOINT: opts.otlp.endpoint,
      OTEL_METRIC_EXPORT_INTERVAL: String(opts.otlp.metricIntervalMs ?? 1000),
      OTEL_LOGS_EXPORT_INTERVAL: String(opts.otlp.logsIntervalMs ?? 1000),
    });
    if (opts.otlp.compression === 'gzip') env.OTEL_EXPORTER_OTLP_COMPRESSION = 'gzip';
    if (opts.otlp.traces) {
      env.OTEL_TRACES_EXPORTER = 'otlp';
      env.CLAUDE_CODE_ENHANCED_TELEMETRY_BETA = '1';
      env.OTEL_TRACES_EXPORT_INTERVAL = '1000';
    }
  }
  return { ...env, ...opts.env };
}

export function runClaude(opts: ClaudeRunOptions): Promise<RunResult> {
  const dirs = scratch('claude', opts);
  let settings: Record<string, unknown> = {};
  if (opts.hooks) settings.hooks = opts.hooks;
  if (opts.settings) settings = deepMerge(settings, opts.settings);
  if (Object.keys(settings).length > 0) {
    writeJson(join(dirs.home, '.claude', 'settings.json'), settings);
  }
  const args = ['-p', '--output-format', opts.outputFormat ?? 'json'];
  if (opts.outputFormat === 'stream-json') args.push('--verbose');
  const tools = opts.allowedTools ?? ['Bash', 'Write', 'Edit'];
  if (tools.length > 0) args.push('--allowedTools', ...tools);
  if (opts.model) args.push('--model', opts.model);
  if (opts.resume) args.push('--resume', opts.resume);
  if (opts.continue) args.push('--continue');
  if (opts.sessionId) args.push('--session-id', opts.sessionId);
  args.push(...(opts.extraArgs ?? []));
  // `--` ends the variadic --allowedTools list before the prompt.
  args.push('--', opts.prompt);
  return runProcess('claude', args, dirs, claudeEnv(opts, dirs.home), opts.timeoutMs);
}

// ---------------------------------------------------------------------------------------------
// Codex

export interface CodexRunOptions extends CommonRunOptions {
  otlp?: {
    /** Base URL (`http://127.0.0.1:<port>`); `/v1/logs` etc. are appended for HTTP. */
    endpoint: string;
    protocol: CodexProtocol;
    /** Also export traces and metrics (default true for both). */
    traces?: boolean;
    metrics?: boolean;
  };
  /** `notify = [...]` in config.toml: program and args; Codex appends one JSON argument. */
  notify?: string[];
  /** Extra TOML appended to config.toml (top-level keys must come before tables: use tables). */
  configToml?: string;
  /** `codex exec resume <thread id>`. */
  resume?: string;
}

function tomlString(s: string): string {
  return JSON.stringify(s);
}

function codexExporter(endpoint: string, protocol: CodexProtocol, path: string): string {
  if (protocol === 'grpc') return `{ otlp-grpc = { endpoint = ${tomlString(endpoint)} } }`;
  return `{ otlp-http = { endpoint = ${tomlString(`${endpoint}${path}`)}, protocol = ${tomlString(protocol)} } }`;
}

/** The config.toml the harness writes (exported for tests that want to inspect it). */
export function codexConfigToml(opts: CodexRunOptions): string {
  const lines = [
    `model = ${tomlString(opts.model ?? 'gpt-5.5')}`,
    'model_provider = "mock"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
  ];
  if (opts.notify) lines.push(`notify = [${opts.notify.map(tomlString).join(', ')}]`);
  lines.push(
    '',
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = ${tomlString(`${opts.apiUrl}/v1`)}`,
    'env_key = "MOCK_OPENAI_API_KEY"',
    'wire_api = "responses"',
    '',
    '[features]',
    'plugins = false',
    'remote_plugin = false',
  );
  if (opts.otlp) {
    const { endpoint, protocol } = opts.otlp;
    lines.push('', '[otel]', 'environment = "test"', 'log_user_prompt = false');
    lines.push(`exporter = ${codexExporter(endpoint, protocol, '/v1/logs')}`);
    if (opts.otlp.traces !== false) {
      lines.push(`trace_exporter = ${codexExporter(endpoint, protocol, '/v1/traces')}`);
    }
    if (opts.otlp.metrics !== false) {
      lines.push(`metrics_exporter = ${codexExporter(endpoint, protocol, '/v1/metrics')}`);
    }
  }
  if (opts.configToml) lines.push('', opts.configToml);
  return `${lines.join('\n')}\n`;
}

export function runCodex(opts: CodexRunOptions): Promise<RunResult> {
  const dirs = scratch('codex', opts);
  const codexHome = join(dirs.home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(join(codexHome, 'config.toml'), codexConfigToml(opts));
  const args = ['exec'];
  if (opts.resume) args.push('resume');
  args.push('--json', '--skip-git-repo-check', ...(opts.extraArgs ?? []));
  if (opts.resume) args.push(opts.resume);
  args.push('--', opts.prompt);
  const env = {
    ...baseEnv(dirs.home),
    CODEX_HOME: codexHome,
    MOCK_OPENAI_API_KEY: 'sk-mock-key',
    ...opts.env,
  };
  return runProcess('codex', args, dirs, env, opts.timeoutMs);
}

// ---------------------------------------------------------------------------------------------
// Gemini CLI

export interface GeminiRunOptions extends CommonRunOptions {
  otlp?: { endpoint: string; protocol: GeminiProtocol };
  /** Extra keys deep-merged into `$HOME/.gemini/settings.json`. */
  settings?: Record<string, unknown>;
  /** `--approval-mode`; default 'yolo'. */
  approvalMode?: 'default' | 'auto_edit' | 'yolo';
  /** `--resume <id|latest>`. */
  resume?: string;
}

/** The settings.json the harness writes (exported for tests that want to inspect it). */
export function geminiSettings(opts: GeminiRunOptions): Record<string, unknown> {
  const base: Record<string, unknown> = {
    security: { auth: { selectedType: 'gemini-api-key' } },
    general: { disableAutoUpdate: true, disableUpdateNag: true },
    privacy: { usageStatisticsEnabled: false },
    telemetry: opts.otlp
      ? {
          enabled: true,
          target: 'local',
          otlpEndpoint: opts.otlp.endpoint,
          otlpProtocol: opts.otlp.protocol,
          logPrompts: false,
        }
      : { enabled: false },
  };
  return opts.settings ? deepMerge(base, opts.settings) : base;
}

export function runGemini(opts: GeminiRunOptions): Promise<RunResult> {
  const dirs = scratch('gemini', opts);
  writeJson(join(dirs.home, '.gemini', 'settings.json'), geminiSettings(opts));
  const args = [
    '--skip-trust',
    '--approval-mode',
    opts.approvalMode ?? 'yolo',
    '--output-format',
    'json',
  ];
  if (opts.model) args.push('--model', opts.model);
  if (opts.resume) args.push('--resume', opts.resume);
  args.push(...(opts.extraArgs ?? []), '-p', opts.prompt);
  const env = {
    ...baseEnv(dirs.home),
    GEMINI_API_KEY: 'mock-gemini-key',
    GOOGLE_GEMINI_BASE_URL: opts.apiUrl,
    // Without this the CLI re-spawns itself with a bigger heap; one process is simpler.
    GEMINI_CLI_NO_RELAUNCH: 'true',
    ...opts.env,
  };
  return runProcess('gemini', args, dirs, env, opts.timeoutMs);
}

// ---------------------------------------------------------------------------------------------
// Claude Code, interactive (TUI) under a pseudo-terminal

export interface InteractiveClaudeOptions extends Omit<ClaudeRunOptions, 'outputFormat'> {
  /** `--permission-mode`; default 'default' (interactive Claude otherwise starts in 'auto'). */
  permissionMode?: 'default' | 'acceptEdits' | 'plan' | 'auto' | 'bypassPermissions';
}

export interface InteractiveClaude {
  root: string;
  home: string;
  cwd: string;
  pid: number | undefined;
  /** Terminal output so far with ANSI escape sequences removed. */
  output(): string;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Raw keystrokes, e.g. '\x1b' (Esc), '\r' (Enter), '\x03' (Ctrl-C). */
  write(data: string): void;
  /** Type `/exit` (Esc first to dismiss dialogs); SIGKILL the group after `graceMs`. */
  stop(graceMs?: number): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
}

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const ANSI_RES = [
  new RegExp(`${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)`, 'g'), // OSC ... BEL | ST
  new RegExp(`${ESC}\\[[0-9;?<>=]*[ -/]*[@-~]`, 'g'), // CSI
  new RegExp(`${ESC}[()][0-9A-Za-z]`, 'g'), // charset designation
  new RegExp(`${ESC}[@-_0-9=>]`, 'g'), // other two-byte escapes
];

/** Remove terminal escape sequences (CSI, OSC, two-byte escapes). */
export function stripAnsi(s: string): string {
  let out = s;
  for (const re of ANSI_RES) out = out.replace(re, '');
  return out;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Start Claude Code's interactive TUI with an initial prompt, under a pseudo-terminal made by
 * util-linux `script(1)`. This is the only way to see what -p mode never emits: a Notification
 * hook with `notification_type: "permission_prompt"` (about 6 s after the permission dialog
 * opens) and `"idle_prompt"` (about 60 s after a turn ends). `$HOME/.claude.json` is seeded so
 * that onboarding, the API-key question and the folder-trust dialog are skipped.
 */
export function startClaudeInteractive(opts: InteractiveClaudeOptions): InteractiveClaude {
  const missing = cliAvailable('claude');
  if (missing) throw new Error(missing);
  if (!existsSync('/usr/bin/script'))
    throw new Error('startClaudeInteractive needs /usr/bin/script');
  const dirs = scratch('claude', opts);
  let settings: Record<string, unknown> = {};
  if (opts.hooks) settings.hooks = opts.hooks;
  if (opts.settings) settings = deepMerge(settings, opts.settings);
  writeJson(join(dirs.home, '.claude', 'settings.json'), settings);
  const env = claudeEnv({ ...opts }, dirs.home);
  env.TERM = 'xterm-256color';
  delete env.NO_COLOR;
  writeJson(join(dirs.home, '.claude.json'), {
    hasCompletedOnboarding: true,
    lastOnboardingVersion: CLI_VERSIONS.claude,
    theme: 'dark',
    customApiKeyResponses: { approved: [env.ANTHROPIC_API_KEY?.slice(-20) ?? ''], rejected: [] },
    projects: { [dirs.cwd]: { hasTrustDialogAccepted: true, allowedTools: [] } },
  });
  const args = ['--permission-mode', opts.permissionMode ?? 'default'];
  if (opts.allowedTools && opts.allowedTools.length > 0) {
    args.push('--allowedTools', opts.allowedTools.join(','));
  }
  if (opts.model) args.push('--model', opts.model);
  if (opts.resume) args.push('--resume', opts.resume);
  if (opts.continue) args.push('--continue');
  args.push(...(opts.extraArgs ?? []), opts.prompt);
  const cmd = [ENTRY.claude.file, ...args].map(shellQuote).join(' ');
  const child = spawn('/usr/bin/script', ['-qfec', cmd, '/dev/null'], {
    cwd: dirs.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let raw = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    raw += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    raw += d;
  });
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('close', (exitCode, signal) => res({ exitCode, signal }));
  });
  const limit = Math.min(opts.timeoutMs ?? MAX_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const killGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* gone */
    }
  };
  const timer = setTimeout(() => killGroup('SIGKILL'), limit);
  void exited.then(() => clearTimeout(timer));
  const strip = stripAnsi;
  return {
    root: dirs.root,
    home: dirs.home,
    cwd: dirs.cwd,
    pid: child.pid,
    output: () => strip(raw),
    async waitForOutput(re: RegExp, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(strip(raw))) {
        if (Date.now() > deadline) throw new Error(`claude TUI: ${re} not seen in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    write(data: string) {
      child.stdin.write(data);
    },
    async stop(graceMs = 8000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.write('\x1b');
        await new Promise((r) => setTimeout(r, 500));
        child.stdin.write('/exit');
        await new Promise((r) => setTimeout(r, 300));
        child.stdin.write('\r');
        const t = setTimeout(() => killGroup('SIGKILL'), graceMs);
        const res = await exited;
        clearTimeout(t);
        killGroup('SIGKILL');
        return res;
      }
      return exited;
    },
  };
}
