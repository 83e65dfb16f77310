// The ledger's one writer: the lock held, prices applied, and an indexer over the tools' logs
// that reads a large import on a worker thread as well. The agent holds it for its lifetime; a
// CLI command only when no agent runs (ledger/open.ts).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.ts';
import type { Paths } from '../config/paths.ts';
import type { UsageEvent } from '../domain/events.ts';
import { workerModule } from '../package-files.ts';
import { priceSourcesStamp } from '../pricing/files.ts';
import { FileDirCache } from '../sources/files/dir-cache.ts';
import { LogIndexer } from '../sources/files/indexer.ts';
import type { ParseJob, ParseWorkerData } from '../sources/files/parse-protocol.ts';
import { logSources } from '../sources/log-sources.ts';
import { SqliteLedger } from '../store/sqlite/ledger.ts';
import { acquireWriterLock, type WriterLock } from '../store/writer-lock.ts';
import { dirCacheFile, ledgerFile, lockFile } from './files.ts';
import { loadPricing } from './pricing.ts';
import { ledgerZone } from './zone.ts';

/** The ledger as the writer: the lock held, prices applied, and an indexer over the logs. */
export interface LedgerWriter {
  store: SqliteLedger;
  indexer: LogIndexer;
  price: (e: UsageEvent) => UsageEvent;
  close(): void;
}

/** Takes the writer role, or `undefined` when another live process (an agent) has it. */
export function openLedgerWriter(
  config: Config,
  paths: Paths,
  env: NodeJS.ProcessEnv = process.env,
  yieldBetweenChunks?: () => Promise<void>,
): LedgerWriter | undefined {
  const lock: WriterLock | undefined = acquireWriterLock(lockFile(paths));
  if (lock === undefined) return undefined;
  let store: SqliteLedger;
  try {
    store = new SqliteLedger(ledgerFile(paths), { zone: ledgerZone(config, env) });
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    // Stamped before the tables are read (pricing/files.ts says why).
    const priceStamp = priceSourcesStamp(paths.dataDir, config.pricing.overrides);
    const pricing = loadPricing(config, paths);
    // Computed costs follow the price table: a new table re-prices what is stored.
    store.reprice(pricing.id, pricing.price);
    if (store.writerMarks()?.priceStamp !== priceStamp) store.setPriceStamp(priceStamp);
    const indexer = new LogIndexer(store, logSources(config.ledger, env), {
      price: pricing.price,
      startWorker: (jobs) => startParseWorker(jobs, config, paths),
      workers: parseWorkers(),
      dirCache: new FileDirCache(dirCacheFile(paths)),
      onWorkerFailure: (err) =>
        process.stderr.write(`ai-observer: ${err.message}; reading the rest on one thread\n`),
      ...(yieldBetweenChunks !== undefined ? { yieldBetweenChunks } : {}),
    });
    return {
      store,
      indexer,
      price: pricing.price,
      close() {
        store.close();
        lock.release();
      },
    };
  } catch (err) {
    store.close();
    lock.release();
    throw err;
  }
}

/**
 * The worker that reads and parses a large import's files while this thread commits. Its
 * young generation is capped like a large import's main thread (BENCHMARKS.md §4).
 */
function startParseWorker(jobs: ParseJob[], config: Config, paths: Paths): Worker {
  const workerData: ParseWorkerData = {
    jobs,
    dataDir: paths.dataDir,
    priceOverrides: config.pricing.overrides,
  };
  return new Worker(workerModule('parse-worker', 'ledger/parse-worker.ts'), {
    workerData,
    resourceLimits: { maxYoungGenerationSizeMb: PARSE_WORKER_YOUNG_MB },
  });
}

// 8 MiB: a large import's peak RSS stays ~165 MiB at the same speed; 12 MiB and more only
// add memory (BENCHMARKS.md §4).
const PARSE_WORKER_YOUNG_MB = 8;

/**
 * One worker per core beyond this thread's, at most two. On two cores one worker beside this
 * thread is faster than two (three busy threads only take turns); one core gets none.
 */
function parseWorkers(): number {
  return Math.max(0, Math.min(2, availableParallelism() - 1));
}
