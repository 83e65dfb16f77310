// Finds which tool sent a log record and which event it is. Claude Code puts
// `claude_code.<name>` in the body and the bare name in `event.name`; Codex and Gemini CLI put
// the prefixed name in `event.name`; newer SDKs also fill the OTLP `event_name` field.

import type { Tool } from '../events.ts';
import type { LogRecordView } from '../telemetry.ts';
import { str } from './attrs.ts';

const PREFIXES: ReadonlyArray<readonly [string, Tool]> = [
  ['claude_code.', 'claude-code'],
  ['codex.', 'codex'],
  ['gemini_cli.', 'gemini-cli'],
];

const SERVICE_TOOLS: ReadonlyArray<readonly [RegExp, Tool]> = [
  [/claude/i, 'claude-code'],
  [/codex/i, 'codex'],
  [/gemini/i, 'gemini-cli'],
];

export interface EventIdentity {
  tool: Tool;
  /** The event name without the tool prefix, e.g. `api_request`. */
  name: string;
}

function splitPrefixed(name: string | undefined): EventIdentity | undefined {
  if (name === undefined) return undefined;
  for (const [prefix, tool] of PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) {
      return { tool, name: name.slice(prefix.length) };
    }
  }
  return undefined;
}

export function toolOfService(serviceName: string | undefined): Tool | undefined {
  if (serviceName === undefined) return undefined;
  for (const [re, tool] of SERVICE_TOOLS) if (re.test(serviceName)) return tool;
  return undefined;
}

export function identifyEvent(record: LogRecordView): EventIdentity | undefined {
  const attrName = str(record.attributes, 'event.name');
  const body = record.body !== undefined && record.body.length <= 128 ? record.body : undefined;
  const prefixed =
    splitPrefixed(record.eventName) ?? splitPrefixed(attrName) ?? splitPrefixed(body);
  if (prefixed !== undefined) return prefixed;
  // A bare name: trust the resource's service name for the tool.
  const tool = toolOfService(str(record.resource, 'service.name'));
  // Codex fills `event_name` with a source location, so the attribute comes first.
  const bare = attrName ?? record.eventName;
  if (tool !== undefined && bare !== undefined) return { tool, name: bare };
  return undefined;
}
