// All benchmarks, one after another (they share two cores, so never at once):
//
//   node bench/run-all.ts [--full] [--build dist|ts]
//
// Builds dist/ first (as `npm start` does) unless --build ts, then: latency (30 s), ingest
// (in process + over HTTP), memory (--quick 60; --full: 600 s), idle memory.
// Output goes to the terminal and to bench/results/<date>.txt (git-ignored).

import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NODE, ROOT } from './lib/agent.ts';
import { machine, numberFlags } from './lib/stats.ts';

const f = numberFlags({ full: false, build: 'dist' });
const build = f.build === 'ts' ? 'ts' : 'dist';
const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.txt`);
const out = createWriteStream(file);
const say = (text: string) => {
  process.stdout.write(text);
  out.write(text);
};

const runs: [string, string[]][] = [
  ...(build === 'dist' ? ([['build', ['scripts/build.ts']]] as [string, string[]][]) : []),
  ['latency', ['bench/latency.ts', '--build', build]],
  ['ingest', ['bench/ingest.ts', '--build', build]],
  ['memory', ['bench/memory.ts', '--build', build, ...(f.full ? [] : ['--quick', '60'])]],
  ['idle memory', ['bench/idle-memory.ts']],
];

say(`machine: ${machine()}\n`);
let failed = 0;
for (const [name, args] of runs) {
  say(`\n$ node ${args.join(' ')}\n`);
  const code = await new Promise<number>((ok) => {
    const child = spawn(NODE, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => say(b.toString()));
    child.stderr.on('data', (b: Buffer) => say(b.toString()));
    // Bounded: no benchmark here should take 15 minutes.
    const limit = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
    child.once('exit', (c) => {
      clearTimeout(limit);
      ok(c ?? 1);
    });
  });
  if (code !== 0) {
    failed++;
    say(`${name}: exit code ${code}\n`);
  }
}
say(`\nresults: ${file}\n`);
out.end();
process.exitCode = failed === 0 ? 0 : 1;
