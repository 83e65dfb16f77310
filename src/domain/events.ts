// The normalized model every source produces (DESIGN.md §4).

export type Tool = 'claude-code' | 'codex' | 'gemini-cli';
export const TOOLS: readonly Tool[] = ['claude-code', 'codex', 'gemini-cli'];

const TOOL_ALIASES: Record<string, Tool> = { claude: 'claude-code', gemini: 'gemini-cli' };

/** A tool by its name or short name (`claude`, `gemini`); undefined for anything else. */
export function toolNamed(name: string): Tool | undefined {
  const t = TOOL_ALIASES[name] ?? name;
  return (TOOLS as readonly string[]).includes(t) ? (t as Tool) : undefined;
}

export type SourceKind = 'otlp' | 'log' | 'hook';
export type CostBasis = 'reported' | 'computed' | 'unknown';

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  reasoning: number;
}

/**
 * The most tokens one request can bill in any one kind, far above any model's context window.
 * A larger figure in a log or telemetry is not a count: taken as is, a few of them would push
 * the ledger's sums past what a JavaScript number (and node:sqlite's reads) can hold exactly.
 */
export const MAX_TOKENS_PER_REQUEST = 1_000_000_000;

export const ZERO_TOKENS: Readonly<TokenCounts> = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  reasoning: 0,
});

export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite5m: a.cacheWrite5m + b.cacheWrite5m,
    cacheWrite1h: a.cacheWrite1h + b.cacheWrite1h,
    reasoning: a.reasoning + b.reasoning,
  };
}

export function totalTokens(t: TokenCounts): number {
  // Reasoning is already part of output for every tool we read (DESIGN.md §4: count once).
  return t.input + t.output + t.cacheRead + t.cacheWrite5m + t.cacheWrite1h;
}

/** One billed model request. */
export interface UsageEvent {
  /** Dedup identity: the same request seen twice (re-sent batch, OTLP and log) has one key. */
  key: string;
  ts: number;
  tool: Tool;
  sessionId: string;
  model: string;
  project: string | undefined;
  tokens: TokenCounts;
  costUsd: number | undefined;
  costBasis: CostBasis;
  sources: SourceKind[];
  /**
   * For tools that give no request id shared by their telemetry and their logs (Codex, Gemini
   * CLI): what the same request looks like from any source (see usageMatch), so the ledger can
   * take the OTLP record and the log line of one request as one event.
   */
  match?: string | undefined;
}

/**
 * The cross-source identity of a request without a shared id: tool, session and every token
 * figure. Two different requests of one session with identical figures are rare; the ledger
 * narrows it further by time and by only pairing records from different sources.
 */
export function usageMatch(tool: Tool, sessionId: string, t: TokenCounts): string {
  return `${tool}:${sessionId}:${t.input}:${t.output}:${t.cacheRead}:${t.cacheWrite5m + t.cacheWrite1h}:${t.reasoning}`;
}

/**
 * What happened in a session, as far as its state is concerned. `explicit` signals come from
 * hooks or notify callbacks and beat what telemetry suggests.
 */
export type SignalKind =
  | 'start' // the session began
  | 'prompt' // the user submitted a prompt: a turn starts
  | 'activity' // requests, tools or other work in flight
  | 'waiting' // the agent needs the user: a permission or a question
  | 'turn-complete' // the agent finished its turn
  | 'end'; // the session closed

export interface SessionSignal {
  kind: SignalKind;
  tool: Tool;
  sessionId: string;
  ts: number;
  explicit: boolean;
  source: SourceKind;
  project?: string | undefined;
  model?: string | undefined;
  pid?: number | undefined;
  /** A short label of what happened, such as the event name; never user content. */
  detail?: string | undefined;
}

/** What one telemetry record or hook call means: a state signal and maybe a billed request. */
export interface Observation {
  signal: SessionSignal | undefined;
  usage: UsageEvent | undefined;
}
