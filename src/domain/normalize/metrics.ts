// Token and cost metrics → per-session increments. Logs are the precise per-request record;
// these only fill in a session's totals when its logs are not exported.

import type { TokenCounts, Tool } from '../events.ts';
import { MAX_TOKENS_PER_REQUEST, ZERO_TOKENS } from '../events.ts';
import type { MetricPointView } from '../telemetry.ts';
import { str } from './attrs.ts';

export interface MetricUsage {
  tool: Tool;
  sessionId: string;
  ts: number;
  model: string | undefined;
  tokens: TokenCounts;
  costUsd: number;
}

type TokenField = keyof TokenCounts;

// `type` attribute of each tool's token counter → our field.
const CLAUDE_TYPES: Record<string, TokenField> = {
  input: 'input',
  output: 'output',
  cacheRead: 'cacheRead',
  cacheCreation: 'cacheWrite5m',
};
const GEMINI_TYPES: Record<string, TokenField> = {
  input: 'input',
  output: 'output',
  thought: 'output',
  cache: 'cacheRead',
};

/** Which counter this is, or undefined when it carries no usage we count. */
export function usageMetric(
  p: MetricPointView,
): { tool: Tool; field: TokenField | 'cost' } | undefined {
  const type = str(p.attributes, 'type') ?? '';
  switch (p.name) {
    case 'claude_code.token.usage': {
      const field = CLAUDE_TYPES[type];
      return field === undefined ? undefined : { tool: 'claude-code', field };
    }
    case 'claude_code.cost.usage':
      return { tool: 'claude-code', field: 'cost' };
    case 'gemini_cli.token.usage': {
      const field = GEMINI_TYPES[type];
      return field === undefined ? undefined : { tool: 'gemini-cli', field };
    }
    default:
      return undefined;
  }
}

/** The usage one increment of a counter stands for; undefined without a session id. */
export function metricUsage(p: MetricPointView, increment: number): MetricUsage | undefined {
  // Above the cap it is not a count (see MAX_TOKENS_PER_REQUEST); a cost that large neither.
  if (!(increment > 0 && increment <= MAX_TOKENS_PER_REQUEST)) return undefined;
  const which = usageMetric(p);
  if (which === undefined) return undefined;
  const sessionId = str(p.attributes, 'session.id') ?? str(p.resource, 'session.id');
  if (sessionId === undefined) return undefined;
  const tokens = { ...ZERO_TOKENS };
  let costUsd = 0;
  if (which.field === 'cost') costUsd = increment;
  else tokens[which.field] = Math.round(increment);
  if (p.name === 'gemini_cli.token.usage') {
    // Gemini's input count includes cached content, which the `cache` series counts again.
    if (str(p.attributes, 'type') === 'cache') tokens.input = -tokens.cacheRead;
    if (str(p.attributes, 'type') === 'thought') tokens.reasoning = tokens.output;
  }
  return {
    tool: which.tool,
    sessionId,
    ts: p.timeMs,
    model: str(p.attributes, 'model'),
    tokens,
    costUsd,
  };
}
