// Claude Code's OTLP log events → observations.

import type { Observation, SessionSignal, SignalKind, UsageEvent } from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { int, num, str } from './attrs.ts';

const KIND_BY_EVENT: Record<string, SignalKind> = {
  user_prompt: 'prompt',
  api_request: 'activity',
  api_error: 'activity',
  api_retries_exhausted: 'activity',
  tool_result: 'activity',
  tool_decision: 'activity',
};

export function claudeSessionId(record: LogRecordView): string | undefined {
  return str(record.attributes, 'session.id') ?? str(record.resource, 'session.id');
}

/**
 * Newer Claude Code versions split cache creation by lifetime; older ones send one figure,
 * which is the default 5-minute cache.
 */
function cacheWrites(a: LogRecordView['attributes']): {
  cacheWrite5m: number;
  cacheWrite1h: number;
} {
  const fiveMin = num(a, 'cache_creation_5m_tokens');
  const oneHour = num(a, 'cache_creation_1h_tokens');
  if (fiveMin === undefined && oneHour === undefined) {
    return { cacheWrite5m: int(a, 'cache_creation_tokens'), cacheWrite1h: 0 };
  }
  return { cacheWrite5m: Math.round(fiveMin ?? 0), cacheWrite1h: Math.round(oneHour ?? 0) };
}

export function normalizeClaudeLog(record: LogRecordView, name: string): Observation {
  const sessionId = claudeSessionId(record);
  if (sessionId === undefined) return { signal: undefined, usage: undefined };
  const a = record.attributes;
  const model = str(a, 'model');
  const signal: SessionSignal = {
    kind: KIND_BY_EVENT[name] ?? 'activity',
    tool: 'claude-code',
    sessionId,
    ts: record.timeMs,
    explicit: false,
    source: 'otlp',
    model,
    detail: name,
  };
  if (name !== 'api_request') return { signal, usage: undefined };
  const requestId = str(a, 'request_id');
  const tokens = {
    input: int(a, 'input_tokens'),
    output: int(a, 'output_tokens'),
    cacheRead: int(a, 'cache_read_tokens'),
    ...cacheWrites(a),
    reasoning: 0,
  };
  const cost = num(a, 'cost_usd');
  const usage: UsageEvent = {
    // Without a request id, the record's own identity still collapses a re-sent batch.
    key:
      requestId !== undefined
        ? `claude-code:${requestId}`
        : `claude-code:${sessionId}:${record.timeMs}:${tokens.input}:${tokens.output}`,
    ts: record.timeMs,
    tool: 'claude-code',
    sessionId,
    model: model ?? '',
    project: undefined,
    tokens,
    costUsd: cost,
    costBasis: cost === undefined ? 'unknown' : 'reported',
    sources: ['otlp'],
  };
  return { signal, usage };
}
