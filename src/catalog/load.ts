// Loads the catalog: the one shipped in data/catalog.yaml under the config's
// `activity.catalog` overrides. Read and parsed once per process and set of overrides.
// The bundle reads the shipped catalog as JSON that the build parsed from it (dist/catalog.json):
// loading the YAML parser and parsing the file at start-up cost the agent 6-10 MiB of its
// memory for good (BENCHMARKS.md §3).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildCatalog, type Catalog, CatalogError } from '../domain/activity/catalog.ts';
import { bundledFile, packageFile } from '../package-files.ts';

export const SHIPPED_CATALOG = packageFile('data/catalog.yaml');
/** Where scripts/build.ts writes the shipped catalog as JSON (none when running from src/). */
export const PREBUILT_CATALOG = bundledFile('catalog.json');

const cache = new Map<string, Catalog>();

export function loadCatalog(
  overrides: Record<string, unknown> = {},
  file = SHIPPED_CATALOG,
): Catalog {
  const key = `${file}\u0000${JSON.stringify(overrides)}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const doc = (file === SHIPPED_CATALOG ? prebuilt() : undefined) ?? readCatalogFile(file);
  const catalog = buildCatalog(doc, overrides, file);
  cache.set(key, catalog);
  return catalog;
}

/** A catalog file as the document it holds (YAML). */
export function readCatalogFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogError(`cannot read the catalog ${file}: ${(err as Error).message}`);
  }
  try {
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    return parse(text);
  } catch (err) {
    throw new CatalogError(`invalid YAML in ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The shipped catalog as the build wrote it; undefined without one (then the YAML is read). */
function prebuilt(): unknown {
  if (PREBUILT_CATALOG === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(PREBUILT_CATALOG, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
