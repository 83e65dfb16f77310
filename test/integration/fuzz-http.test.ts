// Property-based test through the real HTTP port: generated OTLP bodies (JSON, protobuf,
// damaged, gzip'd or not, with right and wrong content types and encodings) and hook payloads
// on every ingest route. Every answer is 200 or a 4xx with a body that says why, never a 5xx;
// after a refusal nothing has been recorded (the monitor's counters and its billed requests
// are where they were).

import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fromJson, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { REQUEST_SCHEMAS } from '../../src/ingest/otlp/decode.ts';
import { startTestServer, type TestServer } from '../support/agent.ts';
import {
  claudeHookPayload,
  codexNotifyPayload,
  mutate,
  mutation,
  OTLP_JSON,
  runs,
} from '../support/fuzz.ts';

let srv: TestServer;
let usage = 0;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
before(async () => {
  srv = await startTestServer({ maxBodyBytes: 64 * 1024 });
  srv.monitor.onUsage((events) => {
    usage += events.length;
  });
});
after(async () => {
  agent.destroy();
  await srv.close();
});

function post(
  path: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: srv.web.port, path, method: 'POST', headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const SIGNALS = ['logs', 'metrics', 'traces'] as const;
const enc = new TextEncoder();

const otlpCase = fc
  .tuple(
    fc.constantFrom(...SIGNALS),
    fc.constantFrom(...SIGNALS),
    fc.constantFrom('json', 'protobuf', 'damaged'),
    fc.constantFrom(
      'application/json',
      'application/x-protobuf',
      'application/protobuf',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    ),
    fc.constantFrom('', 'gzip', 'gzip-broken', 'br', 'identity'),
    fc.array(mutation, { maxLength: 2 }),
  )
  .chain(([signal, path, shape, type, encoding, muts]) =>
    OTLP_JSON[signal].map((doc) => {
      let body: Uint8Array;
      if (shape === 'json') body = enc.encode(JSON.stringify(doc));
      else {
        const schema = REQUEST_SCHEMAS[signal];
        try {
          body = toBinary(schema, fromJson(schema, doc as never, { ignoreUnknownFields: true }));
        } catch {
          body = enc.encode(JSON.stringify(doc));
        }
        if (shape === 'damaged') body = mutate(body, muts);
      }
      const headers: Record<string, string> = {};
      if (type !== '') headers['Content-Type'] = type;
      if (encoding === 'gzip') body = gzipSync(body);
      if (encoding === 'gzip-broken') body = mutate(gzipSync(body), muts);
      if (encoding !== '') headers['Content-Encoding'] = encoding.replace('-broken', '');
      return { path: `/v1/${path}`, body, headers };
    }),
  );

const hookCase = fc.tuple(fc.constantFrom('claude', 'codex'), fc.boolean()).chain(([tool, raw]) =>
  (raw
    ? fc.string({ maxLength: 30 })
    : tool === 'claude'
      ? claudeHookPayload
      : codexNotifyPayload
  ).map((payload) => ({
    path: `/api/hooks/${tool}`,
    body: enc.encode(raw ? (payload as string) : JSON.stringify(payload ?? null)),
    headers: { 'Content-Type': 'application/json' },
  })),
);

function counters() {
  const s = srv.monitor.stats;
  return {
    logRecords: s.logRecords,
    metricPoints: s.metricPoints,
    spans: s.spans,
    hooks: s.hooks,
    usageEvents: s.usageEvents,
    usage,
    sessions: srv.monitor.sessionCount,
  };
}

test('generated requests on every ingest route: 200 or a clear 4xx; a refusal records nothing', async () => {
  const statuses: Record<number, number> = {};
  await fc.assert(
    fc.asyncProperty(
      fc.oneof({ weight: 3, arbitrary: otlpCase }, { weight: 1, arbitrary: hookCase }),
      async (c) => {
        const before = counters();
        const r = await post(c.path, c.body, c.headers);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        assert.ok(
          r.status === 200 || (r.status >= 400 && r.status < 500),
          `${c.path}: ${r.status} ${r.body}`,
        );
        if (r.status !== 200) {
          assert.ok(r.body.length > 0, 'a refusal says why');
          assert.deepEqual(counters(), before, `${c.path} ${r.status}: nothing recorded`);
        }
      },
    ),
    { numRuns: runs(5000), seed: 8 },
  );
  // Both outcomes and several refusals were reached.
  assert.ok(
    (statuses[200] ?? 0) > 300 && (statuses[400] ?? 0) > 100 && (statuses[415] ?? 0) > 50,
    JSON.stringify(statuses),
  );
  const health = await fetch(`${srv.url}/health`);
  assert.equal(health.status, 200);
});
