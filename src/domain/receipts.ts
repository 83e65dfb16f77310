// What the agent has received from each AI tool and when: the evidence `doctor` needs to say
// "Codex is set up but nothing arrived". Counted per tool, never per session (bounded).

import type { Tool } from './events.ts';
import { TOOLS } from './events.ts';
import { str } from './normalize/attrs.ts';
import { toolOfService } from './normalize/event-name.ts';
import type { MetricPointView } from './telemetry.ts';

export interface ToolReceipts {
  logRecords: number;
  metricPoints: number;
  spans: number;
  hooks: number;
  /** Wall-clock ms of the first and the latest thing received; null before any. */
  firstAt: number | null;
  lastAt: number | null;
}

export type Receipts = Record<Tool, ToolReceipts>;
export type ReceiptKind = 'logRecords' | 'metricPoints' | 'spans' | 'hooks';

export function emptyReceipts(): Receipts {
  const out = {} as Receipts;
  for (const t of TOOLS) {
    out[t] = { logRecords: 0, metricPoints: 0, spans: 0, hooks: 0, firstAt: null, lastAt: null };
  }
  return out;
}

export function countReceipt(r: Receipts, tool: Tool, kind: ReceiptKind, now: number): void {
  const t = r[tool];
  t[kind]++;
  t.firstAt ??= now;
  t.lastAt = now;
}

const METRIC_PREFIXES: ReadonlyArray<readonly [string, Tool]> = [
  ['claude_code.', 'claude-code'],
  ['codex.', 'codex'],
  ['gemini_cli.', 'gemini-cli'],
];

export function toolOfMetric(p: MetricPointView): Tool | undefined {
  for (const [prefix, tool] of METRIC_PREFIXES) if (p.name.startsWith(prefix)) return tool;
  return toolOfService(str(p.resource, 'service.name'));
}
