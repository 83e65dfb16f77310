// Claude Code's OTLP log events → observations.

import type { Observation, SignalKind } from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { int, num, str } from './attrs.ts';
import { NO_OBSERVATION, telemetrySignal, telemetryUsage } from './observation.ts';

const KIND_BY_EVENT: Record<string, SignalKind> = {
  user_prompt: 'prompt',
  api_request: 'activity',
  api_error: 'activity',
  api_retries_exhausted: 'activity',
  tool_result: 'activity',
  tool_decision: 'activity',
};

// Claude Code's own bookkeeping: settings, plugins and the running of hooks. They say nothing
// about the agent's work, and a hook's completion lands right after the hook's own signal, so
// counting it as activity would undo `waiting` or `completed` at once.
const BOOKKEEPING = new Set([
  'hook_registered',
  'hook_execution_start',
  'hook_execution_complete',
  'plugin_loaded',
  'managed_settings_resolved',
]);

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
  return {
    cacheWrite5m: fiveMin === undefined ? 0 : int(a, 'cache_creation_5m_tokens'),
    cacheWrite1h: oneHour === undefined ? 0 : int(a, 'cache_creation_1h_tokens'),
  };
}

export function normalizeClaudeLog(record: LogRecordView, name: string): Observation {
  const sessionId = claudeSessionId(record);
  if (sessionId === undefined || BOOKKEEPING.has(name)) return NO_OBSERVATION;
  const signal = telemetrySignal('claude-code', sessionId, record, name, KIND_BY_EVENT);
  if (name !== 'api_request') return { signal, usage: undefined };
  const a = record.attributes;
  const tokens = {
    input: int(a, 'input_tokens'),
    output: int(a, 'output_tokens'),
    cacheRead: int(a, 'cache_read_tokens'),
    ...cacheWrites(a),
    reasoning: 0,
  };
  const fallback = `${record.timeMs}:${tokens.input}:${tokens.output}`;
  return {
    signal,
    usage: telemetryUsage(signal, tokens, num(a, 'cost_usd'), str(a, 'request_id'), fallback),
  };
}
