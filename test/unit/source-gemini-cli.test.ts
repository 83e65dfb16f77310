import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { usageMatch } from '../../src/domain/events.ts';
import { normalizeLog } from '../../src/domain/normalize/logs.ts';
import { decodeExport } from '../../src/ingest/otlp/decode.ts';
import { type GeminiState, geminiCliFormat } from '../../src/sources/gemini-cli/format.ts';
import { geminiRoots } from '../../src/sources/gemini-cli/paths.ts';
import type { ParsedLine, SourceFile } from '../../src/sources/types.ts';
import { fixtureLines, index, totals } from '../support/fold-lines.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SESSION = 'efe9dd10-31b8-4efb-9ab9-108d8d505b43';
const REAL: SourceFile = {
  root: join(FIXTURES, 'real-logs/gemini/tmp'),
  path: join(FIXTURES, 'real-logs/gemini/tmp/work/chats/session-2026-11-21T07-35-efe9dd10.jsonl'),
};
const S = 'aaaa0000-1111-2222-3333-444455556666';
const FILE: SourceFile = {
  root: '/h/.gemini/tmp',
  path: '/h/.gemini/tmp/shop/chats/session-2026-01-02T03-04-aaaa0000.jsonl',
};

const header = (sessionId = S, kind = 'main') =>
  JSON.stringify({
    sessionId,
    projectHash: 'f00d',
    startTime: '2026-01-02T03:04:00.000Z',
    lastUpdated: '2026-01-02T03:04:00.000Z',
    kind,
  });
const set = (v: Record<string, unknown>) => JSON.stringify({ $set: v });
const TOKENS = { input: 1000, output: 20, cached: 400, thoughts: 5, tool: 0, total: 1025 };
function reply(id: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    timestamp: '2026-01-02T03:04:05.000Z',
    type: 'gemini',
    content: '',
    thoughts: [],
    tokens: TOKENS,
    model: 'gemini-3-flash',
    ...over,
  });
}
const user = (id: string) =>
  JSON.stringify({
    id,
    timestamp: '2026-01-02T03:04:04.000Z',
    type: 'user',
    content: [{ text: 'hi' }],
  });

describe('Gemini CLI chats: the real fixture', () => {
  test('one run: 2 main-model requests (the router request is not in the chat file)', () => {
    const { ledger, results } = index(geminiCliFormat, REAL, fixtureLines(REAL));
    assert.equal(results.filter((r) => r.kind === 'malformed').length, 0);
    assert.equal(
      results.filter((r) => r.kind === 'usage').length,
      3,
      'the tool reply is re-appended',
    );
    assert.deepEqual(
      [...ledger.keys()],
      [
        `gemini-cli:${SESSION}:019fd245-68ee-4bb2-96bd-1acfa3f1191e`,
        `gemini-cli:${SESSION}:11b5b872-fece-4dce-8892-7b80b67e58a0`,
      ],
    );
    assert.deepEqual(totals(ledger), {
      input: 6400 - 3000,
      output: 115 + 40,
      cacheRead: 3000,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 40,
    });
    for (const e of ledger.values()) {
      assert.equal(e.sessionId, SESSION);
      assert.equal(e.model, 'gemini-3.8-flash');
      assert.equal(e.project, 'work');
      assert.equal(e.costBasis, 'unknown');
      assert.equal(e.match, usageMatch('gemini-cli', SESSION, e.tokens));
    }
  });

  test('re-reading from byte 0, or in two pieces with stored state, changes nothing', () => {
    const lines = fixtureLines(REAL);
    const once = index(geminiCliFormat, REAL, lines).ledger;
    assert.deepEqual(index(geminiCliFormat, REAL, lines, new Map(once)).ledger, once);
    for (const cut of [1, 5, 8]) {
      const first = index(geminiCliFormat, REAL, lines.slice(0, cut));
      const rest = index(geminiCliFormat, REAL, lines.slice(cut), first.ledger, first.state);
      assert.deepEqual(rest.ledger, once, `cut at line ${cut}`);
    }
  });

  test('each main request has the tokens the OTLP normalizer reads; the router only there', () => {
    const body = gunzipSync(readFileSync(join(FIXTURES, 'real/gemini-http/002-logs.json.gz')));
    const decoded = decodeExport('logs', body, 'json');
    const otlp = (decoded.signal === 'logs' ? decoded.records : [])
      .map((r) => normalizeLog(r)?.usage)
      .filter((u) => u !== undefined);
    assert.deepEqual(
      otlp.map((u) => [u.model, u.tokens.input + u.tokens.cacheRead, u.tokens.output]),
      [
        ['gemini-3.5-flash-lite', 120, 12],
        ['gemini-3.8-flash', 3100, 95],
        ['gemini-3.8-flash', 3300, 60],
      ],
    );
    const logged = [...index(geminiCliFormat, REAL, fixtureLines(REAL)).ledger.values()];
    assert.deepEqual(
      logged.map((e) => e.tokens),
      otlp.slice(1).map((u) => u.tokens),
    );
  });
});

describe('Gemini CLI chats: counting rules', () => {
  const cases: {
    name: string;
    lines: string[];
    keys: string[];
    kinds?: ParsedLine['kind'][];
  }[] = [
    {
      name: 'a message re-appended when updated is one request',
      lines: [
        header(),
        reply('m1'),
        set({ lastUpdated: 'x' }),
        reply('m1', { toolCalls: [{ id: 't' }] }),
      ],
      keys: [`gemini-cli:${S}:m1`],
      kinds: ['ignored', 'usage', 'ignored', 'usage'],
    },
    {
      name: 'header, $set, $rewindTo, user messages and replies without tokens bill nothing',
      lines: [
        header(),
        set({ messages: [JSON.parse(reply('m0'))] }),
        user('u1'),
        reply('m1', { tokens: null }),
        JSON.stringify({
          id: 'i1',
          timestamp: '2026-01-02T03:04:05.000Z',
          type: 'info',
          content: 'x',
          tokens: {},
        }),
        JSON.stringify({ $rewindTo: 'u1' }),
        reply('m2'),
      ],
      keys: [`gemini-cli:${S}:m2`],
      kinds: ['ignored', 'ignored', 'ignored', 'ignored', 'ignored', 'ignored', 'usage'],
    },
    {
      name: 'two replies are two requests',
      lines: [header(), reply('m1'), reply('m2')],
      keys: [`gemini-cli:${S}:m1`, `gemini-cli:${S}:m2`],
    },
    {
      name: 'broken lines are malformed',
      lines: [
        header(),
        '{"id":"m1","type":"gemini","tokens":{',
        'garbage',
        '[1]',
        '["tokens"]',
        reply('m3', { timestamp: 'soon' }),
        reply('', {}),
      ],
      keys: [],
      kinds: [
        'ignored',
        'malformed',
        'malformed',
        'malformed',
        'malformed',
        'malformed',
        'malformed',
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { ledger, results } = index(geminiCliFormat, FILE, c.lines);
      assert.deepEqual([...ledger.keys()], c.keys);
      if (c.kinds !== undefined)
        assert.deepEqual(
          results.map((r) => r.kind),
          c.kinds,
        );
    });
  }

  test('tokens: cached is part of input; thoughts are billed as output', () => {
    const { result } = geminiCliFormat.parseLine(reply('m1'), geminiCliFormat.initialState(FILE));
    assert.ok(result.kind === 'usage');
    assert.deepEqual(result.event.tokens, {
      input: 600,
      output: 25,
      cacheRead: 400,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 5,
    });
    assert.equal(result.event.model, 'gemini-3-flash');
  });

  test('session from the header; before it, the file name; project from the folder', () => {
    const state = geminiCliFormat.initialState(FILE);
    assert.deepEqual(state, {
      sessionId: 'session-2026-01-02T03-04-aaaa0000',
      subagent: false,
      project: 'shop',
    } satisfies GeminiState);
    const { ledger, state: after } = index(geminiCliFormat, FILE, [header(), reply('m1')]);
    assert.equal(after.sessionId, S);
    assert.equal([...ledger.values()][0]?.project, 'shop');
  });

  test("a subagent's recording bills to its parent session (the one telemetry names)", () => {
    const file: SourceFile = {
      root: FILE.root,
      path: `/h/.gemini/tmp/shop/chats/${S}/agent-7.jsonl`,
    };
    assert.equal(geminiCliFormat.matches(`shop/chats/${S}/agent-7.jsonl`), true);
    const { ledger } = index(geminiCliFormat, file, [header('agent-7', 'subagent'), reply('m9')]);
    assert.deepEqual([...ledger.keys()], [`gemini-cli:${S}:m9`]);
    assert.equal([...ledger.values()][0]?.sessionId, S);
  });

  test('matches .jsonl chats only (older versions wrote whole .json documents)', () => {
    assert.equal(
      geminiCliFormat.matches('work/chats/session-2026-11-21T07-35-efe9dd10.jsonl'),
      true,
    );
    assert.equal(
      geminiCliFormat.matches('work/chats/session-2026-11-21T07-35-efe9dd10.json'),
      false,
    );
    assert.equal(geminiCliFormat.matches('work/logs/logs.jsonl'), false);
    assert.equal(geminiCliFormat.matches('work/chats/notes.jsonl'), false);
    assert.equal(geminiCliFormat.matches('chats/session-x.jsonl'), false);
  });
});

describe('geminiRoots', () => {
  const home = '/home/me';
  test('~/.gemini/tmp by default; GEMINI_CLI_HOME moves the home; configured overrides', () => {
    assert.deepEqual(geminiRoots({}, '', home), ['/home/me/.gemini/tmp']);
    assert.deepEqual(geminiRoots({ GEMINI_CLI_HOME: '/alt' }, '', home), ['/alt/.gemini/tmp']);
    assert.deepEqual(geminiRoots({ GEMINI_CLI_HOME: '/alt' }, '/g', home), ['/g/tmp']);
    assert.deepEqual(geminiRoots({}, '~/gem', home), ['/home/me/gem/tmp']);
  });
});
