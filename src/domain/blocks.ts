// Five-hour billing blocks, the way Claude's usage limits count them and the established tools
// show them: a block starts at the hour of its first request and lasts five hours; a request
// after the block's end, or after five quiet hours, starts the next one. Pure: input is the
// ledger's quarter-hour rollup in time order.

import { addTokens, type TokenCounts, totalTokens, ZERO_TOKENS } from './events.ts';
import { HOUR_MS } from './periods.ts';

export const BLOCK_MS = 5 * 3_600_000;

/** What the block logic needs of one rollup row (a quarter hour, maybe one model of it). */
export interface BlockInput {
  firstTs: number;
  lastTs: number;
  requests: number;
  tokens: TokenCounts;
  costUsd: number;
  model?: string | undefined;
}

export interface Block<T extends BlockInput = BlockInput> {
  start: number;
  end: number;
  /** First and last request in it. */
  firstTs: number;
  lastTs: number;
  requests: number;
  tokens: TokenCounts;
  costUsd: number;
  models: string[];
  /** `now` falls inside it and it had a request in the last five hours. */
  active: boolean;
  /** The input rows that fell into it. */
  members: T[];
}

export interface BurnRate {
  tokensPerMinute: number;
  costPerHour: number;
}

export interface Projection {
  /** What the block will total at its end at the current burn rate. */
  tokens: number;
  costUsd: number;
  remainingMs: number;
}

/** Splits rows (sorted by firstTs) into blocks. Quarter hours never straddle a block edge. */
export function buildBlocks<T extends BlockInput>(rows: readonly T[], now: number): Block<T>[] {
  const blocks: Block<T>[] = [];
  let cur: Block<T> | undefined;
  for (const r of rows) {
    if (r.requests <= 0) continue;
    if (cur === undefined || r.firstTs >= cur.end || r.firstTs - cur.lastTs > BLOCK_MS) {
      const start = Math.floor(r.firstTs / HOUR_MS) * HOUR_MS;
      cur = {
        start,
        end: start + BLOCK_MS,
        firstTs: r.firstTs,
        lastTs: r.lastTs,
        requests: 0,
        tokens: { ...ZERO_TOKENS },
        costUsd: 0,
        models: [],
        active: false,
        members: [],
      };
      blocks.push(cur);
    }
    cur.firstTs = Math.min(cur.firstTs, r.firstTs);
    cur.lastTs = Math.max(cur.lastTs, r.lastTs);
    cur.members.push(r);
    cur.requests += r.requests;
    cur.tokens = addTokens(cur.tokens, r.tokens);
    cur.costUsd += r.costUsd;
    if (r.model !== undefined && r.model !== '' && !cur.models.includes(r.model)) {
      cur.models.push(r.model);
    }
  }
  const last = blocks.at(-1);
  if (last !== undefined) last.active = now < last.end && now - last.lastTs < BLOCK_MS;
  return blocks;
}

/** Spend per time over the block's active span (at least a minute, so one request is sane). */
export function burnRate(b: Block): BurnRate {
  const minutes = Math.max((b.lastTs - b.firstTs) / 60_000, 1);
  return {
    tokensPerMinute: totalTokens(b.tokens) / minutes,
    costPerHour: (b.costUsd / minutes) * 60,
  };
}

export function project(b: Block, now: number): Projection {
  const rate = burnRate(b);
  const remainingMs = Math.max(b.end - now, 0);
  const remainingMin = remainingMs / 60_000;
  return {
    tokens: Math.round(totalTokens(b.tokens) + rate.tokensPerMinute * remainingMin),
    costUsd: b.costUsd + (rate.costPerHour / 60) * remainingMin,
    remainingMs,
  };
}
