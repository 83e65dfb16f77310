// The build's rewrite of built-in imports (scripts/builtin-imports.ts): every form esbuild
// writes becomes the same bindings through process.getBuiltinModule, and nothing else moves.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useBuiltinModule } from '../../scripts/builtin-imports.ts';

test('named, renamed, default and namespace imports of built-ins', () => {
  const code = [
    'import { statSync, readFileSync as readFileSync2 } from "node:fs";',
    'import module from "node:module";',
    'import * as path from "node:path";',
    'import {',
    '  Worker',
    '} from "node:worker_threads";',
    'import { promises } from "node:fs/promises";',
  ].join('\n');
  assert.equal(
    useBuiltinModule(code),
    [
      'const { statSync, readFileSync: readFileSync2 } = process.getBuiltinModule("node:fs");',
      'const module = process.getBuiltinModule("node:module");',
      'const path = process.getBuiltinModule("node:path");',
      'const { Worker } = process.getBuiltinModule("node:worker_threads");',
      'const { promises } = process.getBuiltinModule("node:fs/promises");',
    ].join('\n'),
  );
});

test('packages, chunks, side-effect imports and dynamic imports stay as they are', () => {
  const code = [
    'import { parse } from "yaml";',
    'import { x } from "./chunk-ABC.js";',
    'import "./chunk-DEF.js";',
    'const m = await import("node:crypto");',
    '  import { indented } from "node:fs";',
  ].join('\n');
  assert.equal(useBuiltinModule(code), code);
});

test('the rewritten bindings are the built-ins themselves', async () => {
  const code = useBuiltinModule('import { join as j } from "node:path";\nexport default j;');
  const url = `data:text/javascript,${encodeURIComponent(code)}`;
  const { join } = await import('node:path');
  assert.equal((await import(url)).default, join);
});
