// Loads the catalog: the one shipped in data/catalog.yaml under the config's
// `activity.catalog` overrides. Read and parsed once per process and set of overrides.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildCatalog, type Catalog, CatalogError } from '../domain/activity/catalog.ts';
import { packageFile } from '../package-files.ts';

export const SHIPPED_CATALOG = packageFile('data/catalog.yaml');

const cache = new Map<string, Catalog>();

export function loadCatalog(
  overrides: Record<string, unknown> = {},
  file = SHIPPED_CATALOG,
): Catalog {
  const key = `${file}\u0000${JSON.stringify(overrides)}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogError(`cannot read the catalog ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    doc = parse(text);
  } catch (err) {
    throw new CatalogError(`invalid YAML in ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const catalog = buildCatalog(doc, overrides, file);
  cache.set(key, catalog);
  return catalog;
}
