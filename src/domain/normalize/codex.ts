// Codex CLI's OTLP log events → observations. Token counts ride on `codex.sse_event` records
// of kind `response.completed`; input includes cached input and output includes reasoning.

import type { Observation, SessionSignal, SignalKind, UsageEvent } from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { int, num, str } from './attrs.ts';

const KIND_BY_EVENT: Record<string, SignalKind> = {
  conversation_starts: 'start',
  user_prompt: 'prompt',
};

export function codexSessionId(record: LogRecordView): string | undefined {
  return (
    str(record.attributes, 'conversation.id') ??
    str(record.attributes, 'thread.id') ??
    str(record.resource, 'conversation.id')
  );
}

export function normalizeCodexLog(record: LogRecordView, name: string): Observation {
  const sessionId = codexSessionId(record);
  if (sessionId === undefined) return { signal: undefined, usage: undefined };
  const a = record.attributes;
  const model = str(a, 'model');
  const signal: SessionSignal = {
    kind: KIND_BY_EVENT[name] ?? 'activity',
    tool: 'codex',
    sessionId,
    ts: record.timeMs,
    explicit: false,
    source: 'otlp',
    model,
    detail: name,
  };
  // Codex logs each completed response twice; only one of the two records carries tokens.
  if (
    name !== 'sse_event' ||
    str(a, 'event.kind') !== 'response.completed' ||
    num(a, 'input_token_count') === undefined
  ) {
    return { signal, usage: undefined };
  }
  const inputAll = int(a, 'input_token_count');
  const cached = Math.min(int(a, 'cached_token_count'), inputAll);
  const output = int(a, 'output_token_count');
  const reasoning = Math.min(int(a, 'reasoning_token_count'), output);
  const tokens = {
    input: inputAll - cached,
    output,
    cacheRead: cached,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    reasoning,
  };
  const responseId = str(a, 'response.id') ?? str(a, 'response_id');
  const usage: UsageEvent = {
    key:
      responseId !== undefined
        ? `codex:${responseId}`
        : `codex:${sessionId}:${record.timeMs}:${inputAll}:${output}`,
    ts: record.timeMs,
    tool: 'codex',
    sessionId,
    model: model ?? '',
    project: undefined,
    tokens,
    costUsd: undefined,
    costBasis: 'unknown',
    sources: ['otlp'],
  };
  return { signal, usage };
}
