// Gemini CLI chat recordings: `tmp/<project>/chats/session-<time>-<id8>.jsonl`, and a
// subagent's own recording in `tmp/<project>/chats/<parent session>/<agent id>.jsonl`. The
// first line is the session header; then message records and `$set` metadata updates. A
// message is appended again, whole, each time it changes (tool calls, results), so its id,
// not the line, is the request's identity.

import type { TokenCounts, UsageEvent } from '../../domain/events.ts';
import { usageMatch } from '../../domain/events.ts';
import type { LogFormat, ParsedLine, SourceFile } from '../types.ts';
import { isGeminiChat } from './paths.ts';
import {
  count,
  IGNORED,
  isObject,
  type Json,
  parseRecord,
  relativePath,
  text,
  unparsed,
} from '../jsonl.ts';

export interface GeminiState {
  /** From the header; until then (and for subagents, always) what the path says. */
  sessionId: string;
  /** Subagent recordings bill to the parent session, which their telemetry also names. */
  subagent: boolean;
  /** The `<project>` folder under `tmp/` (a short name, or a hash in older versions). */
  project: string | null;
}

function relativeParts(file: SourceFile): string[] {
  return relativePath(file).split('/');
}

/**
 * `tokens.input` is the prompt count including cached content, and thoughts are billed as
 * output on top of `tokens.output`: the same reading as the OTLP normalizer's.
 */
export function geminiTokens(t: Json): TokenCounts {
  const prompt = count(t.input);
  const cached = Math.min(count(t.cached), prompt);
  const thoughts = count(t.thoughts);
  return {
    input: prompt - cached,
    output: count(t.output) + thoughts,
    cacheRead: cached,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    reasoning: thoughts,
  };
}

function onMessage(record: Json, tokens: Json, state: GeminiState): ParsedLine {
  const id = text(record.id);
  if (id === undefined) return { kind: 'malformed', reason: 'message without an id' };
  const ts = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : Number.NaN;
  if (!Number.isFinite(ts)) return { kind: 'malformed', reason: 'message without a timestamp' };
  const counts = geminiTokens(tokens);
  const event: UsageEvent = {
    key: `gemini-cli:${state.sessionId}:${id}`,
    ts,
    tool: 'gemini-cli',
    sessionId: state.sessionId,
    model: text(record.model) ?? 'unknown',
    project: state.project ?? undefined,
    tokens: counts,
    costUsd: undefined,
    costBasis: 'unknown',
    sources: ['log'],
    match: usageMatch('gemini-cli', state.sessionId, counts),
  };
  return { kind: 'usage', event };
}

export const geminiCliFormat: LogFormat<GeminiState> = {
  tool: 'gemini-cli',

  matches: isGeminiChat,

  initialState(file) {
    const parts = relativeParts(file);
    const name = (parts.at(-1) ?? '').replace(/\.jsonl$/, '');
    const subagent = parts.length === 4 && parts[1] === 'chats';
    return {
      sessionId: subagent ? (parts[2] ?? name) : name,
      subagent,
      project: parts.length > 1 ? (parts[0] ?? null) : null,
    };
  },

  parseLine(line, state) {
    // Only the header and model replies matter; `$set`, user and tool records are skipped
    // unparsed unless they happen to mention either field.
    if (!line.includes('"tokens"') && !line.includes('"projectHash"')) {
      return { result: unparsed(line) };
    }
    const parsed = parseRecord(line);
    if ('malformed' in parsed) return { result: parsed.malformed };
    const record = parsed.record;
    // `$set` can carry the whole message list again (a history sync); its replies keep the
    // tokens they were first appended with, and were counted then.
    if ('$set' in record || '$rewindTo' in record) return { result: IGNORED };
    if (typeof record.id !== 'string') {
      const header = text(record.sessionId);
      if (header === undefined || typeof record.projectHash !== 'string')
        return { result: IGNORED };
      if (state.subagent || header === state.sessionId) return { result: IGNORED };
      return { result: IGNORED, state: { ...state, sessionId: header } };
    }
    // A reply recorded before its usage arrived has `tokens: null`.
    if (record.type !== 'gemini' || !isObject(record.tokens)) return { result: IGNORED };
    return { result: onMessage(record, record.tokens, state) };
  },
};
