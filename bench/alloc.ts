// Bytes allocated per log record by each stage of the agent's ingest path: how much young
// generation the ingest needs (BENCHMARKS.md §3).
//
//   node bench/alloc.ts [--records 50000] [--batches 1,100] [--formats protobuf,json]
//
// Runs itself again with a fixed 1 MiB young generation (`--min-semi-space-size=1
// --max-semi-space-size=1`), feeds pre-encoded Claude Code api_request batches (100 sessions,
// a fresh request_id per record, as bench/ingest.ts) through the stages and counts the minor
// collections: each one follows 1 MiB of allocation, so collections × 1 MiB / records is what a
// record allocates (to within one collection). The stages are those of bench/ingest.ts: parse
// (protobuf-es / JSON decode), decode (+ flat views), ingest (+ LiveMonitor.logs), +snap (+ one
// event-loop turn per batch, so the monitor builds its snapshot).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { LiveMonitor } from '../src/daemon/monitor.ts';
import { DEFAULT_TIMINGS } from '../src/domain/sessions.ts';
import { decodeExport, parseExportRequest } from '../src/ingest/otlp/decode.ts';
import { NODE } from './lib/agent.ts';
import { ClaudeBatches, type Format } from './lib/load.ts';
import { fmt, machine, numberFlags } from './lib/stats.ts';

const SEMI_MIB = 1;
const f = numberFlags({ records: 50_000, batches: '1,100', formats: 'protobuf,json' });

if (process.env.BENCH_ALLOC_CHILD !== '1') {
  console.log(`machine: ${machine()}`);
  const r = spawnSync(
    NODE,
    [
      '--expose-gc',
      `--min-semi-space-size=${SEMI_MIB}`,
      `--max-semi-space-size=${SEMI_MIB}`,
      '--max-old-space-size=512',
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, BENCH_ALLOC_CHILD: '1' } },
  );
  process.exit(r.status ?? 1);
}

let minor = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const detail = (e as PerformanceEntry & { detail?: { kind?: number } }).detail;
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
  }
}).observe({ entryTypes: ['gc'] });

const settle = () => new Promise((r) => setTimeout(r, 50));
const turn = () => new Promise<void>((r) => setImmediate(r));
const gc = (globalThis as { gc?: () => void }).gc;

console.log(
  `allocation per record, young generation fixed at ${SEMI_MIB} MiB per semi-space (KiB/record)`,
);
console.log(`  ${'format'.padEnd(9)} ${'batch'.padStart(5)}    parse   decode   ingest    +snap`);
for (const format of f.formats.split(',') as Format[]) {
  for (const batch of f.batches.split(',').map(Number)) {
    const sessions = Array.from({ length: 100 }, (_, i) => new ClaudeBatches(i, batch));
    const n = Math.max(1, Math.ceil(f.records / batch));
    const bodies = Array.from({ length: n }, (_, i) => sessions[i % 100]!.next(format));
    const cells: string[] = [];
    // Twice: the first pass warms up the code (compilation allocates too); the second counts.
    for (const stage of [
      'parse',
      'decode',
      'ingest',
      '+snap',
      'parse',
      'decode',
      'ingest',
      '+snap',
    ] as const) {
      const monitor = new LiveMonitor({ timings: DEFAULT_TIMINGS, maxSessions: 256 });
      gc?.();
      await settle();
      const before = minor;
      for (const body of bodies) {
        if (stage === 'parse') parseExportRequest('logs', body, format);
        else if (stage === 'decode') decodeExport('logs', body, format);
        else {
          const d = decodeExport('logs', body, format);
          if (d.signal === 'logs') monitor.logs(d.records);
          if (stage === '+snap') await turn();
        }
      }
      await settle();
      monitor.close();
      cells.push(fmt(((minor - before) * SEMI_MIB * 1024) / (n * batch), 1).padStart(8));
    }
    console.log(`  ${format.padEnd(9)} ${String(batch).padStart(5)} ${cells.slice(4).join(' ')}`);
  }
}
