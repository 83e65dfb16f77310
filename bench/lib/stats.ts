// Small helpers shared by the benchmark scripts: percentiles, flags, machine description.

import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';

/** Nearest-rank percentile of a sorted array (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const arr = Array.from(sorted);
  const sum = arr.reduce((a, b) => a + b, 0);
  return {
    n: arr.length,
    p50: percentile(arr, 50),
    p90: percentile(arr, 90),
    p99: percentile(arr, 99),
    max: arr.length === 0 ? Number.NaN : arr[arr.length - 1]!,
    mean: arr.length === 0 ? Number.NaN : sum / arr.length,
  };
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** One line saying where the figures come from. */
export function machine(): string {
  const c = cpus();
  const model = c[0]?.model.trim() ?? 'unknown CPU';
  let kernel = '';
  try {
    kernel = execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
  } catch {
    kernel = process.platform;
  }
  const gib = (totalmem() / 1024 ** 3).toFixed(0);
  return `${c.length} × ${model}, ${gib} GiB, ${kernel}, Node ${process.version}, ${new Date().toISOString()}`;
}

/** parseArgs with string flags turned into numbers where a default number is given. */
export function numberFlags<T extends Record<string, number | string | boolean>>(
  defaults: T,
  argv = process.argv.slice(2),
): T {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [k, v] of Object.entries(defaults)) {
    options[k] = { type: typeof v === 'boolean' ? 'boolean' : 'string' };
  }
  const { values } = parseArgs({ args: argv, options, strict: true });
  const out: Record<string, number | string | boolean> = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    const d = defaults[k];
    if (typeof d === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`--${k}: not a number: ${String(v)}`);
      out[k] = n;
    } else if (v !== undefined) {
      out[k] = v as string | boolean;
    }
  }
  return out as T;
}
