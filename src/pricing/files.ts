// Where the price tables are, and a stamp of them that a stat can check: a reader of an
// up-to-date ledger compares it with the one the writer stored when it priced the ledger,
// instead of reading, parsing and hashing the tables (ledger/freshness.ts).

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { packageFile } from '../package-files.ts';

/** The table in the package. */
export const SHIPPED_PRICES = packageFile('data/prices.json');

/** Where `prices update` keeps the downloaded table. */
export function downloadedPricesFile(dataDir: string): string {
  return join(dataDir, 'prices.json');
}

/**
 * The price tables' files as they are now, and the overrides. Any change to a file (a new
 * package, `prices update`, an edit) moves its ctime, which no installer can set back; an
 * equal stamp therefore means the same prices. The writer takes it before it reads the tables,
 * so a table replaced in between leaves a stale stamp: one more check, never a wrong price.
 */
export function priceSourcesStamp(
  dataDir: string,
  overrides: Record<string, unknown> = {},
  shippedFile: string = SHIPPED_PRICES,
): string {
  return JSON.stringify([
    fileStamp(shippedFile),
    fileStamp(downloadedPricesFile(dataDir)),
    overrides,
  ]);
}

function fileStamp(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  return st === undefined
    ? `${file} missing`
    : `${file} ${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}
