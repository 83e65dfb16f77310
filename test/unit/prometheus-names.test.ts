import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_METRICS, type MetricKind } from '../../src/export/catalog.ts';
import { type PrometheusType, prometheusName } from '../../src/export/prometheus-names.ts';

// The OpenTelemetry → Prometheus compatibility rules, as the collector's Prometheus exporter
// applies them with its default (suffixes on).
const CASES: Array<[string, string, PrometheusType, string]> = [
  ['http.server.duration', 's', 'gauge', 'http_server_duration_seconds'],
  ['requests.count', '1', 'monotonic-sum', 'requests_count_total'],
  ['memory.usage', 'By', 'gauge', 'memory_usage_bytes'],
  ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
  ['queue.length', '1', 'sum', 'queue_length'],
  ['throughput', 'By/s', 'gauge', 'throughput_bytes_per_second'],
  ['items', '{item}', 'monotonic-sum', 'items_total'],
  ['already.total', '1', 'monotonic-sum', 'already_total'],
  ['total.things', '1', 'monotonic-sum', 'things_total'],
  ['latency.seconds', 's', 'gauge', 'latency_seconds'],
  ['odd__name..x', 'MB', 'gauge', 'odd_name_x_MB'],
  ['cost', 'USD', 'monotonic-sum', 'cost_USD_total'],
  ['load', '%', 'gauge', 'load_percent'],
  ['2xx.responses', '1', 'monotonic-sum', '_2xx_responses_total'],
];

for (const [name, unit, type, want] of CASES) {
  test(`${name} [${unit}] as ${type} → ${want}`, () => {
    assert.equal(prometheusName(name, unit, type), want);
  });
}

const TYPE: Record<MetricKind, PrometheusType> = {
  counter: 'monotonic-sum',
  updown: 'sum',
  gauge: 'gauge',
};

test('the exported metrics under their Prometheus names (what the dashboards query)', () => {
  const names = Object.fromEntries(
    ALL_METRICS.map((m) => [m.name, prometheusName(m.name, m.unit, TYPE[m.kind])]),
  );
  assert.deepEqual(names, {
    'ai.tokens.input': 'ai_tokens_input_total',
    'ai.tokens.output': 'ai_tokens_output_total',
    'ai.tokens.cache_read': 'ai_tokens_cache_read_total',
    'ai.tokens.cache_write': 'ai_tokens_cache_write_total',
    'ai.tokens.reasoning': 'ai_tokens_reasoning_total',
    'ai.tokens.cost_usd': 'ai_tokens_cost_usd_total',
    'ai.prompt.count': 'ai_prompt_count_total',
    'ai.sessions': 'ai_sessions',
    'ai.session.waiting.duration': 'ai_session_waiting_duration_seconds_total',
    'ai.session.turns.completed': 'ai_session_turns_completed_total',
    'ai.session.tokens': 'ai_session_tokens_total',
    'ai.session.cost_usd': 'ai_session_cost_usd_total',
    'ai.app.running': 'ai_app_running',
    'ai.app.active.duration': 'ai_app_active_duration_seconds_total',
    'ai.app.cpu.usage': 'ai_app_cpu_usage_percent',
    'ai.app.memory.usage': 'ai_app_memory_usage_MB',
    'ai.app.estimated.cost': 'ai_app_estimated_cost_USD_total',
    'ai.browser.domain.active.duration': 'ai_browser_domain_active_duration_seconds_total',
    'ai.browser.domain.visit.count': 'ai_browser_domain_visit_count_total',
    'ai.browser.domain.estimated.cost': 'ai_browser_domain_estimated_cost_USD_total',
    'ai.cli.running': 'ai_cli_running',
    'ai.cli.active.duration': 'ai_cli_active_duration_seconds_total',
    'ai.cli.estimated.cost': 'ai_cli_estimated_cost_USD_total',
    'ai.cli.command.count': 'ai_cli_command_count_total',
  });
});
