// Workstation activity through the real command line and agent: `report sites|tools|apps` over
// real Chromium and Firefox history files and shell histories in a scratch HOME (read by the
// report itself when no agent runs, and by the agent when it does), a real process the agent
// finds by its name and whose time stops when it stops, and bad input refused.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HistoryDb } from '../support/browser-history.ts';
import { runCli, scratchHome, startServe } from '../support/cli.ts';

interface ActivityReport {
  report: string;
  period: string | null;
  rows: Array<{
    period?: string;
    subject: string;
    name: string;
    kind: string;
    activeSeconds: number;
    costUsd: number;
    costBasis: string;
    visits: number;
    commands: number;
    sources: string[];
  }>;
  totals: { activeSeconds: number; costUsd: number; visits: number; commands: number };
}

/** No desktop to ask: the agent counts app time by process, deterministically. */
const NO_DESKTOP = {
  DISPLAY: '',
  WAYLAND_DISPLAY: '',
  SWAYSOCK: '',
  HYPRLAND_INSTANCE_SIGNATURE: '',
};

async function report(env: NodeJS.ProcessEnv, ...args: string[]): Promise<ActivityReport> {
  const r = await runCli(['report', ...args, '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ActivityReport;
}

const MIN = 60_000;

function homeWithHistory(t0: number): string {
  const home = scratchHome('aio-user-');
  const chrome = new HistoryDb(
    join(home, '.config', 'google-chrome', 'Default', 'History'),
    'chromium',
  );
  chrome.add([
    { url: 'https://chatgpt.com/c/1', ts: t0 },
    { url: 'https://chatgpt.com/c/1', ts: t0 + 10 * MIN },
    { url: 'https://www.wikipedia.org/', ts: t0 + 11 * MIN },
  ]);
  chrome.close();
  const firefox = new HistoryDb(
    join(home, '.mozilla', 'firefox', 'x.default-release', 'places.sqlite'),
    'firefox',
  );
  // The same site at the same time in another browser: merged, not added.
  firefox.add([
    { url: 'https://chatgpt.com/', ts: t0 + 5 * MIN },
    { url: 'https://claude.ai/new', ts: t0 + 60 * MIN },
  ]);
  firefox.close();
  const s = Math.floor(t0 / 1000);
  writeFileSync(
    join(home, '.zsh_history'),
    `: ${s}:0;claude -p "hello"\n: ${s + 60}:0;git status\n: ${s + 90}:0;llm 'x' | sgpt\n`,
  );
  return home;
}

describe('report apps|sites|tools without an agent', () => {
  const t0 = Date.UTC(2026, 10, 20, 9, 0, 0);
  const env: NodeJS.ProcessEnv = {};
  test('sites: both browsers, one union per domain, estimated cost; rescans add nothing', async () => {
    env.AI_OBSERVER_HOME = scratchHome();
    env.HOME = homeWithHistory(t0);
    const r = await report(env, 'sites', '--timezone', 'UTC');
    assert.deepEqual(
      r.rows.map((x) => [x.subject, x.name, x.visits, x.activeSeconds]),
      [
        ['chatgpt.com', 'ChatGPT', 3, 11 * 60],
        ['claude.ai', 'Claude', 1, 60],
      ],
    );
    assert.equal(r.rows[0]!.costBasis, 'estimated');
    assert.equal(r.rows[0]!.costUsd, Math.round(((0.5 * 11) / 60) * 1e6) / 1e6);
    assert.deepEqual(r.rows[0]!.sources, ['history']);
    assert.deepEqual(
      await report(env, 'sites', '--timezone', 'UTC'),
      r,
      'a second run adds nothing',
    );
  });

  test('tools: AI commands typed in the shell, per CLI; periods and ranges', async () => {
    const r = await report(env, 'tools', '--timezone', 'UTC');
    assert.deepEqual(Object.fromEntries(r.rows.map((x) => [x.subject, x.commands])), {
      'claude-code': 1,
      llm: 1,
      sgpt: 1,
    });
    const daily = await report(env, 'tools', '--period', 'daily', '--timezone', 'UTC');
    assert.ok(daily.rows.every((x) => x.period === '2026-11-20'));
    const later = await report(env, 'sites', '--since', '20261121', '--timezone', 'UTC');
    assert.equal(later.rows.length, 0);
    appendFileSync(join(env.HOME!, '.zsh_history'), `: ${Math.floor(t0 / 1000) + 120}:0;claude\n`);
    const again = await report(env, 'tools', '--timezone', 'UTC');
    assert.equal(again.rows.find((x) => x.subject === 'claude-code')?.commands, 2);
    const table = await runCli(['report', 'sites', '--timezone', 'UTC'], { env });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /chatgpt\.com\s+│ ChatGPT/);
    assert.match(table.stdout, /estimate/);
    assert.doesNotMatch(table.stdout, /\/c\/1|wikipedia/, 'no paths, no other sites');
  });

  test('bad flags and a bad catalog override are one clear error, exit code 2', async () => {
    const bad = await runCli(['report', 'apps', '--period', 'hourly'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown --period "hourly"; use daily, weekly, monthly/);
    const tool = await runCli(['report', 'sites', '--tool', 'codex'], { env });
    assert.equal(tool.code, 2);
    assert.match(tool.stderr, /--tool is for usage reports/);
    const config = join(env.AI_OBSERVER_HOME!, 'bad.yaml');
    writeFileSync(config, 'activity:\n  catalog:\n    cursor: { hourlyRate: lots }\n');
    const r = await runCli(['report', 'apps'], { env: { ...env, AI_OBSERVER_CONFIG: config } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /activity\.catalog\.cursor: hourlyRate must be a number/);
    const served = await runCli(['serve', '--port', '0', '--no-grpc'], {
      env: { ...env, AI_OBSERVER_CONFIG: config },
    });
    assert.equal(served.code, 2, 'the agent refuses it too');
  });
});

describe('the agent keeps activity current', () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  test('a CLI process: found by name, its time stops when it stops; history read by the agent', async () => {
    const t0 = Date.now() - 2 * 3_600_000;
    const home = homeWithHistory(t0);
    const aioHome = scratchHome();
    // A CLI name no other process on this machine has (other tests run real `claude`).
    const name = `aiot${process.pid.toString(36)}`.slice(0, 14);
    const config = join(aioHome, 'config.yaml');
    writeFileSync(
      config,
      `activity:\n  processInterval: 1s\n  shellInterval: 1s\n  catalog:\n    ${name}:\n      kind: cli\n      name: Test CLI\n      hourlyRate: 36\n      process: { linux: { names: [${name}] } }\n`,
    );
    const env = {
      AI_OBSERVER_HOME: aioHome,
      HOME: home,
      AI_OBSERVER_CONFIG: config,
      ...NO_DESKTOP,
    };
    const served = await startServe(env, ['--no-notify']);
    try {
      const bin = join(aioHome, 'bin');
      mkdirSync(bin);
      const sleep = ['/usr/bin/sleep', '/bin/sleep'].find((p) => existsSync(p))!;
      symlinkSync(sleep, join(bin, name));
      const child = spawn(join(bin, name), ['60'], { stdio: 'ignore' });
      children.push(child);
      const started = Date.now();
      // The agent's reading beside it: report opens the ledger read-only.
      let seen = 0;
      for (let i = 0; i < 40 && seen < 2; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const r = await report(env, 'tools');
        seen = r.rows.find((x) => x.subject === name)?.activeSeconds ?? 0;
      }
      assert.ok(seen >= 2, `the agent counts the running CLI (${seen} s)`);
      // The same, exported: the CLI runs, under its catalog name.
      assert.equal(
        metric(await scrape(served.url), 'ai_cli_running', 'tool="Test CLI"'),
        1,
        'ai.cli.running while it runs',
      );
      child.kill('SIGKILL');
      const alive = (Date.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 2500));
      const stopped = (await report(env, 'tools')).rows.find((x) => x.subject === name)!;
      await new Promise((r) => setTimeout(r, 2000));
      const later = (await report(env, 'tools')).rows.find((x) => x.subject === name)!;
      assert.equal(later.activeSeconds, stopped.activeSeconds, 'no time after it stopped');
      assert.ok(
        stopped.activeSeconds <= alive + 1.5,
        `${stopped.activeSeconds} s for ${alive} s alive`,
      );
      assert.deepEqual(stopped.sources, ['process']);
      assert.equal(stopped.costUsd, Math.round(stopped.activeSeconds * 0.01 * 1e6) / 1e6);
      // Browser and shell history, read by the agent at start.
      const sites = await report(env, 'sites', '--no-index');
      assert.equal(sites.rows.find((x) => x.subject === 'chatgpt.com')?.visits, 3);
      appendFileSync(join(home, '.zsh_history'), `: ${Math.floor(Date.now() / 1000)}:0;aider\n`);
      let aider = 0;
      for (let i = 0; i < 20 && aider === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        aider = (await report(env, 'tools')).rows.find((x) => x.subject === 'aider')?.commands ?? 0;
      }
      assert.equal(aider, 1, 'a command typed while the agent runs is counted by it');
      // The metrics export reads the same store: all-time totals, one series per subject.
      const text = await scrape(served.url);
      assert.equal(
        metric(text, 'ai_cli_active_duration_seconds_total', 'tool="Test CLI"'),
        stopped.activeSeconds,
      );
      assert.equal(metric(text, 'ai_cli_running', 'tool="Test CLI"'), 0, 'stopped: not running');
      assert.equal(metric(text, 'ai_cli_command_count_total', 'tool="aider"'), 1);
      assert.equal(metric(text, 'ai_browser_domain_visit_count_total', 'domain="chatgpt.com"'), 3);
    } finally {
      assert.equal(await served.stop(), 0);
    }
    assert.doesNotMatch(
      served.stderr(),
      /activity: (processes|browser history|shell history):/,
      'no source failed',
    );
  });
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of the one series of `name` whose labels contain `label`; 0 when there is none. */
function metric(text: string, name: string, label: string): number {
  const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(label));
  assert.ok(lines.length <= 1, `one series of ${name} with ${label}: ${lines.join(' | ')}`);
  return lines.length === 0 ? 0 : Number(lines[0]!.slice(lines[0]!.lastIndexOf(' ') + 1));
}
