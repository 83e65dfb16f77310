// Codex CLI's OTLP log events → observations. Token counts ride on `codex.sse_event` records
// of kind `response.completed`; input includes cached input and output includes reasoning.

import type { Observation, SignalKind } from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { int, num, str } from './attrs.ts';
import { NO_OBSERVATION, telemetrySignal, telemetryUsage } from './observation.ts';

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
  if (sessionId === undefined) return NO_OBSERVATION;
  const signal = telemetrySignal('codex', sessionId, record, name, KIND_BY_EVENT);
  const a = record.attributes;
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
  // Cache writes are part of the input count too (as in the rollout files' token_count).
  const cacheWrite = Math.min(int(a, 'cache_write_token_count'), inputAll - cached);
  const output = int(a, 'output_token_count');
  const tokens = {
    input: inputAll - cached - cacheWrite,
    output,
    cacheRead: cached,
    cacheWrite5m: cacheWrite,
    cacheWrite1h: 0,
    reasoning: Math.min(int(a, 'reasoning_token_count'), output),
  };
  const responseId = str(a, 'response.id') ?? str(a, 'response_id');
  const fallback = `${record.timeMs}:${inputAll}:${output}`;
  return { signal, usage: telemetryUsage(signal, tokens, undefined, responseId, fallback) };
}
