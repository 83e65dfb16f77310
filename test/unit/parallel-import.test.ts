// A large import read on worker threads (ledger/parse-worker.ts, the real entry, on a generated
// Claude Code corpus with streamed splits, subagents, resumed sessions and malformed lines)
// totals exactly what an import on one thread does, file by file; a worker that dies hands
// the rest back to the indexer without losing or double counting anything.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { generateCorpus } from '../../bench/corpus/claude-corpus.ts';
import { priceUsage } from '../../src/domain/pricing.ts';
import { workerModule } from '../../src/package-files.ts';
import { loadPriceTable } from '../../src/pricing/table.ts';
import { type IndexerOptions, type IndexRun, LogIndexer } from '../../src/sources/files/indexer.ts';
import type { ParseJob, ParseWorkerData } from '../../src/sources/files/parse-protocol.ts';
import { logSources } from '../../src/sources/log-sources.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';

const base = mkdtempSync(join(tmpdir(), 'aio-parallel-'));
after(() => rmSync(base, { recursive: true, force: true }));
const corpus = join(base, 'corpus');
const dataDir = join(base, 'data');
const table = loadPriceTable({ dataDir });
const price = (e: Parameters<typeof priceUsage>[0]) => priceUsage(e, table);

before(() => {
  generateCorpus({
    out: corpus,
    sizeBytes: 3 * 1024 * 1024,
    sessions: 24,
    seed: 7,
    end: '2026-11-20',
    days: 20,
  });
});

function startWorker(jobs: ParseJob[]): Worker {
  const workerData: ParseWorkerData = { jobs, dataDir, priceOverrides: {} };
  return new Worker(workerModule('parse-worker', 'ledger/parse-worker.ts'), { workerData });
}

const sources = () =>
  logSources(
    { enabled: true, claudeDirs: corpus, codexHome: '', geminiDir: '', rescanIntervalMs: 30_000 },
    { HOME: join(base, 'no-home') },
  );

let n = 0;
async function importWith(opts: Partial<IndexerOptions>) {
  const store = new SqliteLedger(join(base, `ledger-${n++}.sqlite`));
  const run = await new LogIndexer(store, sources(), { price, ...opts }).indexAll();
  const summary = {
    totals: store.rollup({}, []),
    byDay: store.rollup({}, ['day', 'model']),
    cursors: store.cursors().map(({ updatedAt: _, ...c }) => c),
  };
  return { store, run, summary };
}

const counts = (r: IndexRun) => ({
  files: r.files,
  changedFiles: r.changedFiles,
  lines: r.lines,
  events: r.events,
  malformed: r.malformed,
  errors: r.errors,
});

test('one worker and this thread, or two workers, total what one thread does', async () => {
  const here = await importWith({});
  assert.ok(here.run.events > 200, `the corpus bills (${here.run.events} usage lines)`);
  assert.ok(here.run.malformed > 0, 'the corpus has malformed lines');
  for (const workers of [1, 2]) {
    const there = await importWith({ startWorker, workers, workerMinBytes: 0 });
    assert.deepEqual(there.summary, here.summary, `${workers} worker(s)`);
    assert.deepEqual(counts(there.run), counts(here.run), `${workers} worker(s)`);
    assert.equal(there.run.bytes, here.run.bytes);
    // Nothing left to read: the next run finds every file as its cursor says.
    const again = await new LogIndexer(there.store, sources(), {
      price,
      startWorker,
      workers,
      workerMinBytes: 0,
    }).indexAll();
    assert.equal(again.changedFiles, 0);
    there.store.close();
  }
  here.store.close();
});

test('below the threshold, or with no workers, the import stays on this thread', async () => {
  let started = 0;
  const counting = (jobs: ParseJob[]) => {
    started++;
    return startWorker(jobs);
  };
  const small = await importWith({ startWorker: counting, workers: 1 });
  const none = await importWith({ startWorker: counting, workers: 0, workerMinBytes: 0 });
  assert.equal(started, 0);
  assert.deepEqual(none.summary, small.summary);
  small.store.close();
  none.store.close();
});

test('a worker that dies is reported and the rest is read here, counted once', async () => {
  const here = await importWith({});
  const failures: string[] = [];
  // The first worker dies at once; this thread's own share is read as usual.
  const dying = () => new Worker('process.exit(3)', { eval: true });
  const there = await importWith({
    startWorker: dying,
    workers: 1,
    workerMinBytes: 0,
    onWorkerFailure: (err) => failures.push(err.message),
  });
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, /parse worker stopped \(exit code 3\)/);
  assert.deepEqual(there.summary, here.summary);
  here.store.close();
  there.store.close();
});

test('without a failure handler, a dead worker fails the run and what was read stays', async () => {
  const dying = () => new Worker('throw new Error("boom")', { eval: true });
  const store = new SqliteLedger(join(base, `ledger-${n++}.sqlite`));
  const indexer = new LogIndexer(store, sources(), {
    price,
    startWorker: dying,
    workers: 1,
    workerMinBytes: 0,
  });
  await assert.rejects(indexer.indexAll(), /parse worker failed: boom/);
  // A plain run afterwards completes the import from the committed cursors.
  await new LogIndexer(store, sources(), { price }).indexAll();
  const here = await importWith({});
  assert.deepEqual(store.rollup({}, []), here.summary.totals);
  store.close();
  here.store.close();
});

test('a stop asked for between batches stops the import and is no worker failure', async () => {
  const failures: Error[] = [];
  const store = new SqliteLedger(join(base, `ledger-${n++}.sqlite`));
  const indexer = new LogIndexer(store, sources(), {
    price,
    startWorker,
    workers: 1,
    workerMinBytes: 0,
    yieldBetweenChunks: () => Promise.reject(new Error('the agent is stopping')),
    onWorkerFailure: (err) => failures.push(err),
  });
  await assert.rejects(indexer.indexAll(), /the agent is stopping/);
  assert.deepEqual(failures, []);
  store.close();
});
