// Model prices and what one request costs (DESIGN.md §4: costBasis 'computed'). Pure: the
// table comes in as parsed JSON in LiteLLM's model_prices_and_context_window.json format; the
// reading and downloading live in src/pricing/. The rules are documented in data/PRICES.md.

import type { TokenCounts, UsageEvent } from './events.ts';

/** USD per token. Optional prices are undefined when the table does not give them. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number | undefined;
  /** 5-minute cache writes (`cache_creation_input_token_cost`). */
  cacheWrite5m: number | undefined;
  /** 1-hour cache writes (`cache_creation_input_token_cost_above_1hr`). */
  cacheWrite1h: number | undefined;
  inputAbove200k: number | undefined;
  outputAbove200k: number | undefined;
  cacheReadAbove200k: number | undefined;
  cacheWrite5mAbove200k: number | undefined;
  cacheWrite1hAbove200k: number | undefined;
  provider: string | undefined;
  mode: string | undefined;
  maxInputTokens: number | undefined;
  /** The entry's own `source` note (a pricing page, or why ai-observer added it). */
  note: string | undefined;
}

export interface PriceTable {
  /** Model name exactly as the table spells it → its prices, in table order. */
  readonly models: ReadonlyMap<string, ModelPrice>;
  /** Identifies the prices (files and overrides), so a ledger re-prices only after a change. */
  readonly id: string;
  /** Where the prices came from, for people (files, URL, "config overrides"). */
  readonly sources: readonly string[];
}

/** A bad price entry (an override from the config): the message names the model and field. */
export class PriceTableError extends Error {
  override name = 'PriceTableError';
}

/** The long-context threshold of the `*_above_200k_tokens` prices. */
export const TIER_THRESHOLD = 200_000;

/**
 * Fallbacks when a table entry lacks cache prices, from Anthropic's published multipliers of
 * the input price: 5-minute write 1.25×, 1-hour write 2×, read 0.1×. A missing 1-hour price
 * with a 5-minute price present is 1.6× that price (2 / 1.25), the same ratio.
 */
export const CACHE_FALLBACK = Object.freeze({
  read: 0.1,
  write5m: 1.25,
  write1h: 2,
  write1hFrom5m: 1.6,
});

const FIELDS = {
  input: 'input_cost_per_token',
  output: 'output_cost_per_token',
  cacheRead: 'cache_read_input_token_cost',
  cacheWrite5m: 'cache_creation_input_token_cost',
  cacheWrite1h: 'cache_creation_input_token_cost_above_1hr',
  inputAbove200k: 'input_cost_per_token_above_200k_tokens',
  outputAbove200k: 'output_cost_per_token_above_200k_tokens',
  cacheReadAbove200k: 'cache_read_input_token_cost_above_200k_tokens',
  cacheWrite5mAbove200k: 'cache_creation_input_token_cost_above_200k_tokens',
  cacheWrite1hAbove200k: 'cache_creation_input_token_cost_above_1hr_above_200k_tokens',
} as const;

type PriceField = keyof typeof FIELDS;
const OPTIONAL: readonly PriceField[] = [
  'cacheRead',
  'cacheWrite5m',
  'cacheWrite1h',
  'inputAbove200k',
  'outputAbove200k',
  'cacheReadAbove200k',
  'cacheWrite5mAbove200k',
  'cacheWrite1hAbove200k',
];

function isPrice(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * One LiteLLM-format entry → prices. `strict` (overrides) throws on any bad field; otherwise an
 * entry without numeric input and output prices is skipped (undefined) and a bad optional
 * field is ignored.
 */
function parseEntry(model: string, raw: unknown, strict: boolean): ModelPrice | undefined {
  const fail = (msg: string): never => {
    throw new PriceTableError(`price for model "${model}": ${msg}`);
  };
  if (!isRecord(raw))
    return strict ? fail('expected a mapping of LiteLLM price fields') : undefined;
  const required = (field: 'input' | 'output'): number | undefined => {
    const v = raw[FIELDS[field]];
    if (isPrice(v)) return v;
    if (strict) {
      fail(
        v === undefined
          ? `${FIELDS[field]} is missing (USD per token, e.g. 3e-6)`
          : `${FIELDS[field]} must be a number ≥ 0 (USD per token), got ${JSON.stringify(v)}`,
      );
    }
    return undefined;
  };
  const input = required('input');
  const output = required('output');
  if (input === undefined || output === undefined) return undefined;
  const price: ModelPrice = {
    input,
    output,
    cacheRead: undefined,
    cacheWrite5m: undefined,
    cacheWrite1h: undefined,
    inputAbove200k: undefined,
    outputAbove200k: undefined,
    cacheReadAbove200k: undefined,
    cacheWrite5mAbove200k: undefined,
    cacheWrite1hAbove200k: undefined,
    provider: typeof raw.litellm_provider === 'string' ? raw.litellm_provider : undefined,
    mode: typeof raw.mode === 'string' ? raw.mode : undefined,
    maxInputTokens: isPrice(raw.max_input_tokens) ? raw.max_input_tokens : undefined,
    note: typeof raw.source === 'string' ? raw.source : undefined,
  };
  for (const field of OPTIONAL) {
    const v = raw[FIELDS[field]];
    if (v === undefined || v === null) continue;
    if (isPrice(v)) price[field] = v;
    else if (strict)
      fail(`${FIELDS[field]} must be a number ≥ 0 (USD per token), got ${JSON.stringify(v)}`);
  }
  return price;
}

/** FNV-1a, 32 bits, as hex: a cheap id for small strings. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function hasTokenPrices(entry: unknown): boolean {
  return (
    isRecord(entry) && isPrice(entry.input_cost_per_token) && isPrice(entry.output_cost_per_token)
  );
}

/**
 * The models of a parsed table. Entries are checked for numeric input and output prices up
 * front but turned into ModelPrice only when asked for: a status line looks up one or two
 * models of LiteLLM's thousands.
 */
class LazyPrices implements ReadonlyMap<string, ModelPrice> {
  readonly #raw: Record<string, unknown>;
  readonly #keys: Set<string>;
  readonly #parsed = new Map<string, ModelPrice>();

  constructor(raw: Record<string, unknown>, keys: Set<string>) {
    this.#raw = raw;
    this.#keys = keys;
  }

  get size(): number {
    return this.#keys.size;
  }

  has(model: string): boolean {
    return this.#keys.has(model);
  }

  get(model: string): ModelPrice | undefined {
    if (!this.#keys.has(model)) return undefined;
    let price = this.#parsed.get(model);
    if (price === undefined) {
      price = parseEntry(model, this.#raw[model], false)!;
      this.#parsed.set(model, price);
    }
    return price;
  }

  keys(): MapIterator<string> {
    return this.#keys.values();
  }

  *entries(): MapIterator<[string, ModelPrice]> {
    for (const model of this.#keys) yield [model, this.get(model)!];
  }

  *values(): MapIterator<ModelPrice> {
    for (const model of this.#keys) yield this.get(model)!;
  }

  [Symbol.iterator](): MapIterator<[string, ModelPrice]> {
    return this.entries();
  }

  forEach(
    fn: (value: ModelPrice, key: string, map: ReadonlyMap<string, ModelPrice>) => void,
  ): void {
    for (const [model, price] of this.entries()) fn(price, model, this);
  }
}

/**
 * A LiteLLM-format object → a PriceTable. Keys that are not models (`sample_spec`, metadata
 * starting with `_`) and entries without numeric `input_cost_per_token` and
 * `output_cost_per_token` are skipped. Throws PriceTableError when `raw` is not an object.
 */
export function parsePriceTable(
  raw: unknown,
  opts: { source?: string; id?: string } = {},
): PriceTable {
  if (!isRecord(raw)) {
    throw new PriceTableError('a price table must be a JSON object of model names');
  }
  const keys = new Set<string>();
  for (const model in raw) {
    if (model === 'sample_spec' || model.startsWith('_')) continue;
    if (Object.hasOwn(raw, model) && hasTokenPrices(raw[model])) keys.add(model);
  }
  return {
    models: new LazyPrices(raw, keys),
    id: opts.id ?? fnv1a(JSON.stringify(raw)),
    sources: opts.source === undefined ? [] : [opts.source],
  };
}

/** Two tables as one, `over` winning per model; nothing is parsed until asked for. */
class LayeredPrices implements ReadonlyMap<string, ModelPrice> {
  readonly #base: ReadonlyMap<string, ModelPrice>;
  readonly #over: ReadonlyMap<string, ModelPrice>;
  #size: number | undefined;

  constructor(base: ReadonlyMap<string, ModelPrice>, over: ReadonlyMap<string, ModelPrice>) {
    this.#base = base;
    this.#over = over;
  }

  get size(): number {
    if (this.#size === undefined) {
      let n = this.#over.size;
      for (const model of this.#base.keys()) if (!this.#over.has(model)) n++;
      this.#size = n;
    }
    return this.#size;
  }

  has(model: string): boolean {
    return this.#over.has(model) || this.#base.has(model);
  }

  get(model: string): ModelPrice | undefined {
    return this.#over.get(model) ?? this.#base.get(model);
  }

  *keys(): MapIterator<string> {
    for (const model of this.#base.keys()) yield model;
    for (const model of this.#over.keys()) if (!this.#base.has(model)) yield model;
  }

  *entries(): MapIterator<[string, ModelPrice]> {
    for (const model of this.keys()) yield [model, this.get(model)!];
  }

  *values(): MapIterator<ModelPrice> {
    for (const model of this.keys()) yield this.get(model)!;
  }

  [Symbol.iterator](): MapIterator<[string, ModelPrice]> {
    return this.entries();
  }

  forEach(
    fn: (value: ModelPrice, key: string, map: ReadonlyMap<string, ModelPrice>) => void,
  ): void {
    for (const [model, price] of this.entries()) fn(price, model, this);
  }
}

/** `over` wins per model; the order is `base`'s, then the models only `over` has. */
export function mergeTables(base: PriceTable, over: PriceTable): PriceTable {
  if (over.models.size === 0) return base;
  return {
    models: new LayeredPrices(base.models, over.models),
    id: fnv1a(`${base.id}+${over.id}`),
    sources: [...base.sources, ...over.sources],
  };
}

/**
 * Applies the config's `pricing.overrides` (model → LiteLLM-format entry). An override replaces
 * the model's whole entry. Throws PriceTableError naming the model and field of a bad entry.
 */
export function mergeOverrides(table: PriceTable, overrides: Record<string, unknown>): PriceTable {
  const names = Object.keys(overrides);
  if (names.length === 0) return table;
  const models = new Map<string, ModelPrice>();
  for (const model of names) {
    models.set(model, parseEntry(model, overrides[model], true)!);
  }
  return mergeTables(table, {
    models,
    id: fnv1a(JSON.stringify(overrides)),
    sources: ['config pricing.overrides'],
  });
}

// ── Model names ─────────────────────────────────────────────────────────────────────────────

/**
 * First-party provider routes (LiteLLM's and the tools' own spellings). Resellers (azure/,
 * openrouter/, …) are not stripped: their prices may differ, and their entries are exact.
 */
const PROVIDER_PREFIX =
  /^(?:anthropic|openai|gemini|google|vertex_ai|vertex_ai-language-models|vertex_ai_beta|models)\//;
/** bedrock/ and what may follow it: a route (converse/) and a region (us-east-1/). */
const BEDROCK_PREFIX = /^bedrock\/(?:converse\/|invoke\/)?(?:[a-z]{2}(?:-gov)?-[a-z]+-\d\/)?/;
/** Cross-region inference profiles (us.anthropic.claude-…) and the vendor part of Bedrock ids. */
const REGION_PREFIX = /^(?:us|eu|apac|au|jp|global|us-gov)\./;
const VENDOR_PREFIX = /^(?:anthropic|openai|google)\./;
/** Bedrock's model version (`-v1:0`, `-v1`), stripped only from Bedrock-style ids. */
const BEDROCK_VERSION = /-v\d+(?::\d+)?$/;
/** A context-window marker such as Claude Code's `claude-opus-4-6[1m]`. */
const BRACKET_SUFFIX = /\[[^\]]*\]$/;
const DATE_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;
const LATEST_SUFFIX = /-latest$/;

/**
 * A model name without provider, Bedrock region and vendor prefixes, Bedrock version and `[…]`
 * suffixes, lower-cased; `@` (Vertex's date separator) becomes `-`. Dates are kept.
 */
export function baseModelName(model: string): string {
  let s = model.trim().toLowerCase().replace(BRACKET_SUFFIX, '');
  let bedrock = false;
  for (let i = 0; i < 4; i++) {
    const before = s;
    const routed = s.replace(BEDROCK_PREFIX, '');
    const vendor = routed.replace(REGION_PREFIX, '').replace(VENDOR_PREFIX, '');
    if (routed !== s || vendor !== routed) bedrock = true;
    s = vendor.replace(PROVIDER_PREFIX, '');
    if (s === before) break;
  }
  if (bedrock) s = s.replace(BEDROCK_VERSION, '');
  return s.replace('@', '-');
}

/** baseModelName without a trailing date (`-20250929`, `-2025-04-14`) or `-latest`. */
export function undatedModelName(model: string): string {
  let s = baseModelName(model);
  for (;;) {
    const next = s.replace(DATE_SUFFIX, '').replace(LATEST_SUFFIX, '');
    if (next === s) return s;
    s = next;
  }
}

interface NameIndex {
  base: Map<string, string>;
  undated: Map<string, string>;
}

const indexes = new WeakMap<PriceTable, NameIndex>();

function indexOf(table: PriceTable): NameIndex {
  let index = indexes.get(table);
  if (index !== undefined) return index;
  index = { base: new Map(), undated: new Map() };
  // An entry whose key already is the normalized name (claude-opus-4-5, not
  // claude-opus-4-5-20251101 or anthropic/claude-opus-4-5) wins the name; otherwise the first.
  const claim = (map: Map<string, string>, name: string, key: string) => {
    const held = map.get(name);
    if (held === undefined || (held !== name && key === name)) map.set(name, key);
  };
  for (const key of table.models.keys()) {
    claim(index.base, baseModelName(key), key);
    claim(index.undated, undatedModelName(key), key);
  }
  indexes.set(table, index);
  return index;
}

export interface PriceMatch {
  /** The table's name for the model. */
  model: string;
  price: ModelPrice;
}

/**
 * The price of a model as the tools name it. Tries, in order: the exact name; the name without
 * provider/region prefixes and suffixes; then the same without a date or `-latest`, on both
 * sides (a dated id finds the undated entry and the other way round). Never matches by
 * substring or across model families: an unknown model is undefined.
 */
export function findPrice(table: PriceTable, model: string): PriceMatch | undefined {
  const exact = table.models.get(model);
  if (exact !== undefined) return { model, price: exact };
  if (model.trim() === '') return undefined;
  const base = baseModelName(model);
  // The common case (claude-opus-4-6[1m], anthropic/claude-…) without building the index.
  const direct = table.models.get(base);
  if (direct !== undefined) return { model: base, price: direct };
  const index = indexOf(table);
  const key = index.base.get(base) ?? index.undated.get(undatedModelName(model));
  if (key === undefined) return undefined;
  return { model: key, price: table.models.get(key)! };
}

/** The models the table prices, in table order. */
export function knownModels(table: PriceTable): string[] {
  return [...table.models.keys()];
}

// ── Costs ───────────────────────────────────────────────────────────────────────────────────

/**
 * How the `*_above_200k_tokens` prices apply:
 * - `per-kind` (default, ccusage v19/v20's rule so totals match it): each token kind on its
 *   own; of a kind's count in one request, the first 200,000 at the base price and only the
 *   tokens beyond at the higher one. Exactly 200,000 is all base.
 * - `whole-request` (how Anthropic and Google bill): when the request's prompt (input + cache
 *   reads + cache writes) exceeds 200,000 tokens, every token of it, output included, at the
 *   higher prices.
 * A kind without a higher price stays at its base price either way.
 */
export type TierRule = 'per-kind' | 'whole-request';

export interface CostOptions {
  tiering?: TierRule;
}

function perKind(count: number, base: number, above: number | undefined): number {
  if (count <= 0) return 0;
  if (above === undefined || count <= TIER_THRESHOLD) return count * base;
  return TIER_THRESHOLD * base + (count - TIER_THRESHOLD) * above;
}

/** The effective cache prices of an entry, with the documented fallbacks filled in. */
export function cachePrices(price: ModelPrice): { read: number; write5m: number; write1h: number } {
  const write5m = price.cacheWrite5m ?? price.input * CACHE_FALLBACK.write5m;
  return {
    read: price.cacheRead ?? price.input * CACHE_FALLBACK.read,
    write5m,
    write1h:
      price.cacheWrite1h ??
      (price.cacheWrite5m !== undefined
        ? price.cacheWrite5m * CACHE_FALLBACK.write1hFrom5m
        : price.input * CACHE_FALLBACK.write1h),
  };
}

/**
 * USD for one request. `tokens.input` excludes cache reads; `reasoning` is part of `output`
 * and is never priced again. 5-minute cache writes at `cache_creation_input_token_cost`,
 * 1-hour writes at `cache_creation_input_token_cost_above_1hr` (fallbacks: CACHE_FALLBACK).
 */
export function costOf(tokens: TokenCounts, price: ModelPrice, opts: CostOptions = {}): number {
  const cache = cachePrices(price);
  const kinds: Array<[count: number, base: number, above: number | undefined]> = [
    [tokens.input, price.input, price.inputAbove200k],
    [tokens.output, price.output, price.outputAbove200k],
    [tokens.cacheRead, cache.read, price.cacheReadAbove200k],
    [tokens.cacheWrite5m, cache.write5m, price.cacheWrite5mAbove200k],
    // Without its own long-context price, a 1-hour write keeps its ratio to the 5-minute one.
    [
      tokens.cacheWrite1h,
      cache.write1h,
      price.cacheWrite1hAbove200k ??
        (price.cacheWrite5mAbove200k === undefined
          ? undefined
          : price.cacheWrite5mAbove200k * (cache.write1h / cache.write5m)),
    ],
  ];
  let usd = 0;
  if ((opts.tiering ?? 'per-kind') === 'whole-request') {
    const prompt = tokens.input + tokens.cacheRead + tokens.cacheWrite5m + tokens.cacheWrite1h;
    const long = prompt > TIER_THRESHOLD;
    for (const [count, base, above] of kinds) {
      if (count > 0) usd += count * (long && above !== undefined ? above : base);
    }
    return usd;
  }
  for (const [count, base, above] of kinds) usd += perKind(count, base, above);
  return usd;
}

/**
 * The event with its cost: a reported cost is kept as it is (reported wins); otherwise, when
 * the table knows the model, the computed cost with basis 'computed'; an unknown model leaves
 * the event as it was. Returns a new object when anything changes.
 */
export function priceUsage(
  event: UsageEvent,
  table: PriceTable,
  opts: CostOptions = {},
): UsageEvent {
  if (event.costBasis === 'reported') return event;
  const match = findPrice(table, event.model);
  if (match === undefined) return event;
  return { ...event, costUsd: costOf(event.tokens, match.price, opts), costBasis: 'computed' };
}
