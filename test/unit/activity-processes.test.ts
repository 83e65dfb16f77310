// Processes → catalog entries: real processes spawned under each Linux CLI name and found by a
// real /proc scan; macOS `ps` and Windows Win32_Process outputs in the commands' own formats,
// including the traps where the CLI and the desktop app differ only in case or path.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadCatalog } from '../../src/catalog/load.ts';
import { buildCatalog, CatalogError, type Os } from '../../src/domain/activity/catalog.ts';
import {
  claimAll,
  claimProcess,
  foregroundEntry,
  type ProcessInfo,
  processGauges,
} from '../../src/domain/activity/process-match.ts';
import { ProcScanner } from '../../src/sources/processes/linux.ts';
import {
  CpuTracker,
  parseCmdline,
  parseProcStat,
  parsePsDarwin,
  parsePsLinux,
  parseWin32Processes,
  parseWslList,
  splitWindowsCommandLine,
} from '../../src/sources/processes/parse.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/activity');
const catalog = loadCatalog();

function proc(p: Partial<ProcessInfo> & { name: string }): ProcessInfo {
  return {
    pid: 100,
    ppid: 1,
    exe: '',
    argv: [p.name],
    host: '',
    cpuPercent: undefined,
    memoryBytes: undefined,
    ...p,
  };
}

const claim = (p: ProcessInfo, os: Os) => claimProcess(p, catalog.entries, os)?.id;

describe('catalog', () => {
  test('the shipped catalog loads, and has every kind the issue names', () => {
    for (const id of [
      'chatgpt-desktop',
      'claude-desktop',
      'cursor',
      'windsurf',
      'vscode-copilot',
      'jetbrains-ai',
      'lm-studio',
      'ollama-app',
      'perplexity-desktop',
      'zed',
      'claude-code',
      'codex-cli',
      'gemini-cli',
      'aider',
      'ollama',
      'llm',
      'sgpt',
      'gh-copilot',
      'chatgpt',
      'claude-web',
      'gemini-web',
      'aistudio',
      'perplexity',
      'poe',
      'v0',
      'bolt',
      'lovable',
      'huggingface',
      'midjourney',
    ]) {
      assert.ok(catalog.byId.has(id), id);
    }
  });

  test('config overrides change fields, add entries and drop them', () => {
    const c = loadCatalog({
      cursor: { hourlyRate: 2 },
      'claude-desktop': { process: { linux: { names: ['claude-electron'] } } },
      'my-tool': { kind: 'cli', process: { all: { names: ['mytool'] } }, shell: ['mytool'] },
      'vscode-copilot': { enabled: false },
    });
    assert.equal(c.byId.get('cursor')?.hourlyRate, 2);
    assert.equal(c.byId.get('cursor')?.category, 'coding', 'other fields stay');
    assert.deepEqual(c.byId.get('claude-desktop')?.process.linux?.[0]?.names, ['claude-electron']);
    assert.ok(c.byId.get('claude-desktop')?.process.darwin, 'the OSes not named stay');
    assert.equal(c.byId.get('my-tool')?.category, 'other');
    assert.equal(c.byId.has('vscode-copilot'), false);
    assert.equal(claimProcess(proc({ name: 'mytool' }), c.entries, 'linux')?.id, 'my-tool');
  });

  test('a bad entry is one error naming the entry and field', () => {
    const shipped = { entries: [{ id: 'a', kind: 'app', process: { linux: { names: ['a'] } } }] };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ a: { hourlyRate: -1 } }, /activity\.catalog\.a: hourlyRate must be/],
      [{ a: { kind: 'desktop' } }, /activity\.catalog\.a: kind must be app, cli or site/],
      [{ a: { process: { beos: {} } } }, /unknown OS beos/],
      [{ a: { process: { linux: { names: [] } } } }, /a rule needs names, paths, scripts or args/],
      [{ a: { process: { linux: { args: ['('] } } } }, /linux\[0\]\.args: invalid pattern/],
      [
        { b: { kind: 'site', sites: ['not a domain'] } },
        /b\.sites\[0\]: "not a domain" is not a domain/,
      ],
      [{ c: { kind: 'site' } }, /a site needs sites/],
      [{ d: 'x' }, /activity\.catalog\.d: expected a mapping/],
      [{ a: { colour: 'red' } }, /unknown field colour/],
    ];
    for (const [overrides, message] of cases) {
      assert.throws(
        () => buildCatalog(shipped, overrides),
        (err: Error) => {
          assert.ok(err instanceof CatalogError);
          assert.match(err.message, message);
          return true;
        },
      );
    }
  });
});

describe('matching rules: case and path', () => {
  const cases: Array<[Os, Partial<ProcessInfo> & { name: string }, string | undefined]> = [
    // macOS: the app is `Claude` in Claude.app; the CLI is `claude`.
    [
      'darwin',
      { name: 'Claude', exe: '/Applications/Claude.app/Contents/MacOS/Claude' },
      'claude-desktop',
    ],
    ['darwin', { name: 'claude', argv: ['claude'] }, 'claude-code'],
    ['darwin', { name: 'Claude', argv: ['Claude'] }, undefined],
    [
      'darwin',
      { name: '2.0.14', exe: '/Users/dev/.local/share/claude/versions/2.0.14', argv: ['claude'] },
      'claude-code',
    ],
    [
      'darwin',
      { name: 'Codex', exe: '/Applications/Codex.app/Contents/MacOS/Codex' },
      'codex-desktop',
    ],
    [
      'darwin',
      { name: 'codex', exe: '/Applications/Codex.app/Contents/Resources/codex' },
      'codex-desktop',
    ],
    ['darwin', { name: 'codex', exe: '/opt/homebrew/bin/codex' }, 'codex-cli'],
    ['darwin', { name: 'Codex', argv: ['Codex'] }, undefined],
    // Windows: names without case; the path tells the app from the CLI.
    [
      'win32',
      {
        name: 'claude.exe',
        exe: 'C:\\Users\\u\\AppData\\Local\\AnthropicClaude\\app-1.0\\claude.exe',
      },
      'claude-desktop',
    ],
    ['win32', { name: 'claude.exe', exe: 'C:\\Users\\u\\.local\\bin\\claude.exe' }, 'claude-code'],
    [
      'win32',
      { name: 'Claude.EXE', exe: 'c:\\users\\u\\appdata\\local\\anthropicclaude\\claude.exe' },
      'claude-desktop',
    ],
    ['win32', { name: 'CLAUDE.EXE', exe: 'C:\\tools\\CLAUDE.EXE' }, 'claude-code'],
    [
      'win32',
      {
        name: 'Codex.exe',
        exe: 'C:\\Program Files\\WindowsApps\\OpenAI.Codex_1.0_x64__x\\Codex.exe',
      },
      'codex-desktop',
    ],
    [
      'win32',
      {
        name: 'codex.exe',
        exe: 'C:\\npm\\node_modules\\@openai\\codex\\vendor\\x\\codex\\codex.exe',
      },
      'codex-cli',
    ],
    // Linux: with case; comm is cut at 15 bytes.
    ['linux', { name: 'claude' }, 'claude-code'],
    ['linux', { name: 'Claude' }, undefined],
    ['linux', { name: 'claude-desktop' }, 'claude-desktop'],
    [
      'linux',
      { name: 'node', exe: '/usr/bin/node', argv: ['node', '/usr/local/bin/gemini', '-p', 'x'] },
      'gemini-cli',
    ],
    [
      'linux',
      { name: 'python3', exe: '/usr/bin/python3.11', argv: ['python3', '-m', 'aider'] },
      'aider',
    ],
    ['linux', { name: 'gh', argv: ['gh', 'copilot', 'suggest'] }, 'gh-copilot'],
    ['linux', { name: 'gh', argv: ['gh', 'pr', 'list'] }, undefined],
    ['linux', { name: 'ollama', argv: ['ollama', 'serve'] }, 'ollama-server'],
    ['linux', { name: 'ollama', argv: ['ollama', 'run', 'llama3'] }, 'ollama'],
    ['linux', { name: 'node', argv: ['node', 'server.js'] }, undefined],
    ['linux', { name: 'llama-server', argv: ['llama-server'] }, 'llama-cpp'],
  ];
  for (const [os, p, expected] of cases) {
    test(`${os}: ${p.exe || p.argv?.join(' ') || p.name} → ${expected ?? 'nothing'}`, () => {
      assert.equal(claim(proc(p), os), expected);
    });
  }

  test('comm cut at 15 bytes still matches a longer name, on Linux only', () => {
    const c = buildCatalog({
      entries: [
        { id: 'long', kind: 'cli', process: { all: { names: ['very-long-ai-tool-name'] } } },
      ],
    });
    assert.equal(
      claimProcess(proc({ name: 'very-long-ai-to', argv: [] }), c.entries, 'linux')?.id,
      'long',
    );
    assert.equal(
      claimProcess(proc({ name: 'very-long-ai-to', argv: [] }), c.entries, 'darwin'),
      undefined,
    );
  });
});

describe('recorded outputs', () => {
  test('macOS ps: each process claimed by its one entry', () => {
    const ps = parsePsDarwin(
      readFileSync(join(FIXTURES, 'ps-darwin-comm.txt'), 'utf8'),
      readFileSync(join(FIXTURES, 'ps-darwin-args.txt'), 'utf8'),
    );
    assert.equal(ps.length, 20);
    const helper = ps.find((p) => p.pid === 640)!;
    assert.equal(helper.name, 'Claude Helper (Renderer)');
    assert.equal(helper.argv[1], '--type=renderer');
    assert.equal(helper.memoryBytes, 98304 * 1024);
    const byPid = new Map(ps.map((p) => [p.pid, claim(p, 'darwin')]));
    assert.deepEqual(Object.fromEntries(byPid), {
      1: undefined,
      401: undefined,
      612: 'claude-desktop',
      640: 'claude-desktop',
      641: 'claude-desktop',
      700: 'codex-desktop',
      701: 'codex-desktop',
      802: undefined,
      810: 'claude-code',
      815: 'codex-cli',
      814: 'codex-cli',
      820: 'gemini-cli',
      830: 'aider',
      900: 'chatgpt-desktop',
      910: 'cursor',
      920: 'ollama-app',
      930: 'ollama',
      940: 'gh-copilot',
      950: 'vscode-copilot',
      960: undefined,
    });
    const claimed = claimAll(ps, catalog, 'darwin');
    const gauges = processGauges(claimed, catalog);
    const desktop = gauges.find((g) => g.entry === 'claude-desktop')!;
    assert.deepEqual(
      { running: desktop.running, pids: desktop.pids, cpu: desktop.cpuPercent },
      { running: true, pids: 3, cpu: 2.6 },
    );
    assert.equal(desktop.memoryBytes, (412345 + 98304 + 61440) * 1024);
    const zed = gauges.find((g) => g.entry === 'zed')!;
    assert.deepEqual({ running: zed.running, pids: zed.pids }, { running: false, pids: 0 });
  });

  test('Windows Win32_Process JSON: the same name, told apart by path; CPU from two readings', () => {
    const rows = parseWin32Processes(readFileSync(join(FIXTURES, 'win32-processes.json'), 'utf8'));
    assert.equal(rows.length, 16);
    const byPid = Object.fromEntries(rows.map((r) => [r.info.pid, claim(r.info, 'win32')]));
    assert.deepEqual(byPid, {
      4: undefined,
      5120: 'claude-desktop',
      5188: 'claude-desktop',
      6010: 'claude-code',
      6020: 'claude-code',
      6100: 'claude-code',
      7000: 'codex-desktop',
      7010: 'codex-desktop',
      7100: 'codex-cli',
      7200: 'gemini-cli',
      7300: 'chatgpt-desktop',
      7400: 'cursor',
      7500: 'ollama-app',
      7510: 'ollama-server',
      7600: 'gh-copilot',
      7700: undefined,
    });
    const gh = rows.find((r) => r.info.pid === 7600)!;
    assert.deepEqual(gh.info.argv, ['gh', 'copilot', 'explain', 'git rebase']);
    const cpu = new CpuTracker();
    const first = cpu.update(new Map([['a', 10]]), 0);
    assert.equal(first.get('a'), undefined, 'no CPU % on a first sighting');
    assert.equal(cpu.update(new Map([['a', 10.5]]), 10_000).get('a'), 5);
  });

  test('Windows command lines split by the C runtime rules', () => {
    assert.deepEqual(splitWindowsCommandLine('"C:\\Program Files\\a.exe" -x "b c" d\\\\"e f"'), [
      'C:\\Program Files\\a.exe',
      '-x',
      'b c',
      'd\\e f',
    ]);
    assert.deepEqual(splitWindowsCommandLine('a \\"q\\" b'), ['a', '"q"', 'b']);
  });

  test('WSL: running distros from UTF-16 output, their processes tagged with the distro', () => {
    assert.deepEqual(parseWslList(readFileSync(join(FIXTURES, 'wsl-list-running.bin'))), [
      'Ubuntu',
      'debian',
    ]);
    assert.deepEqual(parseWslList(Buffer.from('Ubuntu\n')), ['Ubuntu']);
    const ps = parsePsLinux(readFileSync(join(FIXTURES, 'ps-wsl.txt'), 'utf8'), 'Ubuntu');
    assert.equal(ps.length, 5);
    assert.ok(ps.every((p) => p.host === 'Ubuntu'));
    const claimed = claimAll(ps, catalog, 'linux');
    assert.deepEqual([...claimed.keys()].sort(), ['claude-code', 'gemini-cli', 'sgpt']);
  });

  test('/proc stat and cmdline, including a name with spaces and parentheses', () => {
    const stat = parseProcStat(
      '4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 123456 100000 2560 18446744073709551615',
    );
    assert.deepEqual(stat, {
      comm: 'my (odd) name',
      ppid: 1,
      ticks: 300,
      startTicks: 123456,
      rssPages: 2560,
    });
    assert.equal(parseProcStat('garbage'), undefined);
    assert.deepEqual(parseCmdline('node\0/usr/bin/gemini\0-p\0'), [
      'node',
      '/usr/bin/gemini',
      '-p',
    ]);
    assert.deepEqual(parseCmdline('claude          '), ['claude']);
  });
});

describe('foreground → app', () => {
  test('the window pid, or an ancestor, claimed by an app; else its class', () => {
    const ps = [
      proc({ pid: 10, name: 'Claude', exe: '/Applications/Claude.app/Contents/MacOS/Claude' }),
      proc({ pid: 11, ppid: 10, name: 'Claude Helper', exe: '/x/Helper' }),
      proc({ pid: 20, name: 'claude' }),
    ];
    const claimed = claimAll(ps, catalog, 'darwin');
    const table = new Map(ps.map((p) => [`:${p.pid}`, p]));
    const fg = (pid: number | undefined, className: string) =>
      foregroundEntry({ pid, className }, claimed, table, catalog, 'darwin')?.id;
    assert.equal(fg(10, 'Claude'), 'claude-desktop');
    assert.equal(fg(11, ''), 'claude-desktop', 'a child of the app');
    assert.equal(fg(20, 'Terminal'), undefined, 'a CLI in front is not an app');
    assert.equal(fg(undefined, 'cursor'), 'cursor', 'by window class, without case');
    assert.equal(fg(undefined, 'firefox'), undefined);
  });
});

describe('a real /proc scan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aio-procs-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // The script a renamed node runs: it only waits. Named as the argument a CLI rule looks for.
  for (const script of ['hold.js', 'copilot', 'serve']) {
    writeFileSync(join(dir, script), 'setTimeout(() => {}, 60_000);\n');
  }

  const sleep = ['/usr/bin/sleep', '/bin/sleep'].find((p) => existsSync(p))!;

  /**
   * A real binary under another name (a symlink: the kernel names the process after it):
   * `sleep` where the arguments do not matter, node running a script where they do (`gh
   * copilot`, `ollama serve`). Node 24 renames its main thread, so there comm is
   * "MainThread" and argv[0] carries the name, as for many interpreted CLIs.
   */
  function spawnAs(name: string, script: string | undefined): ChildProcess {
    const target = script === undefined ? sleep : process.execPath;
    const link = join(bin, `${script === undefined ? 's' : 'n'}`, name);
    mkdirSync(dirname(link), { recursive: true });
    if (!existsSync(link)) symlinkSync(target, link);
    const child = spawn(link, [script ?? '60'], { cwd: dir, stdio: 'ignore' });
    children.push(child);
    return child;
  }

  const cases: Array<[string, string | undefined, string]> = [
    ['claude', undefined, 'claude-code'],
    ['codex', undefined, 'codex-cli'],
    ['gemini', undefined, 'gemini-cli'],
    ['gemini', 'hold.js', 'gemini-cli'],
    ['aider', undefined, 'aider'],
    ['ollama', undefined, 'ollama'],
    ['ollama', 'serve', 'ollama-server'],
    ['llm', undefined, 'llm'],
    ['sgpt', undefined, 'sgpt'],
    ['gh', 'copilot', 'gh-copilot'],
    ['gh', 'hold.js', ''],
    ['opencode', undefined, 'opencode'],
    ['goose', undefined, 'goose'],
    ['cursor-agent', undefined, 'cursor-agent'],
    ['copilot', undefined, 'copilot-cli'],
    ['Claude', undefined, ''],
  ];

  test('finds each spawned CLI by its name and claims it for the right entry', async () => {
    const spawned = cases.map(([name, script, entry]) => ({
      child: spawnAs(name, script),
      name,
      script,
      entry,
    }));
    await new Promise((r) => setTimeout(r, 300));
    const scanner = new ProcScanner();
    scanner.scan();
    await new Promise((r) => setTimeout(r, 200));
    const ps = scanner.scan();
    const byPid = new Map(ps.map((p) => [p.pid, p]));
    for (const s of spawned) {
      const p = byPid.get(s.child.pid!);
      assert.ok(p !== undefined, `${s.name} (pid ${s.child.pid}) is in the scan`);
      assert.equal(basename(p.argv[0] ?? ''), s.name);
      if (s.script === undefined) assert.equal(p.name, s.name, 'comm is the name');
      assert.ok(p.memoryBytes! > 1024 * 1024, 'its memory is read');
      assert.equal(typeof p.cpuPercent, 'number', 'CPU % from the second scan');
      assert.equal(claimProcess(p, catalog.entries, 'linux')?.id ?? '', s.entry, s.name);
    }
    const claimed = claimAll(ps, catalog, 'linux');
    assert.equal(claimed.get('ollama')?.processes.filter((p) => p.ppid === process.pid).length, 1);
    assert.equal(
      claimed.get('gemini-cli')?.processes.filter((p) => p.ppid === process.pid).length,
      2,
    );
    // One process, one entry: no pid is in two groups.
    const pids = [...claimed.values()].flatMap((g) => g.processes.map((p) => p.pid));
    assert.equal(new Set(pids).size, pids.length);
    // A stopped process is gone from the next scan.
    const gone = spawned[0]!.child;
    gone.kill('SIGKILL');
    await new Promise((r) => gone.once('exit', r));
    assert.equal(
      scanner.scan().some((p) => p.pid === gone.pid),
      false,
    );
  });
});
