// Entry of the worker thread that reads and parses transcripts during a large import (see
// sources/files/worker-import.ts). It prices events with its own copy of the price table, the
// same one the indexer's thread loaded.

import { parentPort, workerData } from 'node:worker_threads';
import { priceUsage } from '../domain/pricing.ts';
import { loadPriceTable } from '../pricing/table.ts';
import { runParseJobs } from '../sources/files/parse-jobs.ts';
import type { ParseWorkerData } from '../sources/files/parse-protocol.ts';
import { formatOf } from '../sources/log-sources.ts';

const data = workerData as ParseWorkerData;
const table = loadPriceTable({ dataDir: data.dataDir, overrides: data.priceOverrides });
if (parentPort === null) throw new Error('parse-worker runs only as a worker thread');
// No top-level await: the bundle is CommonJS (scripts/build.ts). A rejection goes
// unhandled and ends the worker with an 'error' event, as a throw here would.
void runParseJobs(data.jobs, parentPort, formatOf, (e) => priceUsage(e, table));
