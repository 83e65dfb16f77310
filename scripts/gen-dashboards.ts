// Writes the Grafana dashboards in deploy/grafana/dashboards/ from the short descriptions
// below, so that every dashboard has the same `$host` selector, data source and layout rules.
//
//   npm run gen:dashboards
//
// The JSON files are what ships (Grafana provisions them); test/unit/deploy.test.ts checks
// they hold what this script makes, and test/integration/prometheus.test.ts runs every query
// in them against a real Prometheus scraping the agent.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DASHBOARD_DIR = join(root, 'deploy', 'grafana', 'dashboards');

const DS = { type: 'prometheus', uid: 'prometheus' };
/** Every query's series filter: the hosts picked in the `$host` selector. */
const H = '{host_name=~"$host"}';

interface Target {
  expr: string;
  legend?: string;
  /** A table or stat of one value per series rather than a line over time. */
  instant?: boolean;
}

interface PanelSpec {
  title: string;
  type: 'stat' | 'timeseries' | 'table' | 'bargauge' | 'piechart';
  unit: string;
  description: string;
  targets: Target[];
  /** Panel time override: `now/d` (today so far), `now/M` (this month so far). */
  timeFrom?: string;
  w?: number;
  h?: number;
}

interface DashboardSpec {
  uid: string;
  title: string;
  file: string;
  description: string;
  panels: PanelSpec[];
}

const inc = (metric: string, by: string) => `sum by (${by}) (increase(${metric}${H}[$__range]))`;
const incAll = (metric: string) => `sum(increase(${metric}${H}[$__range]))`;

const COST_SOURCES: Target[] = [
  { expr: incAll('ai_tokens_cost_usd_total'), legend: 'AI tools (tokens)', instant: true },
  { expr: incAll('ai_app_estimated_cost_USD_total'), legend: 'apps (estimated)', instant: true },
  { expr: incAll('ai_cli_estimated_cost_USD_total'), legend: 'CLIs (estimated)', instant: true },
  {
    expr: incAll('ai_browser_domain_estimated_cost_USD_total'),
    legend: 'websites (estimated)',
    instant: true,
  },
];

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: 'ai-observer-overview',
    title: 'AI observer / Overview',
    file: 'overview.json',
    description: 'What the AI tools cost today and this month, and what runs now, on every host.',
    panels: [
      {
        title: 'Cost today by source',
        type: 'stat',
        unit: 'currencyUSD',
        description:
          'Token cost (reported by the tools or computed from prices) and the estimated cost of time in AI apps, CLIs and websites, since midnight.',
        targets: COST_SOURCES,
        timeFrom: 'now/d',
      },
      {
        title: 'Cost this month by source',
        type: 'stat',
        unit: 'currencyUSD',
        description: 'As above, since the first of the month.',
        targets: COST_SOURCES,
        timeFrom: 'now/M',
      },
      {
        title: 'Live sessions',
        type: 'stat',
        unit: 'short',
        description: 'Agent sessions by state, now.',
        targets: [{ expr: `sum by (state) (ai_sessions${H})`, legend: '{{state}}', instant: true }],
      },
      {
        title: 'Live sessions by host',
        type: 'table',
        unit: 'short',
        description: 'Sessions that are not idle, by host, tool and state.',
        targets: [
          {
            expr: `sum by (host_name, tool, state) (ai_sessions{host_name=~"$host",state!="idle"}) > 0`,
            instant: true,
          },
        ],
      },
      {
        title: 'Running AI tools',
        type: 'table',
        unit: 'short',
        description: 'AI desktop apps and command-line tools running now.',
        targets: [
          { expr: `sum by (host_name, app) (ai_app_running${H}) > 0`, instant: true },
          { expr: `sum by (host_name, tool) (ai_cli_running${H}) > 0`, instant: true },
        ],
      },
      {
        title: 'Token cost per hour by host',
        type: 'timeseries',
        unit: 'currencyUSD',
        description: 'How fast each host spends on tokens.',
        targets: [
          {
            expr: `sum by (host_name) (rate(ai_tokens_cost_usd_total${H}[$__rate_interval])) * 3600`,
            legend: '{{host_name}}',
          },
        ],
        w: 24,
      },
    ],
  },
  {
    uid: 'ai-observer-agents',
    title: 'AI observer / Agents',
    file: 'agents.json',
    description: 'Claude Code, Codex and Gemini CLI sessions: states, waiting, tokens and cost.',
    panels: [
      {
        title: 'Sessions by state',
        type: 'timeseries',
        unit: 'short',
        description: 'Live sessions over time by state.',
        targets: [{ expr: `sum by (state) (ai_sessions${H})`, legend: '{{state}}' }],
      },
      {
        title: 'Sessions by tool and state',
        type: 'table',
        unit: 'short',
        description: 'Live sessions now.',
        targets: [{ expr: `sum by (tool, state) (ai_sessions${H})`, instant: true }],
      },
      {
        title: 'Time waiting for you',
        type: 'bargauge',
        unit: 's',
        description: 'How long agents waited on a permission or a question, in the time range.',
        targets: [
          {
            expr: inc('ai_session_waiting_duration_seconds_total', 'tool'),
            legend: '{{tool}}',
            instant: true,
          },
        ],
      },
      {
        title: 'Turns completed',
        type: 'bargauge',
        unit: 'short',
        description: 'Turns the agents finished in the time range.',
        targets: [
          {
            expr: inc('ai_session_turns_completed_total', 'tool'),
            legend: '{{tool}}',
            instant: true,
          },
        ],
      },
      {
        title: 'Requests by tool',
        type: 'bargauge',
        unit: 'short',
        description: 'Billed model requests in the time range.',
        targets: [
          { expr: inc('ai_prompt_count_total', 'tool'), legend: '{{tool}}', instant: true },
        ],
      },
      {
        title: 'Tokens by tool and model',
        type: 'table',
        unit: 'short',
        description: 'Tokens in the time range: input, output, cache reads, cache writes.',
        targets: [
          { expr: inc('ai_tokens_input_total', 'tool, model'), instant: true },
          { expr: inc('ai_tokens_output_total', 'tool, model'), instant: true },
          { expr: inc('ai_tokens_cache_read_total', 'tool, model'), instant: true },
          { expr: inc('ai_tokens_cache_write_total', 'tool, model'), instant: true },
        ],
      },
      {
        title: 'Cost by tool and model',
        type: 'table',
        unit: 'currencyUSD',
        description: 'Token cost in the time range.',
        targets: [{ expr: inc('ai_tokens_cost_usd_total', 'tool, model'), instant: true }],
      },
      {
        title: 'Output tokens per minute by tool',
        type: 'timeseries',
        unit: 'short',
        description: 'How fast each tool produces output.',
        targets: [
          {
            expr: `sum by (tool) (rate(ai_tokens_output_total${H}[$__rate_interval])) * 60`,
            legend: '{{tool}}',
          },
        ],
      },
    ],
  },
  {
    uid: 'ai-observer-activity',
    title: 'AI observer / Apps & Web',
    file: 'apps-and-web.json',
    description: 'Time and estimated cost of AI desktop apps, command-line tools and websites.',
    panels: [
      {
        title: 'App time',
        type: 'bargauge',
        unit: 's',
        description: 'Time in AI desktop apps in the time range.',
        targets: [
          {
            expr: inc('ai_app_active_duration_seconds_total', 'app'),
            legend: '{{app}}',
            instant: true,
          },
        ],
      },
      {
        title: 'CLI time',
        type: 'bargauge',
        unit: 's',
        description: 'Time AI command-line tools ran in the time range.',
        targets: [
          {
            expr: inc('ai_cli_active_duration_seconds_total', 'tool'),
            legend: '{{tool}}',
            instant: true,
          },
        ],
      },
      {
        title: 'Website time',
        type: 'bargauge',
        unit: 's',
        description: 'Time on AI websites in the time range.',
        targets: [
          {
            expr: inc('ai_browser_domain_active_duration_seconds_total', 'domain'),
            legend: '{{domain}}',
            instant: true,
          },
        ],
      },
      {
        title: 'Estimated cost',
        type: 'table',
        unit: 'currencyUSD',
        description: "From the catalog's hourly rates: apps, CLIs and websites.",
        targets: [
          { expr: inc('ai_app_estimated_cost_USD_total', 'app'), instant: true },
          { expr: inc('ai_cli_estimated_cost_USD_total', 'tool'), instant: true },
          { expr: inc('ai_browser_domain_estimated_cost_USD_total', 'domain'), instant: true },
        ],
      },
      {
        title: 'Website visits',
        type: 'bargauge',
        unit: 'short',
        description: 'Visits to AI websites in the time range.',
        targets: [
          {
            expr: inc('ai_browser_domain_visit_count_total', 'domain'),
            legend: '{{domain}}',
            instant: true,
          },
        ],
      },
      {
        title: 'AI commands in shells',
        type: 'bargauge',
        unit: 'short',
        description: 'AI commands run in a shell in the time range (from shell history).',
        targets: [
          { expr: inc('ai_cli_command_count_total', 'tool'), legend: '{{tool}}', instant: true },
        ],
      },
      {
        title: 'Running now',
        type: 'table',
        unit: 'short',
        description: 'AI apps and CLIs running now, by host.',
        targets: [
          { expr: `sum by (host_name, app) (ai_app_running${H})`, instant: true },
          { expr: `sum by (host_name, tool) (ai_cli_running${H})`, instant: true },
        ],
      },
      {
        title: 'App CPU',
        type: 'timeseries',
        unit: 'percent',
        description: 'CPU use of running AI apps (100 = one core).',
        targets: [{ expr: `sum by (app) (ai_app_cpu_usage_percent${H})`, legend: '{{app}}' }],
      },
      {
        title: 'App memory',
        type: 'timeseries',
        unit: 'decmbytes',
        description: 'Resident memory of running AI apps.',
        targets: [{ expr: `sum by (app) (ai_app_memory_usage_MB${H})`, legend: '{{app}}' }],
      },
    ],
  },
  {
    uid: 'ai-observer-tokens',
    title: 'AI observer / Tokens & Cost',
    file: 'tokens-and-cost.json',
    description:
      'Tokens and cost by model, the prompt-cache share, reported against computed cost.',
    panels: [
      {
        title: 'Cost by model',
        type: 'piechart',
        unit: 'currencyUSD',
        description: 'Token cost in the time range.',
        targets: [
          { expr: inc('ai_tokens_cost_usd_total', 'model'), legend: '{{model}}', instant: true },
        ],
      },
      {
        title: 'Reported vs computed cost',
        type: 'piechart',
        unit: 'currencyUSD',
        description:
          'Cost the tools reported, against cost computed from the price table for requests that came without one.',
        targets: [
          {
            expr: inc('ai_tokens_cost_usd_total', 'cost_basis'),
            legend: '{{cost_basis}}',
            instant: true,
          },
        ],
      },
      {
        title: 'Cache share',
        type: 'stat',
        unit: 'percentunit',
        description: 'Share of input tokens read from the prompt cache in the time range.',
        targets: [
          {
            expr: `${incAll('ai_tokens_cache_read_total')} / (${incAll('ai_tokens_input_total')} + ${incAll('ai_tokens_cache_read_total')} + ${incAll('ai_tokens_cache_write_total')})`,
            instant: true,
          },
        ],
      },
      {
        title: 'Tokens by model',
        type: 'table',
        unit: 'short',
        description: 'Tokens in the time range by type; reasoning is part of output.',
        targets: [
          { expr: inc('ai_tokens_input_total', 'model'), instant: true },
          { expr: inc('ai_tokens_output_total', 'model'), instant: true },
          { expr: inc('ai_tokens_cache_read_total', 'model'), instant: true },
          { expr: inc('ai_tokens_cache_write_total', 'model'), instant: true },
          { expr: inc('ai_tokens_reasoning_total', 'model'), instant: true },
        ],
      },
      {
        title: 'Cost per hour by model',
        type: 'timeseries',
        unit: 'currencyUSD',
        description: 'How fast each model spends.',
        targets: [
          {
            expr: `sum by (model) (rate(ai_tokens_cost_usd_total${H}[$__rate_interval])) * 3600`,
            legend: '{{model}}',
          },
        ],
      },
      {
        title: 'All-time cost by host',
        type: 'table',
        unit: 'currencyUSD',
        description:
          "Each host's ledger totals: everything it recorded, including before it first exported.",
        targets: [
          { expr: `sum by (host_name, device_id) (ai_tokens_cost_usd_total${H})`, instant: true },
          { expr: `sum by (host_name, device_id) (ai_prompt_count_total${H})`, instant: true },
        ],
      },
    ],
  },
];

function hostVariable() {
  const query = 'label_values(ai_sessions, host_name)';
  return {
    name: 'host',
    label: 'Host',
    type: 'query',
    datasource: DS,
    definition: query,
    query: { query, refId: 'host' },
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
  };
}

function panel(p: PanelSpec, id: number, x: number, y: number) {
  const w = p.w ?? 12;
  const h = p.h ?? 8;
  return {
    id,
    type: p.type,
    title: p.title,
    description: p.description,
    datasource: DS,
    gridPos: { h, w, x, y },
    ...(p.timeFrom !== undefined ? { timeFrom: p.timeFrom } : {}),
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    options:
      p.type === 'stat' || p.type === 'bargauge' || p.type === 'piechart'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } }
        : {},
    targets: p.targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DS,
      expr: t.expr,
      ...(t.legend !== undefined ? { legendFormat: t.legend } : {}),
      ...(t.instant ? { instant: true, range: false } : { instant: false, range: true }),
      ...(p.type === 'table' ? { format: 'table' } : {}),
    })),
  };
}

export function dashboardJson(d: DashboardSpec) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = d.panels.map((p, i) => {
    const w = p.w ?? 12;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const out = panel(p, i + 1, x, y);
    x += w;
    rowHeight = Math.max(rowHeight, p.h ?? 8);
    return out;
  });
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['ai-observer'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    timezone: 'browser',
    templating: { list: [hostVariable()] },
    annotations: { list: [] },
    links: [{ type: 'dashboards', tags: ['ai-observer'], title: 'AI observer', asDropdown: true }],
    panels,
  };
}

export function dashboardText(d: DashboardSpec): string {
  return `${JSON.stringify(dashboardJson(d), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = DASHBOARDS.map((d) => {
    const file = join(DASHBOARD_DIR, d.file);
    writeFileSync(file, dashboardText(d));
    return file;
  });
  // In the project's format, so `npm run format:check` passes on them as written.
  const biome = join(root, 'node_modules', '.bin', 'biome');
  const r = spawnSync(biome, ['format', '--write', ...files], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  for (const f of files) console.log(`wrote ${f}`);
}
