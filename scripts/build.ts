// Builds dist/: the CLI and agent bundled into a few CommonJS modules.
//
//   npm run build
//
// One entry (dist/main.js) with code splitting: each command stays its own chunk, loaded when
// it runs (so `hook` never loads gRPC), and what commands share goes into shared chunks. A
// report or the status line then loads a handful of files instead of some forty modules, a
// sizeable part of their start-up (BENCHMARKS.md §4). Every chunk is written flat into dist/,
// one level under the package root, as src/ is: src/package-files.ts relies on that.
// esbuild splits ES modules only; each chunk is then turned into CommonJS
// (scripts/commonjs.ts says why), and dist/package.json says so. Packages from node_modules
// stay outside the bundle and load as they are.
// The shipped catalog is parsed here into dist/catalog.json, which the bundle reads instead of
// the YAML (src/catalog/load.ts). The web dashboard is built last, into dist/web/
// (scripts/build-dashboard.ts).

import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { readCatalogFile } from '../src/catalog/load.ts';
import { buildDashboard } from './build-dashboard.ts';
import { toCommonJs } from './commonjs.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  // The parse worker is started by file name (src/package-files.ts: workerModule).
  entryPoints: { main: 'src/cli/main.ts', 'parse-worker': 'src/ledger/parse-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.18',
  packages: 'external',
  chunkNames: '[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
for (const name of readdirSync(outdir)) {
  if (!name.endsWith('.js')) continue;
  const file = join(outdir, name);
  writeFileSync(file, toCommonJs(readFileSync(file, 'utf8')));
}
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
writeFileSync(
  join(outdir, 'catalog.json'),
  JSON.stringify(readCatalogFile(join(root, 'data', 'catalog.yaml'))),
);
await buildDashboard(join(outdir, 'web'), root);
