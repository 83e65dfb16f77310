// A year of synthetic usage for the dashboard and API benchmarks: at least two million billed
// requests across Claude Code, Codex and Gemini CLI, written straight into a ledger under an
// AI_OBSERVER_HOME through the ledger's own writer (the same store code, prices and rollups
// the agent uses), deterministic for a seed.
//
//   node bench/corpus/history.ts --home /tmp/aio-history [--events 2000000] [--days 365]

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/load.ts';
import { resolvePaths } from '../../src/config/paths.ts';
import type { Tool, UsageEvent } from '../../src/domain/events.ts';
import { ledgerFile } from '../../src/ledger/files.ts';
import { openLedgerWriter } from '../../src/ledger/writer.ts';

const MODELS: Record<Tool, string[]> = {
  'claude-code': ['claude-opus-4-5', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5'],
  codex: ['gpt-5.1-codex', 'gpt-5.1', 'gpt-5-codex-mini'],
  'gemini-cli': ['gemini-2.5-pro', 'gemini-2.5-flash'],
};
const TOOL_SHARE: Array<[Tool, number]> = [
  ['claude-code', 0.55],
  ['codex', 0.3],
  ['gemini-cli', 0.15],
];
const PROJECTS = Array.from({ length: 14 }, (_, i) => `project-${String.fromCharCode(97 + i)}`);

/** mulberry32: small, fast and the same everywhere for a seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HistoryOptions {
  home: string;
  events: number;
  days: number;
  /** The last day of the history (default: now). */
  end?: number;
  seed?: number;
  onProgress?: (written: number) => void;
}

/**
 * Sessions on working days (fewer at weekends), each a run of requests a few seconds to a
 * couple of minutes apart in local working hours, until the count is reached.
 */
export function* historyEvents(opts: HistoryOptions): Generator<UsageEvent> {
  const random = rng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const end = opts.end ?? Date.now();
  const dayMs = 86_400_000;
  const firstDay = Math.floor(end / dayMs) - opts.days + 1;
  let written = 0;
  let session = 0;
  for (let d = 0; d < opts.days && written < opts.events; d++) {
    const day = firstDay + d;
    const weekday = (day + 3) % 7 < 5;
    // What is left spread over what is left, weekends at a third.
    const left = opts.events - written;
    const target =
      d === opts.days - 1
        ? left
        : Math.round((left / (opts.days - d)) * (weekday ? 1.15 : 0.45) * (0.8 + random() * 0.4));
    let today = 0;
    while (today < target && written < opts.events) {
      session++;
      const r = random();
      let acc = 0;
      let tool: Tool = 'claude-code';
      for (const [t, share] of TOOL_SHARE) {
        acc += share;
        if (r < acc) {
          tool = t;
          break;
        }
      }
      const models = MODELS[tool];
      const project = pick(PROJECTS);
      const size = Math.min(target - today, opts.events - written, 40 + Math.floor(random() * 260));
      let ts = day * dayMs + (7 + random() * 12) * 3_600_000;
      const mainModel = pick(models);
      for (let i = 0; i < size; i++) {
        ts += 2000 + Math.floor(random() * 60_000);
        const model = random() < 0.85 ? mainModel : pick(models);
        const input = 50 + Math.floor(random() * 4000);
        const cached = tool === 'gemini-cli' ? 0 : Math.floor(random() * 80_000);
        yield {
          key: `${tool}:synthetic:${session}:${i}`,
          ts: Math.min(ts, end),
          tool,
          sessionId: `synthetic-${tool}-${session}`,
          model,
          project,
          tokens: {
            input,
            output: 20 + Math.floor(random() * 2000),
            cacheRead: cached,
            cacheWrite5m:
              tool === 'claude-code' && i % 7 === 0 ? 2000 + Math.floor(random() * 20_000) : 0,
            cacheWrite1h: 0,
            reasoning: tool === 'codex' ? Math.floor(random() * 800) : 0,
          },
          costUsd: undefined,
          costBasis: 'unknown',
          sources: ['log'],
        };
        written++;
        today++;
      }
    }
    opts.onProgress?.(written);
  }
}

/** Writes the history into the ledger of `home` (which must not have one yet). */
export function writeHistory(opts: HistoryOptions): number {
  const env = { ...process.env, AI_OBSERVER_HOME: opts.home };
  const paths = resolvePaths(env);
  if (existsSync(ledgerFile(paths))) throw new Error(`${ledgerFile(paths)} exists already`);
  const writer = openLedgerWriter(loadConfig(paths.configFile, env), paths, env);
  if (writer === undefined) throw new Error(`the ledger under ${opts.home} is locked`);
  let n = 0;
  try {
    let batch: UsageEvent[] = [];
    for (const e of historyEvents(opts)) {
      batch.push(writer.price(e));
      if (batch.length === 20_000) {
        writer.store.mergeUsage(batch);
        n += batch.length;
        batch = [];
      }
    }
    writer.store.mergeUsage(batch);
    n += batch.length;
  } finally {
    writer.close();
  }
  return n;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      home: { type: 'string' },
      events: { type: 'string', default: '2000000' },
      days: { type: 'string', default: '365' },
      seed: { type: 'string', default: '42' },
    },
  });
  if (values.home === undefined) {
    console.error('usage: node bench/corpus/history.ts --home DIR [--events N] [--days N]');
    process.exit(2);
  }
  const started = performance.now();
  const events = Number(values.events);
  const n = writeHistory({
    home: values.home,
    events,
    days: Number(values.days),
    seed: Number(values.seed),
    onProgress: (w) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${w} / ${events} requests`);
    },
  });
  process.stderr.write(
    `\nwrote ${n} requests into ${values.home} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
