// Builds dist/: the CLI and agent bundled into CommonJS.
//
//   npm run build
//
// dist/main.js is the whole CLI in one file, without code splitting: bin/code-cache.js compiles
// it as one script and caches V8's code for it after a command ran, which a chunk loaded per
// command through require() could not have (BENCHMARKS.md §4). A command's modules are still
// initialised only when it runs (esbuild wraps what import() loads), and packages from
// node_modules stay outside the bundle and load only when the code that imports them runs, so
// `hook` never loads gRPC. The commands that run often (FAST_COMMANDS) get a bundle each as
// well, dist/<command>.js, which bin/ai-observer.js runs instead: a third of the code to read
// and a smaller cache to load. CommonJS, not ES modules: Node's ESM loader, its resolution by URL
// and its linking cost a report or the status line ~3 ms, and Node's built-ins come without the
// ESM facades that load node:fs's streams and watchers. The import's worker thread is its own
// bundle (dist/parse-worker.js). Both are written flat into dist/, one level under the package
// root, as src/ is: src/package-files.ts relies on that.
// The shipped catalog is parsed here into dist/catalog.json, which the bundle reads instead of
// the YAML (src/catalog/load.ts). The web dashboard is built last, into dist/web/
// (scripts/build-dashboard.ts).

import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { readCatalogFile } from '../src/catalog/load.ts';
import { buildDashboard } from './build-dashboard.ts';
import { finishBundle } from './bundle-text.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
};

/** A report, the status line and each Claude Code hook event: started many times a day. */
const FAST_COMMANDS = ['report', 'statusline', 'hook'];

/** `command:<name>` entries: main(argv) of a CLI that knows that one command. */
const commandEntries: Plugin = {
  name: 'command-entries',
  setup(b) {
    b.onResolve({ filter: /^command:/ }, (a) => ({
      path: a.path.slice('command:'.length),
      namespace: 'command',
    }));
    b.onLoad({ filter: /.*/, namespace: 'command' }, (a) => ({
      contents: [
        `import { ${a.path} as command } from './src/cli/commands/${a.path}.ts';`,
        "import { runCommand } from './src/cli/run-command.ts';",
        `export const main = (argv: string[]) => runCommand('${a.path}', async () => command, argv.slice(1));`,
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  // The parse worker is started by file name (src/package-files.ts: workerModule).
  entryPoints: {
    main: 'src/cli/main.ts',
    'parse-worker': 'src/ledger/parse-worker.ts',
    ...Object.fromEntries(FAST_COMMANDS.map((c) => [c, `command:${c}`])),
  },
  plugins: [commandEntries],
  outdir,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22.18',
  packages: 'external',
  // import() of a package becomes a require() behind a promise, as it behaves.
  supported: { 'dynamic-import': false },
  // import.meta has no CommonJS form: its two uses get variables set from the module. The
  // version is read once, here (src/version.ts).
  define: {
    'import.meta.url': '__moduleUrl',
    'import.meta.main': '__isMain',
    BUNDLED_VERSION: JSON.stringify(version),
  },
  banner: {
    js: '"use strict";\nvar __moduleUrl = require("node:url").pathToFileURL(__filename).href;\nvar __isMain = require.main === module;',
  },
  legalComments: 'none',
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
for (const name of readdirSync(outdir)) {
  if (!name.endsWith('.js')) continue;
  const file = join(outdir, name);
  writeFileSync(file, finishBundle(readFileSync(file, 'utf8')));
}
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
writeFileSync(
  join(outdir, 'catalog.json'),
  JSON.stringify(readCatalogFile(join(root, 'data', 'catalog.yaml'))),
);
await buildDashboard(join(outdir, 'web'), root);
