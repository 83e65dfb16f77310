import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeLog } from '../../src/domain/normalize/logs.ts';
import { metricUsage } from '../../src/domain/normalize/metrics.ts';
import { normalizeSpan } from '../../src/domain/normalize/spans.ts';
import { logRecord, metricPoint } from '../support/records.ts';

describe('Claude Code log events', () => {
  test('api_request: name from the body, numbers as strings, reported cost, request id key', () => {
    const obs = normalizeLog(
      logRecord(
        {
          'event.name': 'api_request',
          'session.id': 'sess-1',
          model: 'claude-sonnet-4-5',
          input_tokens: '12',
          output_tokens: 34,
          cache_read_tokens: '100',
          cache_creation_tokens: '7',
          cost_usd: '0.0123',
          request_id: 'req_abc',
        },
        { body: 'claude_code.api_request', timeMs: 5000 },
      ),
    );
    assert.equal(obs?.signal?.kind, 'activity');
    assert.equal(obs?.signal?.sessionId, 'sess-1');
    assert.deepEqual(obs?.usage?.tokens, {
      input: 12,
      output: 34,
      cacheRead: 100,
      cacheWrite5m: 7,
      cacheWrite1h: 0,
      reasoning: 0,
    });
    assert.equal(obs?.usage?.costUsd, 0.0123);
    assert.equal(obs?.usage?.costBasis, 'reported');
    assert.equal(obs?.usage?.key, 'claude-code:req_abc');
    assert.equal(obs?.usage?.model, 'claude-sonnet-4-5');
  });

  test('user_prompt is a prompt; tool events are activity; unknown events are activity', () => {
    const kinds = ['user_prompt', 'tool_result', 'tool_decision', 'something_new'].map(
      (name) =>
        normalizeLog(
          logRecord({ 'event.name': name, 'session.id': 's' }, { body: `claude_code.${name}` }),
        )?.signal?.kind,
    );
    assert.deepEqual(kinds, ['prompt', 'activity', 'activity', 'activity']);
  });

  test("Claude Code's own bookkeeping (hooks running, plugins, settings) is not activity", () => {
    for (const name of ['hook_execution_start', 'hook_execution_complete', 'plugin_loaded']) {
      const obs = normalizeLog(
        logRecord({ 'event.name': name, 'session.id': 's' }, { body: `claude_code.${name}` }),
      );
      assert.deepEqual(obs, { signal: undefined, usage: undefined }, name);
    }
  });

  test('a bare event name is recognised by the service name', () => {
    const obs = normalizeLog(
      logRecord(
        { 'event.name': 'user_prompt', 'session.id': 's' },
        { resource: { 'service.name': 'claude-code' } },
      ),
    );
    assert.equal(obs?.signal?.tool, 'claude-code');
    assert.equal(obs?.signal?.kind, 'prompt');
  });

  test('no session id: no signal and no usage (never a session per event)', () => {
    const obs = normalizeLog(
      logRecord(
        { 'event.name': 'api_request', input_tokens: 5 },
        { body: 'claude_code.api_request' },
      ),
    );
    assert.deepEqual(obs, { signal: undefined, usage: undefined });
  });

  test('bad numbers count as zero, never NaN', () => {
    const obs = normalizeLog(
      logRecord(
        { 'event.name': 'api_request', 'session.id': 's', input_tokens: 'lots', output_tokens: -5 },
        { body: 'claude_code.api_request' },
      ),
    );
    assert.equal(obs?.usage?.tokens.input, 0);
    assert.equal(obs?.usage?.tokens.output, 0);
    assert.equal(obs?.usage?.costBasis, 'unknown');
  });
});

describe('Codex log events', () => {
  test('response.completed sse_event: cached out of input, reasoning inside output', () => {
    const obs = normalizeLog(
      logRecord({
        'event.name': 'codex.sse_event',
        'event.kind': 'response.completed',
        'conversation.id': 'th-1',
        model: 'gpt-5.5',
        input_token_count: '1000',
        cached_token_count: '600',
        output_token_count: '50',
        reasoning_token_count: '20',
      }),
    );
    assert.deepEqual(obs?.usage?.tokens, {
      input: 400,
      output: 50,
      cacheRead: 600,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 20,
    });
    assert.equal(obs?.usage?.costBasis, 'unknown');
    assert.equal(obs?.signal?.sessionId, 'th-1');
  });

  test('other sse events carry no usage; conversation_starts starts a session', () => {
    const delta = normalizeLog(
      logRecord({
        'event.name': 'codex.sse_event',
        'event.kind': 'response.output_text.delta',
        'conversation.id': 'th-1',
      }),
    );
    assert.equal(delta?.usage, undefined);
    const start = normalizeLog(
      logRecord({ 'event.name': 'codex.conversation_starts', 'conversation.id': 'th-1' }),
    );
    assert.equal(start?.signal?.kind, 'start');
    const prompt = normalizeLog(
      logRecord({ 'event.name': 'codex.user_prompt', 'conversation.id': 'th-1' }),
    );
    assert.equal(prompt?.signal?.kind, 'prompt');
  });
});

describe('Gemini CLI log events', () => {
  test('api_response: cached out of input, thoughts billed as output', () => {
    const obs = normalizeLog(
      logRecord({
        'event.name': 'gemini_cli.api_response',
        'session.id': 'g-1',
        model: 'gemini-2.5-pro',
        input_token_count: 200,
        cached_content_token_count: 50,
        output_token_count: 30,
        thoughts_token_count: 10,
        prompt_id: 'p1',
      }),
    );
    assert.deepEqual(obs?.usage?.tokens, {
      input: 150,
      output: 40,
      cacheRead: 50,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 10,
    });
  });

  test('session id may be on the resource only', () => {
    const obs = normalizeLog(
      logRecord({ 'event.name': 'gemini_cli.user_prompt' }, { resource: { 'session.id': 'g-2' } }),
    );
    assert.equal(obs?.signal?.sessionId, 'g-2');
    assert.equal(obs?.signal?.kind, 'prompt');
  });
});

test('records from unknown software are not ours', () => {
  assert.equal(
    normalizeLog(logRecord({ 'event.name': 'http.request' }, { body: 'GET /' })),
    undefined,
  );
});

describe('usage metrics', () => {
  test('Claude token and cost counters by type', () => {
    const tok = metricUsage(
      metricPoint({
        name: 'claude_code.token.usage',
        attributes: { type: 'cacheRead', 'session.id': 's', model: 'm' },
      }),
      42,
    );
    assert.equal(tok?.tokens.cacheRead, 42);
    const cost = metricUsage(
      metricPoint({ name: 'claude_code.cost.usage', attributes: { 'session.id': 's' } }),
      0.5,
    );
    assert.equal(cost?.costUsd, 0.5);
  });

  test('no session id, no usage; other metrics, no usage', () => {
    assert.equal(
      metricUsage(
        metricPoint({ name: 'claude_code.token.usage', attributes: { type: 'input' } }),
        5,
      ),
      undefined,
    );
    assert.equal(
      metricUsage(
        metricPoint({ name: 'claude_code.session.count', attributes: { 'session.id': 's' } }),
        1,
      ),
      undefined,
    );
  });

  test('Gemini cache tokens move out of input', () => {
    const u = metricUsage(
      metricPoint({
        name: 'gemini_cli.token.usage',
        attributes: { type: 'cache', 'session.id': 'g' },
        temporality: 'cumulative',
      }),
      30,
    );
    assert.equal(u?.tokens.cacheRead, 30);
    assert.equal(u?.tokens.input, -30);
  });
});

test('spans are activity in the session named by their attributes', () => {
  const signal = normalizeSpan({
    name: 'claude_code.interaction',
    traceId: 'a',
    spanId: 'b',
    startTimeMs: 1,
    endTimeMs: 9,
    attributes: { 'session.id': 's' },
    resource: { 'service.name': 'claude-code' },
    scope: 'x',
  });
  assert.equal(signal?.kind, 'activity');
  assert.equal(signal?.ts, 9);
});
