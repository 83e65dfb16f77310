// Named hostile inputs against the real HTTP port: a gzip bomb, AnyValues nested 10,000 levels
// in both encodings, huge attribute strings, wrong content types, a body shorter than its
// Content-Length, a slowly trickled body (slowloris), and 10,000 distinct session ids.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../support/agent.ts';
import {
  claudeLogsRequest,
  logsRequest,
  msToNanos,
  toJsonBytes,
  toProtobuf,
} from '../support/otlp-builders.ts';

const PB = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json' };

function send(
  srv: TestServer,
  path: string,
  body: Uint8Array | string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: srv.web.port, path, method: 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function recorded(srv: TestServer) {
  const s = srv.monitor.stats;
  return [s.logRecords, s.metricPoints, s.spans, s.hooks, srv.monitor.sessionCount];
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

/** A length-delimited protobuf field. */
function field(tag: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), varint(bytes.length), bytes]);
}

/**
 * An ExportLogsServiceRequest whose one record's body is an AnyValue kvlist nested `depth`
 * levels, written byte by byte (the runtime's encoder would itself recurse that deep).
 */
function nestedProtobuf(depth: number): Buffer {
  // Each level is a prefix before the level inside it, so the lengths are worked out from the
  // innermost value out and the prefixes written outermost first: linear, not quadratic.
  const innermost = field(0x0a, Buffer.from('x')); // AnyValue.string_value = 1
  const prefixes: Buffer[] = [];
  let size = innermost.length;
  for (let i = 0; i < depth; i++) {
    const kvLen = 3 + 1 + varint(size).length + size; // key "k", then value = 2
    const listLen = 1 + varint(kvLen).length + kvLen; // KeyValueList.values = 1
    // AnyValue.kvlist_value = 6 { values = 1 { key = 1 "k", value = 2 … } }
    prefixes.push(
      Buffer.concat([
        Buffer.from([0x32]),
        varint(listLen),
        Buffer.from([0x0a]),
        varint(kvLen),
        Buffer.from([0x0a, 1, 0x6b, 0x12]),
        varint(size),
      ]),
    );
    size = 1 + varint(listLen).length + listLen;
  }
  const value = Buffer.concat([...prefixes.reverse(), innermost]);
  const record = field(0x2a, value); // LogRecord.body = 5
  const scopeLogs = field(0x12, record); // ScopeLogs.log_records = 2
  const resourceLogs = field(0x12, scopeLogs); // ResourceLogs.scope_logs = 2
  return field(0x0a, resourceLogs); // ExportLogsServiceRequest.resource_logs = 1
}

/** The same nesting as OTLP/JSON text (built as text: JSON.stringify would recurse too). */
function nestedJson(depth: number): string {
  return `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth)}{"stringValue":"x"}${'}]}}'.repeat(depth)}`;
}

describe('hostile input', () => {
  let srv: TestServer;
  const LIMIT = 8 * 1024 * 1024;
  before(async () => {
    srv = await startTestServer({ maxBodyBytes: LIMIT, requestTimeoutMs: 1500 });
  });
  after(() => srv.close());

  test('gzip bomb: 413, and memory grows by less than twice the limit', async () => {
    // 1 GiB of zeros as 64 gzip members of 16 MiB (members concatenate): about 1 MiB on the
    // wire; the limit is 8 MiB.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const big = Buffer.concat(Array.from({ length: 64 }, () => member));
    assert.ok(big.length < LIMIT, `the bomb itself is under the limit (${big.length} bytes)`);
    const before = recorded(srv);
    global.gc?.();
    const base = process.memoryUsage();
    let peak = base.rss;
    let peakExternal = base.external + base.arrayBuffers;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
    }, 2);
    const r = await send(srv, '/v1/logs', big, { ...PB, 'Content-Encoding': 'gzip' });
    clearInterval(sampler);
    assert.equal(r.status, 413);
    assert.match(r.body, /decompressed request body is over the limit/);
    const grew = Math.max(peak - base.rss, peakExternal - base.external - base.arrayBuffers);
    assert.ok(grew < 2 * LIMIT, `memory grew by ${(grew / 1048576).toFixed(1)} MiB`);
    assert.deepEqual(recorded(srv), before);
  });

  for (const format of ['protobuf', 'json'] as const) {
    test(`AnyValue nested 10,000 levels (${format}): 400, nothing recorded`, async () => {
      const before = recorded(srv);
      let body: Uint8Array | string;
      if (format === 'protobuf') {
        body = nestedProtobuf(10_000);
      } else {
        body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":${nestedJson(10_000)}}]}]}]}]}`;
      }
      const r = await send(srv, '/v1/logs', body, format === 'json' ? JSON_CT : PB);
      assert.equal(r.status, 400, r.body);
      assert.match(r.body, /nested|recursion|depth/i);
      assert.deepEqual(recorded(srv), before);
    });
  }

  test('huge attribute strings: accepted within the limit, and the snapshot stays small', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    const req = logsRequest({
      resource: { 'service.name': 'claude-code' },
      records: [
        {
          timeUnixNano: msToNanos(Date.now()),
          attrs: {
            'event.name': 'user_prompt',
            'session.id': 'huge-attrs',
            prompt: huge,
            prompt_length: huge.length,
            cwd: `/home/${huge}`,
          },
        },
        {
          timeUnixNano: msToNanos(Date.now()),
          attrs: {
            'event.name': 'api_request',
            'session.id': 'huge-attrs',
            model: huge,
            request_id: huge,
            input_tokens: 5,
          },
        },
      ],
    });
    const r = await send(srv, '/v1/logs', toProtobuf(req), PB);
    assert.equal(r.status, 200);
    const session = srv.monitor.session('huge-attrs');
    assert.ok(session !== undefined);
    const snap = srv.monitor.snapshot().json;
    assert.ok(snap.length < 16 * 1024, `snapshot is ${snap.length} bytes`);
    assert.ok(!snap.includes('x'.repeat(1024)));
    // A session id that long is not one.
    const before = srv.monitor.sessionCount;
    const longId = logsRequest({
      resource: { 'service.name': 'claude-code' },
      records: [
        {
          timeUnixNano: msToNanos(Date.now()),
          attrs: { 'event.name': 'user_prompt', 'session.id': huge },
        },
      ],
    });
    assert.equal((await send(srv, '/v1/logs', toProtobuf(longId), PB)).status, 200);
    assert.equal(srv.monitor.sessionCount, before);
  });

  test('wrong content types and encodings: 415 with the accepted ones named; nothing recorded', async () => {
    const before = recorded(srv);
    const body = toProtobuf(claudeLogsRequest({ count: 1 }));
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/grpc',
      'application/xml',
      '',
    ]) {
      const r = await send(srv, '/v1/logs', body, type === '' ? {} : { 'Content-Type': type });
      assert.equal(r.status, 415, type);
      assert.match(r.body, /application\/x-protobuf or application\/json/);
    }
    for (const enc of ['br', 'deflate', 'zstd', 'gzip, gzip']) {
      const r = await send(srv, '/v1/logs', body, { ...PB, 'Content-Encoding': enc });
      assert.equal(r.status, 415, enc);
    }
    // The protobuf body sent as JSON, and the other way round.
    assert.equal((await send(srv, '/v1/logs', body, JSON_CT)).status, 400);
    const json = toJsonBytes(claudeLogsRequest({ count: 1 }));
    assert.equal((await send(srv, '/v1/logs', json, PB)).status, 400);
    assert.deepEqual(recorded(srv), before);
  });

  test('a body shorter than its Content-Length: nothing recorded, the port keeps serving', async () => {
    const before = recorded(srv);
    const body = Buffer.from(toProtobuf(claudeLogsRequest({ count: 3, sessionId: 'short' })));
    const reply = await new Promise<string>((resolve) => {
      const sock = connect(srv.web.port, '127.0.0.1', () => {
        sock.write(
          `POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length + 100}\r\n\r\n`,
        );
        sock.write(body);
        sock.end(); // half-close: the rest never comes
      });
      let got = '';
      sock.on('data', (c) => {
        got += c.toString('latin1');
      });
      sock.on('close', () => resolve(got));
      sock.on('error', () => resolve(got));
    });
    assert.ok(reply === '' || /^HTTP\/1\.1 4\d\d/.test(reply), reply);
    assert.deepEqual(recorded(srv), before);
    assert.equal(srv.monitor.session('short'), undefined);
    const ok = await send(srv, '/v1/logs', body, PB);
    assert.equal(ok.status, 200);
  });

  test('slowloris: a body trickled a byte at a time is cut off by server.requestTimeout', async () => {
    const before = recorded(srv);
    const body = Buffer.from(toProtobuf(claudeLogsRequest({ count: 1, sessionId: 'slow' })));
    const started = Date.now();
    const { reply, sent } = await new Promise<{ reply: string; sent: number }>((resolve) => {
      let sent = 0;
      let got = '';
      const sock = connect(srv.web.port, '127.0.0.1', () => {
        sock.write(
          `POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
      });
      const trickle = setInterval(() => {
        if (sent < body.length - 1 && !sock.destroyed) sock.write(body.subarray(sent, ++sent));
      }, 100);
      const give = setTimeout(() => sock.destroy(), 10_000);
      sock.on('data', (c) => {
        got += c.toString('latin1');
      });
      sock.on('close', () => {
        clearInterval(trickle);
        clearTimeout(give);
        resolve({ reply: got, sent });
      });
      sock.on('error', () => undefined);
    });
    const took = Date.now() - started;
    assert.match(reply, /^HTTP\/1\.1 408/, 'Request Timeout');
    assert.ok(took >= 1400 && took < 5000, `cut off after ${took} ms`);
    assert.ok(sent < body.length, 'the body never arrived');
    assert.deepEqual(recorded(srv), before);
  });
});

describe('10,000 distinct session ids', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ maxSessions: 256 });
  });
  after(() => srv.close());

  test('the session table stays bounded, over OTLP and hooks', async () => {
    const start = Date.now();
    for (let batch = 0; batch < 100; batch++) {
      const records = [];
      for (let i = 0; i < 100; i++) {
        records.push({
          timeUnixNano: msToNanos(start + batch),
          attrs: {
            'event.name': 'user_prompt',
            'session.id': `flood-${batch}-${i}`,
            prompt_length: 3,
          },
        });
      }
      const req = logsRequest({ resource: { 'service.name': 'claude-code' }, records });
      assert.equal((await send(srv, '/v1/logs', toProtobuf(req), PB)).status, 200);
      assert.ok(srv.monitor.sessionCount <= 256, `${srv.monitor.sessionCount} sessions`);
    }
    for (let i = 0; i < 500; i++) {
      const r = await send(
        srv,
        '/api/hooks/claude',
        JSON.stringify({
          hook_event_name: 'UserPromptSubmit',
          session_id: `hook-${i}`,
          prompt: 'p',
        }),
        JSON_CT,
      );
      assert.equal(r.status, 200);
    }
    assert.ok(srv.monitor.sessionCount <= 256);
    assert.ok(srv.monitor.snapshot().json.length < 256 * 1024);
    // Records without a session id do not mint sessions.
    const n = srv.monitor.sessionCount;
    const anon = logsRequest({
      resource: { 'service.name': 'claude-code' },
      records: Array.from({ length: 50 }, () => ({
        timeUnixNano: msToNanos(Date.now()),
        attrs: { 'event.name': 'user_prompt', prompt_length: 1 },
      })),
    });
    assert.equal((await send(srv, '/v1/logs', toProtobuf(anon), PB)).status, 200);
    assert.equal(srv.monitor.sessionCount, n);
  });
});
