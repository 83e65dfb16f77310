// Files that ship with the package (its package.json, data/), found from this module's place:
// src/ and the bundled dist/ both sit right under the package root.

import { fileURLToPath } from 'node:url';

export function packageFile(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/**
 * A worker thread's entry module: `dist/<name>.js` in the bundle (scripts/build.ts makes one
 * per worker), the TypeScript source when running from src/.
 */
export function workerModule(name: string, source: string): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL(`./${source}`, import.meta.url)
    : new URL(`./${name}.js`, import.meta.url);
}

/**
 * A file scripts/build.ts writes next to the bundle (`dist/<name>`); undefined when running
 * from src/, where there is no build to have written it.
 */
export function bundledFile(name: string): string | undefined {
  return import.meta.url.endsWith('.ts')
    ? undefined
    : fileURLToPath(new URL(`./${name}`, import.meta.url));
}
