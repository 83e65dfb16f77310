// `ai-observer prices update|show`: refresh the model price table, or look one model up.

import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import { resolvePaths } from '../../config/paths.ts';
import { ConfigError } from '../../config/schema.ts';
import {
  CACHE_FALLBACK,
  cachePrices,
  findPrice,
  type ModelPrice,
  PriceTableError,
} from '../../domain/pricing.ts';
import { loadPriceTable } from '../../pricing/table.ts';
import { DEFAULT_MIN_MODELS, PriceUpdateError, updatePrices } from '../../pricing/update.ts';
import { UsageError } from '../usage-error.ts';

export const PRICES_HELP = `Usage: ai-observer prices update [--url URL] [--min-models N]
       ai-observer prices show <model> [--json]

update  downloads a price table in LiteLLM's format (default: config pricing.url, the LiteLLM
        table on GitHub), checks it and installs it in the data directory; the shipped table
        still fills in models it lacks. Exit code 1 when the download or the check fails.
show    prints the table entry a model name resolves to and its prices per million tokens.
        Exit code 1 when no price is known for the model.`;

function fail(message: string): number {
  process.stderr.write(`ai-observer: ${message}\n`);
  return 1;
}

export async function prices(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'min-models': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [sub, ...rest] = positionals;
  if (values.help) {
    console.log(PRICES_HELP);
    return 0;
  }
  const paths = resolvePaths(process.env);
  if (sub === 'update') {
    if (rest.length > 0) throw new UsageError(`prices update takes no argument "${rest[0]}"`);
    let minModels = DEFAULT_MIN_MODELS;
    if (values['min-models'] !== undefined) {
      minModels = Number(values['min-models']);
      if (!Number.isInteger(minModels) || minModels < 1) {
        throw new UsageError(
          `--min-models must be a whole number ≥ 1, got "${values['min-models']}"`,
        );
      }
    }
    let url = values.url;
    if (url === undefined) url = loadConfig(paths.configFile, process.env).pricing.url;
    if (!/^https?:\/\//i.test(url)) {
      throw new UsageError(`the price table URL must start with http:// or https://, got "${url}"`);
    }
    try {
      const result = await updatePrices({ url, dataDir: paths.dataDir, minModels });
      console.log(`updated prices: ${result.models} models from ${result.url} → ${result.file}`);
      return 0;
    } catch (err) {
      if (err instanceof PriceUpdateError) return fail(err.message);
      throw err;
    }
  }
  if (sub === 'show') {
    const model = rest[0];
    if (model === undefined || rest.length > 1) {
      throw new UsageError(
        'prices show takes one model name, e.g. `ai-observer prices show gpt-5.5`',
      );
    }
    const config = loadConfig(paths.configFile, process.env);
    let table: ReturnType<typeof loadPriceTable>;
    try {
      table = loadPriceTable({ dataDir: paths.dataDir, overrides: config.pricing.overrides });
    } catch (err) {
      if (err instanceof PriceTableError && err.message.startsWith('price for model')) {
        throw new ConfigError(`invalid config pricing.overrides: ${err.message}`);
      }
      if (err instanceof PriceTableError) return fail(err.message);
      throw err;
    }
    const match = findPrice(table, model);
    if (match === undefined) {
      return fail(`no price known for model "${model}" (try \`ai-observer prices update\`)`);
    }
    if (values.json) {
      console.log(JSON.stringify({ query: model, model: match.model, ...match.price }));
    } else {
      process.stdout.write(render(model, match.model, match.price, table.sources));
    }
    return 0;
  }
  if (sub === undefined)
    throw new UsageError(
      'prices needs a subcommand: update or show (see `ai-observer prices --help`)',
    );
  throw new UsageError(`unknown prices subcommand "${sub}"; use update or show`);
}

/** USD per token → "$1.25" per million tokens. */
function perMillion(usd: number): string {
  const m = Number((usd * 1e6).toPrecision(8));
  const s = m.toFixed(2);
  return `$${Number(s) === m ? s : String(m)}`;
}

function render(query: string, model: string, p: ModelPrice, sources: readonly string[]): string {
  const cache = cachePrices(p);
  const derived = (given: number | undefined, how: string) =>
    given === undefined ? ` (${how})` : '';
  const rows: Array<[string, string]> = [
    ['model', model === query ? model : `${model}  (for "${query}")`],
    ['provider', p.provider ?? '—'],
    ['input', `${perMillion(p.input)} / M tokens`],
    ['output', `${perMillion(p.output)} / M tokens (reasoning included)`],
    [
      'cache read',
      `${perMillion(cache.read)} / M${derived(p.cacheRead, `${CACHE_FALLBACK.read}× input`)}`,
    ],
    [
      'cache write 5m',
      `${perMillion(cache.write5m)} / M${derived(p.cacheWrite5m, `${CACHE_FALLBACK.write5m}× input`)}`,
    ],
    [
      'cache write 1h',
      `${perMillion(cache.write1h)} / M${derived(
        p.cacheWrite1h,
        p.cacheWrite5m === undefined
          ? `${CACHE_FALLBACK.write1h}× input`
          : `${CACHE_FALLBACK.write1hFrom5m}× the 5m write`,
      )}`,
    ],
  ];
  const tier = [
    ['input', p.inputAbove200k],
    ['output', p.outputAbove200k],
    ['cache read', p.cacheReadAbove200k],
    ['cache write 5m', p.cacheWrite5mAbove200k],
    ['cache write 1h', p.cacheWrite1hAbove200k],
  ].filter((t): t is [string, number] => t[1] !== undefined);
  if (tier.length > 0) {
    rows.push([
      'above 200k',
      `${tier.map(([k, v]) => `${k} ${perMillion(v)}`).join(', ')} / M (tokens beyond 200k)`,
    ]);
  }
  if (p.note !== undefined) rows.push(['note', p.note]);
  rows.push(['table', sources.join(' + ')]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join('');
}
