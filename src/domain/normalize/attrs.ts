// Tolerant readers for telemetry attributes: the CLIs send numbers as strings or numbers.

import { MAX_TOKENS_PER_REQUEST } from '../events.ts';
import type { Attributes } from '../telemetry.ts';

export function str(attrs: Attributes, key: string): string | undefined {
  const v = attrs[key];
  if (v === undefined) return undefined;
  const s = typeof v === 'string' ? v : String(v);
  return s === '' ? undefined : s;
}

/** A finite, non-negative number, or undefined when absent or not a number. */
export function num(attrs: Attributes, key: string): number | undefined {
  const v = attrs[key];
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  }
  return undefined;
}

/** A token count: as num(), rounded; 0 when absent or above MAX_TOKENS_PER_REQUEST. */
export function int(attrs: Attributes, key: string): number {
  const n = num(attrs, key);
  return n === undefined || n > MAX_TOKENS_PER_REQUEST ? 0 : Math.round(n);
}

/** The last path segment of a working directory: the project as users name it. */
export function projectOf(cwd: string | undefined): string | undefined {
  if (cwd === undefined) return undefined;
  const parts = cwd.split(/[\\/]+/).filter((p) => p !== '');
  return parts.at(-1);
}
