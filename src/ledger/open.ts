// Opens the usage ledger the way every command needs it: as the one writer when no agent runs
// (then it brings the index up to date first), or read-only next to a running agent, which
// keeps the index current itself, and read-only too when nothing changed since the last
// writer (ledger/freshness.ts).

import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import type { Paths } from '../config/paths.ts';
import type { IndexRun, Progress } from '../sources/files/indexer.ts';
import { WalkRecorder } from '../sources/files/walk-record.ts';
import { MemoryLedger } from '../store/memory.ts';
import { SqliteLedger } from '../store/sqlite/ledger.ts';
import type { LedgerStore } from '../store/types.ts';
import { lockHolder } from '../store/writer-lock.ts';
import { ledgerFile, lockFile } from './files.ts';
import { keepWalkRecord, ledgerIsCurrent } from './freshness.ts';

export interface OpenLedger {
  store: LedgerStore;
  /** The pid of the agent that writes the ledger, when one runs. */
  agentPid: number | undefined;
  /** What indexing found, when this process indexed. */
  indexed: IndexRun | undefined;
  close(): void;
}

export interface OpenLedgerOptions {
  config: Config;
  paths: Paths;
  env?: NodeJS.ProcessEnv;
  /** Bring the index up to date when this process is the writer (reports: yes). */
  index: boolean;
  onProgress?: (p: Progress) => void;
  /**
   * Called before a first import, with the ledger closed: the CLI restarts itself there with a
   * small young generation (it does not return then). Called straight away when there is no
   * ledger yet (the restart then costs less than finding out how much there is to read), and
   * when a ledger without transcripts has more than LARGE_IMPORT_BYTES of them to read.
   */
  beforeLargeImport?: () => void;
}

export const LARGE_IMPORT_BYTES = 64 * 1024 * 1024;

export async function openLedger(opts: OpenLedgerOptions): Promise<OpenLedger> {
  const { config, paths } = opts;
  const free = lockHolder(lockFile(paths)) === undefined;
  if (
    free &&
    opts.index &&
    opts.beforeLargeImport !== undefined &&
    !existsSync(ledgerFile(paths))
  ) {
    opts.beforeLargeImport();
  }
  if (free && opts.index) {
    const current = openIfCurrent(config, paths, opts.env ?? process.env);
    if (current !== undefined) {
      return {
        store: current,
        agentPid: undefined,
        indexed: undefined,
        close: () => current.close(),
      };
    }
  }
  // Beside a running agent only the store is needed: the writer's modules (indexer, formats,
  // prices) are loaded only when this process may become the writer.
  let writer = free
    ? (await import('./writer.ts')).openLedgerWriter(config, paths, opts.env)
    : undefined;
  if (
    writer !== undefined &&
    opts.index &&
    opts.beforeLargeImport !== undefined &&
    writer.store.fileCount() === 0 &&
    writer.indexer.pendingBytes() > LARGE_IMPORT_BYTES
  ) {
    writer.close();
    opts.beforeLargeImport();
    writer = (await import('./writer.ts')).openLedgerWriter(config, paths, opts.env);
  }
  if (writer !== undefined) {
    const w = writer;
    let indexed: IndexRun | undefined;
    try {
      if (opts.index && config.ledger.enabled) {
        const recorder = new WalkRecorder(Date.now());
        indexed = await w.indexer.indexAll(opts.onProgress, recorder);
        keepWalkRecord(w.store, config, paths, opts.env ?? process.env, recorder);
      }
    } catch (err) {
      w.close();
      throw err;
    }
    return { store: w.store, agentPid: undefined, indexed, close: () => w.close() };
  }
  const agentPid = lockHolder(lockFile(paths));
  const file = ledgerFile(paths);
  // The agent has the lock but has not created the ledger yet: nothing recorded so far.
  const store: LedgerStore = existsSync(file)
    ? new SqliteLedger(file, { readOnly: true })
    : new MemoryLedger();
  return { store, agentPid, indexed: undefined, close: () => store.close() };
}

/**
 * The ledger read-only, when it is there and already what the writer would make of it now; a
 * writer that takes the role meanwhile only adds to what the report reads.
 */
function openIfCurrent(
  config: Config,
  paths: Paths,
  env: NodeJS.ProcessEnv,
): SqliteLedger | undefined {
  const file = ledgerFile(paths);
  if (!existsSync(file)) return undefined;
  let store: SqliteLedger;
  try {
    store = new SqliteLedger(file, { readOnly: true });
  } catch {
    return undefined; // the writer opens it and says what is wrong
  }
  let current = false;
  try {
    current = ledgerIsCurrent(store, config, paths, env);
  } catch {
    // Whatever the check stumbled on, the writer's way meets it too, and reports it.
  }
  if (current) return store;
  store.close();
  return undefined;
}
