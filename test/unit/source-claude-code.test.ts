import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { normalizeLog } from '../../src/domain/normalize/logs.ts';
import { type ClaudeState, claudeCodeFormat } from '../../src/sources/claude-code/format.ts';
import { claudeRoots } from '../../src/sources/claude-code/paths.ts';
import type { ParsedLine, SourceFile } from '../../src/sources/types.ts';
import { logRecord } from '../support/records.ts';
import { fixtureLines, index, totals } from '../support/fold-lines.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/real-logs/claude/', import.meta.url));
const SESSION = 'a80ef7a3-4b23-426f-b7b5-52a7461439d3';
const REAL: SourceFile = {
  root: join(FIXTURES, 'projects'),
  path: join(FIXTURES, 'projects', '-tmp-cap-claude-work', `${SESSION}.jsonl`),
};
const FILE: SourceFile = {
  root: '/h/.claude/projects',
  path: '/h/.claude/projects/-w-app/s-file.jsonl',
};

const USAGE = {
  input_tokens: 10,
  cache_creation_input_tokens: 5,
  cache_read_input_tokens: 100,
  output_tokens: 1,
  cache_creation: { ephemeral_5m_input_tokens: 5, ephemeral_1h_input_tokens: 0 },
};

function assistant(over: {
  requestId?: string | null;
  id?: string | null;
  usage?: Record<string, unknown>;
  model?: string;
  timestamp?: string | null;
  sessionId?: string | null;
  cwd?: string | null;
  isSidechain?: boolean;
  costUSD?: number;
  agentId?: string;
}): string {
  const message: Record<string, unknown> = {
    type: 'message',
    role: 'assistant',
    model: over.model ?? 'claude-sonnet-5',
    content: [{ type: 'text', text: 'hi' }],
    usage: over.usage ?? USAGE,
  };
  if (over.id !== null) message.id = over.id ?? 'msg_1';
  const line: Record<string, unknown> = {
    parentUuid: null,
    isSidechain: over.isSidechain ?? false,
    message,
    type: 'assistant',
    uuid: `u-${Math.random()}`,
  };
  if (over.requestId !== null) line.requestId = over.requestId ?? 'req_1';
  if (over.timestamp !== null) line.timestamp = over.timestamp ?? '2026-01-02T03:04:05.000Z';
  if (over.sessionId !== null) line.sessionId = over.sessionId ?? 'sess-1';
  if (over.cwd !== null) line.cwd = over.cwd ?? '/home/me/app';
  if (over.costUSD !== undefined) line.costUSD = over.costUSD;
  if (over.agentId !== undefined) line.agentId = over.agentId;
  return JSON.stringify(line);
}

describe('Claude Code transcripts: the real fixture', () => {
  test('two runs of the same session (the second a --resume) hold 4 requests', () => {
    const { ledger, results } = index(claudeCodeFormat, REAL, fixtureLines(REAL));
    assert.equal(results.filter((r) => r.kind === 'malformed').length, 0);
    assert.equal(
      results.filter((r) => r.kind === 'usage').length,
      6,
      'a tool_use reply is 2 lines',
    );
    assert.deepEqual(
      [...ledger.keys()],
      [1, 2, 3, 4].map((n) => `claude-code:req_fb9a63cb_${n}`),
    );
    assert.deepEqual(totals(ledger), {
      input: 5400,
      output: 240,
      cacheRead: 13000,
      cacheWrite5m: 1400,
      cacheWrite1h: 0,
      reasoning: 0,
    });
    for (const e of ledger.values()) {
      assert.equal(e.tool, 'claude-code');
      assert.equal(e.sessionId, SESSION);
      assert.equal(e.model, 'claude-opus-5-5');
      assert.equal(e.project, 'work');
      assert.equal(e.costUsd, undefined);
      assert.equal(e.costBasis, 'unknown');
      assert.deepEqual(e.sources, ['log']);
      assert.ok(Number.isFinite(e.ts));
    }
  });

  test('re-reading the file from byte 0, or in two pieces with stored state, changes nothing', () => {
    const lines = fixtureLines(REAL);
    const once = index(claudeCodeFormat, REAL, lines).ledger;
    const twice = index(claudeCodeFormat, REAL, lines, index(claudeCodeFormat, REAL, lines).ledger);
    assert.deepEqual(twice.ledger, once);
    const first = index(claudeCodeFormat, REAL, lines.slice(0, 25));
    const split = index(claudeCodeFormat, REAL, lines.slice(25), first.ledger, first.state);
    assert.deepEqual(split.ledger, once);
  });
});

describe('Claude Code transcripts: counting rules', () => {
  const cases: {
    name: string;
    lines: string[];
    keys: string[];
    output?: number;
    kinds?: ParsedLine['kind'][];
  }[] = [
    {
      name: 'the same line twice is one request',
      lines: [assistant({}), assistant({})],
      keys: ['claude-code:req_1'],
    },
    {
      name: 'a streamed reply (same ids, growing output) keeps the largest',
      lines: [
        assistant({ usage: { ...USAGE, output_tokens: 1 } }),
        assistant({ usage: { ...USAGE, output_tokens: 80 } }),
        assistant({ usage: { ...USAGE, output_tokens: 40 } }),
      ],
      keys: ['claude-code:req_1'],
      output: 80,
    },
    {
      name: 'a sidechain copy of a request counts once; a subagent request of its own counts',
      lines: [
        assistant({}),
        assistant({ isSidechain: true, agentId: 'a1' }),
        assistant({ isSidechain: true, agentId: 'a1', requestId: 'req_sub', id: 'msg_sub' }),
      ],
      keys: ['claude-code:req_1', 'claude-code:req_sub'],
    },
    {
      name: 'without a request id the message id keys the reply',
      lines: [
        assistant({ requestId: null, usage: { ...USAGE, output_tokens: 3 } }),
        assistant({ requestId: null, usage: { ...USAGE, output_tokens: 9 } }),
      ],
      keys: ['claude-code:msg:msg_1'],
      output: 9,
    },
    {
      name: 'without any id the line identity (session, time, figures) is the key',
      lines: [
        assistant({ requestId: null, id: null }),
        assistant({ requestId: null, id: null }),
        assistant({ requestId: null, id: null, timestamp: '2026-01-02T03:04:06.000Z' }),
      ],
      keys: [
        `claude-code:line:sess-1:${Date.parse('2026-01-02T03:04:05.000Z')}:10:1:100:5:0`,
        `claude-code:line:sess-1:${Date.parse('2026-01-02T03:04:06.000Z')}:10:1:100:5:0`,
      ],
    },
    {
      name: "a '<synthetic>' reply bills nothing",
      lines: [assistant({ model: '<synthetic>', requestId: null, id: 'msg_x' })],
      keys: [],
      kinds: ['ignored'],
    },
    {
      name: 'lines without usage are ignored, or malformed when they are not an object',
      lines: [
        JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }),
        JSON.stringify({ type: 'summary', summary: 'x', leafUuid: 'u' }),
        '{this is not JSON but is never parsed}',
        '',
        'garbage',
        '{"type":"assistant"',
      ],
      keys: [],
      kinds: ['ignored', 'ignored', 'ignored', 'ignored', 'malformed', 'malformed'],
    },
    {
      name: 'lines that mention "usage" but are not assistant usage',
      lines: [
        JSON.stringify({ type: 'user', message: { content: [{ text: '"usage":{}' }] }, usage: 1 }),
        JSON.stringify({ type: 'assistant', message: { content: [] }, usage: {} }),
        '{"type":"assistant","usage":',
        '["usage"]',
      ],
      keys: [],
      kinds: ['ignored', 'ignored', 'malformed', 'malformed'],
    },
    {
      name: 'a usage line without a valid timestamp is malformed',
      lines: [assistant({ timestamp: null }), assistant({ timestamp: 'yesterday' })],
      keys: [],
      kinds: ['malformed', 'malformed'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { ledger, results } = index(claudeCodeFormat, FILE, c.lines);
      assert.deepEqual([...ledger.keys()], c.keys);
      if (c.output !== undefined) assert.equal([...ledger.values()][0]?.tokens.output, c.output);
      if (c.kinds !== undefined)
        assert.deepEqual(
          results.map((r) => r.kind),
          c.kinds,
        );
    });
  }

  test('malformed reasons never quote the line', () => {
    const secret = 'sk-secret-prompt-text';
    for (const line of [`{"usage": ${secret}`, secret, `[${JSON.stringify(secret)}, "usage"]`]) {
      const { result } = claudeCodeFormat.parseLine(line, claudeCodeFormat.initialState(FILE));
      assert.equal(result.kind, 'malformed');
      assert.ok(result.kind === 'malformed' && !result.reason.includes(secret));
    }
  });

  test('tokens: cache writes split by lifetime; without the split they are all 5-minute', () => {
    const parse = (usage: Record<string, unknown>) => {
      const { result } = claudeCodeFormat.parseLine(
        assistant({ usage }),
        claudeCodeFormat.initialState(FILE),
      );
      assert.equal(result.kind, 'usage');
      return result.kind === 'usage' ? result.event.tokens : undefined;
    };
    assert.deepEqual(
      parse({
        input_tokens: 3,
        output_tokens: 4,
        cache_read_input_tokens: 5,
        cache_creation_input_tokens: 9,
        cache_creation: { ephemeral_5m_input_tokens: 2, ephemeral_1h_input_tokens: 7 },
      }),
      { input: 3, output: 4, cacheRead: 5, cacheWrite5m: 2, cacheWrite1h: 7, reasoning: 0 },
    );
    assert.deepEqual(parse({ input_tokens: 3, output_tokens: 4, cache_creation_input_tokens: 9 }), {
      input: 3,
      output: 4,
      cacheRead: 0,
      cacheWrite5m: 9,
      cacheWrite1h: 0,
      reasoning: 0,
    });
  });

  test('costUSD on the line is a reported cost', () => {
    const { result } = claudeCodeFormat.parseLine(
      assistant({ costUSD: 0.0123 }),
      claudeCodeFormat.initialState(FILE),
    );
    assert.ok(result.kind === 'usage');
    assert.equal(result.event.costUsd, 0.0123);
    assert.equal(result.event.costBasis, 'reported');
  });

  test('session and project: from the line, else the file name and the projects folder', () => {
    const state = claudeCodeFormat.initialState(FILE);
    assert.deepEqual(state, { sessionId: 's-file', folder: '-w-app' } satisfies ClaudeState);
    const named = claudeCodeFormat.parseLine(assistant({ cwd: '/home/me/my-app/' }), state);
    assert.ok(named.result.kind === 'usage');
    assert.equal(named.result.event.sessionId, 'sess-1');
    assert.equal(named.result.event.project, 'my-app');
    const bare = claudeCodeFormat.parseLine(assistant({ sessionId: null, cwd: null }), state);
    assert.ok(bare.result.kind === 'usage');
    assert.equal(bare.result.event.sessionId, 's-file');
    assert.equal(bare.result.event.project, '-w-app');
    assert.equal(named.state, undefined, 'the state never changes');
  });

  test('the key equals the one the OTLP normalizer gives the same request', () => {
    const otlp = normalizeLog(
      logRecord(
        { 'event.name': 'api_request', 'session.id': 'sess-1', request_id: 'req_1' },
        { body: 'claude_code.api_request' },
      ),
    );
    const { result } = claudeCodeFormat.parseLine(
      assistant({}),
      claudeCodeFormat.initialState(FILE),
    );
    assert.ok(result.kind === 'usage');
    assert.equal(result.event.key, otlp?.usage?.key);
  });

  test('matches every .jsonl under the projects root, subagent transcripts included', () => {
    assert.equal(claudeCodeFormat.matches('-w-app/0b1c.jsonl'), true);
    assert.equal(claudeCodeFormat.matches('-w-app/0b1c/subagents/agent-a12.jsonl'), true);
    assert.equal(claudeCodeFormat.matches('-w-app/0b1c.json'), false);
    assert.equal(claudeCodeFormat.matches('-w-app/notes.txt'), false);
  });
});

describe('claudeRoots', () => {
  const home = '/home/me';
  test('defaults: the XDG config dir and ~/.claude', () => {
    assert.deepEqual(claudeRoots({}, '', home), [
      '/home/me/.config/claude/projects',
      '/home/me/.claude/projects',
    ]);
    assert.deepEqual(claudeRoots({ XDG_CONFIG_HOME: '/xdg' }, '', home), [
      '/xdg/claude/projects',
      '/home/me/.claude/projects',
    ]);
    assert.deepEqual(
      claudeRoots({ XDG_CONFIG_HOME: 'relative' }, '', home)[0],
      '/home/me/.config/claude/projects',
    );
  });
  test('CLAUDE_CONFIG_DIR lists config dirs, comma-separated', () => {
    assert.deepEqual(claudeRoots({ CLAUDE_CONFIG_DIR: ' /a , ~/b,,/a ' }, '', home), [
      '/a/projects',
      '/home/me/b/projects',
    ]);
  });
  test('the configured value overrides the environment; a blank one does not', () => {
    assert.deepEqual(claudeRoots({ CLAUDE_CONFIG_DIR: '/a' }, '/c1,/c2', home), [
      '/c1/projects',
      '/c2/projects',
    ]);
    assert.deepEqual(claudeRoots({ CLAUDE_CONFIG_DIR: '/a' }, '  ', home), ['/a/projects']);
  });
});
