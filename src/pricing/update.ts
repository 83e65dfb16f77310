// `ai-observer prices update`: downloads a LiteLLM-format price table, checks it, and replaces
// <dataDir>/prices.json atomically. A failure of any kind leaves the old file as it was.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { parsePriceTable, PriceTableError } from '../domain/pricing.ts';
import { downloadedPricesFile } from './files.ts';
import { clearPriceTableCache } from './table.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
/** LiteLLM's table prices well over a thousand models; fewer than this is not a price table. */
export const DEFAULT_MIN_MODELS = 100;

/** A download or validation failure: one line for the user, nothing written. */
export class PriceUpdateError extends Error {
  override name = 'PriceUpdateError';
}

export interface UpdatePricesOptions {
  url: string;
  dataDir: string;
  timeoutMs?: number;
  maxBytes?: number;
  minModels?: number;
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface UpdatePricesResult {
  /** Models with numeric input and output prices now in the file. */
  models: number;
  url: string;
  file: string;
  /** Bytes downloaded. */
  bytes: number;
}

/** The fields of an entry worth keeping: prices and what identifies the model. */
const KEEP = new Set([
  'litellm_provider',
  'mode',
  'max_input_tokens',
  'max_output_tokens',
  'max_tokens',
  'deprecation_date',
  'source',
  'provider_specific_entry',
]);

function slim(entry: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) {
    if (KEEP.has(k) || (k.includes('cost') && typeof v === 'number')) out[k] = v;
  }
  return out;
}

async function download(opts: UpdatePricesOptions, maxBytes: number): Promise<Uint8Array> {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let res: Response;
  try {
    res = await doFetch(opts.url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
  } catch (err) {
    throw new PriceUpdateError(`cannot download ${opts.url}: ${describe(err, timeoutMs)}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new PriceUpdateError(
      `cannot download ${opts.url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
    );
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new PriceUpdateError(
      `${opts.url} is ${declared} bytes, more than the ${maxBytes}-byte limit for a price table`,
    );
  }
  if (res.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new PriceUpdateError(
          `${opts.url} sent more than the ${maxBytes}-byte limit for a price table`,
        );
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof PriceUpdateError) throw err;
    throw new PriceUpdateError(`cannot download ${opts.url}: ${describe(err, timeoutMs)}`);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return `no complete answer in ${timeoutMs >= 1000 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}`;
  }
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message} (${cause})` : String(e?.message ?? err);
}

/** Parses and checks a downloaded body; returns the text to write and the model count. */
export function validatePriceBody(
  body: Uint8Array,
  source: string,
  minModels = DEFAULT_MIN_MODELS,
  fetchedAt = new Date(),
): { text: string; models: number } {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body).replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const start = text.trim().slice(0, 40).replace(/\s+/g, ' ');
    throw new PriceUpdateError(
      `${source} did not answer with JSON${start ? ` (it starts with ${JSON.stringify(start)})` : ' (empty body)'}`,
    );
  }
  let table: ReturnType<typeof parsePriceTable>;
  try {
    table = parsePriceTable(raw);
  } catch (err) {
    if (err instanceof PriceTableError) {
      throw new PriceUpdateError(`${source} is not a price table: ${err.message}`);
    }
    throw err;
  }
  if (table.models.size < minModels) {
    throw new PriceUpdateError(
      `${source} is not a usable price table: ${table.models.size} models with numeric input_cost_per_token and output_cost_per_token, at least ${minModels} expected`,
    );
  }
  // One model a line, only the price fields: a fraction of LiteLLM's size, fast to parse.
  const entries = raw as Record<string, unknown>;
  const lines = [
    `  "_ai_observer": ${JSON.stringify({ source, fetched_at: fetchedAt.toISOString(), models: table.models.size })}`,
  ];
  for (const model of table.models.keys()) {
    lines.push(
      `  ${JSON.stringify(model)}: ${JSON.stringify(slim(entries[model] as Record<string, unknown>))}`,
    );
  }
  return { text: `{\n${lines.join(',\n')}\n}\n`, models: table.models.size };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new PriceUpdateError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** Downloads, validates and installs a price table. Throws PriceUpdateError; writes nothing then. */
export async function updatePrices(opts: UpdatePricesOptions): Promise<UpdatePricesResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const body = await download(opts, maxBytes);
  const { text, models } = validatePriceBody(
    body,
    opts.url,
    opts.minModels ?? DEFAULT_MIN_MODELS,
    (opts.now ?? (() => new Date()))(),
  );
  const file = downloadedPricesFile(opts.dataDir);
  try {
    mkdirSync(opts.dataDir, { recursive: true });
  } catch (err) {
    throw new PriceUpdateError(`cannot create ${opts.dataDir}: ${(err as Error).message}`);
  }
  writeAtomically(file, text);
  clearPriceTableCache();
  return { models, url: opts.url, file, bytes: body.byteLength };
}
