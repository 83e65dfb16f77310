// Gemini CLI's OTLP log events → observations. Tokens ride on `gemini_cli.api_response`:
// the prompt count includes cached content, and thoughts are billed as output.

import type { Observation, SessionSignal, SignalKind, UsageEvent } from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { int, str } from './attrs.ts';

const KIND_BY_EVENT: Record<string, SignalKind> = {
  config: 'start',
  user_prompt: 'prompt',
};

export function geminiSessionId(record: LogRecordView): string | undefined {
  return str(record.attributes, 'session.id') ?? str(record.resource, 'session.id');
}

export function normalizeGeminiLog(record: LogRecordView, name: string): Observation {
  const sessionId = geminiSessionId(record);
  if (sessionId === undefined) return { signal: undefined, usage: undefined };
  const a = record.attributes;
  const model = str(a, 'model');
  const signal: SessionSignal = {
    kind: KIND_BY_EVENT[name] ?? 'activity',
    tool: 'gemini-cli',
    sessionId,
    ts: record.timeMs,
    explicit: false,
    source: 'otlp',
    model,
    detail: name,
  };
  if (name !== 'api_response') return { signal, usage: undefined };
  const prompt = int(a, 'input_token_count');
  const cached = Math.min(int(a, 'cached_content_token_count'), prompt);
  const thoughts = int(a, 'thoughts_token_count');
  const tokens = {
    input: prompt - cached,
    output: int(a, 'output_token_count') + thoughts,
    cacheRead: cached,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    reasoning: thoughts,
  };
  const promptId = str(a, 'prompt_id');
  const usage: UsageEvent = {
    key: `gemini-cli:${sessionId}:${promptId ?? ''}:${record.timeMs}:${prompt}:${tokens.output}`,
    ts: record.timeMs,
    tool: 'gemini-cli',
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
