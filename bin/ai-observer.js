#!/usr/bin/env node
// Installed entry point: the bundled CLI when built (npm run build), else the TypeScript
// source (Node ≥ 22.18 runs it directly by stripping types). CommonJS (bin/package.json), as
// the bundle is: a command then never starts Node's ESM loader (scripts/commonjs.ts).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// Compiled code cached on disk between runs: the status line and reports start in a fraction
// of the time (Node ≥ 22.1; the cache lives in the OS temp dir and is safe to delete).
require('node:module').enableCompileCache?.();

const bundle = join(__dirname, '..', 'dist', 'main.js');
const load = existsSync(bundle) ? Promise.resolve(require(bundle)) : import('../src/cli/main.ts');
load
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
