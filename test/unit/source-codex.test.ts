import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { type TokenCounts, usageMatch } from '../../src/domain/events.ts';
import { normalizeLog } from '../../src/domain/normalize/logs.ts';
import { decodeExport } from '../../src/ingest/otlp/decode.ts';
import { type CodexState, codexFormat } from '../../src/sources/codex/format.ts';
import { codexRoots } from '../../src/sources/codex/paths.ts';
import type { ParsedLine, SourceFile } from '../../src/sources/types.ts';
import { fixtureLines, index, totals } from '../support/fold-lines.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SESSION = '01a1fd07-bb60-7fa1-a96b-fe8e2cd07dfe';
const REAL: SourceFile = {
  root: join(FIXTURES, 'real-logs/codex/sessions'),
  path: join(
    FIXTURES,
    `real-logs/codex/sessions/2026/11/21/rollout-2026-11-21T07-35-04-${SESSION}.jsonl`,
  ),
};
const S = '11111111-2222-3333-4444-555555555555';
const FILE: SourceFile = {
  root: '/h/.codex/sessions',
  path: `/h/.codex/sessions/2026/01/02/rollout-2026-01-02T03-04-05-${S}.jsonl`,
};

// --- line builders ------------------------------------------------------------------------

type U = [input: number, cached: number, output: number, reasoning: number];
let clock = Date.parse('2026-01-02T03:04:05.000Z');
function at(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

function usage([input, cached, output, reasoning]: U) {
  return {
    input_tokens: input,
    cached_input_tokens: cached,
    cache_write_input_tokens: 0,
    output_tokens: output,
    reasoning_output_tokens: reasoning,
    total_tokens: input + output,
  };
}

const meta = (id = S, cwd = '/home/me/proj') =>
  JSON.stringify({
    timestamp: at(),
    type: 'session_meta',
    payload: { id, cwd, cli_version: '0.1' },
  });
const context = (model: string) =>
  JSON.stringify({ timestamp: at(), type: 'turn_context', payload: { cwd: '/x/other', model } });
function tokenCount(total: U | null, last: U | null, extra: Record<string, unknown> = {}): string {
  const info: Record<string, unknown> = { model_context_window: 1000, ...extra };
  if (total !== null) info.total_token_usage = usage(total);
  if (last !== null) info.last_token_usage = usage(last);
  return JSON.stringify({
    timestamp: at(),
    type: 'event_msg',
    payload: { type: 'token_count', info, rate_limits: null },
  });
}
const rateLimitsOnly = () =>
  JSON.stringify({
    timestamp: at(),
    type: 'event_msg',
    payload: { type: 'token_count', info: null },
  });

// -------------------------------------------------------------------------------------------

describe('Codex rollouts: the real fixture', () => {
  test('a run and its resume (appended to the same file) hold 4 requests', () => {
    const { ledger, results } = index(codexFormat, REAL, fixtureLines(REAL));
    assert.equal(results.filter((r) => r.kind === 'malformed').length, 0);
    assert.deepEqual(
      [...ledger.keys()],
      [2490, 5140, 7630, 10280].map((t) => `codex:${SESSION}:${t}`),
    );
    assert.deepEqual(totals(ledger), {
      input: 10000 - 6144,
      output: 280,
      cacheRead: 6144,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 80,
    });
    for (const e of ledger.values()) {
      assert.equal(e.sessionId, SESSION);
      assert.equal(e.model, 'gpt-5.5');
      assert.equal(e.project, 'work');
      assert.equal(e.costBasis, 'unknown');
      assert.equal(e.costUsd, undefined);
      assert.equal(e.match, usageMatch('codex', SESSION, e.tokens));
    }
  });

  test('re-reading from byte 0, or in two pieces with stored state, changes nothing', () => {
    const lines = fixtureLines(REAL);
    const once = index(codexFormat, REAL, lines).ledger;
    assert.deepEqual(index(codexFormat, REAL, lines, new Map(once)).ledger, once);
    for (const cut of [5, 14, 20, 29]) {
      const first = index(codexFormat, REAL, lines.slice(0, cut));
      const rest = index(codexFormat, REAL, lines.slice(cut), first.ledger, first.state);
      assert.deepEqual(rest.ledger, once, `cut at line ${cut}`);
    }
  });

  test('each request has the tokens the OTLP normalizer reads from its telemetry', () => {
    // The telemetry fixture is another run of the same prompt against the same mock.
    const body = gunzipSync(readFileSync(join(FIXTURES, 'real/codex-json/004-logs.json.gz')));
    const decoded = decodeExport('logs', body, 'json');
    assert.equal(decoded.signal, 'logs');
    const otlp = (decoded.signal === 'logs' ? decoded.records : [])
      .map((r) => normalizeLog(r)?.usage)
      .filter((u) => u !== undefined);
    assert.deepEqual(
      otlp.map((u) => u.tokens),
      [
        {
          input: 1376,
          output: 90,
          cacheRead: 1024,
          cacheWrite5m: 0,
          cacheWrite1h: 0,
          reasoning: 30,
        },
        {
          input: 552,
          output: 50,
          cacheRead: 2048,
          cacheWrite5m: 0,
          cacheWrite1h: 0,
          reasoning: 10,
        },
      ],
    );
    const logged = [...index(codexFormat, REAL, fixtureLines(REAL)).ledger.values()];
    assert.deepEqual(
      logged.slice(0, 2).map((e) => e.tokens),
      otlp.map((u) => u.tokens),
    );
    assert.deepEqual(
      logged.slice(0, 2).map((e) => e.match),
      otlp.map((u) => usageMatch('codex', SESSION, u.tokens)),
    );
  });
});

describe('Codex rollouts: counting rules', () => {
  const cases: {
    name: string;
    lines: string[];
    keys: number[];
    totals?: Partial<TokenCounts>;
    kinds?: ParsedLine['kind'][];
  }[] = [
    {
      name: 'cumulative totals: each token_count bills its last_token_usage',
      lines: [
        meta(),
        tokenCount([100, 40, 10, 4], [100, 40, 10, 4]),
        tokenCount([300, 100, 30, 9], [200, 60, 20, 5]),
      ],
      keys: [110, 330],
      totals: { input: 200, cacheRead: 100, output: 30, reasoning: 9 },
    },
    {
      name: 'a re-emitted total is not a new request',
      lines: [
        meta(),
        tokenCount([100, 40, 10, 4], [100, 40, 10, 4]),
        tokenCount([100, 40, 10, 4], [100, 40, 10, 4]),
        rateLimitsOnly(),
        tokenCount([300, 100, 30, 9], [200, 60, 20, 5]),
        tokenCount([300, 100, 30, 9], [200, 60, 20, 5]),
      ],
      keys: [110, 330],
      totals: { input: 200, cacheRead: 100, output: 30 },
      kinds: ['ignored', 'usage', 'ignored', 'ignored', 'usage', 'ignored'],
    },
    {
      name: 'totals only (older versions): the delta from the previous total',
      lines: [meta(), tokenCount([100, 40, 10, 4], null), tokenCount([300, 100, 30, 9], null)],
      keys: [110, 330],
      totals: { input: 200, cacheRead: 100, output: 30, reasoning: 9 },
    },
    {
      name: 'last usage only: the running total is kept from the deltas',
      lines: [meta(), tokenCount(null, [100, 40, 10, 4]), tokenCount(null, [200, 60, 20, 5])],
      keys: [110, 330],
      totals: { input: 200, cacheRead: 100, output: 30, reasoning: 9 },
    },
    {
      name: 'a token_count with info but no usage at all is malformed; without info, ignored',
      lines: [meta(), tokenCount(null, null), rateLimitsOnly()],
      keys: [],
      kinds: ['ignored', 'malformed', 'ignored'],
    },
    {
      name: 'a zero delta bills nothing',
      lines: [meta(), tokenCount([0, 0, 0, 0], [0, 0, 0, 0])],
      keys: [],
      kinds: ['ignored', 'ignored'],
    },
    {
      name: 'other line types, token_usage_record included, are ignored; junk is malformed',
      lines: [
        meta(),
        JSON.stringify({
          timestamp: at(),
          type: 'token_usage_record',
          payload: { session_id: S, response_id: 'resp_1', usage: usage([100, 40, 10, 4]) },
        }),
        JSON.stringify({ timestamp: at(), type: 'response_item', payload: { type: 'message' } }),
        JSON.stringify({
          type: 'event_msg',
          payload: { type: 'agent_message', message: 'token_count' },
        }),
        '{"type":"event_msg","payload":{"type":"token_count"',
        'not json',
        JSON.stringify({ timestamp: at(), type: 'turn_context', payload: null }),
      ],
      keys: [],
      kinds: ['ignored', 'ignored', 'ignored', 'ignored', 'malformed', 'malformed', 'ignored'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { ledger, results } = index(codexFormat, FILE, c.lines);
      assert.deepEqual(
        [...ledger.keys()],
        c.keys.map((t) => `codex:${S}:${t}`),
      );
      if (c.totals !== undefined) {
        const t = totals(ledger);
        for (const [k, v] of Object.entries(c.totals))
          assert.equal(t[k as keyof TokenCounts], v, k);
      }
      if (c.kinds !== undefined)
        assert.deepEqual(
          results.map((r) => r.kind),
          c.kinds,
        );
    });
  }

  test('a resumed session written into a new file that replays history counts once', () => {
    const first = [meta(), tokenCount([100, 40, 10, 4], [100, 40, 10, 4])];
    const ledger = index(codexFormat, FILE, first).ledger;
    const resumed: SourceFile = {
      root: FILE.root,
      path: `/h/.codex/sessions/2026/01/05/rollout-2026-01-05T00-00-00-${S.replace('1111', '9999')}.jsonl`,
    };
    const replay = [meta(S), ...first.slice(1), tokenCount([300, 100, 30, 9], [200, 60, 20, 5])];
    index(codexFormat, resumed, replay, ledger);
    assert.deepEqual([...ledger.keys()], [`codex:${S}:110`, `codex:${S}:330`]);
    assert.equal(totals(ledger).output, 30);
  });

  test('tokens: cached input and reasoning are split out, never counted twice', () => {
    const line = JSON.stringify({
      timestamp: at(),
      type: 'event_msg',
      payload: {
        type: 'token_count',
        info: {
          total_token_usage: {
            input_tokens: 1000,
            cached_input_tokens: 600,
            cache_write_input_tokens: 100,
            output_tokens: 50,
            reasoning_output_tokens: 20,
            total_tokens: 1050,
          },
          last_token_usage: {
            input_tokens: 1000,
            cached_input_tokens: 600,
            cache_write_input_tokens: 100,
            output_tokens: 50,
            reasoning_output_tokens: 20,
            total_tokens: 1050,
          },
        },
      },
    });
    const { result } = codexFormat.parseLine(line, codexFormat.initialState(FILE));
    assert.ok(result.kind === 'usage');
    assert.deepEqual(result.event.tokens, {
      input: 300,
      output: 50,
      cacheRead: 600,
      cacheWrite5m: 100,
      cacheWrite1h: 0,
      reasoning: 20,
    });
    // Clamped when a figure claims more than its whole.
    const odd = tokenCount([10, 50, 5, 9], [10, 50, 5, 9]);
    const clamped = codexFormat.parseLine(odd, codexFormat.initialState(FILE));
    assert.ok(clamped.result.kind === 'usage');
    assert.deepEqual(clamped.result.event.tokens, {
      input: 0,
      output: 5,
      cacheRead: 10,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 5,
    });
  });

  test('model from the latest turn_context; session and project from session_meta', () => {
    const { ledger, state } = index(codexFormat, FILE, [
      meta('abc', '/home/me/shop/'),
      context('gpt-a'),
      tokenCount([100, 0, 10, 0], [100, 0, 10, 0]),
      context('gpt-b'),
      tokenCount([300, 0, 30, 0], [200, 0, 20, 0]),
      meta('replayed-parent', '/elsewhere'),
      tokenCount([400, 0, 40, 0], [100, 0, 10, 0]),
    ]);
    assert.deepEqual(
      [...ledger.values()].map((e) => [e.key, e.model, e.project]),
      [
        ['codex:abc:110', 'gpt-a', 'shop'],
        ['codex:abc:330', 'gpt-b', 'shop'],
        ['codex:abc:440', 'gpt-b', 'shop'],
      ],
    );
    assert.deepEqual(state, {
      sessionId: 'abc',
      fromMeta: true,
      project: 'shop',
      model: 'gpt-b',
      total: { input: 400, cached: 0, cacheWrite: 0, output: 40, reasoning: 0, total: 440 },
    } satisfies CodexState);
  });

  test('without session_meta: the uuid at the end of the file name; model unknown', () => {
    assert.equal(codexFormat.initialState(FILE).sessionId, S);
    const { ledger } = index(codexFormat, FILE, [tokenCount([5, 0, 1, 0], [5, 0, 1, 0])]);
    const [e] = ledger.values();
    assert.equal(e?.key, `codex:${S}:6`);
    assert.equal(e?.model, 'unknown');
    assert.equal(e?.project, undefined);
  });

  test('a token_count without a timestamp is malformed but still moves the running total', () => {
    const bad = JSON.parse(tokenCount([100, 0, 10, 0], null)) as Record<string, unknown>;
    delete bad.timestamp;
    const { ledger, results } = index(codexFormat, FILE, [
      JSON.stringify(bad),
      tokenCount([300, 0, 30, 0], null),
    ]);
    assert.deepEqual(
      results.map((r) => r.kind),
      ['malformed', 'usage'],
    );
    assert.deepEqual(
      [...ledger.values()].map((e) => e.tokens.output),
      [20],
    );
  });

  test('matches dated rollouts under sessions/ and flat ones under archived_sessions/', () => {
    assert.equal(codexFormat.matches(`2026/11/21/rollout-2026-11-21T07-35-04-${S}.jsonl`), true);
    assert.equal(codexFormat.matches(`rollout-2026-11-21T07-35-04-${S}.jsonl`), true);
    assert.equal(codexFormat.matches('2026/11/21/history.jsonl'), false);
    assert.equal(codexFormat.matches(`2026/11/21/rollout-${S}.json`), false);
    assert.equal(codexFormat.matches(`x/2026/11/21/rollout-${S}.jsonl`), false);
  });
});

describe('codexRoots', () => {
  const home = '/home/me';
  test('~/.codex by default, CODEX_HOME over it, the configured value over both', () => {
    assert.deepEqual(codexRoots({}, '', home), [
      '/home/me/.codex/sessions',
      '/home/me/.codex/archived_sessions',
    ]);
    assert.deepEqual(codexRoots({ CODEX_HOME: '/opt/codex' }, '', home), [
      '/opt/codex/sessions',
      '/opt/codex/archived_sessions',
    ]);
    assert.deepEqual(codexRoots({ CODEX_HOME: '/opt/codex' }, '~/cx', home), [
      '/home/me/cx/sessions',
      '/home/me/cx/archived_sessions',
    ]);
  });
});
