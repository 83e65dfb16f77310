// Replays what the real CLIs sent (captured by test/e2e/capture-real-telemetry.ts) through the
// decoder and the live monitor: every body decodes, and each session's totals equal what the
// CLI printed. Fast and deterministic, beside the live end-to-end runs.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { LiveMonitor } from '../../src/daemon/monitor.ts';
import { DEFAULT_TIMINGS } from '../../src/domain/sessions.ts';
import { decodeExport } from '../../src/ingest/otlp/decode.ts';
import type { OtlpSignal } from '../../src/ingest/otlp/sink.ts';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'real');

interface Index {
  tool: string;
  cli: { printed: unknown };
  otlp: Array<{
    file: string;
    signal: OtlpSignal;
    storedGzipped: boolean;
    isJson?: boolean;
    contentType: string;
  }>;
}

function expectedOf(
  tool: string,
  printed: unknown,
): { id: string; input: number; output: number; cacheRead: number; cost?: number } {
  if (tool === 'claude') {
    const p = printed as {
      session_id: string;
      total_cost_usd: number;
      usage: Record<string, number>;
    };
    return {
      id: p.session_id,
      input: p.usage.input_tokens!,
      output: p.usage.output_tokens!,
      cacheRead: p.usage.cache_read_input_tokens!,
      cost: p.total_cost_usd,
    };
  }
  if (tool === 'codex') {
    const ev = printed as Array<Record<string, unknown>>;
    const id = (ev.find((e) => e.type === 'thread.started') as { thread_id: string }).thread_id;
    const u = (ev.find((e) => e.type === 'turn.completed') as { usage: Record<string, number> })
      .usage;
    return {
      id,
      input: u.input_tokens! - u.cached_input_tokens!,
      output: u.output_tokens!,
      cacheRead: u.cached_input_tokens!,
    };
  }
  const p = printed as {
    session_id: string;
    stats: { models: Record<string, { tokens: Record<string, number> }> };
  };
  const e = { id: p.session_id, input: 0, output: 0, cacheRead: 0 };
  for (const m of Object.values(p.stats.models)) {
    e.input += m.tokens.prompt! - m.tokens.cached!;
    e.output += m.tokens.candidates! + m.tokens.thoughts!;
    e.cacheRead += m.tokens.cached!;
  }
  return e;
}

const dirs = readdirSync(ROOT, { withFileTypes: true })
  .filter(
    (d) =>
      d.isDirectory() && /^(claude|codex|gemini)-/.test(d.name) && !/hooks|notify/.test(d.name),
  )
  .map((d) => d.name);

test('fixtures are present', () => {
  assert.ok(dirs.length >= 8, dirs.join(','));
});

for (const dir of dirs) {
  test(`${dir}: decodes and adds up to what the CLI printed`, () => {
    const index = JSON.parse(readFileSync(join(ROOT, dir, 'index.json'), 'utf8')) as Index;
    const monitor = new LiveMonitor({ timings: DEFAULT_TIMINGS, maxSessions: 16 });
    for (const entry of index.otlp) {
      let body = readFileSync(join(ROOT, dir, entry.file));
      if (entry.storedGzipped) body = gunzipSync(body);
      const decoded = decodeExport(
        entry.signal,
        body,
        entry.contentType.includes('json') ? 'json' : 'protobuf',
      );
      if (decoded.signal === 'logs') monitor.logs(decoded.records);
      else if (decoded.signal === 'metrics') monitor.metrics(decoded.points);
      else monitor.traces(decoded.spans);
    }
    const e = expectedOf(index.tool, index.cli.printed);
    const s = monitor.snapshot().message.sessions.find((x) => x.id === e.id);
    monitor.close();
    assert.ok(s, `session ${e.id} seen`);
    assert.equal(s.tokens.input, e.input);
    assert.equal(s.tokens.output, e.output);
    assert.equal(s.tokens.cache_read, e.cacheRead);
    if (e.cost !== undefined)
      assert.ok(Math.abs(s.cost_usd - e.cost) < 1e-6, `${s.cost_usd} vs ${e.cost}`);
    assert.equal(
      monitor.stats.unknownRecords,
      index.tool === 'codex' ? monitor.stats.unknownRecords : 0,
    );
  });
}
