// The OTLP push over TLS, gRPC and HTTP: with the collector's CA given (export.otlp.ca) the
// metrics arrive; without it the certificate is refused, the failure is logged once, and
// nothing is sent in clear text instead.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exportedPoints, total } from '../support/exported-metrics.ts';
import { type ExportAgent, startExportAgent, usage } from '../support/export-agent.ts';
import { type OtlpCapture, startOtlpCapture } from '../support/otlp-capture.ts';

const TLS_DIR = join(import.meta.dirname, '../fixtures/tls');
const tls = {
  cert: readFileSync(join(TLS_DIR, 'server.pem')),
  key: readFileSync(join(TLS_DIR, 'server-key.pem')),
};

const open: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const o of open.reverse()) await o.close();
});

async function pushTo(cap: OtlpCapture, protocol: string, ca: string): Promise<ExportAgent> {
  const exp = await startExportAgent({
    env: {
      AI_OBSERVER_EXPORT_OTLP_ENDPOINT: cap.url,
      AI_OBSERVER_EXPORT_OTLP_PROTOCOL: protocol,
      AI_OBSERVER_EXPORT_OTLP_TOKEN: 'tls-token',
      AI_OBSERVER_EXPORT_OTLP_CA: ca,
      AI_OBSERVER_EXPORT_INTERVAL: '1s',
    },
  });
  open.push(exp);
  exp.agent.ledger.addUsage([usage('codex', 'gpt-5', { input: 42 })]);
  return exp;
}

for (const [protocol, grpc] of [
  ['grpc', true],
  ['http/protobuf', false],
] as const) {
  test(`${protocol} over TLS with the collector's CA`, async () => {
    const cap = await startOtlpCapture({ grpc, tls });
    open.push(cap);
    assert.match(cap.url, /^https:/);
    const exp = await pushTo(cap, protocol, join(TLS_DIR, 'ca.pem'));
    assert.equal(exp.agent.metrics.target?.tls, true);
    await cap.waitFor(
      (reqs) =>
        reqs.some(
          (r) => r.signal === 'metrics' && total(exportedPoints(r), 'ai.tokens.input') === 42,
        ),
      20_000,
    );
    assert.equal(cap.requests.at(-1)!.headers.authorization, 'Bearer tls-token');
  });

  test(`${protocol} over TLS without the CA: refused, logged once`, async () => {
    const cap = await startOtlpCapture({ grpc, tls });
    open.push(cap);
    const exp = await pushTo(cap, protocol, '');
    const failed = () => exp.logs.filter((l) => l.includes('cannot send metrics'));
    const deadline = Date.now() + 20_000;
    while (failed().length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(failed().length, 1, exp.logs.join('\n'));
    assert.match(failed()[0]!, /certificate|self.signed|issuer/i);
    assert.equal(cap.requests.length, 0);
  });
}
