// Generators for the property-based tests: OTLP/JSON requests of every signal whose fields are
// mostly right and sometimes of the wrong type, hook payloads, and transcript lines. Sizes are
// kept small so that a run of 100,000 cases stays within the suite's time.

import fc from 'fast-check';

/** How many runs each property makes: FUZZ_SCALE=10 multiplies them for a longer search. */
export function runs(n: number): number {
  const scale = Number(process.env.FUZZ_SCALE ?? '1');
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Any JSON value, shallow. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 2 }),
);

/** `value` most of the time, a value of some other type now and then. */
export function mostly<T>(value: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary: value }, { weight: 1, arbitrary: junk });
}

const int64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.integer(),
  fc.constantFrom('', '1e3', '0x10', '-0', '18446744073709551616'),
);
const nanos = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  fc.integer({ min: 0 }).map(String),
  fc.constant('0'),
);
const hexId = (bytes: number) =>
  fc.oneof(
    fc
      .uint8Array({ minLength: bytes, maxLength: bytes })
      .map((b) => Buffer.from(b).toString('hex')),
    fc.constant(''),
    fc.string({ maxLength: bytes * 2 }),
  );

const { anyValue } = fc.letrec<{ anyValue: unknown; kv: unknown }>((tie) => ({
  anyValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ stringValue: fc.string({ maxLength: 12 }) }),
    fc.record({ intValue: int64 }),
    fc.record({ doubleValue: fc.oneof(fc.double(), fc.constantFrom('NaN', 'Infinity')) }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ bytesValue: fc.base64String({ maxLength: 12 }) }),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('anyValue'), { maxLength: 3 }) }) }),
    fc.record({ kvlistValue: fc.record({ values: fc.array(tie('kv'), { maxLength: 3 }) }) }),
    junk,
  ),
  kv: fc.record(
    { key: mostly(fc.string({ maxLength: 10 })), value: tie('anyValue') },
    { requiredKeys: ['key'] },
  ),
}));

/** Attribute keys the normalizers read, so that generated values reach their branches. */
const KNOWN_KEYS = [
  'session.id',
  'session_id',
  'conversation.id',
  'event.name',
  'request_id',
  'model',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'cost_usd',
  'duration_ms',
  'tool_name',
  'decision',
  'prompt',
  'prompt_length',
  'service.name',
  'type',
  'gen_ai.usage.input_tokens',
  'gen_ai.request.model',
  'input_token_count',
  'output_token_count',
  'cached_content_token_count',
];
const SERVICES = ['claude-code', 'codex_cli_rs', 'codex-tui', 'gemini-cli', 'other'];
const EVENT_NAMES = [
  'claude_code.api_request',
  'claude_code.user_prompt',
  'claude_code.tool_result',
  'claude_code.tool_decision',
  'api_request',
  'codex.sse_event',
  'codex.user_prompt',
  'codex.tool_decision',
  'gemini_cli.api_response',
  'gemini_cli.user_prompt',
  'gemini_cli.tool_call',
  'x',
];
const METRIC_NAMES = [
  'claude_code.token.usage',
  'claude_code.cost.usage',
  'claude_code.session.count',
  'codex.turn.token_usage',
  'gemini_cli.token.usage',
  'gen_ai.client.token.usage',
  'x',
];

const attrValue = fc.oneof(
  { weight: 3, arbitrary: fc.record({ stringValue: fc.string({ maxLength: 12 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ stringValue: fc.constantFrom(...SERVICES, ...EVENT_NAMES, 's-1') }),
  },
  { weight: 2, arbitrary: fc.record({ intValue: int64 }) },
  { weight: 1, arbitrary: fc.record({ doubleValue: fc.double() }) },
  { weight: 2, arbitrary: anyValue },
);
const attribute = fc.record({
  key: mostly(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 10 }))),
  value: attrValue,
});
const attributes = mostly(fc.array(attribute, { maxLength: 6 }));
const resource = mostly(
  fc.record({
    attributes: mostly(
      fc.array(
        fc.oneof(
          attribute,
          fc.record({
            key: fc.constant('service.name'),
            value: fc.record({ stringValue: fc.constantFrom(...SERVICES) }),
          }),
        ),
        { maxLength: 3 },
      ),
    ),
  }),
);
const scope = mostly(fc.record({ name: mostly(fc.string({ maxLength: 8 })) }));

const logRecord = fc.record(
  {
    timeUnixNano: mostly(nanos),
    observedTimeUnixNano: mostly(nanos),
    severityNumber: mostly(fc.integer({ min: -1, max: 30 })),
    body: mostly(anyValue),
    attributes,
    eventName: mostly(fc.constantFrom(...EVENT_NAMES)),
    traceId: mostly(hexId(16)),
    spanId: mostly(hexId(8)),
  },
  { requiredKeys: [] },
);

export const otlpLogsJson = fc.record(
  {
    resourceLogs: mostly(
      fc.array(
        fc.record(
          {
            resource,
            scopeLogs: mostly(
              fc.array(
                fc.record(
                  { scope, logRecords: mostly(fc.array(logRecord, { maxLength: 3 })) },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    ),
  },
  { requiredKeys: [] },
);

const numberPoint = fc.record(
  {
    attributes,
    startTimeUnixNano: mostly(nanos),
    timeUnixNano: mostly(nanos),
    asDouble: mostly(fc.double()),
    asInt: mostly(int64),
    flags: mostly(fc.integer({ min: 0, max: 3 })),
    exemplars: mostly(
      fc.array(fc.record({ traceId: mostly(hexId(16)), spanId: mostly(hexId(8)) }), {
        maxLength: 1,
      }),
    ),
  },
  { requiredKeys: [] },
);
const temporality = mostly(fc.integer({ min: 0, max: 3 }));
const histogramPoint = fc.record(
  {
    attributes,
    timeUnixNano: mostly(nanos),
    count: mostly(int64),
    sum: mostly(fc.double()),
    bucketCounts: mostly(fc.array(int64, { maxLength: 3 })),
    explicitBounds: mostly(fc.array(fc.double(), { maxLength: 3 })),
    flags: mostly(fc.integer({ min: 0, max: 3 })),
  },
  { requiredKeys: [] },
);
const metric = fc.record(
  {
    name: mostly(fc.constantFrom(...METRIC_NAMES)),
    unit: mostly(fc.string({ maxLength: 4 })),
    sum: mostly(
      fc.record(
        {
          dataPoints: mostly(fc.array(numberPoint, { maxLength: 3 })),
          aggregationTemporality: temporality,
          isMonotonic: mostly(fc.boolean()),
        },
        { requiredKeys: [] },
      ),
    ),
    gauge: mostly(fc.record({ dataPoints: mostly(fc.array(numberPoint, { maxLength: 2 })) })),
    histogram: mostly(
      fc.record(
        {
          dataPoints: mostly(fc.array(histogramPoint, { maxLength: 2 })),
          aggregationTemporality: temporality,
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ['name'] },
);

export const otlpMetricsJson = fc.record(
  {
    resourceMetrics: mostly(
      fc.array(
        fc.record(
          {
            resource,
            scopeMetrics: mostly(
              fc.array(
                fc.record(
                  { scope, metrics: mostly(fc.array(metric, { maxLength: 3 })) },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    ),
  },
  { requiredKeys: [] },
);

const span = fc.record(
  {
    traceId: mostly(hexId(16)),
    spanId: mostly(hexId(8)),
    parentSpanId: mostly(hexId(8)),
    name: mostly(fc.constantFrom('claude_code.interaction', 'session_task', 'llm_request', 'x')),
    kind: mostly(fc.integer({ min: 0, max: 6 })),
    startTimeUnixNano: mostly(nanos),
    endTimeUnixNano: mostly(nanos),
    attributes,
    links: mostly(
      fc.array(fc.record({ traceId: mostly(hexId(16)), spanId: mostly(hexId(8)) }), {
        maxLength: 1,
      }),
    ),
    status: mostly(fc.record({ code: mostly(fc.integer({ min: 0, max: 3 })) })),
  },
  { requiredKeys: [] },
);

export const otlpTracesJson = fc.record(
  {
    resourceSpans: mostly(
      fc.array(
        fc.record(
          {
            resource,
            scopeSpans: mostly(
              fc.array(
                fc.record(
                  { scope, spans: mostly(fc.array(span, { maxLength: 3 })) },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    ),
  },
  { requiredKeys: [] },
);

export const OTLP_JSON: Record<'logs' | 'metrics' | 'traces', fc.Arbitrary<object>> = {
  logs: otlpLogsJson,
  metrics: otlpMetricsJson,
  traces: otlpTracesJson,
} as const;

/** Byte-level damage to an encoded message: flips, cuts, inserts, duplicated ranges. */
export const mutation = fc.oneof(
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
  }),
  fc.record({
    op: fc.constant('dup' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 16 }),
  }),
);

export function mutate(
  bytes: Uint8Array,
  muts: Array<
    | { op: 'flip'; at: number; byte: number }
    | { op: 'cut'; at: number }
    | { op: 'insert'; at: number; bytes: Uint8Array }
    | { op: 'dup'; at: number; len: number }
  >,
): Uint8Array {
  let b = Buffer.from(bytes);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.op === 'flip' && b.length > 0) b[at % b.length] = m.byte;
    else if (m.op === 'cut') b = b.subarray(0, at);
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.op === 'dup') b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at)]);
  }
  return b;
}

const hookEvents = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PermissionRequest',
  'Notification',
  'Stop',
  'SessionEnd',
  'Other',
];

/** Claude Code hook payloads, mostly well-formed. */
export const claudeHookPayload = fc.oneof(
  junk,
  fc.record(
    {
      hook_event_name: mostly(fc.constantFrom(...hookEvents)),
      session_id: mostly(fc.string({ maxLength: 12 })),
      cwd: mostly(fc.string({ maxLength: 20 })),
      notification_type: mostly(
        fc.constantFrom('permission_prompt', 'elicitation_dialog', 'idle_prompt'),
      ),
      prompt: fc.string({ maxLength: 20 }),
      tool_input: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  ),
);

/** Codex `notify` payloads, mostly well-formed. */
export const codexNotifyPayload = fc.oneof(
  junk,
  fc.record(
    {
      type: mostly(fc.constantFrom('agent-turn-complete', 'other')),
      'thread-id': mostly(fc.string({ maxLength: 12 })),
      thread_id: mostly(fc.string({ maxLength: 12 })),
      cwd: mostly(fc.string({ maxLength: 20 })),
      'last-assistant-message': fc.string({ maxLength: 20 }),
    },
    { requiredKeys: [] },
  ),
);

const isoTime = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
  fc.string({ maxLength: 10 }),
);
const tokens = mostly(fc.oneof(fc.nat(), fc.double(), fc.integer({ min: -1000, max: 1000 })));

/** One Claude Code transcript line (an object, or anything). */
export const claudeLine = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          type: mostly(fc.constantFrom('assistant', 'user', 'summary')),
          timestamp: mostly(isoTime),
          sessionId: mostly(fc.string({ maxLength: 8 })),
          requestId: mostly(fc.string({ maxLength: 8 })),
          cwd: mostly(fc.string({ maxLength: 12 })),
          costUSD: mostly(fc.double()),
          message: mostly(
            fc.record(
              {
                id: mostly(fc.string({ maxLength: 8 })),
                model: mostly(fc.constantFrom('claude-sonnet-4-5', '<synthetic>', 'x')),
                usage: mostly(
                  fc.record(
                    {
                      input_tokens: tokens,
                      output_tokens: tokens,
                      cache_read_input_tokens: tokens,
                      cache_creation_input_tokens: tokens,
                      cache_creation: mostly(
                        fc.record(
                          { ephemeral_5m_input_tokens: tokens, ephemeral_1h_input_tokens: tokens },
                          { requiredKeys: [] },
                        ),
                      ),
                    },
                    { requiredKeys: [] },
                  ),
                ),
              },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
);

const codexUsage = mostly(
  fc.record(
    {
      input_tokens: tokens,
      cached_input_tokens: tokens,
      output_tokens: tokens,
      reasoning_output_tokens: tokens,
      total_tokens: tokens,
    },
    { requiredKeys: [] },
  ),
);

/** One Codex rollout line. */
export const codexLine = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          timestamp: mostly(isoTime),
          type: mostly(
            fc.constantFrom('session_meta', 'turn_context', 'event_msg', 'response_item'),
          ),
          payload: mostly(
            fc.record(
              {
                type: mostly(fc.constantFrom('token_count', 'agent_message')),
                id: mostly(fc.string({ maxLength: 8 })),
                cwd: mostly(fc.string({ maxLength: 12 })),
                model: mostly(fc.constantFrom('gpt-5-codex', 'o3')),
                info: mostly(
                  fc.record(
                    {
                      total_token_usage: codexUsage,
                      last_token_usage: codexUsage,
                      model: mostly(fc.string({ maxLength: 6 })),
                    },
                    { requiredKeys: [] },
                  ),
                ),
              },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
);

/** One Gemini CLI chat recording line. */
export const geminiLine = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          sessionId: mostly(fc.string({ maxLength: 8 })),
          projectHash: mostly(fc.string({ maxLength: 8 })),
          id: mostly(fc.string({ maxLength: 8 })),
          timestamp: mostly(isoTime),
          type: mostly(fc.constantFrom('gemini', 'user', 'info')),
          model: mostly(fc.constantFrom('gemini-2.5-pro', 'x')),
          tokens: mostly(
            fc.record(
              { input: tokens, output: tokens, cached: tokens, thoughts: tokens, total: tokens },
              { requiredKeys: [] },
            ),
          ),
          $set: fc.constant(undefined),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
);
