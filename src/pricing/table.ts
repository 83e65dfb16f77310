// Loads the price table: the one shipped in data/prices.json, under the one `prices update`
// wrote to <dataDir>/prices.json (its models win), under the config's overrides. Read and
// parsed once per process: the status line pays for it on every run (see data/PRICES.md).

import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import {
  mergeOverrides,
  mergeTables,
  type PriceTable,
  PriceTableError,
  parsePriceTable,
} from '../domain/pricing.ts';
import { downloadedPricesFile, SHIPPED_PRICES } from './files.ts';

export interface LoadPriceTableOptions {
  dataDir: string;
  /** The config's `pricing.overrides`. */
  overrides?: Record<string, unknown>;
  /** Another shipped table (tests). */
  shippedFile?: string;
}

function readTable(file: string, label: string): PriceTable | undefined {
  let text: string;
  let stamp: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const st = fstatSync(fd);
      stamp = `${st.size}-${st.mtimeMs}`;
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PriceTableError(`cannot read price table ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PriceTableError(`price table ${file} is not JSON: ${(err as Error).message}`);
  }
  // The shipped file is small and its mtime means nothing after npm install: hash it. The
  // downloaded one is large and replaced by rename, so its size and mtime identify it.
  const id = label === 'shipped' ? `${text.length}-${fnv1a(text)}` : stamp;
  return parsePriceTable(raw, { source: `${label} ${file}`, id });
}

/**
 * FNV-1a over the text's UTF-16 units: enough to tell two versions of the table apart, and
 * no crypto module to load on the status line's path.
 */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

const baseCache = new Map<string, PriceTable>();
let lastOverrides:
  | { base: PriceTable; overrides: Record<string, unknown>; table: PriceTable }
  | undefined;

/**
 * The prices to use. A downloaded table that is missing is fine; one that cannot be read or
 * parsed, or a bad override, throws PriceTableError with a message naming the file or model.
 */
export function loadPriceTable(opts: LoadPriceTableOptions): PriceTable {
  const shippedFile = opts.shippedFile ?? SHIPPED_PRICES;
  const downloadedFile = downloadedPricesFile(opts.dataDir);
  const cacheKey = `${shippedFile}\0${downloadedFile}`;
  let base = baseCache.get(cacheKey);
  if (base === undefined) {
    const shipped = readTable(shippedFile, 'shipped');
    if (shipped === undefined) {
      throw new PriceTableError(`the shipped price table ${shippedFile} is missing`);
    }
    const downloaded = readTable(downloadedFile, 'downloaded');
    base = downloaded === undefined ? shipped : mergeTables(shipped, downloaded);
    baseCache.set(cacheKey, base);
  }
  const overrides = opts.overrides ?? {};
  if (lastOverrides?.base === base && lastOverrides.overrides === overrides) {
    return lastOverrides.table;
  }
  const table = mergeOverrides(base, overrides);
  lastOverrides = { base, overrides, table };
  return table;
}

/** Forgets what was read (after `prices update` in the same process, and in tests). */
export function clearPriceTableCache(): void {
  baseCache.clear();
  lastOverrides = undefined;
}
