// deploy/: the compose files, the collector and Prometheus configs and the Grafana provisioning
// parse and fit together, and the dashboards query only metrics and labels the agent emits.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { DASHBOARDS, dashboardJson } from '../../scripts/gen-dashboards.ts';
import { startExportAgent } from '../support/export-agent.ts';
import { MemoryActivity } from '../support/memory-activity.ts';

const DEPLOY = join(import.meta.dirname, '../../deploy');
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is walked by key
type Doc = any;
const yaml = (file: string): Doc => parse(readFileSync(join(DEPLOY, file), 'utf8'));

describe('compose', () => {
  const compose = yaml('compose.yaml');

  test('collector (contrib), Prometheus with 30 days, Grafana', () => {
    const s = compose.services;
    assert.match(
      s['otel-collector'].image,
      /^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/,
    );
    assert.match(s.prometheus.image, /^prom\/prometheus:v\d/);
    assert.match(s.grafana.image, /^grafana\/grafana:\d/);
    assert.ok(s.prometheus.command.includes('--storage.tsdb.retention.time=30d'));
    assert.deepEqual(s['otel-collector'].ports, ['4317:4317', '4318:4318']);
    assert.match(s['otel-collector'].environment.AI_OBSERVER_TOKEN, /^\$\{AI_OBSERVER_TOKEN:\?/);
  });

  test('every file it mounts ships in deploy/', () => {
    for (const file of ['compose.yaml', 'compose.tls.yaml']) {
      for (const [name, service] of Object.entries(yaml(file).services as Record<string, Doc>)) {
        for (const v of service.volumes ?? []) {
          const source = String(v).split(':')[0]!;
          // Named volumes, and the user's own certificates.
          if (!source.startsWith('./') || source === './tls') continue;
          assert.ok(existsSync(join(DEPLOY, source)), `${file} ${name}: ${source} is missing`);
        }
      }
    }
  });

  test('the TLS override swaps in the TLS collector config', () => {
    const vols: string[] = yaml('compose.tls.yaml').services['otel-collector'].volumes;
    assert.ok(vols.includes('./otel-collector.tls.yaml:/etc/otelcol-contrib/config.yaml:ro'));
    assert.ok(vols.includes('./tls:/etc/otelcol-contrib/tls:ro'));
  });
});

for (const file of ['otel-collector.yaml', 'otel-collector.tls.yaml']) {
  describe(file, () => {
    const c = yaml(file);

    test('bearer-token auth on OTLP gRPC and HTTP', () => {
      assert.match(c.extensions.bearertokenauth.token, /^\$\{env:AI_OBSERVER_TOKEN\}$/);
      for (const p of ['grpc', 'http']) {
        assert.equal(c.receivers.otlp.protocols[p].auth.authenticator, 'bearertokenauth', p);
      }
      assert.ok(c.service.extensions.includes('bearertokenauth'));
    });

    test('batch and resource processors; the Prometheus exporter turns resources into labels', () => {
      const pipe = c.service.pipelines.metrics;
      assert.deepEqual(pipe.receivers, ['otlp']);
      assert.ok(pipe.processors.includes('batch') && pipe.processors.includes('resource'));
      assert.deepEqual(pipe.exporters, ['prometheus']);
      assert.equal(c.exporters.prometheus.resource_to_telemetry_conversion.enabled, true);
      // No namespace and default suffixes: the names the dashboards use (prometheus-names.ts).
      assert.equal(c.exporters.prometheus.namespace, undefined);
      assert.equal(c.exporters.prometheus.add_metric_suffixes, undefined);
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const name of pipe[kind]) assert.ok(c[kind][name], `${kind}.${name} is defined`);
      }
      for (const name of c.service.extensions) assert.ok(c.extensions[name], `extension ${name}`);
    });

    test('the exporter port is the one Prometheus scrapes', () => {
      const prom = yaml('prometheus.yml');
      const port = String(c.exporters.prometheus.endpoint).split(':').at(-1);
      const targets = prom.scrape_configs.flatMap((s: Doc) =>
        s.static_configs.flatMap((x: Doc) => x.targets),
      );
      assert.ok(targets.includes(`otel-collector:${port}`));
    });

    if (file.includes('tls')) {
      test('TLS on both receivers, with the mounted certificate', () => {
        for (const p of ['grpc', 'http']) {
          assert.equal(
            c.receivers.otlp.protocols[p].tls.cert_file,
            '/etc/otelcol-contrib/tls/server.crt',
          );
          assert.equal(
            c.receivers.otlp.protocols[p].tls.key_file,
            '/etc/otelcol-contrib/tls/server.key',
          );
        }
      });
    }
  });
}

describe('prometheus.yml', () => {
  test('promtool accepts it', () => {
    const r = spawnSync('promtool', ['check', 'config', join(DEPLOY, 'prometheus.yml')], {
      encoding: 'utf8',
    });
    assert.ifError(r.error ?? null);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

describe('Grafana provisioning', () => {
  const compose = yaml('compose.yaml');
  const mounts: string[] = compose.services.grafana.volumes;

  test('the data source is the one the dashboards name; the provider reads the mounted folder', () => {
    const ds = yaml('grafana/provisioning/datasources/prometheus.yaml').datasources[0];
    assert.equal(ds.uid, 'prometheus');
    assert.equal(ds.type, 'prometheus');
    assert.equal(ds.url, 'http://prometheus:9090');
    const provider = yaml('grafana/provisioning/dashboards/ai-observer.yaml').providers[0];
    assert.ok(mounts.includes(`./grafana/dashboards:${provider.options.path}:ro`));
    assert.ok(mounts.includes('./grafana/provisioning:/etc/grafana/provisioning:ro'));
  });
});

describe('dashboards', () => {
  const dir = join(DEPLOY, 'grafana/dashboards');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  // biome-ignore lint/suspicious/noExplicitAny: dashboard JSON
  const boards: Array<{ file: string; json: any }> = files.map((file) => ({
    file,
    json: JSON.parse(readFileSync(join(dir, file), 'utf8')),
  }));

  test('the four dashboards, as scripts/gen-dashboards.ts makes them', () => {
    assert.deepEqual(files.sort(), DASHBOARDS.map((d) => d.file).sort());
    for (const d of DASHBOARDS) {
      const shipped = boards.find((b) => b.file === d.file)!.json;
      assert.deepEqual(shipped, dashboardJson(d), `${d.file}: run npm run gen:dashboards`);
    }
  });

  test('each has a $host multi-select, and every query filters on it', () => {
    for (const { file, json } of boards) {
      const host = json.templating.list.find((v: Doc) => v.name === 'host');
      assert.ok(host, `${file}: $host`);
      assert.equal(host.multi, true);
      assert.equal(host.includeAll, true);
      for (const p of json.panels) {
        assert.equal(p.datasource.uid, 'prometheus');
        for (const t of p.targets) {
          const selectors = t.expr.match(/\bai_\w+(\{[^}]*\})?/g) as string[];
          for (const s of selectors) {
            assert.match(s, /host_name=~"\$host"/, `${file} / ${p.title}: ${s}`);
          }
        }
      }
    }
  });

  let close: (() => Promise<void>) | undefined;
  after(async () => close?.());

  test('they query only metrics and labels the agent emits', async () => {
    const activity = new MemoryActivity();
    activity.add({ kind: 'app', subject: 'A', category: 'c', source: 'process', activeSeconds: 1 });
    activity.add({ kind: 'cli', subject: 'B', category: 'c', source: 'process', activeSeconds: 1 });
    activity.add({ kind: 'site', subject: 'x.ai', category: 'c', source: 'history', visits: 1 });
    activity.setRunning([
      { kind: 'app', subject: 'A', category: 'c', instances: 1, cpuPercent: 1, memoryBytes: 1 },
    ]);
    const exp = await startExportAgent({ activity });
    close = () => exp.close();
    exp.agent.ledger.addUsage([
      {
        key: 'deploy-test-1',
        ts: Date.now(),
        tool: 'codex',
        sessionId: 's',
        model: 'gpt-5',
        project: undefined,
        tokens: {
          input: 1,
          output: 1,
          cacheRead: 1,
          cacheWrite5m: 1,
          cacheWrite1h: 0,
          reasoning: 1,
        },
        costUsd: 0.1,
        costBasis: 'reported',
        sources: ['log'],
      },
    ]);
    const text = await (await fetch(`${exp.url}/metrics`)).text();
    const emitted = new Map<string, Set<string>>();
    for (const line of text.split('\n')) {
      const m = /^(\w+)\{(.*)\} /.exec(line);
      if (m === null) continue;
      const labels = emitted.get(m[1]!) ?? new Set<string>();
      for (const l of m[2]!.matchAll(/(\w+)="/g)) labels.add(l[1]!);
      emitted.set(m[1]!, labels);
    }

    const used = new Set<string>();
    for (const { file, json } of boards) {
      const exprs: string[] = json.panels.flatMap((p: Doc) => p.targets.map((t: Doc) => t.expr));
      exprs.push(json.templating.list.find((v: Doc) => v.name === 'host').query.query);
      for (const expr of exprs) {
        const metrics = [...expr.matchAll(/\b(ai_\w+)/g)].map((m) => m[1]!);
        assert.ok(metrics.length > 0, `${file}: ${expr} queries no ai_ metric`);
        const labels = new Set<string>();
        for (const sel of expr.matchAll(/\{([^}]*)\}/g)) {
          for (const l of sel[1]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) labels.add(l[1]!);
        }
        for (const by of expr.matchAll(/\bby \(([^)]*)\)/g)) {
          for (const l of by[1]!.split(',')) labels.add(l.trim());
        }
        const lv = /label_values\(\w+,\s*(\w+)\)/.exec(expr);
        if (lv !== null) labels.add(lv[1]!);
        for (const metric of metrics) {
          used.add(metric);
          const have = emitted.get(metric);
          assert.ok(have, `${file}: ${metric} is not emitted (${expr})`);
          for (const l of labels) {
            assert.ok(have.has(l), `${file}: ${metric} has no label ${l} (${expr})`);
          }
        }
      }
    }
    // And every metric but the per-session ones (off by default) is on some dashboard.
    const unused = [...emitted.keys()].filter(
      (m) =>
        m !== 'target_info' &&
        !m.startsWith('ai_session_tokens') &&
        !m.startsWith('ai_session_cost') &&
        !used.has(m),
    );
    assert.deepEqual(unused, []);
  });
});
