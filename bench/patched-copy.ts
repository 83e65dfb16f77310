// Makes a copy of this checkout's agent with some patches applied, to measure a proposed change
// without editing the checkout (others work in it):
//
//   node bench/patched-copy.ts DEST [bench/patches/x.diff ...] [--no-build]
//
// Copies src/, bin/, scripts/, data/, package.json and tsconfig.json to DEST, links node_modules,
// applies each patch with `patch -p1`, and bundles dist/ there (scripts/build.ts). Then e.g.
//   node bench/memory.ts --root DEST --build dist
//   node bench/latency.ts --root DEST
// With no patch it is the unpatched baseline of the same moment.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NODE, ROOT } from './lib/agent.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-build': { type: 'boolean' } },
});
const [destArg, ...patches] = positionals;
if (destArg === undefined) {
  console.error('usage: node bench/patched-copy.ts DEST [patch.diff ...] [--no-build]');
  process.exit(2);
}
const dest = resolve(destArg);
if (dest === ROOT || ROOT.startsWith(`${dest}/`))
  throw new Error('DEST must not hold this checkout');
if (existsSync(dest)) rmSync(dest, { recursive: true, force: true });
for (const item of ['src', 'bin', 'scripts', 'data', 'package.json', 'tsconfig.json']) {
  cpSync(join(ROOT, item), join(dest, item), { recursive: true });
}
symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'));
for (const p of patches) {
  execFileSync('patch', ['-p1', '-d', dest], {
    input: readFileSync(p),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
}
if (!values['no-build']) {
  execFileSync(NODE, [join(dest, 'scripts', 'build.ts')], { cwd: dest, stdio: 'inherit' });
}
console.log(`${dest}: ${patches.length} patch(es)${values['no-build'] ? '' : ', dist built'}`);
