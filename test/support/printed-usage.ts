// What the real AI CLIs print about a run's usage (test/fixtures/real/NOTES.md), restated in
// ai-observer's token model: input without cache reads, output with reasoning.

import type { RunResult } from './real-clis.ts';

export interface Printed {
  sessionId: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  /** Only Claude Code prints a cost. */
  costUsd: number | undefined;
}

const empty = (sessionId: string): Printed => ({
  sessionId,
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
  costUsd: undefined,
});

/** Claude `-p --output-format json`: `usage` covers this invocation only. */
export function claudePrinted(r: RunResult): Printed {
  const p = r.json as {
    session_id: string;
    total_cost_usd: number;
    usage: {
      input_tokens: number;
      output_tokens: number;
      cache_read_input_tokens: number;
      cache_creation_input_tokens: number;
    };
  };
  return {
    sessionId: p.session_id,
    input: p.usage.input_tokens,
    output: p.usage.output_tokens,
    cacheRead: p.usage.cache_read_input_tokens,
    cacheWrite: p.usage.cache_creation_input_tokens,
    reasoning: 0,
    costUsd: p.total_cost_usd,
  };
}

/** Claude after `--resume`: `modelUsage` and the cost cover the whole session. */
export function claudeSessionPrinted(r: RunResult): Printed {
  const p = r.json as {
    session_id: string;
    total_cost_usd: number;
    modelUsage: Record<
      string,
      {
        inputTokens: number;
        outputTokens: number;
        cacheReadInputTokens: number;
        cacheCreationInputTokens: number;
      }
    >;
  };
  const out = empty(p.session_id);
  for (const m of Object.values(p.modelUsage)) {
    out.input += m.inputTokens;
    out.output += m.outputTokens;
    out.cacheRead += m.cacheReadInputTokens;
    out.cacheWrite += m.cacheCreationInputTokens;
  }
  out.costUsd = p.total_cost_usd;
  return out;
}

/** Codex `exec --json`: the last `turn.completed` (thread-cumulative after a resume). */
export function codexPrinted(r: RunResult): Printed {
  const events = r.json as Array<Record<string, unknown>>;
  const thread = events.find((e) => e.type === 'thread.started') as { thread_id: string };
  const done = events.findLast((e) => e.type === 'turn.completed') as {
    usage: {
      input_tokens: number;
      cached_input_tokens: number;
      output_tokens: number;
      reasoning_output_tokens: number;
    };
  };
  return {
    ...empty(thread.thread_id),
    input: done.usage.input_tokens - done.usage.cached_input_tokens,
    output: done.usage.output_tokens,
    cacheRead: done.usage.cached_input_tokens,
    reasoning: done.usage.reasoning_output_tokens,
  };
}

/** Gemini `--output-format json`: per-model stats, optionally only some models. */
export function geminiPrinted(r: RunResult, models?: (name: string) => boolean): Printed {
  const p = r.json as {
    session_id: string;
    stats: {
      models: Record<
        string,
        { tokens: { prompt: number; candidates: number; cached: number; thoughts: number } }
      >;
    };
  };
  const out = empty(p.session_id);
  for (const [name, m] of Object.entries(p.stats.models)) {
    if (models !== undefined && !models(name)) continue;
    out.input += m.tokens.prompt - m.tokens.cached;
    out.cacheRead += m.tokens.cached;
    out.output += m.tokens.candidates + m.tokens.thoughts;
    out.reasoning += m.tokens.thoughts;
  }
  return out;
}
