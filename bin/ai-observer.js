#!/usr/bin/env node
// Installed entry point: the bundled CLI when built (npm run build), else the TypeScript
// source (Node ≥ 22.18 runs it directly by stripping types). CommonJS (bin/package.json), as
// the bundle is: a command then never starts Node's ESM loader (scripts/build.ts).
const { existsSync } = require('node:fs');
const { enableCompileCache, getCompileCacheDir } = require('node:module');
const { join } = require('node:path');

// Compiled code cached on disk between runs (Node ≥ 22.1; in the OS temp dir, safe to delete,
// off with NODE_DISABLE_COMPILE_CACHE=1): Node's for the packages a command requires and for
// src/, and the bundle's own, taken after a command ran (code-cache.js).
enableCompileCache?.();

const argv = process.argv.slice(2);
const dist = join(__dirname, '..', 'dist');
const bundle = join(dist, 'main.js');
// A command that runs often has a bundle of its own (scripts/build.ts: FAST_COMMANDS).
const own = /^[a-z]+$/.test(argv[0] ?? '') ? join(dist, `${argv[0]}.js`) : bundle;
const run = existsSync(bundle)
  ? require('./code-cache.js').runBundle(
      existsSync(own) ? own : bundle,
      argv,
      getCompileCacheDir?.(),
    )
  : import('../src/cli/main.ts').then(({ main }) => main(argv));
run.then((code) => {
  process.exitCode = code;
});
