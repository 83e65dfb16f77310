import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import {
  isOwnReceiver,
  type OtlpConfig,
  OtlpTargetError,
  otlpTarget,
  parseHeaders,
} from '../../src/export/otlp-target.ts';

function config(over: Partial<OtlpConfig>): OtlpConfig {
  return { ...loadConfig('/none', {}).export.otlp, endpointOrigin: 'test', ...over };
}

const CASES: Array<[Partial<OtlpConfig>, { url: string; tls: boolean; port: number }]> = [
  [{ endpoint: 'http://collector:4317' }, { url: 'http://collector:4317', tls: false, port: 4317 }],
  [
    { endpoint: 'https://collector.example.com' },
    { url: 'https://collector.example.com:4317', tls: true, port: 4317 },
  ],
  // No scheme: TLS, as the OpenTelemetry exporters default to, unless switched off.
  [{ endpoint: 'collector:9000' }, { url: 'https://collector:9000', tls: true, port: 9000 }],
  [
    { endpoint: 'collector:9000', tls: 'off' },
    { url: 'http://collector:9000', tls: false, port: 9000 },
  ],
  [
    { endpoint: 'http://collector:4317', tls: 'on' },
    { url: 'https://collector:4317', tls: true, port: 4317 },
  ],
  [{ endpoint: 'http://[::1]:4317' }, { url: 'http://[::1]:4317', tls: false, port: 4317 }],
  [
    { endpoint: 'http://collector:4318', protocol: 'http/protobuf' },
    { url: 'http://collector:4318/v1/metrics', tls: false, port: 4318 },
  ],
  [
    { endpoint: 'https://gw.example.com/otlp/', protocol: 'http/protobuf' },
    { url: 'https://gw.example.com/otlp/v1/metrics', tls: true, port: 443 },
  ],
  [
    { endpoint: 'http://collector:4318/v1/metrics', protocol: 'http/json' },
    { url: 'http://collector:4318/v1/metrics', tls: false, port: 4318 },
  ],
];

for (const [over, want] of CASES) {
  test(`endpoint ${JSON.stringify(over)}`, () => {
    const t = otlpTarget(config(over))!;
    assert.deepEqual({ url: t.url, tls: t.tls, port: t.port }, want);
  });
}

test('no endpoint: no push', () => {
  assert.equal(otlpTarget(config({ endpoint: '' })), undefined);
});

test('the token and the extra headers are sent; the token wins over a header', () => {
  const t = otlpTarget(
    config({
      endpoint: 'http://c:4317',
      token: 'tok',
      headers: 'X-Tenant=acme, authorization=Basic%20x,x-note=a%2Cb',
    }),
  )!;
  assert.deepEqual(t.headers, { 'x-tenant': 'acme', authorization: 'Bearer tok', 'x-note': 'a,b' });
  assert.doesNotMatch(t.display, /tok/);
});

test('bad endpoints and headers are errors naming the key and where it came from', () => {
  const bad: Array<[Partial<OtlpConfig>, RegExp]> = [
    [
      { endpoint: 'ftp://c:21' },
      /export\.otlp\.endpoint \(from test\): use http:\/\/ or https:\/\//,
    ],
    [{ endpoint: 'http://' }, /export\.otlp\.endpoint \(from test\): "http:\/\/" is not a URL/],
    [{ endpoint: 'https://user:pw@c:4317' }, /credentials in export\.otlp\.token/],
    [{ endpoint: 'http://c:4317', headers: 'novalue' }, /export\.otlp\.headers: header "novalue"/],
  ];
  for (const [over, re] of bad) {
    assert.throws(
      () => otlpTarget(config(over)),
      (e: Error) => e instanceof OtlpTargetError && re.test(e.message),
    );
  }
});

test("the agent's own receiver is recognized (a shell profile pointing the tools at it)", () => {
  const own = otlpTarget(config({ endpoint: 'http://127.0.0.1:4318', protocol: 'http/protobuf' }))!;
  assert.equal(isOwnReceiver(own, '127.0.0.1', [4318, 4317]), true);
  const local = otlpTarget(config({ endpoint: 'http://localhost:4317' }))!;
  assert.equal(isOwnReceiver(local, '127.0.0.1', [4318, 4317]), true);
  const otherPort = otlpTarget(config({ endpoint: 'http://127.0.0.1:14317' }))!;
  assert.equal(isOwnReceiver(otherPort, '127.0.0.1', [4318, 4317]), false);
  const remote = otlpTarget(config({ endpoint: 'http://collector:4317' }))!;
  assert.equal(isOwnReceiver(remote, '127.0.0.1', [4318, 4317]), false);
});

test('headers in the OTEL_EXPORTER_OTLP_HEADERS format', () => {
  assert.deepEqual(parseHeaders(''), {});
  assert.deepEqual(parseHeaders('a=1,b = two%20words , c=x=y'), {
    a: '1',
    b: 'two words',
    c: 'x=y',
  });
});
