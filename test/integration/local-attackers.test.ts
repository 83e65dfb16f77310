// Local attackers against the real HTTP port: DNS rebinding (Host header variants refused on
// every route before the body is read), browser pages on the telemetry routes (any Origin),
// path tricks around the token check, and listening beyond loopback without a token.
// (The cross-site form and text/plain POSTs run in Chromium: test/e2e/csrf.test.ts.)

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildConfig, ConfigError, flattenDocument } from '../../src/config/schema.ts';
import { startTestServer, type TestServer } from '../support/agent.ts';
import { claudeLogsRequest, toProtobuf } from '../support/otlp-builders.ts';

/** Every route the port answers, with the method it takes. */
const ROUTES: Array<[method: string, path: string]> = [
  ['GET', '/'],
  ['GET', '/assets/index.js'],
  ['GET', '/health'],
  ['GET', '/metrics'],
  ['GET', '/api/sessions'],
  ['GET', '/api/sessions/some-session'],
  ['GET', '/api/stream'],
  ['GET', '/api/stats'],
  ['GET', '/api/summary'],
  ['GET', '/api/usage'],
  ['GET', '/api/blocks'],
  ['GET', '/api/activity'],
  ['POST', '/api/sessions/some-session/ack'],
  ['POST', '/api/hooks/claude'],
  ['POST', '/api/hooks/codex'],
  ['POST', '/v1/logs'],
  ['POST', '/v1/metrics'],
  ['POST', '/v1/traces'],
  ['POST', '/api/extension/pair'],
  ['GET', '/api/extension/catalog'],
  ['GET', '/api/extension/today'],
  ['POST', '/api/extension/events'],
  ['GET', '/no-such-route'],
];

/** Host header values a page on another name (or a numeric trick) would send. */
const BAD_HOSTS: Array<string | undefined> = [
  undefined, // no Host at all
  '',
  'evil.example',
  'evil.example:4318',
  'localhost.evil',
  'localhost.evil:4318',
  'localhost.',
  'sub.localhost.attacker.test',
  '127.0.0.1.nip.io',
  '127.0.0.1.nip.io:4318',
  '0x7f.1',
  '0x7f000001',
  '2130706433',
  '017700000001',
  '127.1',
  '0.0.0.0',
  '[::ffff:7f00:1]',
  '[::ffff:127.0.0.1]:4318',
  '[0:0:0:0:0:0:0:1]',
  'localhost:4318@evil.example',
  'localhost evil.example',
  '127.0.0.1:4318:80',
];

interface RawReply {
  status: number;
  text: string;
  ms: number;
}

/**
 * Sends a request's head over a raw socket — with a Content-Length far larger than anything
 * that follows, and no body — and reads the answer: a server that reads the body first would
 * never answer.
 */
function head(
  port: number,
  method: string,
  path: string,
  headers: Array<[string, string]>,
  body?: Buffer,
): Promise<RawReply> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => {
      const lines = [`${method} ${path} HTTP/1.1`, ...headers.map(([k, v]) => `${k}: ${v}`)];
      sock.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (body !== undefined) sock.write(body);
    });
    let got = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`${method} ${path}: no answer within 3 s (${JSON.stringify(got)})`));
    }, 3000);
    sock.on('data', (c) => {
      got += c.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m !== null && got.includes('\r\n\r\n')) {
        clearTimeout(timer);
        sock.destroy();
        resolve({ status: Number(m[1]), text: got, ms: Date.now() - started });
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function counters(srv: TestServer) {
  const s = srv.monitor.stats;
  return [s.logRecords, s.metricPoints, s.spans, s.hooks, srv.monitor.sessionCount];
}

describe('DNS rebinding: Host allowlist', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  test(`${BAD_HOSTS.length} Host variants × ${ROUTES.length} routes: 403 before the body is read`, async () => {
    assert.ok(BAD_HOSTS.length >= 12);
    const before = counters(srv);
    for (const host of BAD_HOSTS) {
      for (const [method, path] of ROUTES) {
        const headers: Array<[string, string]> = [];
        if (host !== undefined) headers.push(['Host', host]);
        headers.push(['Content-Type', 'application/json'], ['Connection', 'close']);
        if (method === 'POST') headers.push(['Content-Length', '10000000']);
        const r = await head(srv.web.port, method, path, headers);
        assert.equal(r.status, 403, `Host ${JSON.stringify(host)} ${method} ${path}: ${r.text}`);
        assert.match(r.text, /Host|not allowed/);
      }
    }
    assert.deepEqual(counters(srv), before, 'nothing recorded');
  });

  test('loopback names are allowed (with and without a port)', async () => {
    for (const host of ['localhost', 'LOCALHOST:4318', '127.0.0.1', '127.0.0.1:1', '[::1]:4318']) {
      const r = await head(srv.web.port, 'GET', '/health', [['Host', host]]);
      assert.equal(r.status, 200, host);
    }
  });
});

describe('browser pages on telemetry and hook routes', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  test('any Origin is refused with 403 on OTLP, hook and ack routes, before the body', async () => {
    const before = counters(srv);
    const body = Buffer.from(toProtobuf(claudeLogsRequest({ count: 2, sessionId: 'from-page' })));
    for (const origin of [
      'https://evil.example',
      'null',
      'http://127.0.0.1:4318',
      'http://localhost:4318',
      'chrome-extension://abcdefghijklmnop',
      '',
    ]) {
      for (const path of [
        '/v1/logs',
        '/v1/metrics',
        '/v1/traces',
        '/api/hooks/claude',
        '/api/hooks/codex',
        '/api/sessions/from-page/ack',
      ]) {
        const r = await head(
          srv.web.port,
          'POST',
          path,
          [
            ['Host', '127.0.0.1'],
            ['Origin', origin],
            ['Content-Type', 'application/x-protobuf'],
            ['Content-Length', String(body.length)],
          ],
          body,
        );
        assert.equal(r.status, 403, `Origin ${JSON.stringify(origin)} ${path}`);
      }
    }
    assert.deepEqual(counters(srv), before);
    assert.equal(srv.monitor.session('from-page'), undefined);
  });
});

describe('path tricks', () => {
  let srv: TestServer;
  const TOKEN = 'a-long-enough-test-token-0123';
  before(async () => {
    srv = await startTestServer({ token: TOKEN });
  });
  after(() => srv.close());

  const TRICKS = [
    '//api/sessions',
    '///api/sessions',
    '/health/../api/sessions',
    '/health/%2e%2e/api/sessions',
    '/%2e%2e/api/sessions',
    '/./api/sessions',
    '/api%2Fsessions',
    '/health%2F..%2Fapi%2Fsessions',
    '/api/sessions/..%2F..%2Fhealth',
    '/api/sessions/%2F/ack',
    '/health;/api/sessions',
    '/health?/../api/sessions',
    '/HEALTH/../api/stats',
    '//v1/logs',
    '/v1/logs/',
    '/v1/logs/..',
    '/v1//logs',
    '/V1/LOGS',
    '/v1%2Flogs',
    '/api/hooks/claude/',
    '/api/hooks%2Fclaude',
    '/%61pi/stats',
    '/api/stream/../stats',
    '/\\api\\sessions',
    'http://evil.example/api/sessions',
  ];

  test('with a token set: no trick reaches data without it', async () => {
    const before = counters(srv);
    for (const path of TRICKS) {
      for (const method of ['GET', 'POST']) {
        const headers: Array<[string, string]> = [
          ['Host', '127.0.0.1'],
          ['Content-Type', 'application/json'],
          ['Connection', 'close'],
        ];
        if (method === 'POST') headers.push(['Content-Length', '2']);
        const r = await head(
          srv.web.port,
          method,
          path,
          headers,
          method === 'POST' ? Buffer.from('{}') : undefined,
        );
        if (r.status === 200) {
          // Only /health answers without the token, and it holds no data.
          assert.match(r.text, /"status":"ok"/, `${method} ${path} answered 200: ${r.text}`);
          assert.doesNotMatch(r.text, /"sessions":\[|resourceLogs|"rows"/);
        } else {
          assert.ok([400, 401, 404, 405].includes(r.status), `${method} ${path}: ${r.status}`);
        }
      }
    }
    assert.deepEqual(counters(srv), before);
  });

  test('an OTLP path spelled differently still refuses a browser Origin', async () => {
    const open = await startTestServer();
    try {
      for (const path of TRICKS.filter((p) => /v1|hooks/i.test(p))) {
        const r = await head(
          open.web.port,
          'POST',
          path,
          [
            ['Host', '127.0.0.1'],
            ['Origin', 'https://evil.example'],
            ['Content-Type', 'application/json'],
            ['Content-Length', '2'],
          ],
          Buffer.from('{}'),
        );
        assert.ok(r.status === 403 || r.status === 404, `${path}: ${r.status}`);
      }
      assert.equal(open.monitor.stats.logRecords, 0);
    } finally {
      await open.close();
    }
  });
});

describe('listening beyond loopback', () => {
  const config = (yaml: Record<string, unknown>) =>
    buildConfig([flattenDocument({ server: yaml }, 'config.yaml')]);

  test('a non-loopback address without a token is refused with a clear message', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'my-laptop.local', '10.0.0.1']) {
      assert.throws(
        () => config({ host }),
        (e: Error) => e instanceof ConfigError && /not a loopback address/.test(e.message),
        host,
      );
      assert.throws(
        () => config({ host, allowRemote: true }),
        (e: Error) => e instanceof ConfigError && /needs a bearer token/.test(e.message),
        host,
      );
      assert.throws(() => config({ host, allowRemote: true, token: 'short' }), ConfigError);
      assert.equal(
        config({ host, allowRemote: true, token: '0123456789abcdef' }).server.host,
        host,
      );
    }
  });
});
