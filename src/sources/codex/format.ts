// Codex rollouts: `sessions/YYYY/MM/DD/rollout-<time>-<session uuid>.jsonl` (and the same
// files moved flat into `archived_sessions/`). Usage rides on `event_msg` lines of type
// `token_count`, which carry the request's own usage and the session's running total; the
// running total is what makes a request's identity stable, because Codex has no request id
// in its telemetry to share.

import type { TokenCounts, UsageEvent } from '../../domain/events.ts';
import { usageMatch } from '../../domain/events.ts';
import { projectOf } from '../../domain/normalize/attrs.ts';
import type { LogFormat, ParsedLine, SourceFile } from '../types.ts';
import { isCodexRollout } from './paths.ts';
import { count, IGNORED, isObject, type Json, parseRecord, text, unparsed } from '../jsonl.ts';

/** Codex's usage object, as written (input includes cached, output includes reasoning). */
export interface CodexUsage {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  total: number;
}

export interface CodexState {
  sessionId: string;
  /** Whether `sessionId` came from `session_meta` rather than the file name. */
  fromMeta: boolean;
  project: string | null;
  model: string | null;
  /** The last running total seen, to tell a new request from a re-emitted total. */
  total: CodexUsage | null;
}

function usageOf(v: unknown): CodexUsage | undefined {
  if (!isObject(v)) return undefined;
  const input = count(v.input_tokens);
  const output = count(v.output_tokens);
  return {
    input,
    cached: count(v.cached_input_tokens ?? v.cache_read_input_tokens),
    cacheWrite: count(v.cache_write_input_tokens),
    output,
    reasoning: count(v.reasoning_output_tokens),
    total: v.total_tokens === undefined ? input + output : count(v.total_tokens),
  };
}

function minus(a: CodexUsage, b: CodexUsage | null): CodexUsage {
  const d = (x: number, y: number | undefined) => Math.max(0, x - (y ?? 0));
  return {
    input: d(a.input, b?.input),
    cached: d(a.cached, b?.cached),
    cacheWrite: d(a.cacheWrite, b?.cacheWrite),
    output: d(a.output, b?.output),
    reasoning: d(a.reasoning, b?.reasoning),
    total: d(a.total, b?.total),
  };
}

function plus(a: CodexUsage | null, b: CodexUsage): CodexUsage {
  return {
    input: (a?.input ?? 0) + b.input,
    cached: (a?.cached ?? 0) + b.cached,
    cacheWrite: (a?.cacheWrite ?? 0) + b.cacheWrite,
    output: (a?.output ?? 0) + b.output,
    reasoning: (a?.reasoning ?? 0) + b.reasoning,
    total: (a?.total ?? 0) + b.total,
  };
}

/**
 * Codex counts cached (and cache-write) input inside `input_tokens` and reasoning inside
 * `output_tokens`; the ledger keeps each token in one bucket, as the OTLP normalizer does.
 */
export function codexTokens(u: CodexUsage): TokenCounts {
  const cacheRead = Math.min(u.cached, u.input);
  const cacheWrite = Math.min(u.cacheWrite, u.input - cacheRead);
  return {
    input: u.input - cacheRead - cacheWrite,
    output: u.output,
    cacheRead,
    cacheWrite5m: cacheWrite,
    cacheWrite1h: 0,
    reasoning: Math.min(u.reasoning, u.output),
  };
}

/** The uuid at the end of `rollout-2026-11-21T07-35-04-<uuid>.jsonl`. */
function sessionFromName(file: SourceFile): string {
  const name = file.path.replaceAll('\\', '/').split('/').at(-1) ?? file.path;
  const stem = name.replace(/\.jsonl$/, '');
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.exec(stem);
  return uuid?.[0] ?? stem;
}

type Step = { result: ParsedLine; state?: CodexState };

function onSessionMeta(payload: Json, state: CodexState): Step {
  // A forked or resumed rollout can replay an older session_meta; the first one names the file.
  if (state.fromMeta) return { result: IGNORED };
  const id = text(payload.id) ?? text(payload.session_id);
  const project = projectOf(text(payload.cwd)) ?? state.project;
  return {
    result: IGNORED,
    state: { ...state, sessionId: id ?? state.sessionId, fromMeta: id !== undefined, project },
  };
}

function onTurnContext(payload: Json, state: CodexState): Step {
  const model = text(payload.model) ?? state.model;
  const project = state.project ?? projectOf(text(payload.cwd)) ?? null;
  if (model === state.model && project === state.project) return { result: IGNORED };
  return { result: IGNORED, state: { ...state, model, project } };
}

function onTokenCount(record: Json, info: Json, state: CodexState): Step {
  const total = usageOf(info.total_token_usage);
  const last = usageOf(info.last_token_usage);
  const prev = state.total;
  // Codex re-emits the running total (e.g. when rate limits update) without a new request.
  if (total !== undefined && prev !== null && total.total === prev.total)
    return { result: IGNORED };
  const delta = last ?? (total === undefined ? undefined : minus(total, prev));
  if (delta === undefined)
    return { result: { kind: 'malformed', reason: 'token_count without usage' } };
  const running = total ?? plus(prev, delta);
  const next: CodexState = { ...state, total: running };
  const ts = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : Number.NaN;
  if (!Number.isFinite(ts)) {
    return {
      result: { kind: 'malformed', reason: 'token_count without a timestamp' },
      state: next,
    };
  }
  const tokens = codexTokens(delta);
  if (delta.input + delta.output === 0) return { result: IGNORED, state: next };
  const event: UsageEvent = {
    key: `codex:${state.sessionId}:${running.total}`,
    ts,
    tool: 'codex',
    sessionId: state.sessionId,
    model: text(info.model) ?? state.model ?? 'unknown',
    project: state.project ?? undefined,
    tokens,
    costUsd: undefined,
    costBasis: 'unknown',
    sources: ['log'],
    match: usageMatch('codex', state.sessionId, tokens),
  };
  return { result: { kind: 'usage', event }, state: next };
}

export const codexFormat: LogFormat<CodexState> = {
  tool: 'codex',

  matches: isCodexRollout,

  initialState(file) {
    return {
      sessionId: sessionFromName(file),
      fromMeta: false,
      project: null,
      model: null,
      total: null,
    };
  },

  parseLine(line, state) {
    // Most lines are prompts, tool output and instructions; only three types matter.
    if (
      !line.includes('"token_count"') &&
      !line.includes('"turn_context"') &&
      !line.includes('"session_meta"')
    ) {
      return { result: unparsed(line) };
    }
    const parsed = parseRecord(line);
    if ('malformed' in parsed) return { result: parsed.malformed };
    const record = parsed.record;
    const payload = record.payload;
    if (!isObject(payload)) return { result: IGNORED };
    if (record.type === 'session_meta') return onSessionMeta(payload, state);
    if (record.type === 'turn_context') return onTurnContext(payload, state);
    // `token_usage_record` lines (0.169+) repeat each request's usage with its response id;
    // token_count is in every version, so it alone is counted (see real-logs/NOTES.md).
    if (record.type !== 'event_msg' || payload.type !== 'token_count') return { result: IGNORED };
    // A token_count without `info` only updates rate limits.
    if (!isObject(payload.info)) return { result: IGNORED };
    return onTokenCount(record, payload.info, state);
  },
};
