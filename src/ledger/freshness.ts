// Whether the ledger as stored is already what a writer would make of it now: the current
// schema, daily sums in today's zone, costs from the price tables as they are, and every
// transcript read to its end. Then a report reads it as it is, read-only, and never loads the
// writer's modules, takes the lock or prices anything: the warm report's fast path.

import type { Config } from '../config/schema.ts';
import type { Paths } from '../config/paths.ts';
import { priceSourcesStamp } from '../pricing/files.ts';
import { FileDirCache } from '../sources/files/dir-cache.ts';
import { transcriptsUnchanged } from '../sources/files/freshness.ts';
import { checkWalkRecord, WalkRecorder } from '../sources/files/walk-record.ts';
import { type LogLocation, logLocations } from '../sources/log-locations.ts';
import type { SqliteLedger } from '../store/sqlite/ledger.ts';
import { SCHEMA_VERSION } from '../store/sqlite/migrations.ts';
import { VERSION } from '../version.ts';
import { dirCacheFile, walkRecordFile } from './files.ts';
import { ledgerZoneName } from './zone.ts';

export function ledgerIsCurrent(
  store: SqliteLedger,
  config: Config,
  paths: Paths,
  env: NodeJS.ProcessEnv,
  now: number = Date.now(),
): boolean {
  const marks = store.writerMarks();
  if (marks === undefined || marks.schemaVersion !== SCHEMA_VERSION) return false;
  if (marks.zone !== ledgerZoneName(config, env)) return false;
  let prices: string;
  try {
    prices = priceSourcesStamp(paths.dataDir, config.pricing.overrides);
  } catch {
    return false; // the writer meets the unreadable table and says so
  }
  if (marks.priceStamp !== prices) return false;
  if (!config.ledger.enabled) return true;
  const locations = logLocations(config.ledger, env);
  const record = walkRecordFile(paths);
  const key =
    marks.cursorsToken === undefined ? undefined : recordKey(marks.cursorsToken, locations);
  if (key !== undefined) {
    const verdict = checkWalkRecord(record, key);
    if (verdict !== 'unsure') return verdict === 'same';
  }
  // The full check: the cursors as stored, every directory (listed again where it moved).
  // The token was read before the cursors, so a record under it can only be too old to match.
  const listings = new FileDirCache(dirCacheFile(paths));
  const recorder = new WalkRecorder(now);
  if (!transcriptsUnchanged(locations, store.fileStamps(), listings, now, recorder)) {
    return false;
  }
  // Listings this walk had to take (none, or a missing cache's worth) are kept for the next:
  // the file is replaced whole by a rename, so a writer saving its own meanwhile loses nothing
  // but the other's listings, which are checked by their mtime before any use.
  listings.save();
  if (key !== undefined) recorder.save(record, key);
  return true;
}

/**
 * Keeps what the writer's index pass took down (a walk and every file as the ledger now has
 * it): the next report then stats what it holds instead of checking afresh.
 */
export function keepWalkRecord(
  store: SqliteLedger,
  config: Config,
  paths: Paths,
  env: NodeJS.ProcessEnv,
  recorder: WalkRecorder,
): void {
  // Read after the pass's last commit: the token names the cursors just written.
  const token = store.writerMarks()?.cursorsToken;
  if (token === undefined) return;
  recorder.save(walkRecordFile(paths), recordKey(token, logLocations(config.ledger, env)));
}

/** What a walk record holds for: these cursors, these log locations, this version's matchers. */
function recordKey(cursorsToken: string, locations: readonly LogLocation[]): string {
  return JSON.stringify([VERSION, cursorsToken, locations.map((l) => [l.tool, l.roots])]);
}
