// Gemini CLI's OTLP log events → observations. Tokens ride on `gemini_cli.api_response`:
// the prompt count includes cached content, and thoughts are billed as output.

import type { Observation, SignalKind } from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { int, str } from './attrs.ts';
import { NO_OBSERVATION, telemetrySignal, telemetryUsage } from './observation.ts';

const KIND_BY_EVENT: Record<string, SignalKind> = {
  config: 'start',
  user_prompt: 'prompt',
};

export function geminiSessionId(record: LogRecordView): string | undefined {
  return str(record.attributes, 'session.id') ?? str(record.resource, 'session.id');
}

export function normalizeGeminiLog(record: LogRecordView, name: string): Observation {
  const sessionId = geminiSessionId(record);
  if (sessionId === undefined) return NO_OBSERVATION;
  const signal = telemetrySignal('gemini-cli', sessionId, record, name, KIND_BY_EVENT);
  if (name !== 'api_response') return { signal, usage: undefined };
  const a = record.attributes;
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
  // Gemini CLI logs no request id on this event; the prompt id narrows the identity.
  const fallback = `${str(a, 'prompt_id') ?? ''}:${record.timeMs}:${prompt}:${tokens.output}`;
  return { signal, usage: telemetryUsage(signal, tokens, undefined, undefined, fallback) };
}
