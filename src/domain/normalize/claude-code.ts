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
    // Telemetry gives one creation figure; Claude Code's default cache lifetime is 5 minutes.
    cacheWrite5m: int(a, 'cache_creation_tokens'),
    cacheWrite1h: 0,
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
