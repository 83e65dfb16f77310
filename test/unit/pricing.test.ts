import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type TokenCounts, type UsageEvent, ZERO_TOKENS } from '../../src/domain/events.ts';
import {
  baseModelName,
  costOf,
  findPrice,
  knownModels,
  type ModelPrice,
  mergeOverrides,
  mergeTables,
  type PriceTable,
  PriceTableError,
  parsePriceTable,
  priceUsage,
  undatedModelName,
} from '../../src/domain/pricing.ts';
import { SHIPPED_PRICES } from '../../src/pricing/files.ts';

const tokens = (t: Partial<TokenCounts>): TokenCounts => ({ ...ZERO_TOKENS, ...t });
const close = (actual: number, expected: number, msg?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${msg ?? ''} ${actual} ≠ ${expected}`);

const TABLE = parsePriceTable({
  sample_spec: { input_cost_per_token: 0, output_cost_per_token: 0, mode: 'doc' },
  _ai_observer: { source: 'x' },
  'claude-opus-4-5': { input_cost_per_token: 5e-6, output_cost_per_token: 2.5e-5 },
  'claude-opus-4-5-20251101': { input_cost_per_token: 5e-6, output_cost_per_token: 2.5e-5 },
  'claude-opus-4-1-20250805': { input_cost_per_token: 1.5e-5, output_cost_per_token: 7.5e-5 },
  'claude-opus-4-6': { input_cost_per_token: 5e-6, output_cost_per_token: 2.5e-5 },
  'claude-opus-4-7': { input_cost_per_token: 5e-6, output_cost_per_token: 2.5e-5 },
  'claude-3-7-sonnet-20250219': { input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 },
  'claude-sonnet-4-5': { input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 },
  'claude-sonnet-4-5-20250929': { input_cost_per_token: 3.1e-6, output_cost_per_token: 1.5e-5 },
  'gpt-4o': { input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5 },
  'gpt-4o-2024-05-13': { input_cost_per_token: 5e-6, output_cost_per_token: 1.5e-5 },
  'gpt-4.1': { input_cost_per_token: 2e-6, output_cost_per_token: 8e-6 },
  'chatgpt-4o-latest': { input_cost_per_token: 5e-6, output_cost_per_token: 1.5e-5 },
  'gemini-2.5-pro': { input_cost_per_token: 1.25e-6, output_cost_per_token: 1e-5 },
  'gemini/gemini-2.5-pro': { input_cost_per_token: 1.3e-6, output_cost_per_token: 1e-5 },
  'gemini-2.5-flash': { input_cost_per_token: 3e-7, output_cost_per_token: 2.5e-6 },
  'deepseek-v2': { input_cost_per_token: 1e-7, output_cost_per_token: 2e-7 },
  'openrouter/openai/gpt-5-mini': { input_cost_per_token: 2.5e-7, output_cost_per_token: 2e-6 },
  'no-output': { input_cost_per_token: 1e-6 },
  'string-price': { input_cost_per_token: '1e-6', output_cost_per_token: 1e-6 },
  'image-model': { output_cost_per_image: 0.04, mode: 'image_generation' },
  'not-an-object': 42,
});

describe('parsePriceTable', () => {
  test('keeps entries with numeric input and output prices, skips the rest', () => {
    const models = knownModels(TABLE);
    assert.ok(models.includes('claude-opus-4-5'));
    for (const skipped of [
      'sample_spec',
      '_ai_observer',
      'no-output',
      'string-price',
      'image-model',
      'not-an-object',
    ]) {
      assert.ok(!models.includes(skipped), skipped);
    }
    assert.equal(models[0], 'claude-opus-4-5', 'table order is kept');
  });

  test('a non-object is an error', () => {
    for (const raw of [null, [], 'x', 3]) {
      assert.throws(() => parsePriceTable(raw), PriceTableError);
    }
  });

  test('optional fields that are not prices are ignored', () => {
    const t = parsePriceTable({
      m: {
        input_cost_per_token: 1e-6,
        output_cost_per_token: 2e-6,
        cache_read_input_token_cost: 'x',
      },
    });
    assert.equal(t.models.get('m')?.cacheRead, undefined);
  });
});

describe('mergeTables', () => {
  test('the second table wins per model; the first keeps its order and fills gaps', () => {
    const base = parsePriceTable({
      a: { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 },
      b: { input_cost_per_token: 2e-6, output_cost_per_token: 2e-6 },
    });
    const over = parsePriceTable({
      b: { input_cost_per_token: 3e-6, output_cost_per_token: 3e-6 },
      c: { input_cost_per_token: 4e-6, output_cost_per_token: 4e-6 },
      bad: { input_cost_per_token: 4e-6 },
    });
    const t = mergeTables(base, over);
    assert.deepEqual(knownModels(t), ['a', 'b', 'c']);
    assert.equal(t.models.size, 3);
    assert.deepEqual(
      [...t.models].map(([m, p]) => [m, p.input]),
      [
        ['a', 1e-6],
        ['b', 3e-6],
        ['c', 4e-6],
      ],
    );
    assert.equal(t.models.has('bad'), false);
    assert.equal(findPrice(t, 'openai/c')?.price.output, 4e-6);
  });
});

describe('model name normalization', () => {
  const cases: Array<[query: string, expected: string | undefined, why: string]> = [
    ['claude-opus-4-5', 'claude-opus-4-5', 'exact'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929', 'exact dated entry wins'],
    ['anthropic/claude-sonnet-4-5', 'claude-sonnet-4-5', 'provider prefix'],
    ['Claude-Opus-4-5', 'claude-opus-4-5', 'case'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5-20250929', 'Vertex @ date'],
    ['vertex_ai/claude-opus-4-5@20251101', 'claude-opus-4-5-20251101', 'Vertex route and @ date'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929', 'Bedrock id'],
    ['eu.anthropic.claude-opus-4-7-v1', 'claude-opus-4-7', 'Bedrock id, EU profile'],
    [
      'bedrock/us-east-1/anthropic.claude-opus-4-5-20251101-v1:0',
      'claude-opus-4-5-20251101',
      'bedrock/region/',
    ],
    ['claude-opus-4-7-20990101', 'claude-opus-4-7', 'dated id → undated entry'],
    ['claude-opus-4-1', 'claude-opus-4-1-20250805', 'undated id → dated entry'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet-20250219', '-latest → dated entry'],
    ['claude-opus-4-6[1m]', 'claude-opus-4-6', 'context-window suffix'],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13', 'a dated entry with its own price'],
    ['openai/gpt-4o-2024-05-13', 'gpt-4o-2024-05-13', 'prefix keeps the date'],
    ['gpt-4.1-2099-01-01', 'gpt-4.1', 'YYYY-MM-DD date'],
    ['chatgpt-4o-latest', 'chatgpt-4o-latest', 'exact -latest entry'],
    ['gemini/gemini-2.5-pro', 'gemini/gemini-2.5-pro', 'exact prefixed entry'],
    ['models/gemini-2.5-flash', 'gemini-2.5-flash', 'Gemini API models/ prefix'],
    ['vertex_ai/gemini-2.5-flash', 'gemini-2.5-flash', 'vertex_ai/ prefix'],
    ['openai/gpt-5-mini', undefined, 'a reseller-only entry is not guessed'],
    ['gpt-4o-mini', undefined, 'no substring match'],
    ['claude-opus-4', undefined, 'no prefix match across versions'],
    ['claude-opus-9-9', undefined, 'unknown model'],
    ['deepseek-v3', undefined, 'a version is not a Bedrock suffix'],
    ['gemini-2.5', undefined, 'shorter name'],
    ['', undefined, 'empty'],
  ];
  for (const [query, expected, why] of cases) {
    test(`${JSON.stringify(query)} → ${expected ?? 'unknown'} (${why})`, () => {
      assert.equal(findPrice(TABLE, query)?.model, expected);
    });
  }

  test('the name helpers', () => {
    assert.equal(
      baseModelName('global.anthropic.claude-haiku-4-5-20251001-v1:0'),
      'claude-haiku-4-5-20251001',
    );
    assert.equal(undatedModelName('claude-haiku-4-5-20251001'), 'claude-haiku-4-5');
    assert.equal(undatedModelName('gpt-4o-2024-11-20'), 'gpt-4o');
    assert.equal(
      undatedModelName('gemini-2.5-flash-preview-09-2025'),
      'gemini-2.5-flash-preview-09-2025',
    );
  });
});

const OPUS_5_5: ModelPrice = {
  input: 4e-6,
  output: 2e-5,
  cacheRead: 2e-7,
  cacheWrite5m: 5e-6,
  cacheWrite1h: 8e-6,
  inputAbove200k: undefined,
  outputAbove200k: undefined,
  cacheReadAbove200k: undefined,
  cacheWrite5mAbove200k: undefined,
  cacheWrite1hAbove200k: undefined,
  provider: 'anthropic',
  mode: 'chat',
  maxInputTokens: undefined,
  note: undefined,
};

const TIERED: ModelPrice = {
  ...OPUS_5_5,
  input: 3e-6,
  output: 1.5e-5,
  cacheRead: 3e-7,
  cacheWrite5m: 3.75e-6,
  cacheWrite1h: 6e-6,
  inputAbove200k: 6e-6,
  outputAbove200k: 2.25e-5,
  cacheReadAbove200k: 6e-7,
  cacheWrite5mAbove200k: 7.5e-6,
  cacheWrite1hAbove200k: 1.2e-5,
};

describe('costOf', () => {
  test("claude-opus-5-5 reproduces Claude Code's reported costs", () => {
    close(
      costOf(tokens({ input: 1200, output: 80, cacheRead: 3000, cacheWrite5m: 500 }), OPUS_5_5),
      0.0095,
    );
    close(
      costOf(tokens({ input: 1500, output: 40, cacheRead: 3500, cacheWrite5m: 200 }), OPUS_5_5),
      0.0085,
    );
  });

  const cacheCases: Array<[string, Partial<ModelPrice>, Partial<TokenCounts>, number]> = [
    ['5m writes at cache_creation_input_token_cost', {}, { cacheWrite5m: 1000 }, 1000 * 5e-6],
    [
      '1h writes at cache_creation_input_token_cost_above_1hr',
      {},
      { cacheWrite1h: 1000 },
      1000 * 8e-6,
    ],
    ['reads at cache_read_input_token_cost', {}, { cacheRead: 1000 }, 1000 * 2e-7],
    [
      'no 1h price: 1.6× the 5m price',
      { cacheWrite1h: undefined },
      { cacheWrite1h: 1000 },
      1000 * 8e-6,
    ],
    [
      'no cache prices: read 0.1×, 5m 1.25×, 1h 2× input',
      { cacheRead: undefined, cacheWrite5m: undefined, cacheWrite1h: undefined },
      { cacheRead: 1000, cacheWrite5m: 1000, cacheWrite1h: 1000 },
      1000 * 4e-6 * (0.1 + 1.25 + 2),
    ],
  ];
  for (const [why, change, t, expected] of cacheCases) {
    test(why, () => close(costOf(tokens(t), { ...OPUS_5_5, ...change }), expected));
  }

  test('reasoning is part of output and never priced twice', () => {
    const plain = costOf(tokens({ input: 100, output: 90 }), OPUS_5_5);
    close(costOf(tokens({ input: 100, output: 90, reasoning: 30 }), OPUS_5_5), plain);
    close(plain, 100 * 4e-6 + 90 * 2e-5);
  });

  const tierCases: Array<[string, Partial<TokenCounts>, number]> = [
    ['input exactly 200k: all base', { input: 200_000 }, 200_000 * 3e-6],
    ['input 200,001: one token above', { input: 200_001 }, 200_000 * 3e-6 + 6e-6],
    [
      'output 250k: the 50k beyond at the higher rate',
      { output: 250_000 },
      200_000 * 1.5e-5 + 50_000 * 2.25e-5,
    ],
    [
      'each kind on its own: 150k input + 150k cache read stay base',
      { input: 150_000, cacheRead: 150_000 },
      150_000 * 3e-6 + 150_000 * 3e-7,
    ],
    [
      'cache writes 300k (5m) and 250k (1h)',
      { cacheWrite5m: 300_000, cacheWrite1h: 250_000 },
      200_000 * 3.75e-6 + 100_000 * 7.5e-6 + 200_000 * 6e-6 + 50_000 * 1.2e-5,
    ],
  ];
  for (const [why, t, expected] of tierCases) {
    test(`per-kind tiers (ccusage): ${why}`, () => close(costOf(tokens(t), TIERED), expected));
  }

  test('no higher price: linear above 200k', () => {
    close(costOf(tokens({ input: 300_000 }), OPUS_5_5), 300_000 * 4e-6);
  });

  test('whole-request tiers: a prompt over 200k prices every token higher', () => {
    const t = tokens({ input: 150_000, cacheRead: 60_000, output: 1000 });
    close(
      costOf(t, TIERED, { tiering: 'whole-request' }),
      150_000 * 6e-6 + 60_000 * 6e-7 + 1000 * 2.25e-5,
    );
    const atLimit = tokens({ input: 150_000, cacheRead: 50_000, output: 1000 });
    close(
      costOf(atLimit, TIERED, { tiering: 'whole-request' }),
      150_000 * 3e-6 + 50_000 * 3e-7 + 1000 * 1.5e-5,
    );
  });
});

function event(over: Partial<UsageEvent>): UsageEvent {
  return {
    key: 'k',
    ts: 0,
    tool: 'claude-code',
    sessionId: 's',
    model: 'claude-opus-4-5',
    project: undefined,
    tokens: tokens({ input: 1000, output: 100 }),
    costUsd: undefined,
    costBasis: 'unknown',
    sources: ['log'],
    ...over,
  };
}

describe('priceUsage', () => {
  test('an unknown cost of a known model is computed', () => {
    const out = priceUsage(event({}), TABLE);
    assert.equal(out.costBasis, 'computed');
    close(out.costUsd!, 1000 * 5e-6 + 100 * 2.5e-5);
  });

  test('a reported cost wins', () => {
    const e = event({ costUsd: 0.5, costBasis: 'reported' });
    assert.equal(priceUsage(e, TABLE), e);
  });

  test('an unknown model stays unknown', () => {
    const e = event({ model: 'mystery-1' });
    const out = priceUsage(e, TABLE);
    assert.equal(out.costBasis, 'unknown');
    assert.equal(out.costUsd, undefined);
  });

  test('a computed cost follows the table', () => {
    const out = priceUsage(event({ costUsd: 99, costBasis: 'computed' }), TABLE);
    close(out.costUsd!, 1000 * 5e-6 + 100 * 2.5e-5);
  });
});

describe('mergeOverrides', () => {
  test('an override replaces the entry and can add a model', () => {
    const t = mergeOverrides(TABLE, {
      'claude-opus-4-5': { input_cost_per_token: 4e-6, output_cost_per_token: 2e-5 },
      'my-model': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
    });
    assert.equal(findPrice(t, 'claude-opus-4-5')?.price.input, 4e-6);
    assert.equal(findPrice(t, 'anthropic/claude-opus-4-5')?.price.input, 4e-6);
    assert.equal(findPrice(t, 'my-model')?.price.output, 2e-6);
    assert.equal(findPrice(TABLE, 'claude-opus-4-5')?.price.input, 5e-6, 'the base is untouched');
    assert.notEqual(t.id, TABLE.id);
    assert.deepEqual(t.sources.at(-1), 'config pricing.overrides');
  });

  test('no overrides: the same table', () => {
    assert.equal(mergeOverrides(TABLE, {}), TABLE);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['missing output', { input_cost_per_token: 1e-6 }, /"m1".*output_cost_per_token is missing/],
    [
      'a string',
      { input_cost_per_token: 'cheap', output_cost_per_token: 1e-6 },
      /"m1".*input_cost_per_token must be a number/,
    ],
    [
      'negative',
      { input_cost_per_token: -1, output_cost_per_token: 1e-6 },
      /"m1".*input_cost_per_token/,
    ],
    [
      'a bad optional field',
      {
        input_cost_per_token: 1e-6,
        output_cost_per_token: 1e-6,
        cache_read_input_token_cost: true,
      },
      /"m1".*cache_read_input_token_cost/,
    ],
    ['not a mapping', 3, /"m1".*mapping/],
  ];
  for (const [why, entry, message] of bad) {
    test(`a bad override throws naming the model and field: ${why}`, () => {
      assert.throws(
        () => mergeOverrides(TABLE, { m1: entry }),
        (err: Error) => {
          assert.ok(err instanceof PriceTableError);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('the shipped table', () => {
  const text = readFileSync(SHIPPED_PRICES, 'utf8');
  const raw = JSON.parse(text) as Record<string, Record<string, unknown>>;
  const table: PriceTable = parsePriceTable(raw);

  test('every entry is priced and the file stays small', () => {
    assert.equal(table.models.size, Object.keys(raw).length);
    assert.ok(statSync(SHIPPED_PRICES).size < 400 * 1024);
    assert.ok(table.models.size > 100);
  });

  test('it has the models the real CLIs use', () => {
    for (const m of ['claude-opus-5-5', 'gpt-5.5', 'gemini-3.8-flash', 'gemini-3.5-flash-lite']) {
      assert.ok(findPrice(table, m), m);
    }
    const opus = findPrice(table, 'claude-opus-5-5')!.price;
    assert.deepEqual(
      [opus.input, opus.output, opus.cacheRead, opus.cacheWrite5m, opus.cacheWrite1h],
      [4e-6, 2e-5, 2e-7, 5e-6, 8e-6],
    );
    close(
      costOf(tokens({ input: 1200, output: 80, cacheRead: 3000, cacheWrite5m: 500 }), opus),
      0.0095,
    );
    const gpt = findPrice(table, 'gpt-5.5')!.price;
    assert.deepEqual([gpt.input, gpt.output, gpt.cacheRead], [5e-6, 3e-5, 5e-7]);
    for (const m of ['gemini-3.8-flash', 'gemini-3.5-flash-lite', 'claude-opus-5-5']) {
      assert.match(
        raw[m]!.source as string,
        /not in LiteLLM/,
        `${m} says where its prices come from`,
      );
    }
  });

  test('it covers each family with LiteLLM keys', () => {
    for (const m of [
      'claude-sonnet-4-5',
      'claude-haiku-4-5',
      'gpt-5',
      'gpt-4o',
      'o3',
      'o4-mini',
      'gemini-2.5-pro',
      'gemini/gemini-2.5-flash',
    ]) {
      assert.ok(table.models.has(m), m);
    }
  });
});
