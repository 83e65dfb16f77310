// The indexer's loop in miniature for format tests: each line through `parseLine` with the
// state frozen (a format must not mutate it) and round-tripped through JSON (as the cursor
// stores it), events merged by key as the ledger does.

import { readFileSync } from 'node:fs';
import {
  addTokens,
  type TokenCounts,
  type UsageEvent,
  ZERO_TOKENS,
} from '../../src/domain/events.ts';
import { mergeUsage } from '../../src/domain/usage-merge.ts';
import type { LogFormat, ParsedLine, SourceFile } from '../../src/sources/types.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function index<S>(
  format: LogFormat<S>,
  file: SourceFile,
  lines: string[],
  ledger = new Map<string, UsageEvent>(),
  start?: S,
) {
  let state = start ?? format.initialState(file);
  const results: ParsedLine[] = [];
  for (const line of lines) {
    const { result, state: next } = format.parseLine(line, deepFreeze(state));
    if (next !== undefined) state = JSON.parse(JSON.stringify(next)) as S;
    results.push(result);
    if (result.kind !== 'usage') continue;
    const prev = ledger.get(result.event.key);
    const merged = prev === undefined ? result.event : mergeUsage(prev, result.event);
    if (merged !== undefined) ledger.set(result.event.key, merged);
  }
  return { ledger, results, state };
}

export function totals(ledger: Map<string, UsageEvent>): TokenCounts {
  let t: TokenCounts = { ...ZERO_TOKENS };
  for (const e of ledger.values()) t = addTokens(t, e.tokens);
  return t;
}

export function fixtureLines(file: SourceFile): string[] {
  return readFileSync(file.path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}
