// Where the ledger and its writer lock live (a module of its own: the status line imports
// only this, not the indexer).

import { join } from 'node:path';
import type { Paths } from '../config/paths.ts';

export function ledgerFile(paths: Paths): string {
  return join(paths.dataDir, 'ledger.sqlite');
}

export function lockFile(paths: Paths): string {
  return join(paths.dataDir, 'ledger.lock');
}

/** The writer's directory listings of the log roots (sources/files/dir-cache.ts). */
export function dirCacheFile(paths: Paths): string {
  return join(paths.dataDir, 'dir-cache.json');
}

/** The record of the last walk that found the ledger current (sources/files/walk-record.ts). */
export function walkRecordFile(paths: Paths): string {
  return join(paths.dataDir, 'walk-record.json');
}
