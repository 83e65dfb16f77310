// Builds the web dashboard into <outdir>: index.html and assets/ with content-hashed names
// (src/web/static.ts serves those as immutable). Everything the page loads is in there — no
// CDN, no web font — so the dashboard works offline.
//
//   node scripts/build-dashboard.ts [outdir]      (default dist/web; `npm run build` calls it)

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = 'src/web/dashboard';

export interface DashboardBuild {
  /** Asset file names under <outdir>/assets, with their sizes in bytes. */
  assets: Record<string, number>;
}

export async function buildDashboard(outdir: string, root = ROOT): Promise<DashboardBuild> {
  rmSync(outdir, { recursive: true, force: true });
  const assetsDir = join(outdir, 'assets');
  mkdirSync(assetsDir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: `${SOURCE}/main.tsx` },
    tsconfig: `${SOURCE}/tsconfig.json`,
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    // The charting library is its own chunk, loaded after the first paint (chart.tsx).
    splitting: true,
    minify: true,
    format: 'esm',
    // Browsers of the last two years; the page is opened on the developer's own machine.
    target: ['chrome115', 'firefox115', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (result.errors.length > 0) throw new Error('dashboard build failed');

  const assets: Record<string, number> = {};
  let js: string | undefined;
  let css: string | undefined;
  for (const [path, out] of Object.entries(result.metafile.outputs)) {
    const name = basename(path);
    assets[name] = out.bytes;
    // (with splitting, a dynamic import's target is an entry point too)
    if (out.entryPoint === `${SOURCE}/main.tsx`) js = name;
    if (name.endsWith('.css')) css = name;
  }
  if (js === undefined || css === undefined) {
    throw new Error(`dashboard build wrote no script or no stylesheet: ${Object.keys(assets)}`);
  }
  const template = readFileSync(join(root, SOURCE, 'index.html'), 'utf8');
  const html = template.replace('%APP_CSS%', `/assets/${css}`).replace('%APP_JS%', `/assets/${js}`);
  writeFileSync(join(outdir, 'index.html'), html);
  return { assets };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(ROOT, 'dist', 'web'));
  const { assets } = await buildDashboard(out);
  for (const [name, bytes] of Object.entries(assets)) console.log(`${name}\t${bytes}`);
}
