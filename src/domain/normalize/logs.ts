// One entry point for every OTLP log record: which tool, which event, what it means.

import type { Observation } from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { normalizeClaudeLog } from './claude-code.ts';
import { normalizeCodexLog } from './codex.ts';
import { identifyEvent } from './event-name.ts';
import { normalizeGeminiLog } from './gemini-cli.ts';

/** Undefined when the record is from none of the tools we know. */
export function normalizeLog(record: LogRecordView): Observation | undefined {
  const id = identifyEvent(record);
  if (id === undefined) return undefined;
  switch (id.tool) {
    case 'claude-code':
      return normalizeClaudeLog(record, id.name);
    case 'codex':
      return normalizeCodexLog(record, id.name);
    case 'gemini-cli':
      return normalizeGeminiLog(record, id.name);
  }
}
