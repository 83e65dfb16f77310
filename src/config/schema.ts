// The configuration: its keys, defaults and validation (DESIGN.md §5). Pure: the loader does
// the reading; this turns layers of plain values into one checked Config or one clear error.

export interface Config {
  server: {
    host: string;
    port: number;
    /** Whether the OTLP/gRPC receiver runs. */
    grpc: boolean;
    /** OTLP/gRPC port (0: any free port, as for `port`). */
    grpcPort: number;
    /** Binding a non-loopback address needs this and a token. */
    allowRemote: boolean;
    token: string;
    maxBodyBytes: number;
    /** Requests decoded at once before answering 429. */
    maxConcurrentRequests: number;
    /** Bytes of request bodies held at once before answering 503. */
    maxInflightBytes: number;
    /** Longest a client may take to send a whole request (a slowly trickled body is cut off). */
    requestTimeoutMs: number;
  };
  sessions: {
    quietPeriodMs: number;
    staleWorkingMs: number;
    completedToIdleMs: number;
    expireAfterMs: number;
    endedExpireMs: number;
    maxSessions: number;
  };
  notifications: {
    enabled: boolean;
    onCompleted: boolean;
    onWaiting: boolean;
    command: string;
  };
  snapshot: {
    enabled: boolean;
    path: string;
  };
  ledger: {
    /** Whether the agent indexes the tools' transcript files. */
    enabled: boolean;
    /** Claude Code config dirs (comma-separated); empty: CLAUDE_CONFIG_DIR or the defaults. */
    claudeDirs: string;
    /** Codex home; empty: CODEX_HOME or ~/.codex. */
    codexHome: string;
    /** Gemini CLI home; empty: ~/.gemini. */
    geminiDir: string;
    /** How often the agent re-lists the directories besides watching them. */
    rescanIntervalMs: number;
  };
  pricing: {
    /** Where `prices update` downloads the LiteLLM price table from. */
    url: string;
    /** Per-model prices in the LiteLLM format, over the shipped table. */
    overrides: Record<string, unknown>;
  };
  report: {
    /** IANA time zone for days, weeks and months; empty: the system's. */
    timezone: string;
  };
  export: {
    /** Whether `GET /metrics` answers in the Prometheus text format. */
    prometheus: boolean;
    /** How often metrics are pushed over OTLP. */
    intervalMs: number;
    /** Metric labels that may be exported (comma-separated); others are summed away. */
    labels: string[];
    /** Per-session token and cost series (label `session_id`) for recent sessions. */
    perSession: boolean;
    /** Resource attribute `deployment.environment`. */
    environment: string;
    /** Resource attribute `host.name`; empty: the system's host name. */
    hostName: string;
    otlp: {
      /** Collector address; empty: no OTLP push. */
      endpoint: string;
      /** Where the endpoint came from (a config file, an environment variable), for messages. */
      endpointOrigin: string;
      protocol: 'grpc' | 'http/protobuf' | 'http/json';
      /** Sent as `Authorization: Bearer <token>`. */
      token: string;
      /** Extra headers, `key=value` pairs separated by commas (the OTEL_* format). */
      headers: string;
      /** `auto`: TLS when the endpoint says https:// or names no scheme (gRPC). */
      tls: 'auto' | 'on' | 'off';
      /** PEM file of the certificate authority to trust; empty: the system's. */
      ca: string;
      compression: 'gzip' | 'none';
      timeoutMs: number;
    };
  };
  activity: {
    /** Whether the agent watches AI apps, CLIs, sites and shell commands at all. */
    enabled: boolean;
    processes: boolean;
    processIntervalMs: number;
    foreground: boolean;
    foregroundIntervalMs: number;
    browserHistory: boolean;
    historyIntervalMs: number;
    shellHistory: boolean;
    shellIntervalMs: number;
    /** Comma-separated history files (`zsh:/path` names a format); empty: the usual ones. */
    shellHistoryFiles: string;
    /** Visits of one site closer than this are one session. */
    siteSessionGapMs: number;
    /** On Windows: processes and shell history inside running WSL distros. */
    wsl: boolean;
    /** Catalog entries by id over data/catalog.yaml: changed fields, new entries, `enabled: false`. */
    catalog: Record<string, unknown>;
  };
}

type Kind = 'int' | 'bool' | 'string' | 'duration' | 'bytes' | 'mapping';

interface KeySpec {
  kind: Kind;
  min?: number;
  max?: number;
  /** For strings: the only values allowed. */
  oneOf?: readonly string[];
}

/** Every key by its dotted path as users write it (durations without the `Ms`). */
export const SCHEMA: Record<string, KeySpec> = {
  'server.host': { kind: 'string' },
  'server.port': { kind: 'int', min: 0, max: 65535 },
  'server.grpc': { kind: 'bool' },
  'server.grpcPort': { kind: 'int', min: 0, max: 65535 },
  'server.allowRemote': { kind: 'bool' },
  'server.token': { kind: 'string' },
  'server.maxBodyBytes': { kind: 'bytes', min: 1024, max: 1024 * 1024 * 1024 },
  'server.maxConcurrentRequests': { kind: 'int', min: 1, max: 100_000 },
  'server.maxInflightBytes': { kind: 'bytes', min: 1024, max: 8 * 1024 * 1024 * 1024 },
  'server.requestTimeout': { kind: 'duration', min: 1000, max: 3_600_000 },
  'sessions.quietPeriod': { kind: 'duration', min: 1000 },
  'sessions.staleWorking': { kind: 'duration', min: 1000 },
  'sessions.completedToIdle': { kind: 'duration', min: 1000 },
  'sessions.expireAfter': { kind: 'duration', min: 1000 },
  'sessions.endedExpire': { kind: 'duration', min: 1000 },
  'sessions.maxSessions': { kind: 'int', min: 1, max: 100_000 },
  'notifications.enabled': { kind: 'bool' },
  'notifications.onCompleted': { kind: 'bool' },
  'notifications.onWaiting': { kind: 'bool' },
  'notifications.command': { kind: 'string' },
  'snapshot.enabled': { kind: 'bool' },
  'snapshot.path': { kind: 'string' },
  'ledger.enabled': { kind: 'bool' },
  'ledger.claudeDirs': { kind: 'string' },
  'ledger.codexHome': { kind: 'string' },
  'ledger.geminiDir': { kind: 'string' },
  'ledger.rescanInterval': { kind: 'duration', min: 1000 },
  'pricing.url': { kind: 'string' },
  'pricing.overrides': { kind: 'mapping' },
  'report.timezone': { kind: 'string' },
  'export.prometheus': { kind: 'bool' },
  'export.interval': { kind: 'duration', min: 1000, max: 3_600_000 },
  'export.labels': { kind: 'string' },
  'export.perSession': { kind: 'bool' },
  'export.environment': { kind: 'string' },
  'export.hostName': { kind: 'string' },
  'export.otlp.endpoint': { kind: 'string' },
  'export.otlp.protocol': { kind: 'string', oneOf: ['grpc', 'http/protobuf', 'http/json'] },
  'export.otlp.token': { kind: 'string' },
  'export.otlp.headers': { kind: 'string' },
  'export.otlp.tls': { kind: 'string', oneOf: ['auto', 'on', 'off'] },
  'export.otlp.ca': { kind: 'string' },
  'export.otlp.compression': { kind: 'string', oneOf: ['gzip', 'none'] },
  'export.otlp.timeout': { kind: 'duration', min: 1000, max: 600_000 },
  'activity.enabled': { kind: 'bool' },
  'activity.processes': { kind: 'bool' },
  'activity.processInterval': { kind: 'duration', min: 1000, max: 3_600_000 },
  'activity.foreground': { kind: 'bool' },
  'activity.foregroundInterval': { kind: 'duration', min: 1000, max: 3_600_000 },
  'activity.browserHistory': { kind: 'bool' },
  'activity.historyInterval': { kind: 'duration', min: 1000 },
  'activity.shellHistory': { kind: 'bool' },
  'activity.shellInterval': { kind: 'duration', min: 1000 },
  'activity.shellHistoryFiles': { kind: 'string' },
  'activity.siteSessionGap': { kind: 'duration', min: 60_000, max: 86_400_000 },
  'activity.wsl': { kind: 'bool' },
  'activity.catalog': { kind: 'mapping' },
};

/** Labels the exported metrics may carry (DESIGN.md §6: no session ids, paths or prompts). */
export const EXPORT_LABELS: readonly string[] = [
  'tool',
  'model',
  'state',
  'cost_basis',
  'app',
  'domain',
  'category',
  'source',
];

export const DEFAULTS: Record<string, unknown> = {
  'server.host': '127.0.0.1',
  'server.port': 4318,
  'server.grpc': true,
  'server.grpcPort': 4317,
  'server.allowRemote': false,
  'server.token': '',
  'server.maxBodyBytes': 20 * 1024 * 1024,
  'server.maxConcurrentRequests': 64,
  'server.maxInflightBytes': 256 * 1024 * 1024,
  'server.requestTimeout': '2m',
  'sessions.quietPeriod': '45s',
  'sessions.staleWorking': '30m',
  'sessions.completedToIdle': '15m',
  'sessions.expireAfter': '1h',
  'sessions.endedExpire': '5m',
  'sessions.maxSessions': 256,
  'notifications.enabled': true,
  'notifications.onCompleted': true,
  'notifications.onWaiting': true,
  'notifications.command': '',
  'snapshot.enabled': true,
  'snapshot.path': '',
  'ledger.enabled': true,
  'ledger.claudeDirs': '',
  'ledger.codexHome': '',
  'ledger.geminiDir': '',
  'ledger.rescanInterval': '30s',
  'pricing.url':
    'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
  'pricing.overrides': {},
  'report.timezone': '',
  'export.prometheus': true,
  'export.interval': '15s',
  'export.labels': EXPORT_LABELS.join(','),
  'export.perSession': false,
  'export.environment': 'personal',
  'export.hostName': '',
  'export.otlp.endpoint': '',
  'export.otlp.protocol': 'grpc',
  'export.otlp.token': '',
  'export.otlp.headers': '',
  'export.otlp.tls': 'auto',
  'export.otlp.ca': '',
  'export.otlp.compression': 'gzip',
  'export.otlp.timeout': '10s',
  'activity.enabled': true,
  'activity.processes': true,
  'activity.processInterval': '15s',
  'activity.foreground': true,
  'activity.foregroundInterval': '5s',
  'activity.browserHistory': true,
  'activity.historyInterval': '1m',
  'activity.shellHistory': true,
  'activity.shellInterval': '30s',
  'activity.shellHistoryFiles': '',
  'activity.siteSessionGap': '30m',
  'activity.wsl': true,
  'activity.catalog': {},
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A value from one layer, with where it came from for the error message. */
export interface Layered {
  value: unknown;
  origin: string;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const BYTES = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
};

function parseValue(
  key: string,
  spec: KeySpec,
  raw: Layered,
): string | number | boolean | Record<string, unknown> {
  const { value, origin } = raw;
  const bad = (expected: string): never => {
    throw new ConfigError(
      `invalid config ${key} (from ${origin}): expected ${expected}, got ${JSON.stringify(value)}`,
    );
  };
  let out: number | string | boolean;
  switch (spec.kind) {
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === '1' || value === 'yes') return true;
      if (value === 'false' || value === '0' || value === 'no') return false;
      return bad('true or false');
    case 'mapping':
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
      return bad('a mapping');
    case 'string': {
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text !== 'string') return bad('a string');
      if (spec.oneOf !== undefined && !spec.oneOf.includes(text)) {
        return bad(`one of ${spec.oneOf.join(', ')}`);
      }
      return text;
    }
    case 'int': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) return bad('an integer');
      out = n;
      break;
    }
    case 'duration': {
      // A bare number is seconds, as in most daemon configs.
      if (typeof value === 'number' && Number.isFinite(value)) out = value * 1000;
      else {
        const m = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
        if (m === null) return bad('a duration such as 45s, 15m or 1h');
        out = Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
      }
      break;
    }
    case 'bytes': {
      if (typeof value === 'number' && Number.isFinite(value)) out = value;
      else {
        const m = typeof value === 'string' ? BYTES.exec(value.trim()) : null;
        if (m === null) return bad('a size such as 20MiB or 1048576');
        out = Number(m[1]) * UNIT_BYTES[(m[2] ?? 'b').toLowerCase()]!;
      }
      out = Math.floor(out);
      break;
    }
  }
  if (spec.min !== undefined && out < spec.min) bad(`at least ${spec.min}`);
  if (spec.max !== undefined && out > spec.max) bad(`at most ${spec.max}`);
  return out;
}

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Merges layers (later wins) into a checked Config; throws ConfigError naming the key. */
export function buildConfig(layers: Array<Record<string, Layered>>): Config {
  const merged: Record<string, Layered> = {};
  for (const [k, v] of Object.entries(DEFAULTS)) merged[k] = { value: v, origin: 'defaults' };
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (!(k in SCHEMA)) {
        throw new ConfigError(`unknown config key ${k} (from ${v.origin})`);
      }
      merged[k] = v;
    }
  }
  const val = (k: string) => parseValue(k, SCHEMA[k]!, merged[k]!);
  const cfg: Config = {
    server: {
      host: val('server.host') as string,
      port: val('server.port') as number,
      grpc: val('server.grpc') as boolean,
      grpcPort: val('server.grpcPort') as number,
      allowRemote: val('server.allowRemote') as boolean,
      token: val('server.token') as string,
      maxBodyBytes: val('server.maxBodyBytes') as number,
      maxConcurrentRequests: val('server.maxConcurrentRequests') as number,
      maxInflightBytes: val('server.maxInflightBytes') as number,
      requestTimeoutMs: val('server.requestTimeout') as number,
    },
    sessions: {
      quietPeriodMs: val('sessions.quietPeriod') as number,
      staleWorkingMs: val('sessions.staleWorking') as number,
      completedToIdleMs: val('sessions.completedToIdle') as number,
      expireAfterMs: val('sessions.expireAfter') as number,
      endedExpireMs: val('sessions.endedExpire') as number,
      maxSessions: val('sessions.maxSessions') as number,
    },
    notifications: {
      enabled: val('notifications.enabled') as boolean,
      onCompleted: val('notifications.onCompleted') as boolean,
      onWaiting: val('notifications.onWaiting') as boolean,
      command: val('notifications.command') as string,
    },
    snapshot: {
      enabled: val('snapshot.enabled') as boolean,
      path: val('snapshot.path') as string,
    },
    ledger: {
      enabled: val('ledger.enabled') as boolean,
      claudeDirs: val('ledger.claudeDirs') as string,
      codexHome: val('ledger.codexHome') as string,
      geminiDir: val('ledger.geminiDir') as string,
      rescanIntervalMs: val('ledger.rescanInterval') as number,
    },
    pricing: {
      url: val('pricing.url') as string,
      overrides: val('pricing.overrides') as Record<string, unknown>,
    },
    report: {
      timezone: val('report.timezone') as string,
    },
    export: {
      prometheus: val('export.prometheus') as boolean,
      intervalMs: val('export.interval') as number,
      labels: exportLabels(val('export.labels') as string, merged['export.labels']!.origin),
      perSession: val('export.perSession') as boolean,
      environment: val('export.environment') as string,
      hostName: val('export.hostName') as string,
      otlp: {
        endpoint: (val('export.otlp.endpoint') as string).trim(),
        endpointOrigin: merged['export.otlp.endpoint']!.origin,
        protocol: val('export.otlp.protocol') as Config['export']['otlp']['protocol'],
        token: val('export.otlp.token') as string,
        headers: val('export.otlp.headers') as string,
        tls: val('export.otlp.tls') as Config['export']['otlp']['tls'],
        ca: val('export.otlp.ca') as string,
        compression: val('export.otlp.compression') as Config['export']['otlp']['compression'],
        timeoutMs: val('export.otlp.timeout') as number,
      },
    },
    activity: {
      enabled: val('activity.enabled') as boolean,
      processes: val('activity.processes') as boolean,
      processIntervalMs: val('activity.processInterval') as number,
      foreground: val('activity.foreground') as boolean,
      foregroundIntervalMs: val('activity.foregroundInterval') as number,
      browserHistory: val('activity.browserHistory') as boolean,
      historyIntervalMs: val('activity.historyInterval') as number,
      shellHistory: val('activity.shellHistory') as boolean,
      shellIntervalMs: val('activity.shellInterval') as number,
      shellHistoryFiles: val('activity.shellHistoryFiles') as string,
      siteSessionGapMs: val('activity.siteSessionGap') as number,
      wsl: val('activity.wsl') as boolean,
      catalog: val('activity.catalog') as Record<string, unknown>,
    },
  };
  if (cfg.report.timezone !== '' && !validTimeZone(cfg.report.timezone)) {
    throw new ConfigError(
      `invalid config report.timezone (from ${merged['report.timezone']!.origin}): unknown time zone ${JSON.stringify(cfg.report.timezone)}`,
    );
  }
  if (!isLoopback(cfg.server.host)) {
    const origin = merged['server.host']!.origin;
    if (!cfg.server.allowRemote) {
      throw new ConfigError(
        `invalid config server.host (from ${origin}): ${cfg.server.host} is not a loopback address; set server.allowRemote: true (and server.token) to listen on it`,
      );
    }
    if (cfg.server.token.length < 16) {
      throw new ConfigError(
        `invalid config server.token: a non-loopback server.host needs a bearer token of at least 16 characters`,
      );
    }
  }
  return cfg;
}

/** The export label allowlist: known names only, so a typo is an error and not a silent drop. */
function exportLabels(text: string, origin: string): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of names) {
    if (!EXPORT_LABELS.includes(name)) {
      throw new ConfigError(
        `invalid config export.labels (from ${origin}): unknown label ${JSON.stringify(name)}; use some of ${EXPORT_LABELS.join(', ')}`,
      );
    }
  }
  return names;
}

/** Whether some key lives under this dotted path (then a mapping there is a subsection). */
function isSubsection(path: string): boolean {
  if (path in SCHEMA) return false;
  return Object.keys(SCHEMA).some((k) => k.startsWith(`${path}.`));
}

/**
 * Flattens a parsed YAML document into dotted keys: sections of keys, and subsections where
 * the schema has them (`export: { otlp: { endpoint } }` → `export.otlp.endpoint`).
 */
export function flattenDocument(doc: unknown, origin: string): Record<string, Layered> {
  const out: Record<string, Layered> = {};
  if (doc === null || doc === undefined) return out;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`invalid config file ${origin}: expected a mapping of sections`);
  }
  const walk = (path: string, body: unknown): void => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ConfigError(`invalid config ${path} (from ${origin}): expected a mapping`);
    }
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      const full = `${path}.${key}`;
      if (isSubsection(full)) walk(full, value);
      else out[full] = { value, origin };
    }
  };
  for (const [section, body] of Object.entries(doc as Record<string, unknown>)) {
    walk(section, body);
  }
  return out;
}

/**
 * The OpenTelemetry variables that configure the push, lowest first: the standard
 * `OTEL_EXPORTER_OTLP_*` (a metrics-specific one over the general one), then the original
 * design's `OTEL_ENDPOINT` and `OTEL_BEARER_TOKEN`. `AI_OBSERVER_*` variables are above both.
 */
const OTEL_VARIABLES: ReadonlyArray<[string, string, (v: string) => unknown]> = [
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'export.otlp.endpoint', (v) => v],
  ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'export.otlp.endpoint', (v) => v],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', 'export.otlp.protocol', (v) => v],
  ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'export.otlp.protocol', (v) => v],
  ['OTEL_EXPORTER_OTLP_HEADERS', 'export.otlp.headers', (v) => v],
  ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'export.otlp.headers', (v) => v],
  ['OTEL_EXPORTER_OTLP_CERTIFICATE', 'export.otlp.ca', (v) => v],
  ['OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE', 'export.otlp.ca', (v) => v],
  // The standard says true means plain text; anything else leaves TLS to the endpoint's scheme.
  ['OTEL_EXPORTER_OTLP_INSECURE', 'export.otlp.tls', (v) => (isTrue(v) ? 'off' : 'auto')],
  ['OTEL_EXPORTER_OTLP_METRICS_INSECURE', 'export.otlp.tls', (v) => (isTrue(v) ? 'off' : 'auto')],
  ['OTEL_EXPORTER_OTLP_COMPRESSION', 'export.otlp.compression', (v) => v],
  ['OTEL_EXPORTER_OTLP_METRICS_COMPRESSION', 'export.otlp.compression', (v) => v],
  // Milliseconds in the standard.
  ['OTEL_EXPORTER_OTLP_TIMEOUT', 'export.otlp.timeout', (v) => `${v.trim()}ms`],
  ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'export.otlp.timeout', (v) => `${v.trim()}ms`],
  ['OTEL_ENDPOINT', 'export.otlp.endpoint', (v) => v],
  ['OTEL_BEARER_TOKEN', 'export.otlp.token', (v) => v],
];

function isTrue(v: string): boolean {
  return v.trim().toLowerCase() === 'true';
}

/** The OTEL_* variables as a config layer (below the AI_OBSERVER_* one). Empty ones are unset. */
export function fromOtelEnvironment(env: NodeJS.ProcessEnv): Record<string, Layered> {
  const out: Record<string, Layered> = {};
  for (const [name, key, convert] of OTEL_VARIABLES) {
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    out[key] = { value: convert(value), origin: `environment ${name}` };
  }
  return out;
}

/** AI_OBSERVER_SERVER_GRPC_PORT → server.grpcPort; unknown names are errors too. */
export function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, Layered> {
  const out: Record<string, Layered> = {};
  const ignored = new Set(['AI_OBSERVER_HOME', 'AI_OBSERVER_CONFIG', 'AI_OBSERVER_URL']);
  // The names are derived only when one is set: most runs have none, and every status line
  // and report pays for this start-up.
  let byEnvName: Map<string, string> | undefined;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('AI_OBSERVER_') || ignored.has(name) || value === undefined) continue;
    byEnvName ??= envNames();
    const key = byEnvName.get(name);
    if (key === undefined) throw new ConfigError(`unknown environment variable ${name}`);
    out[key] = { value, origin: `environment ${name}` };
  }
  return out;
}

function envNames(): Map<string, string> {
  const byEnvName = new Map<string, string>();
  for (const key of Object.keys(SCHEMA)) {
    const name = `AI_OBSERVER_${key
      .replace(/\./g, '_')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toUpperCase()}`;
    byEnvName.set(name, key);
  }
  return byEnvName;
}
