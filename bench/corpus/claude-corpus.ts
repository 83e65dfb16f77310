// A deterministic corpus of Claude Code transcripts, for the usage-ledger benchmark
// (bench/ledger.ts) and anything else that needs ~/.claude/projects at scale.
//
//   node bench/corpus/claude-corpus.ts --out DIR --size 1GB [--sessions 1500] [--seed 1]
//                                      [--end 2026-11-14] [--days 182]
//
// Writes DIR/projects/<project-folder>/<session-uuid>.jsonl, subagent transcripts at
// DIR/projects/<project-folder>/<session-uuid>/subagents/agent-<id>.jsonl, and
// DIR/corpus-summary.json: files, bytes, lines per type, requests and the token totals (and
// cost under two pricing rules) that a correct reader must report. Point CLAUDE_CONFIG_DIR at
// DIR. The same seed and flags give the same bytes; every file is written through a 1 MiB
// buffer, never built whole in memory.
//
// What the lines look like (modelled on a transcript captured from Claude Code 2.1.328 and on
// what ccusage's loader and tests say about older versions):
// - user prompts, assistant responses, tool results (Read, Bash, Edit, Write, Grep, Glob,
//   WebFetch, TodoWrite, Task/Agent), attachments at session start (environment, skill and agent
//   listings, prompt_snapshot), api-request / api-request-shape / api-request-blob,
//   queue-operation, tools-used, last-prompt, cost-state, mode, atis-latch (2.1.3xx sessions),
//   file-history-snapshot and system lines (older sessions), compaction boundaries.
// - Tool results are most of the bytes, as in reality: the output appears twice per line
//   (message.content[].content and toolUseResult), from a few hundred bytes to ~100 KB, and
//   Edit results carry the whole original file. Session sizes are log-normal (a few very large
//   sessions, many small ones); timestamps spread over `--days` days before `--end`.
// - Token counts follow a conversation: a 12–25k system prompt, cache reads growing with the
//   context, cache writes for what is new since the last request (1h TTL in some sessions,
//   5m in the others), misses after an idle gap, compaction near the context limit. Models:
//   claude-sonnet-4-5-20250929, claude-sonnet-4-20250514, claude-opus-4-1-20250805,
//   claude-haiku-4-5-20251001. A few Sonnet sessions run with the 1M context window, so some
//   requests carry more than 200k input + cache tokens (some with one bucket above 200k).
//
// Counting rules this corpus is built around (so that every correct reader agrees):
// - A streamed response is written as one line per content block (thinking, text, tool_use),
//   all with the same message.id and requestId. In current Claude Code every line carries the
//   same usage (as in the captured transcript); older versions wrote partial output_tokens on
//   the earlier lines. ~15 % of multi-line responses here do that: the earlier lines carry a
//   smaller output_tokens and the same input/cache counts, the last line the full usage.
//   ccusage (v20, and the JS loader since it stopped keeping the first line) keeps the line
//   with the largest input+output+cache total; ai-observer's ledger keeps the line with the
//   most output tokens. On this corpus both pick the last line, so both totals are equal. A
//   reader that keeps the first line undercounts output: the summary gives that figure too
//   (`firstLineRule`).
// - ~3 % of sessions start by repeating the tail of an earlier session of the same project
//   (a resumed conversation): the same lines, same message.id + requestId and timestamps, with
//   the new session id. Both readers deduplicate by message.id + requestId across files.
// - Subagent transcripts carry isSidechain: true, the parent's sessionId and their own
//   message and request ids: they are counted. (ccusage also drops /btw sidechain *replays* of
//   a parent message under a new requestId; this corpus writes none.)
// - `<synthetic>` assistant lines (API errors, "No response requested.") have zero usage and
//   no requestId: they change no total.
// - Malformed lines: some first lines of multi-line responses and some tool results are
//   written truncated (invalid JSON, still newline-terminated). Both readers skip them; the
//   response's last line is always intact, so the totals do not depend on them.
// - No user line carries message.usage (a Task result's toolUseResult.usage is not a request),
//   no line has costUSD, every file ends with a newline.
//
// Cost in the summary: `ccusageRule` prices each token bucket separately with LiteLLM's
// above-200k rates applied to the part of that bucket beyond 200k tokens, 1h cache writes at 2×
// the input rate (what ccusage 20 does); `anthropicRule` bills the whole request (every bucket,
// output too) at the long-context rates when input + cache-write + cache-read tokens exceed
// 200k (Anthropic's published rule for Sonnet 4/4.5 with the 1M window). Prices: USD per
// million tokens, Anthropic's list prices.

import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

// ───────────────────────────── random numbers ─────────────────────────────

/** sfc32: small, fast, seedable; good enough for synthetic data. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  float(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Weighted choice: [[value, weight], …]. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let sum = 0;
    for (const [, w] of items) sum += w;
    let r = this.float() * sum;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1]![0];
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median, clamped to [lo, hi]. */
  logn(median: number, sigma: number, lo: number, hi: number): number {
    const x = median * Math.exp(sigma * this.normal());
    return Math.min(hi, Math.max(lo, x));
  }

  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }

  base62(n: number): string {
    const A = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let s = '';
    for (let i = 0; i < n; i++) s += A[this.u32() % 62];
    return s;
  }

  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.u32() & 3];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

// ───────────────────────────── text ─────────────────────────────

const WORDS = (
  'the a to of and in is for on with that this it be as by from or are not when if we can will ' +
  'value request session token cache model file line error result test build config user data ' +
  'server client handler index module import export function return const let type interface ' +
  'async await promise stream buffer parse write read update delete create query store ledger ' +
  'report cost usage event state timer queue batch metric export cursor offset schema migrate'
).split(' ');
const IDENTS = (
  'parseLine readFile sessionId requestId usage tokens cacheRead cacheWrite totalCost handler ' +
  'config store db row rows result err ctx opts options path dir file files entry entries index ' +
  'cursor offset size buf chunk line lines count total model price prices report daily weekly ' +
  'startServer createApp loadConfig mergeUsage toEvent normalize aggregate bucket key value'
).split(' ');
const TYPES =
  'string number boolean UsageEvent Session Config Row Buffer Promise<void> Cursor'.split(' ');
const PROSE_EXTRA = ['—', 'é', 'ü', '→', '✓', '…', '«', '»', '中文', 'Größe', 'naïve'];

/**
 * A few MB of code, logs, JSON and prose, generated once; tool results are whole-line slices of
 * it (so they stay realistic to escape: quotes, backslashes, tabs, non-ASCII).
 */
export class TextPool {
  readonly text: string;
  private readonly starts: Int32Array;

  constructor(rng: Rng, targetChars = 6_000_000) {
    const lines: string[] = [];
    let chars = 0;
    const w = () => rng.pick(WORDS);
    const id = () => rng.pick(IDENTS);
    const sentence = (n: number) => {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(rng.chance(0.03) ? rng.pick(PROSE_EXTRA) : w());
      return parts.join(' ');
    };
    while (chars < targetChars) {
      const kind = rng.weighted([
        ['code', 5],
        ['log', 2],
        ['json', 1.5],
        ['prose', 1],
        ['test', 1],
      ] as const);
      const n = rng.int(20, 160);
      let depth = 0;
      for (let i = 0; i < n; i++) {
        let l: string;
        if (kind === 'code') {
          const pad = '  '.repeat(depth);
          const r = rng.int(0, 9);
          if (r === 0 && depth < 4) {
            l = `${pad}export async function ${id()}(${id()}: ${rng.pick(TYPES)}, ${id()}?: ${rng.pick(TYPES)}): Promise<${rng.pick(TYPES)}> {`;
            depth++;
          } else if (r === 1 && depth > 0) {
            depth--;
            l = `${'  '.repeat(depth)}}`;
          } else if (r === 2) {
            l = `${pad}// ${sentence(rng.int(4, 14))}`;
          } else if (r === 3) {
            l = `import { ${id()}, ${id()} } from '../${id()}/${id()}.ts';`;
          } else if (r === 4 && depth < 4) {
            l = `${pad}if (${id()}.${id()} === "${w()}" && ${id()} > ${rng.int(0, 9999)}) {`;
            depth++;
          } else if (r === 5) {
            l = `${pad}throw new Error(\`${sentence(rng.int(3, 8))}: \${${id()}}\`);`;
          } else if (r === 6) {
            l = `${pad}const re = /^\\s*"(${w()})"\\s*:\\s*(\\d+)\\t/;`;
          } else {
            l = `${pad}const ${id()} = await ${id()}.${id()}(${id()}, '${w()}', { ${id()}: ${rng.int(0, 1000)} });`;
          }
        } else if (kind === 'log') {
          const t = new Date(Date.UTC(2026, 5, 1) + rng.int(0, 1e9)).toISOString();
          l = `${t} ${rng.pick(['INFO ', 'WARN ', 'DEBUG', 'ERROR'])} [${id()}] ${sentence(rng.int(3, 12))} (${rng.int(0, 5000)} ms)`;
        } else if (kind === 'json') {
          l = `  "${id()}": ${rng.chance(0.5) ? `"${sentence(rng.int(1, 5))}"` : rng.int(0, 1e6)},`;
        } else if (kind === 'test') {
          l = `${rng.chance(0.9) ? '  ✔' : '  ✖'} ${sentence(rng.int(3, 10))} (${(rng.float() * 90).toFixed(2)}ms)`;
        } else {
          l = sentence(rng.int(8, 30));
        }
        lines.push(l);
        chars += l.length + 1;
      }
    }
    this.text = `${lines.join('\n')}\n`;
    this.starts = new Int32Array(lines.length + 1);
    let off = 0;
    for (let i = 0; i < lines.length; i++) {
      this.starts[i] = off;
      off += lines[i]!.length + 1;
    }
    this.starts[lines.length] = off;
  }

  /** About `chars` characters of whole lines, from a random line on. */
  slice(rng: Rng, chars: number): string {
    const n = this.starts.length - 1;
    const maxStart = Math.max(0, this.text.length - chars - 1);
    let i = rng.int(0, n - 1);
    while (i > 0 && this.starts[i]! > maxStart) i = Math.floor(i / 2);
    const from = this.starts[i]!;
    // First line start at or after from + chars.
    let lo = i + 1;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < from + chars) lo = mid + 1;
      else hi = mid;
    }
    return this.text.slice(from, this.starts[lo]!);
  }

  prose(rng: Rng, words: number): string {
    const parts: string[] = [];
    for (let i = 0; i < words; i++)
      parts.push(rng.chance(0.02) ? rng.pick(PROSE_EXTRA) : rng.pick(WORDS));
    return parts.join(' ');
  }
}

// ───────────────────────────── prices and expected totals ─────────────────────────────

export interface Usage {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

interface Price {
  input: number;
  output: number;
  write5m: number;
  read: number;
  /** Long-context (> 200k) rates, for the models that have them. */
  long?: { input: number; output: number; write5m: number; read: number };
}

/** USD per million tokens (Anthropic list prices); 1h cache writes cost 2× input. */
export const PRICES: Record<string, Price> = {
  'claude-sonnet-4-5-20250929': {
    input: 3,
    output: 15,
    write5m: 3.75,
    read: 0.3,
    long: { input: 6, output: 22.5, write5m: 7.5, read: 0.6 },
  },
  'claude-sonnet-4-20250514': {
    input: 3,
    output: 15,
    write5m: 3.75,
    read: 0.3,
    long: { input: 6, output: 22.5, write5m: 7.5, read: 0.6 },
  },
  'claude-opus-4-1-20250805': { input: 15, output: 75, write5m: 18.75, read: 1.5 },
  'claude-haiku-4-5-20251001': { input: 1, output: 5, write5m: 1.25, read: 0.1 },
};

const LONG_CONTEXT = 200_000;

function tiered(tokens: number, base: number, above: number | undefined): number {
  if (above === undefined || tokens <= LONG_CONTEXT) return tokens * base;
  return LONG_CONTEXT * base + (tokens - LONG_CONTEXT) * above;
}

/** ccusage 20: each bucket tiered on its own at 200k (LiteLLM's *_above_200k_tokens). */
export function costCcusageRule(model: string, u: Usage): number {
  const p = PRICES[model];
  if (p === undefined) return 0;
  const l = p.long;
  return (
    (tiered(u.input, p.input, l?.input) +
      tiered(u.output, p.output, l?.output) +
      tiered(u.cacheWrite5m, p.write5m, l?.write5m) +
      tiered(u.cacheWrite1h, 2 * p.input, l && 2 * l.input) +
      tiered(u.cacheRead, p.read, l?.read)) /
    1e6
  );
}

/** Anthropic: the whole request at long-context rates when its input side exceeds 200k. */
export function costAnthropicRule(model: string, u: Usage): number {
  const p = PRICES[model];
  if (p === undefined) return 0;
  const r =
    p.long !== undefined && contextTokens(u) > LONG_CONTEXT ? { ...p, ...p.long } : (p as Price);
  return (
    (u.input * r.input +
      u.output * r.output +
      u.cacheWrite5m * r.write5m +
      u.cacheWrite1h * 2 * r.input +
      u.cacheRead * r.read) /
    1e6
  );
}

function contextTokens(u: Usage): number {
  return u.input + u.cacheWrite5m + u.cacheWrite1h + u.cacheRead;
}

export interface TokenTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
}

function zeroTotals(): TokenTotals {
  return {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
    totalTokens: 0,
  };
}

function addTo(t: TokenTotals, u: Usage): void {
  t.requests++;
  t.inputTokens += u.input;
  t.outputTokens += u.output;
  t.cacheWrite5mTokens += u.cacheWrite5m;
  t.cacheWrite1hTokens += u.cacheWrite1h;
  t.cacheCreationTokens += u.cacheWrite5m + u.cacheWrite1h;
  t.cacheReadTokens += u.cacheRead;
  t.totalTokens += u.input + u.output + u.cacheWrite5m + u.cacheWrite1h + u.cacheRead;
}

function entry(m: Record<string, TokenTotals>, key: string): TokenTotals {
  let t = m[key];
  if (t === undefined) {
    t = zeroTotals();
    m[key] = t;
  }
  return t;
}

/** What a correct reader must report: each request once, with its final usage. */
export class Expected {
  readonly totals = zeroTotals();
  readonly byModel: Record<string, TokenTotals> = {};
  /** By UTC day. */
  readonly byDay: Record<string, TokenTotals> = {};
  costCcusageRule = 0;
  costAnthropicRule = 0;
  /** Requests whose input + cache tokens exceed 200k, and those with one bucket above 200k. */
  over200kContext = 0;
  over200kBucket = 0;
  sidechainRequests = 0;
  /** Output tokens a reader that keeps the first line of each response would count. */
  firstLineOutputTokens = 0;

  add(model: string, ts: number, u: Usage, firstLineOutput: number, sidechain: boolean): void {
    addTo(this.totals, u);
    addTo(entry(this.byModel, model), u);
    addTo(entry(this.byDay, new Date(ts).toISOString().slice(0, 10)), u);
    this.costCcusageRule += costCcusageRule(model, u);
    this.costAnthropicRule += costAnthropicRule(model, u);
    if (contextTokens(u) > LONG_CONTEXT) this.over200kContext++;
    if (
      u.input > LONG_CONTEXT ||
      u.output > LONG_CONTEXT ||
      u.cacheRead > LONG_CONTEXT ||
      u.cacheWrite5m > LONG_CONTEXT ||
      u.cacheWrite1h > LONG_CONTEXT
    )
      this.over200kBucket++;
    if (sidechain) this.sidechainRequests++;
    this.firstLineOutputTokens += firstLineOutput;
  }
}

// ───────────────────────────── output ─────────────────────────────

/** Appends lines to one file through a buffer of about 1 MiB. */
export class JsonlWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;
  bytes = 0;

  constructor(path: string, append = false) {
    this.fd = openSync(path, append ? 'a' : 'w');
  }

  line(s: string): number {
    const n = Buffer.byteLength(s) + 1;
    this.parts.push(s, '\n');
    this.pending += n;
    this.bytes += n;
    if (this.pending >= 1 << 20) this.flush();
    return n;
  }

  flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Lines and bytes per line type, and the other counts of the summary. */
export class Stats {
  files = 0;
  subagentFiles = 0;
  bytes = 0;
  lines = 0;
  assistantLines = 0;
  syntheticLines = 0;
  malformedLines = 0;
  copiedLines = 0;
  copiedAssistantLines = 0;
  compactions = 0;
  readonly byType: Record<string, { lines: number; bytes: number }> = {};

  count(kind: string, bytes: number): void {
    this.lines++;
    this.bytes += bytes;
    let t = this.byType[kind];
    if (t === undefined) {
      t = { lines: 0, bytes: 0 };
      this.byType[kind] = t;
    }
    t.lines++;
    t.bytes += bytes;
  }
}

// ───────────────────────────── sessions ─────────────────────────────

export const MODELS = {
  sonnet45: 'claude-sonnet-4-5-20250929',
  sonnet4: 'claude-sonnet-4-20250514',
  opus41: 'claude-opus-4-1-20250805',
  haiku45: 'claude-haiku-4-5-20251001',
} as const;

const MAIN_MODELS = [
  [MODELS.sonnet45, 50],
  [MODELS.sonnet4, 20],
  [MODELS.opus41, 15],
  [MODELS.haiku45, 15],
] as const;

const TOOLS = [
  ['Read', 34],
  ['Bash', 24],
  ['Edit', 14],
  ['Grep', 8],
  ['Glob', 4],
  ['Write', 5],
  ['TodoWrite', 5],
  ['WebFetch', 2],
  ['Task', 1.2],
] as const;
type ToolName = (typeof TOOLS)[number][0];

export interface Project {
  cwd: string;
  folder: string;
  /** The last lines of the latest session, for a resumed session to repeat. */
  tail: string[];
  tailSession: string;
}

export function projectFolder(cwd: string): string {
  return cwd.replace(/[/.]/g, '-');
}

export interface SessionOptions {
  rng: Rng;
  pool: TextPool;
  expected: Expected;
  stats: Stats;
  project: Project;
  sessionId: string;
  /** Epoch ms of the first line. */
  start: number;
  model: string;
  version: string;
  gitBranch: string;
  /** Cache writes with a 1 h TTL (else 5 min). */
  cache1h: boolean;
  /** 1M context window: compaction only near 800k. */
  longContext: boolean;
  /** 2.1.3xx line types (api-request, cost-state, …) rather than the older ones. */
  modern: boolean;
  /** Root of the corpus' projects/ directory. */
  projectsDir: string;
  /** For subagent transcripts. */
  sidechain?: { agentId: string };
  /** No Task tool calls (appends must not create new files). */
  noSubagents?: boolean;
}

interface PendingTool {
  id: string;
  name: ToolName;
  /** Write: the content the assistant sent, echoed in the result. */
  content?: string;
  path: string;
}

/** Writes one transcript (a main session or a subagent's) request by request. */
export class SessionGen {
  private readonly o: SessionOptions;
  private readonly w: JsonlWriter;
  private readonly rng: Rng;
  readonly path: string;
  private clock: number;
  private parent: string | null = null;
  /** Tokens of the conversation so far (what the next request reads from cache). */
  private context = 0;
  /** Tokens added since the last request (prompt, tool results, the last output). */
  private fresh = 0;
  private lastRequestAt = 0;
  private firstRequest = true;
  private requestCount = 0;
  private readonly tail: string[] = [];
  private lastPrompt = '';
  private childBytes = 0;

  constructor(o: SessionOptions, path: string, append = false) {
    this.o = o;
    this.rng = o.rng;
    this.path = path;
    this.w = new JsonlWriter(path, append);
    this.clock = o.start;
    o.stats.files++;
    if (o.sidechain !== undefined) o.stats.subagentFiles++;
  }

  /** Bytes written by this transcript and the subagent transcripts it started. */
  get bytes(): number {
    return this.w.bytes + this.childBytes;
  }

  get now(): number {
    return this.clock;
  }

  close(): void {
    this.w.close();
    if (this.o.sidechain === undefined && this.tail.length > 0) {
      this.o.project.tail = this.tail.slice(-10);
      this.o.project.tailSession = this.o.sessionId;
    }
  }

  /** Continue an existing session (appends): context as if mid-conversation. */
  resume(context: number, parent: string | null): void {
    this.context = context;
    this.firstRequest = false;
    this.parent = parent;
    this.lastRequestAt = this.clock;
  }

  private emit(kind: string, s: string): void {
    this.o.stats.count(kind, this.w.line(s));
  }

  private emitTruncated(kind: string, s: string): void {
    const cut = this.rng.int(Math.min(40, s.length - 2), s.length - 2);
    this.o.stats.malformedLines++;
    this.o.stats.count(`${kind} (truncated)`, this.w.line(s.slice(0, cut)));
  }

  private iso(): string {
    return new Date(this.clock).toISOString();
  }

  /** The fields every conversation line carries, in Claude Code's order. */
  private envelope(type: string, body: Record<string, unknown>): Record<string, unknown> {
    const uuid = this.rng.uuid();
    const o = this.o;
    const line: Record<string, unknown> = {
      parentUuid: this.parent,
      isSidechain: o.sidechain !== undefined,
      ...(o.sidechain !== undefined && { agentId: o.sidechain.agentId }),
      type,
      ...body,
      uuid,
      timestamp: this.iso(),
      userType: 'external',
      entrypoint: 'cli',
      cwd: o.project.cwd,
      sessionId: o.sessionId,
      version: o.version,
      gitBranch: o.gitBranch,
    };
    this.parent = uuid;
    return line;
  }

  private meta(type: string, body: Record<string, unknown>, withTime = true): void {
    const line: Record<string, unknown> = { type, sessionId: this.o.sessionId, ...body };
    if (withTime) line.timestamp = this.iso();
    this.emit(type, JSON.stringify(line));
  }

  private tick(minMs: number, maxMs: number): void {
    this.clock += this.rng.int(minMs, maxMs);
  }

  /** Repeat the tail of the project's previous session (a resumed conversation). */
  copyTail(): void {
    const p = this.o.project;
    if (p.tail.length === 0) return;
    for (const l of p.tail) {
      const s = l.split(p.tailSession).join(this.o.sessionId);
      const isAssistant = s.includes('"type":"assistant"');
      this.emit(isAssistant ? 'assistant (copied)' : 'user (copied)', s);
      this.o.stats.copiedLines++;
      if (isAssistant && s.includes('"usage":{')) this.o.stats.copiedAssistantLines++;
    }
  }

  /** The lines Claude Code writes when a session starts. */
  header(): void {
    const { rng, pool } = this.o;
    if (this.o.sidechain !== undefined) return;
    if (this.o.modern) {
      const attachments: [string, number][] = [
        ['environment', 900],
        ['deferred_tools_delta', 800],
        ['agent_listing_delta', 3300],
        ['skill_listing', rng.int(4000, 14000)],
        ['session_context', 120],
        ['date', 200],
      ];
      for (const [type, size] of attachments) {
        this.emitAttachment(type, pool.slice(rng, size));
      }
    }
  }

  private emitAttachment(type: string, text: string): void {
    this.emit(
      `attachment:${type}`,
      JSON.stringify(
        this.envelope('attachment', {
          attachment: { type, content: text },
          rendered: [{ content: `<system-reminder>\n${text.slice(0, 600)}\n</system-reminder>` }],
          renderedRole: 'system',
        }),
      ),
    );
  }

  /** A user prompt and the requests and tool calls that answer it. */
  turn(budgetBytes: number): void {
    const { rng, pool, modern } = this.o;
    const first = this.firstRequest;
    // Idle time before the prompt: seconds to an hour, now and then longer.
    this.tick(5_000, rng.chance(0.1) ? 3_600_000 : 300_000);
    const promptChars = Math.round(rng.logn(220, 1.0, 8, 6000));
    let prompt = pool.prose(rng, Math.max(2, Math.round(promptChars / 6)));
    if (rng.chance(0.08)) prompt += `\n\n\`\`\`\n${pool.slice(rng, rng.int(1500, 20000))}\`\`\``;
    this.lastPrompt = prompt.slice(0, 200);
    if (modern && rng.chance(0.35)) {
      this.meta('queue-operation', { operation: 'enqueue', content: prompt.slice(0, 300) });
      this.meta('queue-operation', { operation: 'dequeue' });
    }
    if (!modern && rng.chance(0.5)) {
      this.meta(
        'file-history-snapshot',
        {
          messageId: rng.uuid(),
          snapshot: {
            messageId: rng.uuid(),
            trackedFileBackups: {},
            timestamp: this.iso(),
          },
          isSnapshotUpdate: false,
        },
        false,
      );
    }
    this.emit(
      'user',
      JSON.stringify(
        this.envelope('user', {
          promptId: rng.uuid(),
          message: { role: 'user', content: prompt },
          permissionMode: 'default',
        }),
      ),
    );
    this.fresh += Math.ceil(prompt.length / 3.6);
    if (first && modern && this.o.sidechain === undefined) {
      this.emitAttachment('prompt_snapshot', pool.slice(rng, rng.int(7000, 50000)));
      this.meta('api-request-shape', {
        shapeHash: rng.hex(64),
        version: this.o.version,
        shape: {
          system: [{ type: 'text', text: pool.slice(rng, 7000) }],
          tools: pool.slice(rng, 30000),
        },
      });
      for (let i = 0; i < 2; i++) {
        this.meta(
          'api-request-blob',
          {
            hash: rng.hex(64),
            message: {
              role: 'user',
              content: [{ type: 'text', text: pool.slice(rng, i === 0 ? 900 : 9000) }],
            },
          },
          false,
        );
      }
    }
    const requests = 1 + Math.min(40, Math.floor(-Math.log(1 - rng.float()) * 5));
    for (let i = 0; i < requests; i++) {
      const final = i === requests - 1 || this.bytes >= budgetBytes;
      const tools = this.request(final);
      for (const t of tools) this.toolResult(t);
      if (final) break;
    }
    if (modern) {
      this.meta('last-prompt', { lastPrompt: this.lastPrompt, leafUuid: this.parent }, false);
      if (rng.chance(0.3)) this.meta('atis-latch', { atis: '' }, false);
      if (rng.chance(0.5)) {
        this.meta(
          'cost-state',
          {
            totalCostUSD: rng.float() * 20,
            totalAPIDuration: rng.int(1000, 900000),
            totalDuration: rng.int(1000, 3600000),
            totalLinesAdded: rng.int(0, 800),
            totalLinesRemoved: rng.int(0, 300),
            modelUsage: {
              [this.o.model]: {
                inputTokens: rng.int(0, 1e5),
                outputTokens: rng.int(0, 1e5),
                costUSD: rng.float() * 20,
              },
            },
            hasUnknownModelCost: false,
          },
          false,
        );
      }
      if (rng.chance(0.05)) this.meta('mode', { mode: 'normal' }, false);
    } else if (rng.chance(0.3)) {
      this.emit(
        'system',
        JSON.stringify(
          this.envelope('system', {
            subtype: 'turn_duration',
            durationMs: rng.int(2000, 600000),
            isMeta: false,
          }),
        ),
      );
    }
    if (rng.chance(0.012)) this.synthetic(rng.chance(0.5));
  }

  /** A `<synthetic>` assistant line: zero usage, no requestId. */
  private synthetic(apiError: boolean): void {
    const text = apiError
      ? 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
      : 'No response requested.';
    this.emit(
      'assistant <synthetic>',
      JSON.stringify(
        this.envelope('assistant', {
          message: {
            id: this.rng.uuid(),
            type: 'message',
            role: 'assistant',
            model: '<synthetic>',
            content: [{ type: 'text', text }],
            stop_reason: 'stop_sequence',
            stop_sequence: '',
            usage: {
              input_tokens: 0,
              output_tokens: 0,
              cache_creation_input_tokens: 0,
              cache_read_input_tokens: 0,
              server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
              service_tier: null,
              cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
            },
          },
          ...(apiError && { isApiErrorMessage: true }),
        }),
      ),
    );
    this.o.stats.syntheticLines++;
  }

  private usageFor(extraOutput: number): Usage {
    const rng = this.rng;
    const o = this.o;
    const idle = this.clock - this.lastRequestAt;
    const ttl = o.cache1h ? 3_600_000 : 300_000;
    let input = rng.int(1, 9);
    let cacheRead: number;
    let write: number;
    if (this.firstRequest) {
      const system = rng.int(12_000, 25_000);
      // The system prompt and tools are usually cached across sessions already.
      cacheRead = rng.chance(0.7) ? Math.round(system * (0.6 + rng.float() * 0.35)) : 0;
      write = system - cacheRead + this.fresh;
      this.context = 0;
    } else if (idle > ttl && rng.chance(0.9)) {
      // The prompt cache expired: the conversation is written again.
      cacheRead = rng.chance(0.6) ? rng.int(10_000, 16_000) : 0;
      write = Math.max(0, this.context - cacheRead) + this.fresh;
    } else {
      cacheRead = this.context;
      write = this.fresh;
    }
    if (rng.chance(0.04)) {
      // Part of the new content sent uncached.
      const uncached = Math.min(write, rng.int(100, 6000));
      input += uncached;
      write -= uncached;
    }
    const output = Math.round(rng.logn(160, 1.1, 1, 12_000)) + extraOutput;
    this.firstRequest = false;
    this.lastRequestAt = this.clock;
    this.context = cacheRead + write + input;
    this.fresh = output;
    const w1h = o.cache1h ? write : 0;
    return { input, output, cacheWrite5m: write - w1h, cacheWrite1h: w1h, cacheRead };
  }

  /** One model request: 1–4 lines (thinking, text, tool_use blocks). Returns its tool calls. */
  request(final: boolean): PendingTool[] {
    const { rng, pool, modern, model } = this.o;
    this.tick(400, 4000);
    const blocks: Record<string, unknown>[] = [];
    const tools: PendingTool[] = [];
    let extraOutput = 0;
    if (rng.chance(0.3)) {
      const thinking = pool.prose(rng, rng.int(30, 500));
      blocks.push({ type: 'thinking', thinking, signature: rng.base62(rng.int(200, 700)) });
      extraOutput += Math.ceil(thinking.length / 4);
    }
    if (final || rng.chance(0.55)) {
      const text = pool.prose(rng, final ? rng.int(20, 400) : rng.int(5, 60));
      blocks.push({ type: 'text', text });
    }
    if (!final) {
      const n = rng.weighted([
        [1, 80],
        [2, 15],
        [3, 5],
      ] as const);
      for (let i = 0; i < n; i++) {
        const name =
          this.o.sidechain !== undefined && rng.chance(0.5) ? 'Read' : rng.weighted(TOOLS);
        if (name === 'Task' && (this.o.sidechain !== undefined || this.o.noSubagents === true)) {
          continue;
        }
        const id = `toolu_01${rng.base62(22)}`;
        const path = `${this.o.project.cwd}/src/${rng.pick(IDENTS)}/${rng.pick(IDENTS)}.ts`;
        let input: Record<string, unknown>;
        const t: PendingTool = { id, name, path };
        switch (name) {
          case 'Read':
            input = { file_path: path };
            break;
          case 'Bash':
            input = { command: `npm test -- ${rng.pick(IDENTS)}`, description: pool.prose(rng, 5) };
            break;
          case 'Edit': {
            const old = pool.slice(rng, rng.int(80, 1500));
            const neu = pool.slice(rng, rng.int(80, 2500));
            input = { file_path: path, old_string: old, new_string: neu };
            extraOutput += Math.ceil((old.length + neu.length) / 4);
            break;
          }
          case 'Write': {
            t.content = pool.slice(rng, Math.round(rng.logn(4000, 1.0, 200, 40000)));
            input = { file_path: path, content: t.content };
            extraOutput += Math.ceil(t.content.length / 3.8);
            break;
          }
          case 'Grep':
            input = {
              pattern: rng.pick(IDENTS),
              path: this.o.project.cwd,
              output_mode: 'files_with_matches',
            };
            break;
          case 'Glob':
            input = { pattern: `src/**/*.ts` };
            break;
          case 'TodoWrite':
            input = {
              todos: [
                {
                  content: pool.prose(rng, 8),
                  status: 'in_progress',
                  activeForm: pool.prose(rng, 4),
                },
              ],
            };
            break;
          case 'WebFetch':
            input = {
              url: `https://docs.example.com/${rng.pick(IDENTS)}`,
              prompt: pool.prose(rng, 10),
            };
            break;
          case 'Task':
            input = {
              description: pool.prose(rng, 4),
              prompt: pool.prose(rng, rng.int(30, 200)),
              subagent_type: rng.pick(['general-purpose', 'Explore', 'Plan']),
            };
            break;
        }
        blocks.push({ type: 'tool_use', id, name, input });
        tools.push(t);
      }
      if (blocks.length === 0) blocks.push({ type: 'text', text: pool.prose(rng, 10) });
    }
    const u = this.usageFor(extraOutput);
    const msgId = `msg_01${rng.base62(22)}`;
    const reqId = `req_011C${rng.base62(20)}`;
    const partial = blocks.length > 1 && rng.chance(0.15);
    // All lines of a response in the same quarter hour (every time zone's day starts on one).
    const span = blocks.length * 60;
    if (Math.floor(this.clock / 900_000) !== Math.floor((this.clock + span) / 900_000)) {
      this.clock = (Math.floor(this.clock / 900_000) + 1) * 900_000 + 1;
    }
    if (modern && this.o.sidechain === undefined) {
      this.meta('api-request', {
        id: rng.uuid(),
        version: this.o.version,
        querySource: 'repl_main_thread',
        shapeHash: rng.hex(64),
        params: {
          model,
          betas: [
            'claude-code-20250219',
            'interleaved-thinking-2025-05-14',
            'context-management-2025-06-27',
          ],
          max_tokens: 32000,
          thinking: { type: 'adaptive' },
        },
        keep: rng.int(0, 40),
        tail: [rng.hex(64), rng.hex(64)],
      });
    }
    let firstLineOutput = u.output;
    const at = this.clock;
    for (let i = 0; i < blocks.length; i++) {
      const last = i === blocks.length - 1;
      const out = partial && !last ? Math.min(u.output, rng.int(1, 12)) : u.output;
      if (i === 0) firstLineOutput = out;
      const line = JSON.stringify(
        this.envelope('assistant', {
          message: {
            id: msgId,
            type: 'message',
            role: 'assistant',
            model,
            content: [blocks[i]],
            stop_reason: last ? (final ? 'end_turn' : 'tool_use') : null,
            stop_sequence: null,
            usage: {
              input_tokens: u.input,
              cache_creation_input_tokens: u.cacheWrite5m + u.cacheWrite1h,
              cache_read_input_tokens: u.cacheRead,
              output_tokens: out,
              server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
              service_tier: 'standard',
              cache_creation: {
                ephemeral_1h_input_tokens: u.cacheWrite1h,
                ephemeral_5m_input_tokens: u.cacheWrite5m,
              },
            },
          },
          requestId: reqId,
        }),
      );
      this.o.stats.assistantLines++;
      if (!last && rng.chance(0.004)) this.emitTruncated('assistant', line);
      else {
        this.emit(this.o.sidechain !== undefined ? 'assistant (subagent)' : 'assistant', line);
        if (this.o.sidechain === undefined && line.length < 16_000) this.keepTail(line);
      }
      this.clock += rng.int(20, 60);
    }
    this.o.expected.add(model, at, u, firstLineOutput, this.o.sidechain !== undefined);
    this.requestCount++;
    if (modern && tools.length > 0 && rng.chance(0.3)) {
      this.meta('tools-used', { tools: tools.map((t) => t.name) }, false);
    }
    const limit = this.o.longContext ? 800_000 : 160_000;
    if (this.context > limit) this.compact();
    return tools;
  }

  private keepTail(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.splice(0, 10);
  }

  /** Context compaction: a boundary marker and a summary, and a smaller context after. */
  private compact(): void {
    const { rng, pool } = this.o;
    this.o.stats.compactions++;
    this.tick(20_000, 90_000);
    this.emit(
      'system',
      JSON.stringify(
        this.envelope('system', {
          subtype: 'compact_boundary',
          content: 'Conversation compacted',
          compactMetadata: { trigger: 'auto', preTokens: this.context },
        }),
      ),
    );
    const summary = pool.prose(rng, rng.int(400, 2500));
    this.emit(
      'user (compact summary)',
      JSON.stringify(
        this.envelope('user', {
          message: {
            role: 'user',
            content: `This session is being continued from a previous conversation that ran out of context. The conversation is summarized below:\n${summary}`,
          },
          isCompactSummary: true,
          isVisibleInTranscriptOnly: true,
        }),
      ),
    );
    this.context = 0;
    this.firstRequest = true;
    this.fresh = Math.ceil(summary.length / 3.6);
  }

  private toolResult(t: PendingTool): void {
    const { rng, pool } = this.o;
    this.tick(50, t.name === 'Bash' ? 60_000 : 3_000);
    let content: string;
    let result: Record<string, unknown>;
    switch (t.name) {
      case 'Read': {
        const text = pool.slice(rng, Math.round(rng.logn(5000, 1.0, 100, 100_000)));
        const n = text.split('\n').length - 1;
        content = text;
        result = {
          type: 'text',
          file: { filePath: t.path, content: text, numLines: n, startLine: 1, totalLines: n },
        };
        break;
      }
      case 'Bash': {
        const text = pool.slice(rng, Math.round(rng.logn(1200, 1.4, 20, 80_000)));
        content = text;
        result = { stdout: text, stderr: '', interrupted: false, isImage: false };
        break;
      }
      case 'Edit': {
        const original = pool.slice(rng, Math.round(rng.logn(7000, 0.9, 300, 100_000)));
        content = `The file ${t.path} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${original.slice(0, 1200)}`;
        result = {
          filePath: t.path,
          oldString: original.slice(0, 200),
          newString: original.slice(200, 500),
          originalFile: original,
          structuredPatch: [
            {
              oldStart: 1,
              oldLines: 3,
              newStart: 1,
              newLines: 4,
              lines: original.slice(0, 400).split('\n'),
            },
          ],
          userModified: false,
          replaceAll: false,
        };
        break;
      }
      case 'Write':
        content = `File created successfully at: ${t.path}`;
        result = {
          type: 'create',
          filePath: t.path,
          content: t.content ?? '',
          structuredPatch: [],
        };
        break;
      case 'Grep':
      case 'Glob': {
        const files: string[] = [];
        for (let i = rng.int(0, 60); i > 0; i--)
          files.push(`${this.o.project.cwd}/src/${rng.pick(IDENTS)}/${rng.pick(IDENTS)}.ts`);
        content =
          files.length === 0
            ? 'No files found'
            : `Found ${files.length} files\n${files.join('\n')}`;
        result = { mode: 'files_with_matches', filenames: files, numFiles: files.length };
        break;
      }
      case 'TodoWrite':
        content = 'Todos have been modified successfully.';
        result = {
          oldTodos: [],
          newTodos: [{ content: pool.prose(rng, 8), status: 'in_progress' }],
        };
        break;
      case 'WebFetch': {
        const text = pool.slice(rng, Math.round(rng.logn(8000, 0.8, 500, 60_000)));
        content = text;
        result = {
          bytes: text.length * 3,
          code: 200,
          codeText: 'OK',
          result: text,
          durationMs: rng.int(300, 8000),
          url: 'https://docs.example.com/',
        };
        break;
      }
      case 'Task': {
        const agent = this.subagent();
        const text = pool.prose(rng, rng.int(80, 700));
        content = text;
        result = {
          status: 'completed',
          agentId: agent.agentId,
          content: [{ type: 'text', text }],
          totalDurationMs: agent.durationMs,
          totalTokens: agent.tokens,
          totalToolUseCount: agent.requests,
          // Not a request of this session: the subagent's own lines carry its usage.
          usage: {
            input_tokens: 4,
            cache_creation_input_tokens: 1200,
            cache_read_input_tokens: 20000,
            output_tokens: 800,
            service_tier: 'standard',
            cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 1200 },
          },
        };
        break;
      }
    }
    const line = JSON.stringify(
      this.envelope('user', {
        message: { role: 'user', content: [{ tool_use_id: t.id, type: 'tool_result', content }] },
        toolUseResult: result,
        sourceToolAssistantUUID: this.parent,
      }),
    );
    if (rng.chance(0.0015)) this.emitTruncated('user tool_result', line);
    else {
      this.emit(`user tool_result:${t.name}`, line);
      if (line.length < 4000 && this.o.sidechain === undefined) this.keepTail(line);
    }
    this.fresh += Math.ceil(content.length / 3.6);
  }

  /** A Task tool call: the subagent's own transcript, written now. */
  private subagent(): { agentId: string; durationMs: number; tokens: number; requests: number } {
    const o = this.o;
    const rng = o.rng;
    const agentId = rng.hex(8);
    const dir = join(o.projectsDir, o.project.folder, o.sessionId, 'subagents');
    mkdirSync(dir, { recursive: true });
    const before = o.expected.totals.totalTokens;
    const gen = new SessionGen(
      {
        ...o,
        model: rng.weighted([
          [MODELS.haiku45, 50],
          [MODELS.sonnet45, 40],
          [o.model, 10],
        ] as const),
        cache1h: false,
        longContext: false,
        start: this.clock,
        sidechain: { agentId },
      },
      join(dir, `agent-${agentId}.jsonl`),
    );
    const budget = rng.logn(80_000, 1.0, 8_000, 2_000_000);
    gen.turn(budget);
    while (gen.bytes < budget) gen.turn(budget);
    gen.close();
    this.childBytes += gen.bytes;
    const durationMs = gen.now - this.clock;
    this.clock = gen.now;
    return {
      agentId,
      durationMs,
      tokens: o.expected.totals.totalTokens - before,
      requests: gen.requestCount,
    };
  }
}

// ───────────────────────────── the corpus ─────────────────────────────

export interface CorpusOptions {
  out: string;
  sizeBytes: number;
  sessions: number;
  seed: number;
  /** The corpus ends on this day (UTC, exclusive). */
  end: string;
  days: number;
  log?: (s: string) => void;
}

export interface CorpusSummary {
  generator: string;
  options: { sizeBytes: number; sessions: number; seed: number; end: string; days: number };
  files: number;
  sessionFiles: number;
  subagentFiles: number;
  projects: number;
  bytes: number;
  lines: number;
  assistantLines: number;
  syntheticLines: number;
  malformedLines: number;
  copiedLines: number;
  copiedAssistantLines: number;
  compactions: number;
  firstTimestamp: string;
  lastTimestamp: string;
  expected: TokenTotals & {
    costUsd: { ccusageRule: number; anthropicRule: number };
    sidechainRequests: number;
    over200kContextRequests: number;
    over200kBucketRequests: number;
    firstLineRule: { outputTokens: number; totalTokens: number };
    byModel: Record<string, TokenTotals>;
    byDay: Record<string, TokenTotals>;
  };
  lineTypes: Record<string, { lines: number; bytes: number }>;
  generationSeconds: number;
  /** Sessions a benchmark can append to or point a status line at (the latest ones). */
  latestSessions: { path: string; sessionId: string; cwd: string; model: string }[];
}

const VERSIONS_OLD = [
  '2.0.14',
  '2.0.27',
  '2.0.42',
  '2.0.55',
  '2.0.76',
  '2.1.9',
  '2.1.52',
  '2.1.118',
];
const VERSIONS_NEW = ['2.1.301', '2.1.315', '2.1.328'];

export function generateCorpus(opts: CorpusOptions): CorpusSummary {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const rng = new Rng(opts.seed);
  const pool = new TextPool(new Rng(opts.seed ^ 0x5eed));
  const expected = new Expected();
  const stats = new Stats();
  const projectsDir = join(opts.out, 'projects');
  rmSync(projectsDir, { recursive: true, force: true });
  mkdirSync(projectsDir, { recursive: true });

  const names = [
    'webapp',
    'api-server',
    'infra',
    'ml-pipeline',
    'docs',
    'cli',
    'mobile',
    'design-system',
    'billing',
    'search',
  ];
  const projects: Project[] = [];
  const nProjects = Math.max(4, Math.min(60, Math.round(opts.sessions / 25)));
  for (let i = 0; i < nProjects; i++) {
    const base =
      i < names.length ? names[i]! : `${rng.pick(names)}-${rng.pick(IDENTS).toLowerCase()}`;
    const cwd = rng.chance(0.2) ? `/home/dev/work/acme.${base}` : `/home/dev/src/${base}`;
    projects.push({ cwd, folder: projectFolder(cwd), tail: [], tailSession: '' });
  }
  // Some projects get most of the work.
  const projectWeights = projects.map((p, i) => [p, 1 / (i + 1) ** 0.8] as const);

  const endMs = Date.parse(`${opts.end}T00:00:00Z`);
  const startMs = endMs - opts.days * 86_400_000;
  const starts: number[] = [];
  for (let i = 0; i < opts.sessions; i++) {
    // Working hours, weekdays more than weekends.
    for (;;) {
      const day = startMs + Math.floor(rng.float() * opts.days) * 86_400_000;
      const dow = new Date(day).getUTCDay();
      if ((dow === 0 || dow === 6) && rng.chance(0.7)) continue;
      starts.push(day + Math.round((7 + rng.float() * 14) * 3_600_000));
      break;
    }
  }
  starts.sort((a, b) => a - b);
  const weights = starts.map(() => rng.logn(1, 1.15, 0.02, 60));
  const wsum = weights.reduce((a, b) => a + b, 0);

  const latest: CorpusSummary['latestSessions'] = [];
  let last = 0;
  for (let i = 0; i < opts.sessions; i++) {
    const project = rng.weighted(projectWeights);
    const dir = join(projectsDir, project.folder);
    mkdirSync(dir, { recursive: true });
    const start = starts[i]!;
    const frac = (start - startMs) / (endMs - startMs);
    const modern = frac > 0.6;
    const model = rng.weighted(MAIN_MODELS);
    const sessionId = rng.uuid();
    const budget = (weights[i]! / wsum) * opts.sizeBytes * 0.94;
    const gen = new SessionGen(
      {
        rng,
        pool,
        expected,
        stats,
        project,
        sessionId,
        start,
        model,
        version: modern
          ? rng.pick(VERSIONS_NEW)
          : VERSIONS_OLD[
              Math.min(VERSIONS_OLD.length - 1, Math.floor((frac / 0.6) * VERSIONS_OLD.length))
            ]!,
        gitBranch: rng.pick([
          'main',
          'main',
          'main',
          'dev',
          `feature/${rng.pick(IDENTS).toLowerCase()}`,
        ]),
        cache1h: rng.chance(0.25),
        longContext: model.includes('sonnet') && rng.chance(0.02),
        modern,
        projectsDir,
      },
      join(dir, `${sessionId}.jsonl`),
    );
    if (rng.chance(0.03)) gen.copyTail();
    gen.header();
    do gen.turn(budget);
    while (gen.bytes < budget);
    gen.close();
    last = Math.max(last, gen.now);
    if (i >= opts.sessions - 5) latest.push({ path: gen.path, sessionId, cwd: project.cwd, model });
    if (i % 100 === 99)
      log(`  ${i + 1}/${opts.sessions} sessions, ${(stats.bytes / 1e6).toFixed(0)} MB`);
  }

  const t = expected.totals;
  const summary: CorpusSummary = {
    generator: 'bench/corpus/claude-corpus.ts',
    options: {
      sizeBytes: opts.sizeBytes,
      sessions: opts.sessions,
      seed: opts.seed,
      end: opts.end,
      days: opts.days,
    },
    files: stats.files,
    sessionFiles: stats.files - stats.subagentFiles,
    subagentFiles: stats.subagentFiles,
    projects: projects.length,
    bytes: stats.bytes,
    lines: stats.lines,
    assistantLines: stats.assistantLines,
    syntheticLines: stats.syntheticLines,
    malformedLines: stats.malformedLines,
    copiedLines: stats.copiedLines,
    copiedAssistantLines: stats.copiedAssistantLines,
    compactions: stats.compactions,
    firstTimestamp: new Date(starts[0] ?? startMs).toISOString(),
    lastTimestamp: new Date(last).toISOString(),
    expected: {
      ...t,
      costUsd: {
        ccusageRule: round6(expected.costCcusageRule),
        anthropicRule: round6(expected.costAnthropicRule),
      },
      sidechainRequests: expected.sidechainRequests,
      over200kContextRequests: expected.over200kContext,
      over200kBucketRequests: expected.over200kBucket,
      firstLineRule: {
        outputTokens: expected.firstLineOutputTokens,
        totalTokens: t.totalTokens - t.outputTokens + expected.firstLineOutputTokens,
      },
      byModel: expected.byModel,
      byDay: Object.fromEntries(
        Object.entries(expected.byDay).sort(([a], [b]) => a.localeCompare(b)),
      ),
    },
    lineTypes: Object.fromEntries(
      Object.entries(stats.byType).sort(([, a], [, b]) => b.bytes - a.bytes),
    ),
    generationSeconds: Math.round((performance.now() - t0) / 100) / 10,
    latestSessions: latest,
  };
  writeFileSync(join(opts.out, 'corpus-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** "1GB", "50MB", "512MiB", "1e9" → bytes (GB/MB/KB decimal, GiB/MiB/KiB binary). */
export function parseSize(s: string): number {
  const m = /^\s*([\d.e+]+)\s*([kmg]i?b?)?\s*$/i.exec(s);
  if (m === null) throw new Error(`not a size: ${s} (e.g. 1GB, 50MB, 512MiB)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const mult: Record<string, number> = {
    '': 1,
    b: 1,
    k: 1e3,
    kb: 1e3,
    kib: 1024,
    m: 1e6,
    mb: 1e6,
    mib: 1024 ** 2,
    g: 1e9,
    gb: 1e9,
    gib: 1024 ** 3,
  };
  const f = mult[unit];
  if (f === undefined || !Number.isFinite(n)) throw new Error(`not a size: ${s}`);
  return Math.round(n * f);
}

/** Sessions for a size: ~1,500 for 1 GB, proportionally fewer (at least 20) below. */
export function defaultSessions(sizeBytes: number): number {
  return Math.max(20, Math.round((1500 * sizeBytes) / 1e9));
}

// ───────────────────────────── appending to a live session ─────────────────────────────

export interface AppendResult {
  bytes: number;
  requests: number;
  totals: TokenTotals;
  costCcusageRule: number;
}

/**
 * Append about `bytes` of new turns to an existing session file, as Claude Code does while the
 * session goes on: same session id, cwd and model, new request ids, timestamps from `at` on.
 */
export function appendToSession(
  file: { path: string; sessionId: string; cwd: string; model: string },
  bytes: number,
  at: number,
  seed: number,
): AppendResult {
  const rng = new Rng(seed);
  const pool = sharedPool(seed);
  const expected = new Expected();
  const stats = new Stats();
  const project: Project = {
    cwd: file.cwd,
    folder: projectFolder(file.cwd),
    tail: [],
    tailSession: '',
  };
  const gen = new SessionGen(
    {
      rng,
      pool,
      expected,
      stats,
      project,
      sessionId: file.sessionId,
      start: at,
      model: file.model,
      version: VERSIONS_NEW[VERSIONS_NEW.length - 1]!,
      gitBranch: 'main',
      cache1h: false,
      longContext: false,
      modern: true,
      projectsDir: join(file.path, '..', '..'),
      noSubagents: true,
    },
    file.path,
    true,
  );
  gen.resume(rng.int(30_000, 120_000), null);
  do gen.turn(bytes);
  while (gen.bytes < bytes);
  gen.close();
  return {
    bytes: gen.bytes,
    requests: expected.totals.requests,
    totals: expected.totals,
    costCcusageRule: expected.costCcusageRule,
  };
}

let pool: TextPool | undefined;
function sharedPool(seed: number): TextPool {
  pool ??= new TextPool(new Rng(seed ^ 0x5eed), 2_000_000);
  return pool;
}

// ───────────────────────────── command line ─────────────────────────────

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      size: { type: 'string', default: '1GB' },
      sessions: { type: 'string' },
      seed: { type: 'string', default: '1' },
      end: { type: 'string', default: '2026-11-14' },
      days: { type: 'string', default: '182' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || values.out === undefined) {
    console.log(
      'usage: node bench/corpus/claude-corpus.ts --out DIR [--size 1GB] [--sessions N] [--seed 1] [--end 2026-11-14] [--days 182]',
    );
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const sizeBytes = parseSize(values.size);
  const sessions =
    values.sessions !== undefined ? Number(values.sessions) : defaultSessions(sizeBytes);
  const s = generateCorpus({
    out: values.out,
    sizeBytes,
    sessions,
    seed: Number(values.seed),
    end: values.end,
    days: Number(values.days),
    log: (l) => console.error(l),
  });
  printSummary(s);
}

export function printSummary(s: CorpusSummary): void {
  const e = s.expected;
  const n = (x: number) => x.toLocaleString('en-US');
  console.log(
    `corpus: ${n(s.files)} files (${n(s.sessionFiles)} sessions, ${n(s.subagentFiles)} subagent transcripts) in ${s.projects} projects`,
  );
  console.log(
    `        ${(s.bytes / 1e6).toFixed(1)} MB, ${n(s.lines)} lines, ${n(s.assistantLines)} assistant lines, ${s.firstTimestamp.slice(0, 10)} → ${s.lastTimestamp.slice(0, 10)}`,
  );
  console.log(
    `        ${n(s.malformedLines)} malformed, ${n(s.syntheticLines)} <synthetic>, ${n(s.copiedLines)} copied lines (${n(s.copiedAssistantLines)} copied assistant lines), ${n(s.compactions)} compactions`,
  );
  console.log(
    `requests: ${n(e.requests)} (${n(e.sidechainRequests)} in subagents; ${n(e.over200kContextRequests)} above 200k input+cache, ${n(e.over200kBucketRequests)} with one bucket above 200k)`,
  );
  console.log(
    `tokens: input ${n(e.inputTokens)}, output ${n(e.outputTokens)}, cache write ${n(e.cacheCreationTokens)} (5m ${n(e.cacheWrite5mTokens)}, 1h ${n(e.cacheWrite1hTokens)}), cache read ${n(e.cacheReadTokens)}, total ${n(e.totalTokens)}`,
  );
  console.log(
    `cost: $${e.costUsd.ccusageRule.toFixed(2)} (ccusage's tiering), $${e.costUsd.anthropicRule.toFixed(2)} (Anthropic's long-context rule)`,
  );
  console.log(
    `first-line rule would count output ${n(e.firstLineRule.outputTokens)} (total ${n(e.firstLineRule.totalTokens)})`,
  );
  console.log(`generated in ${s.generationSeconds} s`);
}

if (import.meta.main) main();
