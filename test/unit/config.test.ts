import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { resolvePaths } from '../../src/config/paths.ts';
import { ConfigError, EXPORT_LABELS } from '../../src/config/schema.ts';
import { scratchHome } from '../support/cli.ts';

function withFile(text: string): string {
  const dir = scratchHome('aio-config-');
  const file = join(dir, 'config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('config layers', () => {
  test('defaults when there is no file', () => {
    const c = loadConfig('/nonexistent/config.yaml', {});
    assert.equal(c.server.host, '127.0.0.1');
    assert.equal(c.server.port, 4318);
    assert.equal(c.server.grpcPort, 4317);
    assert.equal(c.server.maxBodyBytes, 20 * 1024 * 1024);
    assert.equal(c.sessions.quietPeriodMs, 45_000);
  });

  test('file over defaults, environment over file, flags over all', () => {
    const file = withFile('server:\n  port: 5000\nsessions:\n  quietPeriod: 2m\n');
    const c = loadConfig(file, { AI_OBSERVER_SERVER_PORT: '6000' });
    assert.equal(c.server.port, 6000);
    assert.equal(c.sessions.quietPeriodMs, 120_000);
    const f = loadConfig(
      file,
      { AI_OBSERVER_SERVER_PORT: '6000' },
      {
        'server.port': { value: '7000', origin: 'command line' },
      },
    );
    assert.equal(f.server.port, 7000);
  });

  test('camelCase keys map to environment names', () => {
    const c = loadConfig('/none', {
      AI_OBSERVER_SERVER_GRPC_PORT: '0',
      AI_OBSERVER_SERVER_MAX_BODY_BYTES: '1MiB',
      AI_OBSERVER_NOTIFICATIONS_ENABLED: 'false',
    });
    assert.equal(c.server.grpcPort, 0);
    assert.equal(c.server.maxBodyBytes, 1024 * 1024);
    assert.equal(c.notifications.enabled, false);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['server:\n  port: 70000\n', {}, /server\.port .*at most 65535/],
    ['server:\n  port: abc\n', {}, /server\.port .*an integer/],
    ['server:\n  bogus: 1\n', {}, /unknown config key server\.bogus/],
    ['sessions:\n  quietPeriod: soon\n', {}, /sessions\.quietPeriod .*duration/],
    ['notifications:\n  enabled: maybe\n', {}, /notifications\.enabled/],
    ['- a\n- b\n', {}, /expected a mapping/],
    ['server: [1]\n', {}, /server .*expected a mapping/],
    ['server: {port: 1\n', {}, /invalid YAML/],
    [
      '',
      { AI_OBSERVER_SERVER_PORTT: '1' },
      /unknown environment variable AI_OBSERVER_SERVER_PORTT/,
    ],
    ['server:\n  host: 0.0.0.0\n', {}, /server\.host .*not a loopback/],
    [
      'server:\n  host: 0.0.0.0\n  allowRemote: true\n',
      {},
      /server\.token: a non-loopback server\.host needs a bearer token/,
    ],
  ];
  for (const [text, env, message] of bad) {
    test(`rejects ${JSON.stringify(text || env)}`, () => {
      const file = withFile(text);
      assert.throws(
        () => loadConfig(file, env),
        (err: Error) => {
          assert.ok(err instanceof ConfigError);
          assert.match(err.message, message);
          assert.equal(err.message.includes('\n'), false, 'one line');
          return true;
        },
      );
    });
  }

  test('a remote bind with a token is accepted', () => {
    const file = withFile(
      'server:\n  host: 0.0.0.0\n  allowRemote: true\n  token: 0123456789abcdef\n',
    );
    assert.equal(loadConfig(file, {}).server.host, '0.0.0.0');
  });
});

test('AI_OBSERVER_HOME moves every path', () => {
  const p = resolvePaths({ AI_OBSERVER_HOME: '/x' }, 'linux');
  assert.deepEqual(p, {
    configFile: '/x/config/config.yaml',
    dataDir: '/x/data',
    runtimeDir: '/x/run',
    snapshotFile: '/x/run/sessions.json',
  });
  const xdg = resolvePaths({ HOME: '/h', XDG_RUNTIME_DIR: '/run/user/1' }, 'linux');
  assert.equal(xdg.configFile, '/h/.config/ai-observer/config.yaml');
  assert.equal(xdg.snapshotFile, '/run/user/1/ai-observer/sessions.json');
});

describe('export keys', () => {
  test('defaults: GET /metrics on, no push, every allowed label, 15 s', () => {
    const c = loadConfig('/none', {}).export;
    assert.equal(c.prometheus, true);
    assert.equal(c.otlp.endpoint, '');
    assert.equal(c.otlp.protocol, 'grpc');
    assert.equal(c.intervalMs, 15_000);
    assert.deepEqual(c.labels, [...EXPORT_LABELS]);
    assert.equal(c.perSession, false);
  });

  test('the otlp subsection nests in YAML and flattens in the environment', () => {
    const file = withFile(
      'export:\n  interval: 30s\n  otlp:\n    endpoint: https://c.example.com:4317\n    token: t1\n    tls: on\n',
    );
    const c = loadConfig(file, { AI_OBSERVER_EXPORT_OTLP_PROTOCOL: 'http/protobuf' }).export;
    assert.equal(c.intervalMs, 30_000);
    assert.equal(c.otlp.endpoint, 'https://c.example.com:4317');
    assert.equal(c.otlp.endpointOrigin, file);
    assert.equal(c.otlp.token, 't1');
    assert.equal(c.otlp.tls, 'on');
    assert.equal(c.otlp.protocol, 'http/protobuf');
  });

  test('OTEL_* variables: metrics-specific over general, the seed names over both, AI_OBSERVER_* over all', () => {
    const file = withFile('export:\n  otlp:\n    endpoint: http://from-file:4317\n');
    const env: Record<string, string> = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4317',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics:4317',
    };
    assert.equal(loadConfig(file, env).export.otlp.endpoint, 'http://metrics:4317');
    assert.equal(
      loadConfig(file, env).export.otlp.endpointOrigin,
      'environment OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    );
    env.OTEL_ENDPOINT = 'http://seed:4317';
    assert.equal(loadConfig(file, env).export.otlp.endpoint, 'http://seed:4317');
    env.AI_OBSERVER_EXPORT_OTLP_ENDPOINT = 'http://ours:4317';
    assert.equal(loadConfig(file, env).export.otlp.endpoint, 'http://ours:4317');
    // An empty variable is unset.
    assert.equal(
      loadConfig(file, { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).export.otlp.endpoint,
      'http://from-file:4317',
    );
  });

  test('the other standard variables and OTEL_BEARER_TOKEN', () => {
    const c = loadConfig('/none', {
      OTEL_BEARER_TOKEN: 'sekret',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-a=1',
      OTEL_EXPORTER_OTLP_CERTIFICATE: '/etc/ca.pem',
      OTEL_EXPORTER_OTLP_INSECURE: 'true',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    }).export.otlp;
    assert.deepEqual(
      [c.token, c.protocol, c.headers, c.ca, c.tls, c.compression, c.timeoutMs],
      ['sekret', 'http/json', 'x-a=1', '/etc/ca.pem', 'off', 'none', 2500],
    );
    assert.equal(
      loadConfig('/none', { OTEL_EXPORTER_OTLP_INSECURE: 'false' }).export.otlp.tls,
      'auto',
    );
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    [
      '',
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' },
      /export\.otlp\.protocol \(from environment OTEL_EXPORTER_OTLP_PROTOCOL\): expected one of grpc, http\/protobuf, http\/json/,
    ],
    [
      '',
      { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' },
      /export\.otlp\.timeout .*OTEL_EXPORTER_OTLP_TIMEOUT/,
    ],
    ['export:\n  otlp:\n    tls: maybe\n', {}, /export\.otlp\.tls .*one of auto, on, off/],
    ['export:\n  labels: tool,session_id\n', {}, /export\.labels .*unknown label "session_id"/],
    ['export:\n  interval: 100ms\n', {}, /export\.interval .*at least 1000/],
    ['export:\n  otlp:\n    bogus: 1\n', {}, /unknown config key export\.otlp\.bogus/],
    ['export:\n  otlp: 5\n', {}, /export\.otlp .*expected a mapping/],
  ];
  for (const [text, env, message] of bad) {
    test(`rejects ${JSON.stringify(text || env)}`, () => {
      assert.throws(
        () => loadConfig(withFile(text), env),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  test('a narrower label allowlist', () => {
    const c = loadConfig(withFile('export:\n  labels: " tool , cost_basis"\n'), {});
    assert.deepEqual(c.export.labels, ['tool', 'cost_basis']);
  });
});
