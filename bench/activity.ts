// Workstation activity benchmarks (issue: "Workstation activity"):
//
//   node bench/activity.ts [--only scan|history|idle] [--seconds 300] [--processes 500]
//                          [--visits 200000] [--build dist|ts]
//
// scan     one /proc scan with at least --processes processes running (real `sleep` children
//          fill up to that count): cold (a new scanner reads stat, cmdline and exe of every
//          process) and warm (stat only), each with claiming against the catalog. Goal < 50 ms.
// history  a Chromium History file with --visits visits (real schema, 20 % on AI sites)
//          read into a fresh ledger: first read (goal < 2 s), rescan of an unchanged file, and
//          an incremental rescan after 10 new visits (goal < 50 ms).
// idle     the agent (dist/ unless --build ts) with every activity source on — processes every
//          15 s, foreground every 5 s (a `swaymsg` on PATH printing a 40 KB Sway tree, as on a
//          Sway desktop), the 200,000-visit history every minute, a zsh history every 30 s —
//          and nothing else to do: its CPU time over --seconds after a 30 s settling period,
//          as % of one core. Goal < 1 %.

import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../src/catalog/load.ts';
import { claimAll } from '../src/domain/activity/process-match.ts';
import { siteIndex } from '../src/domain/activity/sites.ts';
import { BrowserHistorySource } from '../src/sources/browser-history/index.ts';
import { ProcScanner } from '../src/sources/processes/linux.ts';
import { SqliteLedger } from '../src/store/sqlite/ledger.ts';
import { HistoryDb, type Visit } from '../test/support/browser-history.ts';
import { cpuSeconds, startAgent } from './lib/agent.ts';
import { fmt, machine, numberFlags } from './lib/stats.ts';

const f = numberFlags({ only: '', seconds: 300, processes: 500, visits: 200_000, build: 'dist' });
const catalog = loadCatalog();
const work = mkdtempSync(join(tmpdir(), 'ai-observer-bench-activity-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${fmt(s[Math.floor(s.length / 2)]!, 2)} ms, min ${fmt(s[0]!, 2)}, max ${fmt(s[s.length - 1]!, 2)} (${s.length} runs)`;
};

const AI_URLS = [
  'https://chatgpt.com/c/',
  'https://claude.ai/chat/',
  'https://gemini.google.com/app/',
  'https://www.perplexity.ai/search/',
  'https://github.com/copilot/c/',
];
const OTHER_URLS = [
  'https://github.com/org/repo/pull/',
  'https://news.example.org/item?id=',
  'https://docs.example.com/page/',
  'https://www.wikipedia.org/wiki/',
  'https://mail.example.com/inbox/',
];

/** A Chromium History with `n` visits over the last 90 days, 20 % on AI sites. */
function historyFile(file: string, n: number): HistoryDb {
  const db = new HistoryDb(file, 'chromium');
  const now = Date.now();
  const start = now - 90 * 86_400_000;
  const step = (now - 3_600_000 - start) / n;
  let batch: Visit[] = [];
  for (let i = 0; i < n; i++) {
    const ai = i % 5 === 0;
    const base = ai ? AI_URLS[i % AI_URLS.length]! : OTHER_URLS[i % OTHER_URLS.length]!;
    // ~20,000 distinct URLs, as in a real profile.
    batch.push({ url: `${base}${i % 20_000}`, ts: start + i * step, durationMs: (i % 7) * 20_000 });
    if (batch.length === 10_000) {
      db.add(batch);
      batch = [];
    }
  }
  db.add(batch);
  return db;
}

async function benchScan(): Promise<void> {
  console.log(`\n## One process scan with ${f.processes} processes`);
  const count = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length;
  const children: ChildProcess[] = [];
  try {
    const need = Math.max(0, f.processes - count());
    for (let i = 0; i < need; i++) children.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
    await sleep(1000);
    const n = count();
    const cold: number[] = [];
    const warm: number[] = [];
    let claimed = 0;
    for (let run = 0; run < 5; run++) {
      const scanner = new ProcScanner();
      let t = performance.now();
      const ps = scanner.scan();
      claimed = claimAll(ps, catalog, 'linux').size;
      cold.push(performance.now() - t);
      for (let k = 0; k < 4; k++) {
        t = performance.now();
        claimAll(scanner.scan(), catalog, 'linux');
        warm.push(performance.now() - t);
      }
    }
    console.log(
      `processes in /proc: ${n} (${children.length} sleep children added); entries with processes: ${claimed}`,
    );
    console.log(`cold scan + claim (every process read in full): ${stats(cold)}`);
    console.log(`warm scan + claim (stat of each; new processes read in full): ${stats(warm)}`);
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
}

async function benchHistory(): Promise<void> {
  console.log(`\n## Browser history with ${f.visits.toLocaleString('en-US')} visits (Chromium)`);
  const home = join(work, 'history-home');
  const file = join(home, '.config', 'google-chrome', 'Default', 'History');
  let t = performance.now();
  const db = historyFile(file, f.visits);
  console.log(`generated in ${fmt((performance.now() - t) / 1000, 1)} s`);
  const sites = siteIndex(catalog);
  const first: number[] = [];
  const unchanged: number[] = [];
  const incremental: number[] = [];
  for (let run = 0; run < 3; run++) {
    const ledger = new SqliteLedger(join(work, `history-${run}.sqlite`));
    const source = new BrowserHistorySource({
      files: () => [{ browser: 'chrome', family: 'chromium', profile: 'Default', path: file }],
      sites: () => sites,
      gapMs: 30 * 60_000,
      pause: () => new Promise((r) => setImmediate(r)),
    });
    t = performance.now();
    const r = await source.scan(ledger);
    first.push(performance.now() - t);
    if (run === 0)
      console.log(
        `first read: ${r.visits} visits, ${r.matched} on AI sites, errors: ${r.errors.length}`,
      );
    for (let k = 0; k < 3; k++) {
      t = performance.now();
      await source.scan(ledger);
      unchanged.push(performance.now() - t);
      const now = Date.now();
      db.add(
        Array.from({ length: 10 }, (_, i) => ({
          url: `${AI_URLS[i % 5]}new${run}-${k}-${i}`,
          ts: now + i,
        })),
      );
      t = performance.now();
      const inc = await source.scan(ledger);
      incremental.push(performance.now() - t);
      if (inc.visits !== 10) throw new Error(`incremental read ${inc.visits} visits, expected 10`);
    }
    ledger.close();
  }
  db.close();
  console.log(`first read: ${stats(first)}`);
  console.log(`rescan, file unchanged: ${stats(unchanged)}`);
  console.log(`incremental rescan, 10 new visits: ${stats(incremental)}`);
}

/** A Sway tree of about 40 KB: 4 workspaces of 12 windows each. */
function swayTree(): string {
  let id = 10;
  const con = (focused: boolean) => ({
    id: id++,
    type: 'con',
    name: 'a window title that is never read',
    focused,
    pid: 1000 + id,
    app_id: focused ? 'foot' : 'firefox',
    rect: { x: 0, y: 0, width: 960, height: 1080 },
    window_rect: { x: 0, y: 0, width: 960, height: 1080 },
    border: 'pixel',
    layout: 'none',
    marks: [],
    nodes: [],
    floating_nodes: [],
    inhibit_idle: false,
    idle_inhibitors: { user: 'none', application: 'none' },
    shell: 'xdg_shell',
    visible: true,
  });
  return JSON.stringify({
    id: 1,
    type: 'root',
    nodes: [1, 2, 3, 4].map((w) => ({
      id: id++,
      type: 'workspace',
      name: String(w),
      nodes: Array.from({ length: 12 }, (_, i) => con(w === 1 && i === 0)),
      floating_nodes: [],
    })),
  });
}

async function benchIdle(): Promise<void> {
  console.log(
    `\n## Agent CPU, idle desktop, every activity source on (${f.seconds} s after 30 s settling)`,
  );
  const home = join(work, 'idle-home');
  mkdirSync(home, { recursive: true });
  const db = historyFile(join(home, '.config', 'google-chrome', 'Default', 'History'), 200_000);
  db.close();
  const s = Math.floor(Date.now() / 1000);
  writeFileSync(
    join(home, '.zsh_history'),
    Array.from(
      { length: 5000 },
      (_, i) => `: ${s - 5000 + i}:0;${i % 10 === 0 ? 'claude -p x' : 'ls -la'}\n`,
    ).join(''),
  );
  const bin = join(work, 'bin');
  mkdirSync(bin, { recursive: true });
  const tree = join(work, 'tree.json');
  writeFileSync(tree, swayTree());
  writeFileSync(join(bin, 'swaymsg'), `#!/bin/sh\nexec cat '${tree}'\n`);
  chmodSync(join(bin, 'swaymsg'), 0o755);
  const agent = await startAgent({
    build: f.build === 'ts' ? 'ts' : 'dist',
    env: {
      HOME: home,
      SWAYSOCK: '/run/user/1000/sway-ipc.sock',
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      DISPLAY: '',
    },
  });
  try {
    const startCpu = cpuSeconds(agent.pid);
    await sleep(30_000);
    const settled = cpuSeconds(agent.pid);
    console.log(
      `start-up and first reads (200,000 visits, 5,000 history lines): ${fmt(settled - startCpu, 2)} CPU s`,
    );
    const t0 = performance.now();
    await sleep(f.seconds * 1000);
    const cpu = cpuSeconds(agent.pid) - settled;
    const wall = (performance.now() - t0) / 1000;
    console.log(
      `CPU over ${fmt(wall, 0)} s: ${fmt(cpu, 2)} s = ${fmt((cpu / wall) * 100, 3)} % of one core`,
    );
    const said = agent.stderr.filter((l) => /activity:/.test(l));
    console.log(
      said.length === 0
        ? 'every source worked (the agent logged no activity problem, foreground known)'
        : `the agent said:\n  ${said.join('\n  ')}`,
    );
  } finally {
    await agent.stop();
  }
}

console.log(`machine: ${machine()}`);
try {
  if (f.only === '' || f.only === 'scan') await benchScan();
  if (f.only === '' || f.only === 'history') await benchHistory();
  if (f.only === '' || f.only === 'idle') await benchIdle();
} finally {
  rmSync(work, { recursive: true, force: true });
}
