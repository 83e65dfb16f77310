// Claude Code transcripts: `<projects root>/<project folder>/<session>.jsonl`, plus subagent
// transcripts in subfolders (`<session>/subagents/agent-*.jsonl`). Usage rides on `assistant`
// lines; one response is written as several lines (one per content block) that share
// `message.id` and `requestId`, so both ids key the request, never the line.

import type { TokenCounts, UsageEvent } from '../../domain/events.ts';
import { projectOf } from '../../domain/normalize/attrs.ts';
import type { LogFormat, ParsedLine } from '../types.ts';
import { isClaudeTranscript } from './paths.ts';
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

export interface ClaudeState {
  /** The file name without `.jsonl`: the session when a line does not name one. */
  sessionId: string;
  /** The folder under the projects root (Claude's encoding of the cwd). */
  folder: string | null;
}

// Claude Code's placeholder for replies it made up itself (API errors, limit notices): no
// request was billed, and the pseudo-model would pollute per-model reports.
const SYNTHETIC_MODEL = '<synthetic>';

/**
 * Whether the line is one JSON object, judged by its ends only: lines without usage are the
 * bulk of a transcript (prompts, tool output, snapshots) and parsing them would dominate.
 */

function tokensOf(usage: Json): TokenCounts {
  const breakdown = usage.cache_creation;
  const split =
    isObject(breakdown) &&
    (typeof breakdown.ephemeral_5m_input_tokens === 'number' ||
      typeof breakdown.ephemeral_1h_input_tokens === 'number');
  return {
    input: count(usage.input_tokens),
    output: count(usage.output_tokens),
    cacheRead: count(usage.cache_read_input_tokens),
    // Without the lifetime breakdown every cache write is the default 5-minute cache.
    cacheWrite5m: split
      ? count(breakdown.ephemeral_5m_input_tokens)
      : count(usage.cache_creation_input_tokens),
    cacheWrite1h: split ? count(breakdown.ephemeral_1h_input_tokens) : 0,
    reasoning: 0,
  };
}

function keyOf(line: Json, message: Json, sessionId: string, ts: number, t: TokenCounts): string {
  // The OTLP normalizer keys `api_request` by `request_id`: the same id, so a request seen
  // both ways is one ledger row.
  const requestId = text(line.requestId);
  if (requestId !== undefined) return `claude-code:${requestId}`;
  const messageId = text(message.id);
  if (messageId !== undefined) return `claude-code:msg:${messageId}`;
  const figures = `${t.input}:${t.output}:${t.cacheRead}:${t.cacheWrite5m}:${t.cacheWrite1h}`;
  return `claude-code:line:${sessionId}:${ts}:${figures}`;
}

function parseUsageLine(line: string, state: ClaudeState): ParsedLine {
  const parsed = parseRecord(line);
  if ('malformed' in parsed) return parsed.malformed;
  const record = parsed.record;
  // User lines can quote tool output that happens to contain "usage".
  if (record.type !== 'assistant') return IGNORED;
  const message = record.message;
  if (!isObject(message) || !isObject(message.usage)) return IGNORED;
  const model = text(message.model);
  if (model === SYNTHETIC_MODEL) return IGNORED;
  const ts = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : Number.NaN;
  if (!Number.isFinite(ts)) return { kind: 'malformed', reason: 'usage line without a timestamp' };
  const sessionId = text(record.sessionId) ?? state.sessionId;
  const tokens = tokensOf(message.usage);
  const cost = record.costUSD;
  const reported = typeof cost === 'number' && Number.isFinite(cost) && cost >= 0;
  const cwd = typeof record.cwd === 'string' ? record.cwd : undefined;
  const event: UsageEvent = {
    key: keyOf(record, message, sessionId, ts, tokens),
    ts,
    tool: 'claude-code',
    sessionId,
    model: model ?? 'unknown',
    project: projectOf(cwd) ?? state.folder ?? undefined,
    tokens,
    costUsd: reported ? cost : undefined,
    costBasis: reported ? 'reported' : 'unknown',
    sources: ['log'],
  };
  return { kind: 'usage', event };
}

export const claudeCodeFormat: LogFormat<ClaudeState> = {
  tool: 'claude-code',
  // Most of a transcript's bytes are prompts and tool output: the indexer skips lines without
  // this before decoding them (parseLine applies the same rule to what it is given).
  billingMarker: '"usage"',

  matches: isClaudeTranscript,

  initialState(file) {
    const rel = relativePath(file);
    const parts = rel.split('/');
    const name = parts.at(-1) ?? rel;
    return {
      sessionId: name.replace(/\.jsonl$/, ''),
      folder: parts.length > 1 ? (parts[0] ?? null) : null,
    };
  },

  parseLine(line, state) {
    if (!line.includes('"usage"')) {
      return { result: unparsed(line) };
    }
    return { result: parseUsageLine(line, state) };
  },

  parseMarkedLine(line, state) {
    return { result: parseUsageLine(line, state) };
  },
};
