// Every metric the agent exports: name, unit, kind and the labels it may carry. The original
// design's 16 `ai.*` instruments keep their names and units; the rest is what the ledger and
// the live monitor know besides. Pure data: the instruments are made from it (instruments.ts),
// GET /metrics names series from it (prometheus-names.ts), and tests check dashboards by it.

/**
 * `counter`: cumulative and monotonic (observed from totals, so a restart continues it);
 * `updown`: a count of things present now (observed as a non-monotonic sum, which keeps the
 * Prometheus name free of the `_ratio` suffix a unit-"1" gauge gets); `gauge`: a level.
 */
export type MetricKind = 'counter' | 'updown' | 'gauge';

export interface MetricSpec {
  name: string;
  unit: string;
  kind: MetricKind;
  description: string;
  /** Labels it is observed with, before the allowlist (`export.labels`) is applied. */
  labels: readonly string[];
}

function spec(
  name: string,
  unit: string,
  kind: MetricKind,
  labels: readonly string[],
  description: string,
): MetricSpec {
  return { name, unit, kind, labels, description };
}

const TOKEN_LABELS = ['tool', 'model'] as const;

export const METRICS = {
  // The ledger's billed requests (observed from its totals).
  tokensInput: spec('ai.tokens.input', '1', 'counter', TOKEN_LABELS, 'Input tokens (not cached)'),
  tokensOutput: spec(
    'ai.tokens.output',
    '1',
    'counter',
    TOKEN_LABELS,
    'Output tokens (reasoning included)',
  ),
  tokensCacheRead: spec(
    'ai.tokens.cache_read',
    '1',
    'counter',
    TOKEN_LABELS,
    'Input tokens read from the prompt cache',
  ),
  tokensCacheWrite: spec(
    'ai.tokens.cache_write',
    '1',
    'counter',
    TOKEN_LABELS,
    'Input tokens written to the prompt cache (5-minute and 1-hour)',
  ),
  tokensReasoning: spec(
    'ai.tokens.reasoning',
    '1',
    'counter',
    TOKEN_LABELS,
    'Reasoning tokens (already part of output)',
  ),
  tokensCost: spec(
    'ai.tokens.cost_usd',
    '1',
    'counter',
    ['tool', 'model', 'cost_basis'],
    'Cost in USD: reported by the tool, or computed from the price table',
  ),
  promptCount: spec(
    'ai.prompt.count',
    '1',
    'counter',
    TOKEN_LABELS,
    'Billed model requests (each prompt the tool sent to the model)',
  ),
  // The live monitor.
  sessions: spec(
    'ai.sessions',
    '{session}',
    'updown',
    ['tool', 'state'],
    'Live sessions by state (working, waiting, completed, idle)',
  ),
  sessionWaiting: spec(
    'ai.session.waiting.duration',
    's',
    'counter',
    ['tool'],
    'Time sessions spent waiting for the user (a permission or a question)',
  ),
  sessionTurns: spec(
    'ai.session.turns.completed',
    '1',
    'counter',
    ['tool'],
    'Turns the agents finished',
  ),
  // Only with export.perSession: one series per recent session.
  sessionTokens: spec(
    'ai.session.tokens',
    '1',
    'counter',
    ['tool', 'model', 'session_id', 'type'],
    'Tokens of one session by type (input, output, cache_read, cache_write)',
  ),
  sessionCost: spec(
    'ai.session.cost_usd',
    '1',
    'counter',
    ['tool', 'model', 'session_id'],
    'Cost in USD of one session',
  ),
  // Workstation activity (the activity store: apps, CLI processes, sites, shell history).
  appRunning: spec(
    'ai.app.running',
    '1',
    'updown',
    ['app', 'category'],
    'AI desktop apps running now',
  ),
  appActive: spec(
    'ai.app.active.duration',
    's',
    'counter',
    ['app', 'category', 'source'],
    'Time an AI app was in use',
  ),
  appCpu: spec(
    'ai.app.cpu.usage',
    '%',
    'gauge',
    ['app', 'category'],
    'CPU use of a running AI app (100 = one core)',
  ),
  appMemory: spec(
    'ai.app.memory.usage',
    'MB',
    'gauge',
    ['app', 'category'],
    'Resident memory of a running AI app, in MB (10^6 bytes)',
  ),
  appCost: spec(
    'ai.app.estimated.cost',
    'USD',
    'counter',
    ['app', 'category'],
    "Estimated cost of an AI app's use, from the catalog's hourly rate",
  ),
  siteActive: spec(
    'ai.browser.domain.active.duration',
    's',
    'counter',
    ['domain', 'category', 'source'],
    'Time spent on an AI website',
  ),
  siteVisits: spec(
    'ai.browser.domain.visit.count',
    '1',
    'counter',
    ['domain', 'category', 'source'],
    'Visits to an AI website',
  ),
  siteCost: spec(
    'ai.browser.domain.estimated.cost',
    'USD',
    'counter',
    ['domain', 'category'],
    "Estimated cost of time on an AI website, from the catalog's hourly rate",
  ),
  cliRunning: spec(
    'ai.cli.running',
    '1',
    'updown',
    ['tool', 'category'],
    'AI command-line tools running now',
  ),
  cliActive: spec(
    'ai.cli.active.duration',
    's',
    'counter',
    ['tool', 'category', 'source'],
    'Time an AI command-line tool was running',
  ),
  cliCost: spec(
    'ai.cli.estimated.cost',
    'USD',
    'counter',
    ['tool', 'category'],
    "Estimated cost of an AI command-line tool's use, from the catalog's hourly rate",
  ),
  cliCommands: spec(
    'ai.cli.command.count',
    '1',
    'counter',
    ['tool', 'category'],
    'AI commands run in a shell (from shell history)',
  ),
} as const satisfies Record<string, MetricSpec>;

export type MetricId = keyof typeof METRICS;

export const ALL_METRICS: readonly MetricSpec[] = Object.values(METRICS);
