// Browser and shell history: real SQLite files in each browser's schema and epoch, read from a
// private copy while another connection holds them locked; visit sessions and their estimate
// across rescans; each shell's history format read incrementally, rewrites and truncation.

import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadCatalog } from '../../src/catalog/load.ts';
import { commandEntries, parseHistory, shellIndex } from '../../src/domain/activity/shell.ts';
import { hostAndPath, matchSite, siteIndex } from '../../src/domain/activity/sites.ts';
import { MIN_DWELL_MS, visitActivity } from '../../src/domain/activity/visits.ts';
import { BrowserHistorySource, findHistoryFiles } from '../../src/sources/browser-history/index.ts';
import { chromiumTime, firefoxTime, safariTime } from '../../src/sources/browser-history/read.ts';
import { ShellHistorySource } from '../../src/sources/shell-history/index.ts';
import { formatOf, parseSpec } from '../../src/sources/shell-history/paths.ts';
import { MemoryLedger } from '../../src/store/memory.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';
import type { LedgerStore } from '../../src/store/types.ts';
import { type Family, HistoryDb, TO_BROWSER_TIME } from '../support/browser-history.ts';
import { scratchHome } from '../support/cli.ts';

const catalog = loadCatalog();
const sites = siteIndex(catalog);
const commands = shellIndex(catalog);
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

describe('sites', () => {
  const cases: Array<[string, string | undefined]> = [
    ['https://chatgpt.com/c/123', 'chatgpt.com'],
    ['https://www.chatgpt.com/', 'chatgpt.com'],
    ['http://chat.openai.com', 'chat.openai.com'],
    ['https://CLAUDE.ai/chat/x?y=1', 'claude.ai'],
    ['https://user:pw@gemini.google.com:443/app', 'gemini.google.com'],
    ['https://google.com/search?q=chatgpt', undefined],
    ['https://mail.google.com/', undefined],
    ['https://github.com/copilot', 'github.com'],
    ['https://github.com/copilot/c/1', 'github.com'],
    ['https://github.com/copilots', undefined],
    ['https://github.com/torvalds', undefined],
    ['https://huggingface.co/models', 'huggingface.co'],
    ['https://x.com/i/grok?conversation=1', 'x.com'],
    ['https://notchatgpt.com/', undefined],
    ['file:///home/u/chatgpt.com.html', undefined],
    ['chrome://history', undefined],
  ];
  for (const [url, domain] of cases) {
    test(`${url} → ${domain ?? 'no site'}`, () =>
      assert.equal(matchSite(url, sites)?.domain, domain));
  }

  test('host and path without userinfo or port', () => {
    assert.deepEqual(hostAndPath('https://a:b@Host.EXAMPLE.com.:8443'), {
      host: 'host.example.com',
      path: '/',
    });
  });
});

describe('visit sessions', () => {
  const opts = { gapMs: 30 * MIN, minDwellMs: MIN_DWELL_MS, source: 'history' as const };
  test('visits closer than the gap are one session; a longer gap starts another', () => {
    const r = visitActivity(
      [
        { ts: T0, url: 'https://claude.ai/a', durationMs: 0 },
        { ts: T0 + 10 * MIN, url: 'https://claude.ai/b', durationMs: 0 },
        { ts: T0 + 25 * MIN, url: 'https://claude.ai/c', durationMs: 5 * MIN },
        { ts: T0 + 90 * MIN, url: 'https://claude.ai/d', durationMs: 5 * 3_600_000 },
        { ts: T0 + 91 * MIN, url: 'https://example.com/', durationMs: 0 },
      ],
      sites,
      {},
      opts,
    );
    assert.deepEqual(
      r.intervals.map((i) => [i.subject, (i.start - T0) / MIN, (i.end - T0) / MIN]),
      [
        ['claude.ai', 0, 30],
        // A long recorded duration is capped at the gap.
        ['claude.ai', 90, 120],
      ],
    );
    assert.equal(r.matched, 4);
    assert.equal(
      r.counts.reduce((n, c) => n + c.visits, 0),
      4,
    );
    assert.deepEqual(r.last, { 'claude.ai': T0 + 90 * MIN });
  });

  test('the same visits read again (or split across scans) do not grow the estimate', () => {
    const visits = Array.from({ length: 20 }, (_, i) => ({
      ts: T0 + i * 7 * MIN,
      url: `https://chatgpt.com/c/${i}`,
      durationMs: 0,
    }));
    const store = new MemoryLedger();
    const once = visitActivity(visits, sites, {}, opts);
    store.commitActivity({ intervals: once.intervals, counts: [], cursors: [] });
    const seconds = store.activityTotals({})[0]!.activeSeconds;
    const a = visitActivity(visits.slice(0, 8), sites, {}, opts);
    const b = visitActivity(visits.slice(8), sites, a.last, opts);
    store.commitActivity({ intervals: [...a.intervals, ...b.intervals], counts: [], cursors: [] });
    store.commitActivity({ intervals: once.intervals, counts: [], cursors: [] });
    assert.equal(store.activityTotals({})[0]!.activeSeconds, seconds);
    assert.equal(seconds, (19 * 7 + 1) * 60);
  });
});

describe('browser history databases', () => {
  test('each epoch converts to the same instant', () => {
    const ms = Date.UTC(2026, 10, 21, 12, 34, 56, 789);
    assert.equal(chromiumTime(TO_BROWSER_TIME.chromium(ms) / 1000), ms);
    assert.equal(firefoxTime(TO_BROWSER_TIME.firefox(ms)), ms);
    assert.ok(Math.abs(safariTime(TO_BROWSER_TIME.safari(ms)) - ms) < 1);
    // Known anchors of each epoch.
    assert.equal(chromiumTime(11_644_473_600_000), 0);
    assert.equal(safariTime(0), Date.UTC(2001, 0, 1));
  });

  const layouts: Array<[Family, NodeJS.Platform, string[]]> = [
    ['chromium', 'linux', ['.config', 'google-chrome', 'Default', 'History']],
    ['chromium', 'linux', ['.config', 'BraveSoftware', 'Brave-Browser', 'Profile 2', 'History']],
    ['chromium', 'linux', ['.config', 'opera', 'History']],
    [
      'chromium',
      'darwin',
      ['Library', 'Application Support', 'Arc', 'User Data', 'Default', 'History'],
    ],
    ['firefox', 'linux', ['.mozilla', 'firefox', 'abcd1234.default-release', 'places.sqlite']],
    [
      'firefox',
      'darwin',
      ['Library', 'Application Support', 'Firefox', 'Profiles', 'x.default', 'places.sqlite'],
    ],
    ['safari', 'darwin', ['Library', 'Safari', 'History.db']],
  ];

  for (const [family, platform, parts] of layouts) {
    test(`${family} on ${platform} (${parts.slice(-3).join('/')}): found, read while locked, rescans add nothing`, async () => {
      const home = scratchHome('aio-browser-');
      const file = join(home, ...parts);
      const db = new HistoryDb(file, family);
      db.add([
        { url: 'https://chatgpt.com/c/1', ts: T0 },
        { url: 'https://chatgpt.com/c/2', ts: T0 + 5 * MIN, durationMs: 2 * MIN },
        { url: 'https://news.example.org/', ts: T0 + 6 * MIN },
        { url: 'https://claude.ai/new', ts: T0 + 8 * MIN },
      ]);
      const files = findHistoryFiles(platform, home, {});
      assert.deepEqual(
        files.map((f) => f.path),
        [file],
      );
      // Another connection holds a write transaction open (a browser writing).
      db.db.exec('BEGIN EXCLUSIVE');
      db.db
        .prepare(
          family === 'chromium'
            ? 'UPDATE urls SET title = ?'
            : family === 'firefox'
              ? 'UPDATE moz_places SET title = ?'
              : 'UPDATE history_visits SET title = ?',
        )
        .run('changed, not committed');
      const store: LedgerStore = new MemoryLedger();
      const source = new BrowserHistorySource({
        files: () => files,
        sites: () => sites,
        gapMs: 30 * MIN,
      });
      const first = await source.scan(store);
      assert.deepEqual(first.errors, []);
      assert.equal(first.visits, 4);
      assert.equal(first.matched, 3);
      db.db.exec('ROLLBACK');
      const rows = store.activityTotals({ kind: 'site' }, true);
      assert.deepEqual(
        rows.map((r) => [r.subject, r.day, r.visits, r.activeSeconds]),
        [
          // 09:00 → 09:05, then Chromium's recorded 2 min (the others: the 1-minute minimum).
          ['chatgpt.com', Math.floor(T0 / 86_400_000), 2, family === 'chromium' ? 7 * 60 : 6 * 60],
          ['claude.ai', Math.floor(T0 / 86_400_000), 1, 60],
        ],
      );
      assert.equal(rows[0]!.entry, 'chatgpt');
      assert.equal(rows[0]!.costUsd, Math.round(0.5 * (rows[0]!.activeSeconds / 3600) * 1e6) / 1e6);
      const again = await source.scan(store);
      assert.equal(again.read, 0, 'an unchanged file is not read again');
      db.add([{ url: 'https://chatgpt.com/c/3', ts: T0 + 20 * MIN }]);
      const third = await source.scan(store);
      assert.equal(third.visits, 1, 'only the new visit');
      const after = store.activityTotals({ kind: 'site' });
      assert.equal(after[0]!.visits, 3);
      assert.equal(after[0]!.activeSeconds, 21 * 60, 'the gap since the last visit counts');
      db.close();
      rmSync(home, { recursive: true, force: true });
    });
  }

  test('Firefox visits still in the WAL are read; the browser files are left as they were', async () => {
    const home = scratchHome('aio-browser-');
    const file = join(home, '.mozilla', 'firefox', 'p.default', 'places.sqlite');
    const db = new HistoryDb(file, 'firefox', { wal: true });
    db.db.exec('PRAGMA wal_autocheckpoint = 0');
    db.add([{ url: 'https://perplexity.ai/search/x', ts: T0 }]);
    const walBefore = readFileSync(`${file}-wal`);
    const store = new MemoryLedger();
    const source = new BrowserHistorySource({
      files: () => findHistoryFiles('linux', home, {}),
      sites: () => sites,
      gapMs: 30 * MIN,
    });
    const r = await source.scan(store);
    assert.equal(r.matched, 1);
    assert.deepEqual(readFileSync(`${file}-wal`), walBefore);
    db.close();
  });

  test('visits made while the agent was down count once; a cleared history resumes by time', async () => {
    const home = scratchHome('aio-browser-');
    const file = join(home, '.config', 'chromium', 'Default', 'History');
    let db = new HistoryDb(file, 'chromium');
    db.add([{ url: 'https://poe.com/', ts: T0 }]);
    const ledgerFile = join(home, 'ledger.sqlite');
    const opts = {
      files: () => findHistoryFiles('linux', home, {}),
      sites: () => sites,
      gapMs: 30 * MIN,
    };
    let store = new SqliteLedger(ledgerFile);
    await new BrowserHistorySource(opts).scan(store);
    store.close();
    // "Down": visits added, then a new agent with the same ledger.
    db.add([
      { url: 'https://poe.com/chat', ts: T0 + 2 * MIN },
      { url: 'https://poe.com/chat', ts: T0 + 3 * MIN },
    ]);
    store = new SqliteLedger(ledgerFile);
    const r = await new BrowserHistorySource(opts).scan(store);
    assert.equal(r.visits, 2);
    assert.equal(store.activityTotals({})[0]!.visits, 3);
    // Cleared: a new database whose ids start at 1 again, holding one old and one new visit.
    db.close();
    rmSync(file);
    db = new HistoryDb(file, 'chromium');
    db.add([
      { url: 'https://poe.com/chat', ts: T0 + 3 * MIN },
      { url: 'https://poe.com/x', ts: T0 + 40 * MIN },
    ]);
    const cleared = await new BrowserHistorySource(opts).scan(store);
    assert.equal(cleared.visits, 1);
    assert.equal(store.activityTotals({})[0]!.visits, 4);
    store.close();
    db.close();
  });

  test('subframe navigations are not visits; an unreadable file is an error, not a crash', async () => {
    const home = scratchHome('aio-browser-');
    const file = join(home, '.config', 'google-chrome', 'Default', 'History');
    const db = new HistoryDb(file, 'chromium');
    db.add([
      { url: 'https://chatgpt.com/', ts: T0 },
      { url: 'https://chatgpt.com/embed', ts: T0, transition: 3 },
    ]);
    db.close();
    const bad = join(home, '.config', 'chromium', 'Default', 'History');
    mkdirSync(join(bad, '..'), { recursive: true });
    writeFileSync(bad, 'not a database');
    const store = new MemoryLedger();
    const r = await new BrowserHistorySource({
      files: () => findHistoryFiles('linux', home, {}),
      sites: () => sites,
      gapMs: 30 * MIN,
    }).scan(store);
    assert.equal(r.visits, 1);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.path, bad);
    assert.match(r.errors[0]!.message, /not a database|file is not a database/);
  });
});

describe('shell commands', () => {
  const cases: Array<[string, string[]]> = [
    ['claude', ['claude-code']],
    ['claude -p "fix the tests" | tee out.txt', ['claude-code']],
    ['FOO=1 sudo -u me env BAR=2 codex exec x', ['codex-cli']],
    ['/usr/local/bin/gemini -p hi && llm "x" ; sgpt --shell', ['gemini-cli', 'llm', 'sgpt']],
    ['gh copilot suggest "undo"', ['gh-copilot']],
    ['gh pr list', []],
    ['npx @openai/codex@latest', ['codex-cli']],
    ['npx create-react-app x', []],
    ['echo claude', []],
    ['git commit -m "ask claude later"', []],
    ['\\claude --resume', ['claude-code']],
    ['(cd x && aider --model sonnet)', ['aider']],
    ['ollama run llama3', ['ollama']],
    ['claude-ish', []],
  ];
  for (const [command, ids] of cases) {
    test(`${command} → ${ids.join(', ') || 'none'}`, () => {
      assert.deepEqual(
        commandEntries(command, commands).map((e) => e.id),
        ids,
      );
    });
  }
  test('PowerShell compares without case', () => {
    assert.deepEqual(
      commandEntries('Claude.exe -p x', commands, true).map((e) => e.id),
      ['claude-code'],
    );
    assert.deepEqual(commandEntries('Claude -p x', commands, false), []);
  });
});

describe('shell history formats', () => {
  test('bash, with and without HISTTIMEFORMAT stamps; an unfinished line waits', () => {
    const r = parseHistory('bash', '#1763700000\nclaude\nls -la\n#1763700100\ncodex\ncla');
    assert.deepEqual(
      r.entries.map((e) => [e.ts, e.command]),
      [
        [1_763_700_000_000, 'claude'],
        [undefined, 'ls -la'],
        [1_763_700_100_000, 'codex'],
      ],
    );
    assert.equal(r.consumed, '#1763700000\nclaude\nls -la\n#1763700100\ncodex\n'.length);
    assert.equal(
      parseHistory('bash', '#1763700000\n').consumed,
      0,
      'a stamp waits for its command',
    );
  });

  test('zsh plain and extended, multi-line entries, metafied bytes', () => {
    const text =
      ': 1763700000:0;claude\n: 1763700005:3;for f in *; do\\\n  llm "$f"\\\ndone\nsgpt x\n: 1763700009:0;cat <<EOF\\\n';
    const r = parseHistory('zsh', text);
    assert.deepEqual(
      r.entries.map((e) => [e.ts, e.command]),
      [
        [1_763_700_000_000, 'claude'],
        [1_763_700_005_000, 'for f in *; do\n  llm "$f"\ndone'],
        [undefined, 'sgpt x'],
      ],
    );
    assert.equal(r.consumed, text.indexOf(': 1763700009'), 'an unfinished multi-line entry waits');
    assert.deepEqual(
      commandEntries(r.entries[1]!.command, commands).map((e) => e.id),
      ['llm'],
    );
    assert.equal(parseHistory('zsh', 'echo \x83\xa3\n').entries[0]!.command, 'echo \x83');
  });

  test('fish: cmd with when, paths lines, escaped newlines', () => {
    const text =
      '- cmd: claude --continue\n  when: 1763700000\n  paths:\n    - src\n- cmd: echo a\\nllm b\n  when: 1763700010\n- cmd: codex\n';
    const r = parseHistory('fish', text);
    assert.deepEqual(
      r.entries.map((e) => [e.ts, e.command]),
      [
        [1_763_700_000_000, 'claude --continue'],
        [1_763_700_010_000, 'echo a\nllm b'],
      ],
    );
    assert.equal(r.consumed, text.indexOf('- cmd: codex'), 'an entry waits for its when');
    assert.equal(parseHistory('fish', '    - src\n- cmd: x\n- cmd: y\n').entries.length, 1);
  });

  test('PowerShell PSReadLine: backtick continuation', () => {
    const r = parseHistory('powershell', 'claude -p `\n  "hi"\nGet-ChildItem\r\n');
    assert.deepEqual(
      r.entries.map((e) => e.command),
      ['claude -p \n  "hi"', 'Get-ChildItem'],
    );
  });

  test('formats are recognised by file name, or named', () => {
    assert.equal(formatOf('/home/u/.local/share/fish/fish_history'), 'fish');
    assert.equal(formatOf('/home/u/.zsh_history'), 'zsh');
    assert.equal(formatOf('C:\\Users\\u\\ConsoleHost_history.txt'), 'powershell');
    assert.equal(formatOf('/home/u/.history'), 'bash');
    assert.deepEqual(parseSpec('zsh:/x/hist'), { format: 'zsh', path: '/x/hist' });
  });
});

describe('shell history files, incrementally', () => {
  const NOW = Date.UTC(2026, 10, 21, 15, 0, 0);
  function setup(name: string) {
    const home = scratchHome('aio-shell-');
    const file = join(home, name);
    const store = new MemoryLedger();
    const source = new ShellHistorySource({
      files: () => [parseSpec(file)],
      commands: () => commands,
      now: () => NOW,
    });
    const counts = () =>
      Object.fromEntries(store.activityTotals({}).map((r) => [r.subject, r.commands]));
    return { file, store, source, counts };
  }

  test('zsh extended: first read counts the past at its times; appended lines count once', () => {
    const { file, store, source, counts } = setup('.zsh_history');
    writeFileSync(
      file,
      ': 1763700000:0;claude\n: 1763700060:0;ls\n: 1763700120:0;gh copilot explain x\n',
    );
    assert.equal(source.scan(store).commands, 2);
    assert.deepEqual(counts(), { 'claude-code': 1, 'gh-copilot': 1 });
    const claude = store.activityTotals({ subject: 'claude-code' })[0]!;
    assert.equal(
      claude.firstTs,
      1_763_700_000_000 - (1_763_700_000_000 % (15 * MIN)),
      'at its time',
    );
    appendFileSync(file, ': 1763700200:0;codex \\\n  exec x\n: 1763700300:0;clau');
    assert.equal(source.scan(store).commands, 1);
    appendFileSync(file, 'de\n');
    assert.equal(source.scan(store).commands, 1);
    assert.equal(source.scan(store).commands, 0, 'nothing new');
    assert.deepEqual(counts(), { 'claude-code': 2, 'gh-copilot': 1, 'codex-cli': 1 });
    const state = store.activityCursor(`shell:${file}`)!;
    assert.doesNotMatch(state, /claude|codex|copilot|ls/, 'no command text in the cursor');
  });

  test('bash without times: what was there is the baseline; new lines count at read time', () => {
    const { file, store, source, counts } = setup('.bash_history');
    writeFileSync(file, 'claude\nclaude\nllm x\n');
    source.scan(store);
    assert.deepEqual(counts(), {});
    appendFileSync(file, 'claude -c\nsgpt hi\n');
    source.scan(store);
    assert.deepEqual(counts(), { 'claude-code': 1, sgpt: 1 });
    const row = store.activityTotals({ subject: 'sgpt' })[0]!;
    assert.equal(row.firstTs, NOW - (NOW % (15 * MIN)));
  });

  test('a truncated and rewritten file (bash HISTFILESIZE) resumes after what was read', () => {
    const { file, store, source, counts } = setup('.bash_history');
    const old = Array.from({ length: 50 }, (_, i) => `cmd${i}`).join('\n');
    writeFileSync(file, `${old}\n`);
    source.scan(store);
    appendFileSync(file, 'claude\n');
    source.scan(store);
    assert.deepEqual(counts(), { 'claude-code': 1 });
    // bash keeps the last 20 lines, then this session's two new ones: a smaller file.
    const kept = readFileSync(file, 'utf8').split('\n').slice(-21).join('\n');
    writeFileSync(file, `${kept}codex\nllm\n`);
    source.scan(store);
    assert.deepEqual(counts(), { 'claude-code': 1, 'codex-cli': 1, llm: 1 });
    // Rewritten to something else entirely: no anchor, no times: nothing is counted twice.
    writeFileSync(file, 'claude\nclaude\n');
    source.scan(store);
    assert.deepEqual(counts(), { 'claude-code': 1, 'codex-cli': 1, llm: 1 });
    appendFileSync(file, 'claude\n');
    source.scan(store);
    assert.deepEqual(counts(), { 'claude-code': 2, 'codex-cli': 1, llm: 1 });
  });

  test('a rewritten zsh history without the anchor counts only entries newer than the last', () => {
    const { file, store, source, counts } = setup('.zsh_history');
    writeFileSync(file, ': 1763700000:0;claude\n');
    source.scan(store);
    writeFileSync(
      file,
      ': 1763600000:0;codex\n: 1763700000:0;claude\n: 1763700500:0;claude\n'.replace(
        ': 1763700000:0;claude\n',
        ': 1763700000:0;claude \n',
      ),
    );
    source.scan(store);
    assert.deepEqual(counts(), { 'claude-code': 2 });
  });

  test('fish and PowerShell files', () => {
    const fish = setup('fish_history');
    writeFileSync(fish.file, '- cmd: aider\n  when: 1763700000\n- cmd: ollama run x\n');
    fish.source.scan(fish.store);
    assert.deepEqual(fish.counts(), { aider: 1 });
    appendFileSync(fish.file, '  when: 1763700100\n  paths:\n    - x\n');
    fish.source.scan(fish.store);
    assert.deepEqual(fish.counts(), { aider: 1, ollama: 1 });
    const ps = setup('ConsoleHost_history.txt');
    writeFileSync(ps.file, 'dir\n');
    ps.source.scan(ps.store);
    appendFileSync(ps.file, 'CLAUDE -p `\n"x"\r\n');
    ps.source.scan(ps.store);
    assert.deepEqual(ps.counts(), { 'claude-code': 1 });
  });
});
