/**
 * A scripted mock of the three model APIs the real CLIs call, on one HTTP server on 127.0.0.1.
 *
 *   const api = await startMockModelApi({ anthropic: { usage: { tool: { input: 10 } } } });
 *   // Claude Code:  ANTHROPIC_BASE_URL=api.url
 *   // Codex:        [model_providers.mock] base_url = `${api.url}/v1`, wire_api = "responses"
 *   // Gemini CLI:   GOOGLE_GEMINI_BASE_URL=api.url
 *   ...
 *   api.requests          // every request seen, in order, with the usage the mock answered
 *   api.unknown           // requests to paths the mock does not know (answered 404)
 *   await api.close();
 *
 * Every vendor plays the same deterministic two-step conversation for each user prompt:
 *   1. the request whose last message is the user's prompt  → kind 'tool':  one tool call
 *      (by default a shell command `echo hello`, mapped to the CLI's own shell tool: Claude
 *      `Bash`, Codex `shell`/`shell_command`/`exec_command`, Gemini `run_shell_command`);
 *   2. the request carrying that tool's result                → kind 'final': a text answer.
 * With `tool: null` step 1 answers the final text at once. Anything else the CLIs ask for
 * (Claude's title/haiku side requests, Gemini's model router and next-speaker checks, i.e.
 * requests without tools or asking for JSON) is kind 'side' and answered with a short text or
 * a JSON object that satisfies the requested schema. `count_tokens`/`countTokens` are answered
 * with a fixed count and never billed.
 *
 * Usage numbers are per vendor and per step (`usage.tool`, `usage.final`, `usage.side`) and
 * are sent exactly as given, in the vendor's own wire fields:
 *   - Anthropic: input_tokens=input, output_tokens=output, cache_read_input_tokens=cacheRead,
 *     cache_creation_input_tokens=cacheWrite, split in cache_creation.ephemeral_5m_input_tokens
 *     (cacheWrite - cacheWrite1h) and ephemeral_1h_input_tokens (cacheWrite1h); input excludes
 *     cache, as in the real API.
 *   - OpenAI Responses: input_tokens=input (the API counts cached tokens inside it, so keep
 *     input >= cacheRead), input_tokens_details.cached_tokens=cacheRead, output_tokens=output
 *     (includes reasoning, keep output >= reasoning), output_tokens_details.reasoning_tokens=
 *     reasoning, total_tokens=input+output.
 *   - Gemini: promptTokenCount=input (includes cached), cachedContentTokenCount=cacheRead,
 *     candidatesTokenCount=output, thoughtsTokenCount=reasoning (separate from candidates),
 *     totalTokenCount=input+output+reasoning.
 * `expectedTotals(api.scripts.anthropic.usage, { tool: 1, final: 1 })` sums a plan for a number
 * of requests of each step; `sumUsage(api.requests, 'anthropic')` sums what was actually sent.
 *
 * Ids are `<kind>_<prefix>_<n>` with a random per-server prefix (override with `idPrefix`), so
 * they are unique across servers: Anthropic `msg_…` plus `req_…` in the `request-id` header
 * (Claude Code reports it as `request_id`), OpenAI `resp_…`, Gemini `gresp_…` (`responseId`);
 * `MockRequest.responseId` holds the one a CLI reports. `fail` injects HTTP errors (e.g. a 500 for the
 * first attempt to test retries); `delayMs` holds each model answer (to observe "working").
 */
import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type Vendor = 'anthropic' | 'openai' | 'gemini';

/** Token numbers for one answered request; see the file comment for the wire mapping. */
export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Part of `cacheWrite` with 1-hour TTL (Anthropic `cache_creation.ephemeral_1h_input_tokens`). */
  cacheWrite1h: number;
  reasoning: number;
}

export interface UsagePlan {
  /** The answer that makes the tool call. */
  tool: TokenUsage;
  /** The answer after the tool result (or the only answer when `tool` is null). */
  final: TokenUsage;
  /** Side requests: titles, routers, next-speaker checks. */
  side: TokenUsage;
}

/**
 * The tool call of step 1: `{ shell: 'cmd' }` runs a shell command with whatever shell tool
 * the CLI offers; `{ name, input }` calls a named tool with exactly these arguments
 * (e.g. Claude `{ name: 'Write', input: { file_path, content } }`).
 */
export type ToolCall = { shell: string } | { name: string; input: Record<string, unknown> };

export interface VendorScript {
  tool: ToolCall | null;
  finalText: string;
  usage: UsagePlan;
  /** Milliseconds to wait before answering a model request ('tool' | 'final' | 'side'). */
  delayMs: number;
}

export interface VendorScriptInput {
  tool?: ToolCall | null;
  finalText?: string;
  usage?: { tool?: Partial<TokenUsage>; final?: Partial<TokenUsage>; side?: Partial<TokenUsage> };
  delayMs?: number;
}

export type RequestKind =
  | 'tool'
  | 'final'
  | 'side'
  | 'count_tokens'
  | 'aux'
  | 'unknown'
  | 'injected_error';

export interface MockRequest {
  /** 1-based order of arrival. */
  seq: number;
  vendor: Vendor | 'unknown';
  kind: RequestKind;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** The model named by the request (body field or Gemini URL). */
  model?: string;
  stream?: boolean;
  /** The response / request id the mock answered with. */
  responseId?: string;
  /** The usage the mock answered with (model requests only). */
  usage?: TokenUsage;
  /** Name of the tool the mock called (kind 'tool'). */
  toolName?: string;
  status: number;
}

export interface FailureReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface MockModelApiOptions {
  anthropic?: VendorScriptInput;
  openai?: VendorScriptInput;
  gemini?: VendorScriptInput;
  /** Prefix of generated response/request ids; random by default. */
  idPrefix?: string;
  /** Return a reply to fail this request instead of answering it (the request is recorded). */
  fail?: (req: MockRequest) => FailureReply | undefined;
  /** Where to log unknown paths; default console.error. Pass `() => {}` to silence. */
  log?: (line: string) => void;
}

export interface MockModelApi {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  url: string;
  port: number;
  requests: MockRequest[];
  unknown: MockRequest[];
  scripts: Record<Vendor, VendorScript>;
  /** Requests of one vendor that were billed (kind tool | final | side). */
  modelRequests(vendor?: Vendor): MockRequest[];
  close(): Promise<void>;
}

const ZERO: TokenUsage = {
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  cacheWrite1h: 0,
  reasoning: 0,
};

/** Defaults: distinct numbers per step so sums identify which requests were counted. */
export const DEFAULT_USAGE: Record<Vendor, UsagePlan> = {
  anthropic: {
    tool: {
      input: 1200,
      output: 80,
      cacheRead: 3000,
      cacheWrite: 500,
      cacheWrite1h: 0,
      reasoning: 0,
    },
    final: {
      input: 1500,
      output: 40,
      cacheRead: 3500,
      cacheWrite: 200,
      cacheWrite1h: 0,
      reasoning: 0,
    },
    side: { input: 60, output: 7, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, reasoning: 0 },
  },
  openai: {
    tool: {
      input: 2400,
      output: 90,
      cacheRead: 1024,
      cacheWrite: 0,
      cacheWrite1h: 0,
      reasoning: 30,
    },
    final: {
      input: 2600,
      output: 50,
      cacheRead: 2048,
      cacheWrite: 0,
      cacheWrite1h: 0,
      reasoning: 10,
    },
    side: { input: 60, output: 7, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, reasoning: 0 },
  },
  gemini: {
    tool: {
      input: 3100,
      output: 70,
      cacheRead: 1000,
      cacheWrite: 0,
      cacheWrite1h: 0,
      reasoning: 25,
    },
    final: {
      input: 3300,
      output: 45,
      cacheRead: 2000,
      cacheWrite: 0,
      cacheWrite1h: 0,
      reasoning: 15,
    },
    side: { input: 120, output: 12, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, reasoning: 0 },
  },
};

export const DEFAULT_FINAL_TEXT = 'Done: the command printed hello.';

function buildScript(vendor: Vendor, input: VendorScriptInput | undefined): VendorScript {
  const d = DEFAULT_USAGE[vendor];
  return {
    tool: input?.tool === undefined ? { shell: 'echo hello' } : input.tool,
    finalText: input?.finalText ?? DEFAULT_FINAL_TEXT,
    usage: {
      tool: { ...d.tool, ...input?.usage?.tool },
      final: { ...d.final, ...input?.usage?.final },
      side: { ...d.side, ...input?.usage?.side },
    },
    delayMs: input?.delayMs ?? 0,
  };
}

/** Sum of the plan for `tool`, `final` and `side` request counts. */
export function expectedTotals(
  plan: UsagePlan,
  counts: { tool?: number; final?: number; side?: number },
): TokenUsage {
  const out = { ...ZERO };
  for (const step of ['tool', 'final', 'side'] as const) {
    const n = counts[step] ?? 0;
    for (const k of Object.keys(out) as (keyof TokenUsage)[]) out[k] += plan[step][k] * n;
  }
  return out;
}

/** Sum of the usage the mock actually answered with, optionally for one vendor. */
export function sumUsage(requests: readonly MockRequest[], vendor?: Vendor): TokenUsage {
  const out = { ...ZERO };
  for (const r of requests) {
    if (!r.usage || (vendor && r.vendor !== vendor)) continue;
    for (const k of Object.keys(out) as (keyof TokenUsage)[]) out[k] += r.usage[k];
  }
  return out;
}

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let buf = Buffer.concat(chunks);
  if (/gzip/i.test(String(req.headers['content-encoding'] ?? '')) && buf.length > 0) {
    buf = gunzipSync(buf);
  }
  return buf;
}

function parseBody(buf: Buffer): unknown {
  if (buf.length === 0) return undefined;
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function startSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
}

function sseEvent(res: ServerResponse, event: string | null, data: unknown): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
}

// ---------------------------------------------------------------------------------------------
// JSON-schema answers for side requests that ask for structured output (Gemini router etc.).

function valueForSchema(schema: unknown, key = ''): unknown {
  if (!isObj(schema)) return '';
  const type = String(schema.type ?? '').toLowerCase();
  const enumVals = arr(schema.enum);
  if (enumVals.length > 0) {
    // Prefer conservative choices for well-known enums.
    if (enumVals.includes('user')) return 'user';
    if (enumVals.includes('flash')) return 'flash';
    return enumVals[0];
  }
  if (type === 'object' || isObj(schema.properties)) {
    const out: Json = {};
    const props = isObj(schema.properties) ? schema.properties : {};
    for (const [k, v] of Object.entries(props)) out[k] = valueForSchema(v, k);
    return out;
  }
  if (type === 'array') return [];
  if (type === 'boolean') return false;
  if (type === 'number' || type === 'integer') {
    return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 10) : 10;
  }
  if (/reason/i.test(key)) return 'Simple request.';
  return 'ok';
}

// ---------------------------------------------------------------------------------------------

export async function startMockModelApi(options: MockModelApiOptions = {}): Promise<MockModelApi> {
  const scripts: Record<Vendor, VendorScript> = {
    anthropic: buildScript('anthropic', options.anthropic),
    openai: buildScript('openai', options.openai),
    gemini: buildScript('gemini', options.gemini),
  };
  const idPrefix = options.idPrefix ?? randomBytes(4).toString('hex');
  const log = options.log ?? ((line: string) => console.error(line));
  const requests: MockRequest[] = [];
  const unknown: MockRequest[] = [];
  let counter = 0;
  const nextId = (kind: string): string => `${kind}_${idPrefix}_${++counter}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`mock-model-api: handler error: ${String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err) } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const fullUrl = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = fullUrl.pathname;
    const rec: MockRequest = {
      seq: requests.length + 1,
      vendor: 'unknown',
      kind: 'unknown',
      method: req.method ?? 'GET',
      path,
      query: fullUrl.search,
      headers: req.headers,
      body: parseBody(raw),
      status: 200,
    };
    requests.push(rec);

    // ---- Anthropic -------------------------------------------------------------------------
    if (path === '/v1/messages' || path === '/v1/messages/count_tokens') {
      rec.vendor = 'anthropic';
      const body = isObj(rec.body) ? rec.body : {};
      if (typeof body.model === 'string') rec.model = body.model;
      if (path.endsWith('/count_tokens')) {
        rec.kind = 'count_tokens';
        sendJson(res, 200, { input_tokens: 100 });
        return;
      }
      if (injectFailure(rec, res)) return;
      return anthropicMessages(rec, body, res);
    }

    // ---- OpenAI Responses (Codex) ----------------------------------------------------------
    if (path === '/v1/responses') {
      rec.vendor = 'openai';
      const body = isObj(rec.body) ? rec.body : {};
      if (typeof body.model === 'string') rec.model = body.model;
      if (injectFailure(rec, res)) return;
      return openaiResponses(rec, body, res);
    }
    if (path.startsWith('/v1/analytics/') || path.startsWith('/v1/codex/')) {
      rec.vendor = 'openai';
      rec.kind = 'aux';
      sendJson(res, 200, {});
      return;
    }
    if (path === '/v1/models' && rec.method === 'GET') {
      rec.vendor = 'openai';
      rec.kind = 'aux';
      sendJson(res, 200, { object: 'list', data: [], models: [] });
      return;
    }

    // ---- Gemini ----------------------------------------------------------------------------
    const g = /^\/(v1beta|v1|v1alpha)\/models\/([^:/]+):([A-Za-z]+)$/.exec(path);
    if (g) {
      rec.vendor = 'gemini';
      rec.model = decodeURIComponent(g[2] ?? '');
      const method = g[3] ?? '';
      const body = isObj(rec.body) ? rec.body : {};
      if (method === 'countTokens') {
        rec.kind = 'count_tokens';
        sendJson(res, 200, { totalTokens: 100 });
        return;
      }
      if (method === 'generateContent' || method === 'streamGenerateContent') {
        if (injectFailure(rec, res)) return;
        return geminiGenerate(rec, body, method === 'streamGenerateContent', res);
      }
      if (method === 'embedContent' || method === 'batchEmbedContents') {
        rec.kind = 'aux';
        sendJson(res, 200, { embedding: { values: [0, 0, 0] }, embeddings: [] });
        return;
      }
    }

    rec.status = 404;
    unknown.push(rec);
    log(`mock-model-api: unknown ${rec.method} ${path}${rec.query}`);
    sendJson(res, 404, { error: { message: `mock: unknown path ${path}`, type: 'not_found' } });
  }

  function injectFailure(rec: MockRequest, res: ServerResponse): boolean {
    const f = options.fail?.(rec);
    if (!f) return false;
    rec.kind = 'injected_error';
    rec.status = f.status;
    sendJson(res, f.status, f.body ?? { error: { message: 'mock: injected failure' } }, f.headers);
    return true;
  }

  // ---- Anthropic Messages ----------------------------------------------------------------------

  function anthropicToolInput(
    tool: ToolCall,
    tools: Json[],
  ): { name: string; input: Record<string, unknown> } | null {
    if ('name' in tool) return tool;
    const names = new Set(tools.map((t) => String(t.name)));
    if (!names.has('Bash')) return null;
    return { name: 'Bash', input: { command: tool.shell, description: 'Run a shell command' } };
  }

  async function anthropicMessages(rec: MockRequest, body: Json, res: ServerResponse) {
    const script = scripts.anthropic;
    const messages = arr(body.messages).filter(isObj);
    const tools = arr(body.tools).filter(isObj);
    const last = messages[messages.length - 1];
    const lastContent = last ? arr(last.content).filter(isObj) : [];
    const hasToolResult = lastContent.some((b) => b.type === 'tool_result');
    rec.stream = body.stream === true;

    let content: Json[];
    let stopReason: string;
    if (tools.length === 0) {
      rec.kind = 'side';
      content = [{ type: 'text', text: anthropicSideText(body) }];
      stopReason = 'end_turn';
    } else if (!hasToolResult && script.tool) {
      const call = anthropicToolInput(script.tool, tools);
      if (call) {
        rec.kind = 'tool';
        rec.toolName = call.name;
        content = [
          { type: 'text', text: 'I will run that for you.' },
          {
            type: 'tool_use',
            id: `toolu_${idPrefix}_${counter + 1}`,
            name: call.name,
            input: call.input,
          },
        ];
        stopReason = 'tool_use';
      } else {
        rec.kind = 'final';
        content = [{ type: 'text', text: script.finalText }];
        stopReason = 'end_turn';
      }
    } else {
      rec.kind = 'final';
      content = [{ type: 'text', text: script.finalText }];
      stopReason = 'end_turn';
    }
    const u = script.usage[rec.kind === 'side' ? 'side' : rec.kind === 'tool' ? 'tool' : 'final'];
    rec.usage = u;
    const id = nextId('msg');
    const requestId = `req_${id.slice(4)}`;
    rec.responseId = requestId;
    const model = typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5';
    const usage = {
      input_tokens: u.input,
      cache_creation_input_tokens: u.cacheWrite,
      cache_read_input_tokens: u.cacheRead,
      cache_creation: {
        ephemeral_5m_input_tokens: Math.max(0, u.cacheWrite - u.cacheWrite1h),
        ephemeral_1h_input_tokens: u.cacheWrite1h,
      },
      output_tokens: u.output,
      service_tier: 'standard',
    };
    await sleep(script.delayMs);
    const headers = { 'request-id': requestId };
    if (!rec.stream) {
      sendJson(
        res,
        200,
        {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content,
          stop_reason: stopReason,
          stop_sequence: null,
          usage,
        },
        headers,
      );
      return;
    }
    startSse(res, headers);
    sseEvent(res, 'message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    });
    content.forEach((block, index) => {
      if (block.type === 'text') {
        sseEvent(res, 'content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        });
        sseEvent(res, 'content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: block.text },
        });
      } else {
        sseEvent(res, 'content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { ...block, input: {} },
        });
        sseEvent(res, 'content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        });
      }
      sseEvent(res, 'content_block_stop', { type: 'content_block_stop', index });
    });
    sseEvent(res, 'message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: u.output },
    });
    sseEvent(res, 'message_stop', { type: 'message_stop' });
    res.end();
  }

  function anthropicSideText(body: Json): string {
    const system = JSON.stringify(body.system ?? '');
    if (/json/i.test(system) && /title/i.test(system)) {
      return JSON.stringify({ isNewTopic: false, title: 'Mock session' });
    }
    if (/title/i.test(system)) return 'Mock session';
    return 'OK';
  }

  // ---- OpenAI Responses ------------------------------------------------------------------------

  function openaiToolCall(
    tool: ToolCall,
    tools: Json[],
  ): { name: string; args: Record<string, unknown> } | null {
    if ('name' in tool) return { name: tool.name, args: tool.input };
    const names = new Set(tools.map((t) => String(t.name ?? '')));
    if (names.has('shell_command')) return { name: 'shell_command', args: { command: tool.shell } };
    if (names.has('exec_command')) return { name: 'exec_command', args: { cmd: tool.shell } };
    if (names.has('shell'))
      return { name: 'shell', args: { command: ['bash', '-lc', tool.shell] } };
    return null;
  }

  async function openaiResponses(rec: MockRequest, body: Json, res: ServerResponse) {
    const script = scripts.openai;
    const input = arr(body.input).filter(isObj);
    const tools = arr(body.tools).filter(isObj);
    const last = input[input.length - 1];
    const lastIsToolOutput = last !== undefined && /_call_output$/.test(String(last.type ?? ''));
    rec.stream = body.stream !== false;
    let items: Json[];
    if (tools.length === 0) {
      rec.kind = 'side';
      items = [openaiMessage('OK')];
    } else if (!lastIsToolOutput && script.tool) {
      const call = openaiToolCall(script.tool, tools);
      if (call) {
        rec.kind = 'tool';
        rec.toolName = call.name;
        const n = counter + 1;
        items = [
          {
            type: 'function_call',
            id: `fc_${idPrefix}_${n}`,
            call_id: `call_${idPrefix}_${n}`,
            name: call.name,
            arguments: JSON.stringify(call.args),
            status: 'completed',
          },
        ];
      } else {
        rec.kind = 'final';
        items = [openaiMessage(script.finalText)];
      }
    } else {
      rec.kind = 'final';
      items = [openaiMessage(script.finalText)];
    }
    const u = script.usage[rec.kind === 'side' ? 'side' : rec.kind === 'tool' ? 'tool' : 'final'];
    rec.usage = u;
    const id = nextId('resp');
    rec.responseId = id;
    const model = typeof body.model === 'string' ? body.model : 'gpt-5.5';
    const usage = {
      input_tokens: u.input,
      input_tokens_details: { cached_tokens: u.cacheRead },
      output_tokens: u.output,
      output_tokens_details: { reasoning_tokens: u.reasoning },
      total_tokens: u.input + u.output,
    };
    const response = (status: string, output: Json[], withUsage: boolean): Json => ({
      id,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status,
      model,
      output,
      ...(withUsage ? { usage } : {}),
    });
    await sleep(script.delayMs);
    startSse(res, { 'x-request-id': id });
    let seq = 0;
    const ev = (data: Json) =>
      sseEvent(res, String(data.type), { ...data, sequence_number: seq++ });
    ev({ type: 'response.created', response: response('in_progress', [], false) });
    ev({ type: 'response.in_progress', response: response('in_progress', [], false) });
    items.forEach((item, output_index) => {
      if (item.type === 'message') {
        const text = String((arr(item.content)[0] as Json | undefined)?.text ?? '');
        ev({
          type: 'response.output_item.added',
          output_index,
          item: { ...item, status: 'in_progress', content: [] },
        });
        ev({
          type: 'response.content_part.added',
          item_id: item.id,
          output_index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        });
        ev({
          type: 'response.output_text.delta',
          item_id: item.id,
          output_index,
          content_index: 0,
          delta: text,
        });
        ev({
          type: 'response.output_text.done',
          item_id: item.id,
          output_index,
          content_index: 0,
          text,
        });
        ev({
          type: 'response.content_part.done',
          item_id: item.id,
          output_index,
          content_index: 0,
          part: { type: 'output_text', text, annotations: [] },
        });
      } else {
        ev({
          type: 'response.output_item.added',
          output_index,
          item: { ...item, status: 'in_progress', arguments: '' },
        });
        ev({
          type: 'response.function_call_arguments.delta',
          item_id: item.id,
          output_index,
          delta: item.arguments,
        });
        ev({
          type: 'response.function_call_arguments.done',
          item_id: item.id,
          output_index,
          arguments: item.arguments,
        });
      }
      ev({ type: 'response.output_item.done', output_index, item });
    });
    ev({ type: 'response.completed', response: response('completed', items, true) });
    res.end();
  }

  function openaiMessage(text: string): Json {
    return {
      type: 'message',
      id: `msg_${idPrefix}_${counter + 1}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    };
  }

  // ---- Gemini ----------------------------------------------------------------------------------

  function geminiToolCall(
    tool: ToolCall,
    tools: Json[],
  ): { name: string; args: Record<string, unknown> } | null {
    if ('name' in tool) return { name: tool.name, args: tool.input };
    const names = new Set<string>();
    for (const t of tools) {
      for (const fd of arr(t.functionDeclarations).filter(isObj)) names.add(String(fd.name));
    }
    if (!names.has('run_shell_command')) return null;
    return {
      name: 'run_shell_command',
      args: { command: tool.shell, description: 'Run a shell command' },
    };
  }

  async function geminiGenerate(
    rec: MockRequest,
    body: Json,
    stream: boolean,
    res: ServerResponse,
  ) {
    const script = scripts.gemini;
    const contents = arr(body.contents).filter(isObj);
    const tools = arr(body.tools).filter(isObj);
    const last = contents[contents.length - 1];
    const lastParts = last ? arr(last.parts).filter(isObj) : [];
    const hasFunctionResponse = lastParts.some((p) => 'functionResponse' in p);
    const gen = isObj(body.generationConfig) ? body.generationConfig : {};
    const schema = gen.responseJsonSchema ?? gen.responseSchema;
    rec.stream = stream;

    let parts: Json[];
    if (tools.length === 0 || schema !== undefined || gen.responseMimeType === 'application/json') {
      rec.kind = 'side';
      const text =
        schema !== undefined || gen.responseMimeType === 'application/json'
          ? JSON.stringify(valueForSchema(schema ?? { type: 'object' }))
          : 'OK';
      parts = [{ text }];
    } else if (!hasFunctionResponse && script.tool) {
      const call = geminiToolCall(script.tool, tools);
      if (call) {
        rec.kind = 'tool';
        rec.toolName = call.name;
        parts = [{ functionCall: { name: call.name, args: call.args } }];
      } else {
        rec.kind = 'final';
        parts = [{ text: script.finalText }];
      }
    } else {
      rec.kind = 'final';
      parts = [{ text: script.finalText }];
    }
    const u = script.usage[rec.kind === 'side' ? 'side' : rec.kind === 'tool' ? 'tool' : 'final'];
    rec.usage = u;
    const id = nextId('gresp');
    rec.responseId = id;
    const usageMetadata: Json = {
      promptTokenCount: u.input,
      candidatesTokenCount: u.output,
      totalTokenCount: u.input + u.output + u.reasoning,
      ...(u.cacheRead > 0 ? { cachedContentTokenCount: u.cacheRead } : {}),
      ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
    };
    const chunk = (p: Json[], finish: boolean): Json => ({
      candidates: [
        {
          content: { role: 'model', parts: p },
          ...(finish ? { finishReason: 'STOP' } : {}),
          index: 0,
        },
      ],
      ...(finish ? { usageMetadata } : {}),
      modelVersion: rec.model,
      responseId: id,
    });
    await sleep(script.delayMs);
    if (!stream) {
      sendJson(res, 200, chunk(parts, true));
      return;
    }
    startSse(res);
    sseEvent(res, null, chunk(parts, true));
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    unknown,
    scripts,
    modelRequests(vendor?: Vendor) {
      return requests.filter(
        (r) =>
          (r.kind === 'tool' || r.kind === 'final' || r.kind === 'side') &&
          (vendor === undefined || r.vendor === vendor),
      );
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
