// The parts every tool's log normalizer shares: the signal a record gives its session, and
// the usage event of a billed request.

import {
  type Observation,
  type SessionSignal,
  type SignalKind,
  type TokenCounts,
  type Tool,
  type UsageEvent,
  usageMatch,
} from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { str } from './attrs.ts';

export const NO_OBSERVATION: Observation = { signal: undefined, usage: undefined };

/** What an event means for its session's state; unknown events count as activity. */
export function telemetrySignal(
  tool: Tool,
  sessionId: string,
  record: LogRecordView,
  name: string,
  kinds: Record<string, SignalKind>,
): SessionSignal {
  return {
    kind: kinds[name] ?? 'activity',
    tool,
    sessionId,
    ts: record.timeMs,
    explicit: false,
    source: 'otlp',
    model: str(record.attributes, 'model'),
    detail: name,
  };
}

/**
 * A billed request seen in telemetry. `requestId` is the tool's own id when it has one;
 * without it the record's identity (`fallback`) still collapses a re-sent batch, and the
 * event carries its `match` so the ledger can pair it with the same request's log line.
 */
export function telemetryUsage(
  signal: SessionSignal,
  tokens: TokenCounts,
  costUsd: number | undefined,
  requestId: string | undefined,
  fallback: string,
): UsageEvent {
  const event: UsageEvent = {
    key: `${signal.tool}:${requestId ?? `${signal.sessionId}:${fallback}`}`,
    ts: signal.ts,
    tool: signal.tool,
    sessionId: signal.sessionId,
    model: signal.model ?? '',
    project: undefined,
    tokens,
    costUsd,
    costBasis: costUsd === undefined ? 'unknown' : 'reported',
    sources: ['otlp'],
  };
  if (requestId === undefined) event.match = usageMatch(signal.tool, signal.sessionId, tokens);
  return event;
}
