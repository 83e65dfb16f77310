import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundObservation, cut, MAX_ID_CHARS, MAX_NAME_CHARS } from '../../src/domain/bounds.ts';
import type { Observation, SessionSignal, UsageEvent } from '../../src/domain/events.ts';
import { ZERO_TOKENS } from '../../src/domain/events.ts';

const signal: SessionSignal = {
  kind: 'activity',
  tool: 'claude-code',
  sessionId: 's-1',
  ts: 1,
  explicit: false,
  source: 'otlp',
  model: 'claude-sonnet-4-5',
  project: 'shop',
  detail: 'api_request',
};
const usage: UsageEvent = {
  key: 'claude-code:req_1',
  ts: 1,
  tool: 'claude-code',
  sessionId: 's-1',
  model: 'claude-sonnet-4-5',
  project: 'shop',
  tokens: { ...ZERO_TOKENS, input: 1 },
  costUsd: undefined,
  costBasis: 'unknown',
  sources: ['otlp'],
};

test('ordinary observations pass through as they are', () => {
  const obs: Observation = { signal, usage };
  assert.equal(boundObservation(obs), obs);
});

test('a session id too long to be one drops the observation', () => {
  const long = 'x'.repeat(MAX_ID_CHARS + 1);
  assert.equal(
    boundObservation({
      signal: { ...signal, sessionId: long },
      usage: { ...usage, sessionId: long },
    }),
    undefined,
  );
  assert.equal(
    boundObservation({ signal, usage: { ...usage, key: `k:${long}${long}` } })?.usage,
    undefined,
  );
  assert.equal(
    boundObservation({
      signal: { ...signal, sessionId: 'x'.repeat(MAX_ID_CHARS) },
      usage: undefined,
    })?.signal?.sessionId.length,
    MAX_ID_CHARS,
  );
});

test('long names are cut with an ellipsis, in the signal and the billed request', () => {
  const long = 'm'.repeat(10_000);
  const out = boundObservation({
    signal: { ...signal, model: long, project: long, detail: long },
    usage: { ...usage, model: long, project: long },
  });
  for (const v of [
    out?.signal?.model,
    out?.signal?.project,
    out?.signal?.detail,
    out?.usage?.model,
    out?.usage?.project,
  ]) {
    assert.equal(v?.length, MAX_NAME_CHARS);
    assert.ok(v?.endsWith('…'));
  }
  assert.equal(cut('short'), 'short');
});
