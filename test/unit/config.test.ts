import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { resolvePaths } from '../../src/config/paths.ts';
import { ConfigError } from '../../src/config/schema.ts';
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
