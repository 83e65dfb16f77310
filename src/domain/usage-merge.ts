// How the ledger folds a second sighting of one request into the first (DESIGN.md §4): the
// record with the most output tokens wins (Claude writes a streamed response as several lines
// with growing output), a cost the tool reported beats a computed one, and the sources add up.
// A replay of what is already there changes nothing.

import type { SourceKind, UsageEvent } from './events.ts';
import { totalTokens } from './events.ts';

/** Whether `b` is a fuller record of the request than `a`. Ties keep `a`. */
function larger(a: UsageEvent, b: UsageEvent): boolean {
  if (b.tokens.output !== a.tokens.output) return b.tokens.output > a.tokens.output;
  return totalTokens(b.tokens) > totalTokens(a.tokens);
}

function unionSources(a: SourceKind[], b: SourceKind[]): SourceKind[] {
  if (b.every((s) => a.includes(s))) return a;
  const out = [...a];
  for (const s of b) if (!out.includes(s)) out.push(s);
  return out.sort();
}

/** The merged event, or `undefined` when `incoming` adds nothing to `existing`. */
export function mergeUsage(existing: UsageEvent, incoming: UsageEvent): UsageEvent | undefined {
  const winner = larger(existing, incoming) ? incoming : existing;
  const other = winner === incoming ? existing : incoming;
  let costUsd = winner.costUsd;
  let costBasis = winner.costBasis;
  if (costBasis !== 'reported' && other.costBasis === 'reported') {
    // The tool's own figure for this request, even from the smaller sighting of it.
    costUsd = other.costUsd;
    costBasis = 'reported';
  } else if (costBasis === 'unknown' && other.costBasis === 'computed') {
    costUsd = other.costUsd;
    costBasis = 'computed';
  }
  const merged: UsageEvent = {
    key: existing.key,
    ts: existing.ts,
    tool: existing.tool,
    sessionId: existing.sessionId,
    model: winner.model !== '' ? winner.model : other.model,
    project: existing.project ?? incoming.project,
    tokens: winner.tokens,
    costUsd,
    costBasis,
    sources: unionSources(existing.sources, incoming.sources),
    match: existing.match ?? incoming.match,
  };
  return sameEvent(existing, merged) ? undefined : merged;
}

function sameEvent(a: UsageEvent, b: UsageEvent): boolean {
  const ta = a.tokens;
  const tb = b.tokens;
  return (
    a.model === b.model &&
    a.project === b.project &&
    a.costUsd === b.costUsd &&
    a.costBasis === b.costBasis &&
    a.sources.length === b.sources.length &&
    a.match === b.match &&
    ta.input === tb.input &&
    ta.output === tb.output &&
    ta.cacheRead === tb.cacheRead &&
    ta.cacheWrite5m === tb.cacheWrite5m &&
    ta.cacheWrite1h === tb.cacheWrite1h &&
    ta.reasoning === tb.reasoning
  );
}

/** The ledger pairs two records by `match` only within this distance in time. */
export const MATCH_WINDOW_MS = 10 * 60_000;

/** Rollups are kept per quarter hour: every real time zone offset is a multiple of it. */
export const BUCKET_MS = 15 * 60_000;

export function bucketOf(ts: number): number {
  return Math.floor(ts / BUCKET_MS) * BUCKET_MS;
}
