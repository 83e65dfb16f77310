// Spans say that work happened in a session; they carry no usage we count (logs do).

import type { SessionSignal, Tool } from '../events.ts';
import type { SpanView } from '../telemetry.ts';
import { str } from './attrs.ts';
import { toolOfService } from './event-name.ts';

export function normalizeSpan(span: SpanView): SessionSignal | undefined {
  const tool: Tool | undefined = toolOfService(str(span.resource, 'service.name'));
  if (tool === undefined) return undefined;
  const sessionId =
    str(span.attributes, 'session.id') ??
    str(span.attributes, 'conversation.id') ??
    str(span.attributes, 'thread.id') ??
    str(span.resource, 'session.id');
  if (sessionId === undefined) return undefined;
  return {
    kind: 'activity',
    tool,
    sessionId,
    ts: span.endTimeMs || span.startTimeMs,
    explicit: false,
    source: 'otlp',
    detail: 'span',
  };
}
