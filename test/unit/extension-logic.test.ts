// The browser extension's logic modules (extension/lib/), run by node:test as they run in the
// browser: time accounting, the durable outbox, site matching, the browser's name.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentAddress, sendResult } from '../../extension/lib/agent.js';
import { browserName } from '../../extension/lib/browser-name.js';
import {
  BATCH,
  deliver,
  enqueue,
  MAX_AGE_MS,
  type OutEvent,
  queued,
  type SendResult,
  type Storage,
} from '../../extension/lib/outbox.js';
import { matchUrl, siteIndex } from '../../extension/lib/sites.js';
import { observe, type Stretch } from '../../extension/lib/tracker.js';

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const S = 1000;
const chatgpt = { entry: 'chatgpt', site: 'chatgpt.com' };
const claude = { entry: 'claude-web', site: 'claude.ai' };

describe('time accounting', () => {
  test('a stretch runs while each look sees the same site and is cut every minute', () => {
    let r = observe(null, { now: T0, focus: chatgpt });
    assert.deepEqual(r.spans, []);
    r = observe(r.state, { now: T0 + 30 * S, focus: chatgpt });
    assert.deepEqual(r.spans, []);
    r = observe(r.state, { now: T0 + 60 * S, focus: chatgpt });
    assert.deepEqual(r.spans, [{ ...chatgpt, start: T0, end: T0 + 60 * S }]);
    assert.equal(r.state?.since, T0 + 60 * S);
  });

  test('another site, another tab or no focus ends the stretch there', () => {
    let r = observe(null, { now: T0, focus: chatgpt });
    r = observe(r.state, { now: T0 + 10 * S, focus: claude });
    assert.deepEqual(r.spans, [{ ...chatgpt, start: T0, end: T0 + 10 * S }]);
    assert.deepEqual(r.state, { ...claude, since: T0 + 10 * S, checkedAt: T0 + 10 * S });
    // The window lost focus (another application in front).
    r = observe(r.state, { now: T0 + 25 * S, focus: null });
    assert.deepEqual(r.spans, [{ ...claude, start: T0 + 10 * S, end: T0 + 25 * S }]);
    assert.equal(r.state, null);
    assert.deepEqual(observe(null, { now: T0 + 30 * S, focus: null }), { state: null, spans: [] });
  });

  test('idle ends the stretch when the user was last active, never before it began', () => {
    let r = observe(null, { now: T0, focus: chatgpt });
    r = observe(
      r.state,
      { now: T0 + 5 * 60 * S, focus: chatgpt, idleForMs: 60 * S },
      {
        flushMs: 10 * 60 * S,
        staleMs: 10 * 60 * S,
      },
    );
    assert.deepEqual(r.spans, [{ ...chatgpt, start: T0, end: T0 + 4 * 60 * S }]);
    assert.equal(r.state, null);
    r = observe(
      { ...chatgpt, since: T0, checkedAt: T0 },
      {
        now: T0 + 30 * S,
        focus: chatgpt,
        idleForMs: 60 * S,
      },
    );
    assert.deepEqual(r.spans, []);
    // Still idle on the next look: nothing starts.
    assert.equal(observe(null, { now: T0, focus: chatgpt, idleForMs: 60 * S }).state, null);
  });

  test('looks too far apart (a sleeping worker, a suspended machine) end it at the last look', () => {
    const state: Stretch = { ...chatgpt, since: T0, checkedAt: T0 + 40 * S };
    const r = observe(state, { now: T0 + 2 * 3600 * S, focus: chatgpt });
    assert.deepEqual(r.spans, [{ ...chatgpt, start: T0, end: T0 + 40 * S }]);
    assert.deepEqual(r.state, {
      ...chatgpt,
      since: T0 + 2 * 3600 * S,
      checkedAt: T0 + 2 * 3600 * S,
    });
    // A clock that went back is not time spent either.
    const back = observe(state, { now: T0, focus: null });
    assert.deepEqual(back.spans, [{ ...chatgpt, start: T0, end: T0 + 40 * S }]);
  });

  test('a flush cuts the stretch now and it goes on', () => {
    const r = observe(
      { ...chatgpt, since: T0, checkedAt: T0 },
      {
        now: T0 + 5 * S,
        focus: chatgpt,
        flush: true,
      },
    );
    assert.deepEqual(r.spans, [{ ...chatgpt, start: T0, end: T0 + 5 * S }]);
    assert.equal(r.state?.since, T0 + 5 * S);
  });

  test('an hour of looks every 30 s gives an hour, in spans that never overlap', () => {
    let state: Stretch | null = null;
    let total = 0;
    let lastEnd = 0;
    for (let t = 0; t <= 3600; t += 30) {
      const r = observe(state, { now: T0 + t * S, focus: chatgpt });
      for (const s of r.spans) {
        assert.ok(s.start >= lastEnd);
        lastEnd = s.end;
        total += s.end - s.start;
      }
      state = r.state;
    }
    assert.equal(total, 3600 * S);
  });
});

class MapStorage implements Storage {
  readonly map = new Map<string, unknown>();
  async get(keys: string | string[] | null): Promise<Record<string, unknown>> {
    const want = keys === null ? [...this.map.keys()] : typeof keys === 'string' ? [keys] : keys;
    return Object.fromEntries(want.filter((k) => this.map.has(k)).map((k) => [k, this.map.get(k)]));
  }
  async set(items: Record<string, unknown>): Promise<void> {
    for (const [k, v] of Object.entries(items)) this.map.set(k, structuredClone(v));
  }
  async remove(keys: string | string[]): Promise<void> {
    for (const k of typeof keys === 'string' ? [keys] : keys) this.map.delete(k);
  }
}

const visit = (id: string, ts = T0): OutEvent => ({ id, type: 'visit', ...chatgpt, ts });

describe('outbox', () => {
  test('events stay queued until the agent takes them; a stopped agent loses nothing', async () => {
    const st = new MapStorage();
    await enqueue(st, [visit('aaaaaaaa-1'), visit('aaaaaaaa-2')], T0);
    const down = await deliver(st, async () => ({ kind: 'unavailable', error: 'down' }), T0);
    assert.equal(down.sent, 0);
    assert.equal(down.left, 2);
    assert.equal(down.stopped?.kind, 'unavailable');
    assert.equal((await queued(st)).length, 2);
    const got: OutEvent[] = [];
    const up = await deliver(
      st,
      async (events) => {
        got.push(...events);
        return { kind: 'ok' };
      },
      T0,
    );
    assert.deepEqual(
      got.map((e) => e.id),
      ['aaaaaaaa-1', 'aaaaaaaa-2'],
    );
    assert.deepEqual(up, { sent: 2, dropped: 0, left: 0 });
    assert.equal((await queued(st)).length, 0);
  });

  test('an unpaired or refused agent keeps everything', async () => {
    const st = new MapStorage();
    await enqueue(st, [visit('bbbbbbbb-1')], T0);
    const r = await deliver(st, async () => ({ kind: 'refused', error: 'wrong code' }), T0);
    assert.equal(r.stopped?.kind, 'refused');
    assert.equal((await queued(st)).length, 1);
  });

  test(`sends ${BATCH} at a time, oldest first`, async () => {
    const st = new MapStorage();
    const many = Array.from({ length: BATCH + 5 }, (_, i) => visit(`cccccccc-${i}`, T0 + i));
    await enqueue(st, many.slice(0, 100), T0);
    await enqueue(st, many.slice(100), T0 + 1);
    const sizes: number[] = [];
    let first = '';
    await deliver(
      st,
      async (events) => {
        sizes.push(events.length);
        first ||= events[0]!.id;
        return { kind: 'ok' };
      },
      T0,
    );
    assert.deepEqual(sizes, [BATCH, 5]);
    assert.equal(first, 'cccccccc-0');
  });

  test('a malformed event is found by halving and dropped; the rest is delivered', async () => {
    const st = new MapStorage();
    const events = Array.from({ length: 7 }, (_, i) => visit(`dddddddd-${i}`));
    await enqueue(st, events, T0);
    const taken: string[] = [];
    const send = async (batch: OutEvent[]): Promise<SendResult> => {
      if (batch.some((e) => e.id === 'dddddddd-4')) return { kind: 'rejected', error: 'bad' };
      taken.push(...batch.map((e) => e.id));
      return { kind: 'ok' };
    };
    const r = await deliver(st, send, T0);
    assert.equal(r.sent, 6);
    assert.equal(r.dropped, 1);
    assert.equal(r.left, 0);
    assert.deepEqual(
      taken.sort(),
      events.map((e) => e.id).filter((id) => id !== 'dddddddd-4'),
    );
  });

  test('events older than the agent takes are dropped, not sent', async () => {
    const st = new MapStorage();
    await enqueue(st, [visit('eeeeeeee-1', T0 - MAX_AGE_MS - 1), visit('eeeeeeee-2')], T0);
    const sent: string[] = [];
    const r = await deliver(
      st,
      async (b) => {
        sent.push(...b.map((e) => e.id));
        return { kind: 'ok' };
      },
      T0,
    );
    assert.deepEqual(sent, ['eeeeeeee-2']);
    assert.equal(r.dropped, 1);
  });

  test('agent answers map to what the outbox does', () => {
    assert.deepEqual(sendResult({ status: 200, body: {} }), { kind: 'ok' });
    assert.equal(sendResult({ status: 400, body: { error: 'x' } }).kind, 'rejected');
    assert.equal(sendResult({ status: 401, body: { error: 'x' } }).kind, 'refused');
    assert.equal(sendResult({ status: 403, body: {} }).kind, 'refused');
    assert.equal(sendResult({ status: 503, body: {} }).kind, 'unavailable');
    assert.equal(sendResult({ status: 0, error: 'refused' }).kind, 'unavailable');
  });
});

describe('sites and names', () => {
  const index = siteIndex([
    { entry: 'chatgpt', name: 'ChatGPT', domain: 'chatgpt.com', pathPrefix: '' },
    { entry: 'huggingface', name: 'Hugging Face', domain: 'huggingface.co', pathPrefix: '' },
    { entry: 'huggingchat', name: 'HuggingChat', domain: 'huggingface.co', pathPrefix: '/chat' },
  ]);

  test('a URL matches its catalog site by domain, subdomain and path prefix', () => {
    assert.deepEqual(matchUrl('https://chatgpt.com/c/123?x=1', index), chatgpt);
    assert.deepEqual(matchUrl('https://www.chatgpt.com/', index), chatgpt);
    assert.deepEqual(matchUrl('https://eu.chatgpt.com./x', index), chatgpt);
    assert.deepEqual(matchUrl('https://huggingface.co/chat/conversation/1', index), {
      entry: 'huggingchat',
      site: 'huggingface.co',
    });
    assert.deepEqual(matchUrl('https://huggingface.co/chatter', index), {
      entry: 'huggingface',
      site: 'huggingface.co',
    });
    assert.equal(matchUrl('https://notchatgpt.com/', index), undefined);
    assert.equal(matchUrl('chrome://newtab/', index), undefined);
    assert.equal(matchUrl('not a url', index), undefined);
    assert.equal(matchUrl(undefined, index), undefined);
  });

  test("the browser's real name, from the client hints or the user agent", () => {
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0.0.0 Safari/537.36';
    const brands = (b: string, v = '130') => [
      { brand: 'Not?A_Brand', version: '99' },
      { brand: 'Chromium', version: '130' },
      { brand: b, version: v },
    ];
    assert.deepEqual(browserName({ brands: brands('Google Chrome'), userAgent: ua }), {
      name: 'Chrome',
      version: '130',
    });
    assert.equal(browserName({ brands: brands('Microsoft Edge'), userAgent: ua }).name, 'Edge');
    assert.equal(browserName({ brands: brands('Opera', '115'), userAgent: ua }).version, '115');
    assert.equal(browserName({ brands: brands('Brave'), userAgent: ua }).name, 'Brave');
    const plain = brands('Chromium').slice(0, 2);
    assert.equal(browserName({ brands: plain, userAgent: ua, isBrave: true }).name, 'Brave');
    assert.equal(
      browserName({ brands: plain, userAgent: `${ua} Vivaldi/7.1.3570.39` }).name,
      'Vivaldi',
    );
    assert.equal(browserName({ userAgent: `${ua} OPR/115.0.0.0` }).name, 'Opera');
    assert.deepEqual(browserName({ brands: plain, userAgent: ua }), {
      name: 'Chromium',
      version: '130',
    });
  });

  test('the agent address must be http on loopback', () => {
    assert.equal(agentAddress('http://127.0.0.1:4318/'), 'http://127.0.0.1:4318');
    assert.equal(agentAddress(' http://localhost:9000 '), 'http://localhost:9000');
    assert.equal(agentAddress('https://127.0.0.1:4318'), undefined);
    assert.equal(agentAddress('http://example.com:4318'), undefined);
    assert.equal(agentAddress('http://127.0.0.1:4318/api'), undefined);
    assert.equal(agentAddress('nonsense'), undefined);
  });
});
