import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  commandFor,
  createNotifier,
  type Notification,
  NotifyError,
  notificationFor,
  type SessionTransition,
} from '../../src/notify/index.ts';
import { appleScriptString } from '../../src/notify/macos.ts';
import { psSingleQuoted, toastScript, xmlEscape } from '../../src/notify/windows.ts';

// close() waits this long for the stand-in programs: a loaded machine must not make them late.
const GRACE = 15_000;
const HOSTILE_TITLE = 'Claude "; rm -rf / # finished';
const HOSTILE_BODY = `</text><script>alert(1)</script> it's \\ ‘q’ $(whoami) \`x\``;

describe('notificationFor', () => {
  const base: SessionTransition = {
    sessionId: 'abc12345-6789-4def-8123-456789abcdef',
    tool: 'claude-code',
    project: '/home/ana/src/my-app',
    from: 'working',
    to: 'completed',
  };
  const cases: Array<{ name: string; input: Partial<SessionTransition>; want: Notification }> = [
    {
      name: 'claude code finished',
      input: {},
      want: { title: 'Claude Code finished', body: 'my-app · session abc12345', urgency: 'normal' },
    },
    {
      name: 'codex needs you, with a detail',
      input: { tool: 'codex', to: 'waiting', detail: 'permission requested', from: 'working' },
      want: {
        title: 'Codex needs you',
        body: 'my-app · session abc12345 · permission requested',
        urgency: 'critical',
      },
    },
    {
      name: 'gemini cli, folder name only, trailing slash',
      input: { tool: 'gemini-cli', project: 'C:\\Users\\ana\\proj\\' },
      want: { title: 'Gemini CLI finished', body: 'proj · session abc12345', urgency: 'normal' },
    },
    {
      name: 'unknown tool keeps its raw name',
      input: { tool: 'aider', project: 'site' },
      want: { title: 'aider finished', body: 'site · session abc12345', urgency: 'normal' },
    },
    {
      name: 'no project',
      input: { project: undefined, sessionId: 'xyz' },
      want: { title: 'Claude Code finished', body: 'session xyz', urgency: 'normal' },
    },
    {
      name: 'nothing to say but the state',
      input: { project: undefined, sessionId: '', to: 'waiting' },
      want: { title: 'Claude Code needs you', body: 'Waiting for input', urgency: 'critical' },
    },
    {
      name: 'long free-text detail is dropped, not truncated (privacy)',
      input: { detail: 'Bash(curl -H "Authorization: Bearer sk-secret" https://example.com/x)' },
      want: { title: 'Claude Code finished', body: 'my-app · session abc12345', urgency: 'normal' },
    },
    {
      name: 'control characters and line breaks are flattened',
      input: { project: 'a\nb\u0000c', detail: 'question\r\nasked', to: 'waiting' },
      want: {
        title: 'Claude Code needs you',
        body: 'a b c · session abc12345 · question asked',
        urgency: 'critical',
      },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(notificationFor({ ...base, ...c.input } as SessionTransition), c.want);
    });
  }
});

describe('escaping', () => {
  test('AppleScript string literal', () => {
    assert.equal(appleScriptString('plain'), '"plain"');
    assert.equal(appleScriptString('say "hi"'), '"say \\"hi\\""');
    assert.equal(appleScriptString('a\\b'), '"a\\\\b"');
    assert.equal(appleScriptString('end" & do shell script "x'), '"end\\" & do shell script \\"x"');
    assert.equal(appleScriptString('line\nbreak'), '"line break"');
  });

  test('XML text is escaped and ASCII-only', () => {
    assert.equal(
      xmlEscape(`<a href="x">&'</a>`),
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;',
    );
    assert.equal(xmlEscape('café ‘q’ 🎉'), 'caf&#233; &#8216;q&#8217; &#127881;');
    assert.match(xmlEscape(HOSTILE_BODY), /^[\x20-\x7e]*$/);
    assert.doesNotMatch(xmlEscape(HOSTILE_BODY), /['"<>]/);
  });

  test('PowerShell single-quoted literal doubles every quote kind', () => {
    assert.equal(psSingleQuoted("it's"), "'it''s'");
    assert.equal(psSingleQuoted('‘x’'), "'‘‘x’’'");
  });

  test('the toast script holds the text only inside one single-quoted literal', () => {
    const script = toastScript({ title: HOSTILE_TITLE, body: HOSTILE_BODY, urgency: 'normal' });
    const load = script.split('\n').find((l) => l.startsWith('$xml.LoadXml('));
    assert.ok(load);
    const m = /^\$xml\.LoadXml\('([^']*)'\)$/.exec(load);
    assert.ok(m, `LoadXml argument is one quote-free literal: ${load}`);
  });
});

// The fake programs are POSIX shell scripts.
describe('createNotifier with real processes', { skip: process.platform === 'win32' }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ai-observer-notify-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  let counter = 0;
  /** A fake program appending its argv (one arg per line, then "--END--") to a file. */
  async function fake(opts: { sleep?: number; exit?: number } = {}) {
    counter++;
    const out = join(dir, `argv-${counter}.txt`);
    const program = join(dir, `fake-${counter}.sh`);
    const lines = [
      '#!/bin/sh',
      `for a in "$@"; do printf '%s\\n' "$a" >> '${out}'; done`,
      `printf '%s\\n' '--END--' >> '${out}'`,
    ];
    if (opts.sleep !== undefined) lines.push(`exec sleep ${opts.sleep}`);
    if (opts.exit !== undefined) lines.push(`exit ${opts.exit}`);
    await writeFile(program, `${lines.join('\n')}\n`);
    await chmod(program, 0o755);
    const calls = async (): Promise<string[][]> => {
      let text: string;
      try {
        text = await readFile(out, 'utf8');
      } catch {
        return [];
      }
      const result: string[][] = [];
      let current: string[] = [];
      for (const line of text.split('\n').slice(0, -1)) {
        if (line === '--END--') {
          result.push(current);
          current = [];
        } else current.push(line);
      }
      return result;
    };
    return { program, calls };
  }

  const n: Notification = {
    title: 'Claude Code finished',
    body: 'app · session abc',
    urgency: 'normal',
  };

  test('linux: notify-send argv', async () => {
    const f = await fake();
    const errors: Error[] = [];
    const notifier = createNotifier({
      enabled: true,
      platform: 'linux',
      command: f.program,
      onError: (e) => errors.push(e),
      closeGraceMs: GRACE,
    });
    notifier.notify(n);
    notifier.notify({ title: '-x needs you', body: HOSTILE_BODY, urgency: 'critical' });
    await notifier.close();
    assert.deepEqual(
      inAnyOrder(await f.calls()),
      inAnyOrder([
        [
          '--app-name=ai-observer',
          '--urgency=normal',
          '--',
          'Claude Code finished',
          'app · session abc',
        ],
        ['--app-name=ai-observer', '--urgency=critical', '--', '-x needs you', HOSTILE_BODY],
      ]),
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(notifier.stats(), { sent: 2, dropped: 0, failed: 0, active: 0 });
  });

  test('macOS: osascript argv with escaped strings', async () => {
    const f = await fake();
    const notifier = createNotifier({
      enabled: true,
      platform: 'darwin',
      command: f.program,
      closeGraceMs: GRACE,
    });
    notifier.notify(n);
    notifier.notify({ title: HOSTILE_TITLE, body: 'a\\b "c"', urgency: 'critical' });
    await notifier.close();
    assert.deepEqual(
      inAnyOrder(await f.calls()),
      inAnyOrder([
        ['-e', 'display notification "app · session abc" with title "Claude Code finished"'],
        [
          '-e',
          'display notification "a\\\\b \\"c\\"" with title "Claude \\"; rm -rf / # finished"',
        ],
      ]),
    );
  });

  test('Windows: powershell argv with an encoded toast script', async () => {
    const f = await fake();
    const notifier = createNotifier({
      enabled: true,
      platform: 'win32',
      command: f.program,
      closeGraceMs: GRACE,
    });
    notifier.notify({ title: HOSTILE_TITLE, body: HOSTILE_BODY, urgency: 'critical' });
    await notifier.close();
    const calls = await f.calls();
    assert.equal(calls.length, 1);
    const argv = calls[0]!;
    assert.deepEqual(argv.slice(0, 3), ['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    assert.equal(argv.length, 4);
    const script = Buffer.from(argv[3]!, 'base64').toString('utf16le');
    assert.match(script, /ToastNotificationManager/);
    assert.ok(script.includes('duration="long"'));
    assert.ok(script.includes('<text>Claude &quot;; rm -rf / # finished</text>'), script);
    assert.ok(
      script.includes(
        '<text>&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt; it&apos;s \\ &#8216;q&#8217; $(whoami) `x`</text>',
      ),
      script,
    );
    // No raw hostile text anywhere in the script.
    assert.ok(!script.includes('"; rm'));
    assert.ok(!script.includes('<script>'));
    assert.ok(!script.includes("it's"));
  });

  test('commandFor picks the platform program by default', () => {
    assert.equal(commandFor('linux', n).file, 'notify-send');
    assert.equal(commandFor('freebsd', n).file, 'notify-send');
    assert.equal(commandFor('darwin', n).file, 'osascript');
    assert.equal(commandFor('win32', n).file, 'powershell.exe');
  });

  test('missing program: onError once, no throw, later notifications dropped', async () => {
    const errors: Error[] = [];
    const notifier = createNotifier({
      enabled: true,
      platform: 'linux',
      command: join(dir, 'no-such-notify-send'),
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 3; i++) notifier.notify(n);
    await notifier.close();
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof NotifyError);
    assert.equal((errors[0] as NotifyError).code, 'ENOENT');
    assert.match(errors[0]!.message, /no-such-notify-send.*was not found/);
    // Nothing of the notification leaks into the error.
    assert.ok(!JSON.stringify(errors[0]).includes('session abc'));

    const again = createNotifier({
      enabled: true,
      platform: 'linux',
      command: join(dir, 'no-such-notify-send'),
      onError: (e) => errors.push(e),
    });
    again.notify(n);
    await new Promise((r) => setTimeout(r, 50));
    again.notify(n);
    again.notify(n);
    await again.close();
    assert.equal(errors.length, 2);
    assert.deepEqual(again.stats(), { sent: 1, dropped: 2, failed: 1, active: 0 });
  });

  test('a throwing onError does not escape', async () => {
    const notifier = createNotifier({
      enabled: true,
      platform: 'linux',
      command: join(dir, 'missing'),
      onError: () => {
        throw new Error('boom');
      },
    });
    notifier.notify(n);
    await notifier.close();
  });

  test('non-zero exit is reported once', async () => {
    const f = await fake({ exit: 3 });
    const errors: Error[] = [];
    const notifier = createNotifier({
      enabled: true,
      platform: 'linux',
      command: f.program,
      onError: (e) => errors.push(e),
    });
    notifier.notify(n);
    notifier.notify(n);
    await notifier.close();
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /exited with code 3/);
    assert.equal(notifier.stats().failed, 2);
  });

  test('concurrency cap drops the excess; close kills stuck children', async () => {
    const f = await fake({ sleep: 30 });
    const errors: Error[] = [];
    const notifier = createNotifier({
      enabled: true,
      platform: 'linux',
      command: f.program,
      maxConcurrent: 4,
      closeGraceMs: 300,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 10; i++) notifier.notify(n);
    assert.deepEqual(notifier.stats(), { sent: 4, dropped: 6, failed: 0, active: 4 });
    const started = Date.now();
    await notifier.close();
    assert.ok(Date.now() - started < 5_000);
    assert.equal(notifier.stats().active, 0);
    assert.equal((await f.calls()).length, 4);
    assert.deepEqual(errors, []); // killed by close(): not a failure
    notifier.notify(n); // after close: dropped
    assert.equal(notifier.stats().dropped, 7);
  });

  test('a child running too long is killed and reported', async () => {
    const f = await fake({ sleep: 30 });
    const errors: Error[] = [];
    const notifier = createNotifier({
      enabled: true,
      platform: 'linux',
      command: f.program,
      timeoutMs: 200,
      onError: (e) => errors.push(e),
    });
    notifier.notify(n);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(notifier.stats().active, 0);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as NotifyError).code, 'TIMEOUT');
    // The slot is free again.
    notifier.notify(n);
    assert.equal(notifier.stats().active, 1);
    await notifier.close();
  });

  test('notify never blocks: it returns before the child finishes', async () => {
    const f = await fake({ sleep: 1 });
    const notifier = createNotifier({
      enabled: true,
      platform: 'linux',
      command: f.program,
      closeGraceMs: GRACE,
    });
    const t0 = performance.now();
    notifier.notify(n);
    assert.ok(performance.now() - t0 < 200);
    assert.equal(notifier.stats().active, 1);
    await notifier.close();
  });

  test('disabled notifier spawns nothing', async () => {
    const f = await fake();
    const notifier = createNotifier({ enabled: false, platform: 'linux', command: f.program });
    notifier.notify(n);
    await notifier.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await f.calls(), []);
    assert.deepEqual(notifier.stats(), { sent: 0, dropped: 0, failed: 0, active: 0 });
  });
});

/** Notifications run as concurrent processes: the order they record their calls in is theirs. */
function inAnyOrder(calls: string[][]): string[][] {
  return [...calls].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
