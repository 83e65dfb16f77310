// `ai-observer service`: the files it writes for each platform are what the platform's tools
// accept — the systemd unit passes `systemd-analyze verify`, the launchd plist and the Task
// Scheduler XML parse — and each runs this installation's real entry: the running Node and
// the package's bin/ai-observer.js, with `serve`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { systemdWord } from '../../src/domain/service/files.ts';
import { runCli, scratchHome } from '../support/cli.ts';

// The parser's ordered output, walked freely by the assertions.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Node = Record<string, any>;

const BIN = resolve(import.meta.dirname, '../../bin/ai-observer.js');

function env(home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    // No user manager here: install writes the file and says what to run, it starts nothing.
    XDG_RUNTIME_DIR: join(home, 'run'),
    DBUS_SESSION_BUS_ADDRESS: '',
    LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local',
    USERDOMAIN: 'WORK',
    USERNAME: 'me',
    AI_OBSERVER_HOME: join(home, 'aio'),
  };
}

async function printed(platform: string, home: string): Promise<{ file: string; text: string }> {
  const r = await runCli(['service', 'install', '--dry-run', '--platform', platform], {
    env: env(home),
  });
  assert.equal(r.code, 0, r.stderr);
  const [first, ...rest] = r.stdout.split('\n');
  assert.match(first!, /^# /);
  return { file: first!.slice(2), text: rest.join('\n') };
}

describe('service files', () => {
  test('the systemd user unit passes systemd-analyze verify and runs this installation', async (t) => {
    const analyze = spawnSync('systemd-analyze', ['--version']);
    assert.equal(analyze.error, undefined, 'systemd-analyze is missing (.ci/run installs systemd)');
    const home = scratchHome();
    const { file, text } = await printed('linux', home);
    assert.equal(file, join(home, '.config', 'systemd', 'user', 'ai-observer.service'));
    const unit = join(home, 'ai-observer.service');
    writeFileSync(unit, text);
    const v = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    assert.equal(v.status, 0, `systemd-analyze verify: ${v.stdout}${v.stderr}`);
    assert.equal(v.stderr.trim(), '', 'no warnings');
    const exec = /^ExecStart=(.*)$/m.exec(text)?.[1];
    assert.equal(exec, `${systemdWord(process.execPath)} ${systemdWord(BIN)} serve`);
    assert.match(text, /^Restart=on-failure$/m);
    assert.match(text, /^MemoryMax=\d+M$/m);
    assert.match(text, /^CPUQuota=\d+%$/m);
    assert.match(text, /^StandardError=journal$/m);
    assert.match(text, /^WantedBy=default.target$/m);

    await t.test('a broken unit fails the same check', () => {
      const bad = join(home, 'broken.service');
      writeFileSync(bad, text.replace(/^ExecStart=.*$/m, 'ExecStart=relative/node serve'));
      assert.notEqual(spawnSync('systemd-analyze', ['verify', bad]).status, 0);
    });
  });

  test('the launchd plist parses and names the command, keep-alive and logs', async () => {
    const home = scratchHome();
    const { file, text } = await printed('darwin', home);
    assert.equal(file, join(home, 'Library', 'LaunchAgents', 'dev.ai-observer.agent.plist'));
    assert.equal(XMLValidator.validate(text), true);
    const doc = new XMLParser({ ignoreAttributes: false, preserveOrder: true }).parse(text);
    // A plist dict is key/value siblings in order: pair them up.
    const plist = doc.find((n: Record<string, unknown>) => 'plist' in n).plist;
    const dict = plist.find((n: Record<string, unknown>) => 'dict' in n).dict as Node[];
    const entries = new Map<string, Node>();
    for (let i = 0; i < dict.length; i += 2) entries.set(dict[i]!.key[0]['#text'], dict[i + 1]!);
    assert.equal(entries.get('Label')!.string[0]['#text'], 'dev.ai-observer.agent');
    const args = entries.get('ProgramArguments')!.array.map((s: Node) => s.string[0]['#text']);
    assert.deepEqual(args, [process.execPath, BIN, 'serve']);
    assert.ok('true' in entries.get('RunAtLoad')!);
    const keepAlive = entries.get('KeepAlive')!.dict;
    assert.equal(keepAlive[0].key[0]['#text'], 'SuccessfulExit');
    assert.ok('false' in keepAlive[1]);
    const logs = join(home, 'Library', 'Logs', 'ai-observer', 'ai-observer.log');
    assert.equal(entries.get('StandardErrorPath')!.string[0]['#text'], logs);
    assert.equal(entries.get('StandardOutPath')!.string[0]['#text'], logs);
  });

  test('the Task Scheduler XML parses: at logon, restart on failure, the command and its log', async () => {
    const home = scratchHome();
    const { file, text } = await printed('win32', home);
    assert.equal(file, 'C:\\Users\\me\\AppData\\Local\\ai-observer\\ai-observer-task.xml');
    assert.equal(XMLValidator.validate(text), true);
    const task = new XMLParser({ parseTagValue: false }).parse(text).Task;
    assert.equal(task.Triggers.LogonTrigger.UserId, 'WORK\\me');
    assert.equal(task.Principals.Principal.LogonType, 'InteractiveToken');
    assert.equal(task.Settings.RestartOnFailure.Interval, 'PT1M');
    assert.ok(Number(task.Settings.RestartOnFailure.Count) > 0);
    assert.equal(task.Settings.ExecutionTimeLimit, 'PT0S');
    assert.equal(task.Actions.Exec.Command, 'cmd.exe');
    assert.equal(
      task.Actions.Exec.Arguments,
      `/d /s /c ""${process.execPath}" "${BIN}" "serve" >> "%LOCALAPPDATA%\\ai-observer\\logs\\agent.log" 2>&1"`,
    );
  });

  test('install writes the unit and says what to run without a user manager; uninstall removes it', async () => {
    const home = scratchHome();
    mkdirSync(join(home, 'run'), { recursive: true });
    const r = await runCli(['service', 'install'], { env: env(home) });
    assert.equal(r.code, 0, r.stderr);
    const unit = join(home, '.config', 'systemd', 'user', 'ai-observer.service');
    assert.ok(existsSync(unit));
    assert.match(r.stdout, /systemctl --user enable --now ai-observer.service/);
    const dry = await printed('linux', home);
    assert.equal(readFileSync(unit, 'utf8'), dry.text, 'the file is what --dry-run printed');
    const st = await runCli(['service', 'status'], { env: env(home) });
    assert.match(st.stdout, /^installed: /m);
    assert.match(st.stdout, /agent at http:\/\/127\.0\.0\.1:\d+: (not )?running/);
    const u = await runCli(['service', 'uninstall'], { env: env(home) });
    assert.equal(u.code, 0, u.stderr);
    assert.ok(!existsSync(unit));
  });

  test('bad use: another platform without --dry-run, an unknown platform or action', async () => {
    const home = scratchHome();
    const cases: Array<[string[], RegExp]> = [
      [['service', 'install', '--platform', 'darwin'], /can only be printed \(--dry-run\)/],
      [['service', 'install', '--platform', 'beos', '--dry-run'], /unknown platform "beos"/],
      [['service', 'restart'], /use install, uninstall or status/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env: env(home) });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });
});
