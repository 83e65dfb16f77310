// The agent's activity service over a /proc tree in a temp dir and a `swaymsg` on PATH that
// prints a real Sway tree: app time while in front, CLI time while running, app time by process
// when the desktop cannot say, held sightings while the ledger's lock is elsewhere, and a
// failing source that is logged once and never stops the rest.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCatalog } from '../../src/catalog/load.ts';
import { buildConfig } from '../../src/config/schema.ts';
import { ActivityService } from '../../src/daemon/activity-service.ts';
import { MemoryLedger } from '../../src/store/memory.ts';
import { scratchHome } from '../support/cli.ts';

const catalog = loadCatalog();
const config = buildConfig([
  {
    'activity.browserHistory': { value: false, origin: 'test' },
    'activity.shellHistory': { value: false, origin: 'test' },
  },
]);

function fakeProc(
  dir: string,
  procs: Array<{ pid: number; comm: string; exe: string; argv: string[] }>,
) {
  rmSync(dir, { recursive: true, force: true });
  for (const p of procs) {
    const d = join(dir, String(p.pid));
    mkdirSync(d, { recursive: true });
    writeFileSync(
      join(d, 'stat'),
      `${p.pid} (${p.comm}) S 1 ${p.pid} ${p.pid} 0 -1 4194560 100 0 0 0 50 10 0 0 20 0 1 0 ${1000 + p.pid} 100000 2560 18446744073709551615\n`,
    );
    writeFileSync(join(d, 'cmdline'), `${p.argv.join('\0')}\0`);
    symlinkSync(p.exe, join(d, 'exe'));
  }
  mkdirSync(join(dir, 'self'), { recursive: true });
  // This process's resident pages at 4 KiB: the scanner learns the page size from it.
  const pages = Math.round(process.memoryUsage.rss() / 4096);
  writeFileSync(join(dir, 'self', 'statm'), `${pages * 2} ${pages} 300 0 0 0 0\n`);
}

const DESKTOP = {
  pid: 10,
  comm: 'claude-desktop',
  exe: '/opt/claude-desktop/claude-desktop',
  argv: ['claude-desktop'],
};
const CLI = { pid: 20, comm: 'claude', exe: '/home/u/.local/bin/claude', argv: ['claude'] };

function swayTree(focusedPid: number): string {
  return JSON.stringify({
    type: 'root',
    nodes: [
      {
        type: 'workspace',
        nodes: [
          {
            type: 'con',
            focused: focusedPid === DESKTOP.pid,
            pid: DESKTOP.pid,
            app_id: 'claude-desktop',
          },
          { type: 'con', focused: focusedPid === 99, pid: 99, app_id: 'foot' },
        ],
        floating_nodes: [],
      },
    ],
  });
}

function setup(opts: { sway: 'works' | 'fails' | 'missing' }) {
  const dir = scratchHome('aio-svc-');
  const proc = join(dir, 'proc');
  fakeProc(proc, [DESKTOP, CLI]);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const tree = join(dir, 'tree.json');
  writeFileSync(tree, swayTree(DESKTOP.pid));
  const calls = join(dir, 'calls');
  writeFileSync(calls, '');
  if (opts.sway !== 'missing') {
    writeFileSync(
      join(bin, 'swaymsg'),
      opts.sway === 'works'
        ? `#!/bin/sh\necho x >> '${calls}'\ncat '${tree}'\n`
        : `#!/bin/sh\necho x >> '${calls}'\necho 'no socket' >&2\nexit 1\n`,
    );
    chmodSync(join(bin, 'swaymsg'), 0o755);
  }
  let now = Date.UTC(2026, 10, 21, 10, 0, 0);
  const logs: string[] = [];
  const ledger = new MemoryLedger();
  let storeHeld = true;
  const service = new ActivityService({
    config,
    catalog,
    env: { SWAYSOCK: '/run/sway.sock', PATH: `${bin}:/usr/bin:/bin` },
    log: (l) => logs.push(l),
    store: () => (storeHeld ? ledger : undefined),
    platform: 'linux',
    now: () => now,
    procRoot: proc,
  });
  return {
    service,
    ledger,
    logs,
    proc,
    tree,
    calls: () => readFileSync(calls, 'utf8').split('\n').filter(Boolean).length,
    advance: (ms: number) => {
      now += ms;
    },
    hold: (held: boolean) => {
      storeHeld = held;
    },
    seconds: (subject: string) =>
      ledger.activityTotals({ subject }).reduce((s, r) => s + r.activeSeconds, 0),
  };
}

async function round(s: ReturnType<typeof setup>, ms: number) {
  s.advance(ms);
  await s.service.scanProcesses();
  await s.service.readForeground();
}

test('app time while in front (Sway), CLI time while running; a stopped CLI stops at once', async () => {
  const s = setup({ sway: 'works' });
  await s.service.readForeground();
  await round(s, 0);
  await round(s, 5000);
  await round(s, 5000);
  assert.equal(s.service.status.foreground.status, 'known');
  assert.equal(s.service.status.foreground.entry, 'claude-desktop');
  assert.equal(s.seconds('claude-desktop'), 10);
  assert.equal(s.seconds('claude-code'), 10);
  assert.deepEqual(s.ledger.activityTotals({ subject: 'claude-desktop' })[0]!.sources, [
    'foreground',
  ]);
  // The terminal comes to the front; the CLI stops.
  writeFileSync(s.tree, swayTree(99));
  fakeProc(s.proc, [DESKTOP]);
  await round(s, 5000);
  await round(s, 5000);
  assert.equal(s.seconds('claude-desktop'), 10, 'not in front: no app time');
  assert.equal(s.seconds('claude-code'), 10, 'no time after the scan that found it gone');
  const gauges = s.service.gauges();
  assert.deepEqual(
    gauges.filter((g) => g.running).map((g) => [g.entry, g.pids, g.memoryBytes]),
    [['claude-desktop', 1, 2560 * 4096]],
  );
  assert.equal(gauges.find((g) => g.entry === 'claude-code')?.running, false);
  await s.service.close();
});

test('no foreground tool: unknown once, no retry loop; apps count while running', async () => {
  const s = setup({ sway: 'fails' });
  for (let i = 0; i < 5; i++) await round(s, i === 0 ? 0 : 5000);
  assert.equal(s.service.status.foreground.status, 'unknown');
  assert.match(
    s.service.status.foreground.reason ?? '',
    /sway: swaymsg -t get_tree -r: exit code 1: no socket/,
  );
  assert.equal(s.calls(), 1, 'asked once, then not for five minutes');
  assert.equal(s.logs.filter((l) => /foreground window unknown/.test(l)).length, 1);
  assert.equal(s.seconds('claude-desktop'), 20);
  assert.deepEqual(s.ledger.activityTotals({ subject: 'claude-desktop' })[0]!.sources, ['process']);
  const missing = setup({ sway: 'missing' });
  await round(missing, 0);
  assert.equal(missing.service.status.foreground.status, 'unknown');
  await s.service.close();
  await missing.service.close();
});

test('sightings wait while the ledger lock is elsewhere; a long pause is not one stretch', async () => {
  const s = setup({ sway: 'works' });
  await round(s, 0);
  s.hold(false);
  await round(s, 5000);
  assert.equal(s.seconds('claude-code'), 0);
  assert.ok(s.service.status.pending > 0);
  s.hold(true);
  await round(s, 5000);
  assert.equal(s.service.status.pending, 0);
  assert.equal(s.seconds('claude-code'), 10);
  // A suspend: the next scan an hour later starts a new stretch.
  await round(s, 3_600_000);
  assert.equal(s.seconds('claude-code'), 10);
  await s.service.close();
});

test('a failing process source is logged once and tried again; the agent goes on', async () => {
  const s = setup({ sway: 'works' });
  const service = new ActivityService({
    config: buildConfig([
      {
        'activity.processInterval': { value: '1s', origin: 'test' },
        'activity.foreground': { value: false, origin: 'test' },
        'activity.browserHistory': { value: false, origin: 'test' },
        'activity.shellHistory': { value: false, origin: 'test' },
      },
    ]),
    catalog,
    env: {},
    log: (l) => s.logs.push(l),
    store: () => s.ledger,
    platform: 'linux',
    procRoot: join(s.proc, 'missing'),
  });
  service.start();
  await new Promise((r) => setTimeout(r, 2300));
  await service.idle();
  assert.equal(
    s.logs.filter((l) => /activity: processes: .*ENOENT/.test(l)).length,
    1,
    s.logs.join('\n'),
  );
  assert.match(service.status.processes.lastError ?? '', /ENOENT/);
  await service.close();
  await s.service.close();
});
