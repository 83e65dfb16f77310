#!/usr/bin/env node
// Installed entry point: the bundled CLI when built (npm run build), else the TypeScript
// source (Node ≥ 22.18 runs it directly by stripping types).
// Built-ins by process.getBuiltinModule: an ESM import of node:fs would load its streams and
// watchers on every run (scripts/builtin-imports.ts).
const { existsSync } = process.getBuiltinModule('node:fs');
const module = process.getBuiltinModule('node:module');

// Compiled code cached on disk between runs: the status line and reports start in a fraction
// of the time (Node ≥ 22.1; the cache lives in the OS temp dir and is safe to delete).
module.enableCompileCache?.();

const compiled = new URL('../dist/main.js', import.meta.url);
const entry = existsSync(compiled) ? compiled : new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
