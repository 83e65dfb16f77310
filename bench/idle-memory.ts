// Memory of an idle agent, and of bare Node for comparison: where the baseline goes.
//
//   node bench/idle-memory.ts [--wait 3] [--root DIR]
//
// Each variant is started, left alone for `wait` seconds after it listens, and read from
// /proc/<pid>/status and smaps_rollup. `--root DIR` adds the variants of another copy of the
// project (e.g. one made by bench/patched-copy.ts).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentBuild,
  type MemorySample,
  NODE,
  readMemory,
  startAgent,
  stopChild,
} from './lib/agent.ts';
import { fmt, machine, numberFlags } from './lib/stats.ts';

const f = numberFlags({ wait: 3, root: '' });
const mib = (kb: number) => fmt(kb / 1024, 1).padStart(8);
const row = (name: string, m: MemorySample) =>
  console.log(
    `  ${name.padEnd(46)} ${mib(m.vmRss)} ${mib(m.rssFile)} ${mib(m.rssAnon)} ${mib(m.privateClean + m.privateDirty)}`,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bare(name: string, args: string[]): Promise<void> {
  const child = spawn(NODE, args, { stdio: 'ignore' });
  await sleep(1000 + f.wait * 1000);
  row(name, readMemory(child.pid!));
  await stopChild(child);
}

async function agent(name: string, build: AgentBuild, grpc: boolean, root?: string) {
  const a = await startAgent({ build, grpc, ...(root !== undefined && { root }) });
  await sleep(f.wait * 1000);
  row(name, readMemory(a.pid));
  await a.stop();
}

console.log(`machine: ${machine()}`);
console.log(`idle memory, ${f.wait} s after start (MiB)`);
console.log(
  `  ${'variant'.padEnd(46)} ${'VmRSS'.padStart(8)} ${'RssFile'.padStart(8)} ${'RssAnon'.padStart(8)} ${'Private'.padStart(8)}`,
);
const dir = mkdtempSync(join(tmpdir(), 'ai-observer-idle-'));
try {
  const ts = join(dir, 'idle.ts');
  writeFileSync(ts, 'const ms: number = 1e9;\nsetTimeout(() => {}, ms);\n');
  await bare('node, empty script (JS)', ['-e', 'setTimeout(() => {}, 1e9)']);
  await bare('node, empty script (.ts, type stripping)', [ts]);
  await bare('node + http server (JS)', [
    '-e',
    "require('node:http').createServer().listen(0, '127.0.0.1')",
  ]);
  for (const build of ['ts', 'dist'] as const) {
    await agent(`agent ${build}, HTTP + gRPC`, build, true);
    await agent(`agent ${build}, --no-grpc`, build, false);
  }
  if (f.root !== '') {
    for (const build of ['ts', 'dist'] as const) {
      await agent(`${f.root} ${build}, HTTP + gRPC`, build, true, f.root);
      await agent(`${f.root} ${build}, --no-grpc`, build, false, f.root);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
