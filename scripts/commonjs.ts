// The bundle's chunks turned from ES modules into CommonJS, after esbuild has split them (it
// splits only ES modules). A command then loads through require(): Node's ESM loader, its
// resolution by URL, package-scope lookups and module linking cost ~3 ms of every report and
// status line for the two dozen chunks one loads (BENCHMARKS.md §4), and Node's built-ins
// come without the ESM facades that load node:fs's streams and watchers.

import { transformSync } from 'esbuild';

/** The CommonJS form of one chunk of esbuild's ESM output. */
export function toCommonJs(code: string): string {
  // import.meta has no CommonJS form: its two uses here get variables set from the module.
  const banner: string[] = [];
  if (code.includes('import.meta.url')) {
    banner.push('var __moduleUrl = require("node:url").pathToFileURL(__filename).href;');
  }
  // A chunk run as the program (`node dist/main.js`), as `import.meta.main` says in ESM.
  if (code.includes('import.meta.main')) banner.push('var __isMain = require.main === module;');
  const { code: out } = transformSync(code, {
    format: 'cjs',
    platform: 'node',
    target: 'node22.18',
    // import() of another chunk becomes a require() behind a promise, as it behaves.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__moduleUrl', 'import.meta.main': '__isMain' },
    banner: banner.join('\n'),
    logLevel: 'error',
  });
  return out;
}
