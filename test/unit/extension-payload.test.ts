// The agent's side of the extension, pure parts: the events' checks (a clear error naming the
// field; nothing but the catalog site and times), their activity, and the pairing code check.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadCatalog } from '../../src/catalog/load.ts';
import {
  ExtensionPayloadError,
  extensionActivity,
  extensionSites,
  MAX_EVENT_AGE_MS,
  MAX_EVENTS_PER_BATCH,
  parseExtensionBatch,
} from '../../src/domain/activity/extension.ts';
import { COUNT_BUCKET_MS } from '../../src/domain/activity/intervals.ts';
import {
  codeMatches,
  newPairingCode,
  PairingFile,
  pairingFor,
  readPairing,
  writePairing,
} from '../../src/ingest/extension/pairing.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const browser = { name: 'Brave', version: '130' };
const time = {
  id: 'time-0000-1',
  type: 'time',
  entry: 'chatgpt',
  site: 'chatgpt.com',
  start: NOW - 60_000,
  end: NOW - 1000,
};
const visit = {
  id: 'visit-000-1',
  type: 'visit',
  entry: 'chatgpt',
  site: 'chatgpt.com',
  ts: NOW - 120_000,
};
const catalog = loadCatalog({});

describe('extension events', () => {
  test('good events pass as they are', () => {
    assert.deepEqual(parseExtensionBatch({ browser, events: [time, visit] }, NOW), {
      browser,
      events: [time, visit],
    });
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', [], /^body: must be a JSON object/],
    ['no browser', { events: [] }, /^browser: must be an object/],
    [
      'a browser name with markup',
      { browser: { name: '<b>', version: '1' }, events: [] },
      /^browser\.name/,
    ],
    [
      'a URL field',
      { browser, events: [{ ...visit, url: 'https://chatgpt.com/c/1' }] },
      /^events\[0\]\.url: is not a field of a visit event/,
    ],
    ['a title field', { browser, events: [{ ...time, title: 'x' }] }, /^events\[0\]\.title/],
    [
      'a site with a path',
      { browser, events: [{ ...visit, site: 'chatgpt.com/c/1' }] },
      /^events\[0\]\.site: must be a lower-case domain/,
    ],
    ['a short id', { browser, events: [{ ...visit, id: 'abc' }] }, /^events\[0\]\.id/],
    [
      'a time as text',
      { browser, events: [{ ...visit, ts: '1' }] },
      /^events\[0\]\.ts: must be a time/,
    ],
    ['a fraction of a ms', { browser, events: [{ ...visit, ts: 1.5 }] }, /^events\[0\]\.ts/],
    [
      'the future',
      { browser, events: [{ ...time, end: NOW + 3_600_000 }] },
      /^events\[0\]\.end: is in the future/,
    ],
    [
      'an end before the start',
      { browser, events: [{ ...time, end: time.start - 1 }] },
      /^events\[0\]\.end: is before its start/,
    ],
    [
      'a stretch over 6 h',
      { browser, events: [{ ...time, start: NOW - 7 * 3_600_000 }] },
      /longer than 6 hours/,
    ],
    ['an unknown type', { browser, events: [{ ...visit, type: 'click' }] }, /^events\[0\]\.type/],
    [
      'too many',
      { browser, events: Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, () => visit) },
      /^events: has 501 events; send 500 at most/,
    ],
  ];
  for (const [what, body, message] of bad) {
    test(`refused: ${what}`, () => {
      assert.throws(
        () => parseExtensionBatch(body, NOW),
        (err: Error) => err instanceof ExtensionPayloadError && message.test(err.message),
      );
    });
  }

  test('events become extension activity, one batch per event; stale or unknown are ignored', () => {
    const events = [
      time,
      visit,
      { ...visit, id: 'visit-000-2', entry: 'nope' },
      { ...visit, id: 'visit-000-3', site: 'example.org' },
      { ...visit, id: 'visit-000-4', ts: NOW - MAX_EVENT_AGE_MS - 1 },
      // An entry of another kind under a site's domain.
      { ...visit, id: 'visit-000-5', entry: 'claude-code', site: 'claude.ai' },
    ];
    const r = extensionActivity(parseExtensionBatch({ browser, events }, NOW), catalog, NOW);
    assert.equal(r.ignored, 4);
    assert.deepEqual(
      r.batches.map((b) => [b.id, b.origin]),
      [
        ['time-0000-1', 'extension:Brave'],
        ['visit-000-1', 'extension:Brave'],
      ],
    );
    const [t, v] = r.batches;
    assert.deepEqual(t!.intervals, [
      {
        kind: 'site',
        subject: 'chatgpt.com',
        entry: 'chatgpt',
        category: catalog.byId.get('chatgpt')!.category,
        rate: catalog.byId.get('chatgpt')!.hourlyRate,
        start: time.start,
        end: time.end,
        source: 'extension',
      },
    ]);
    assert.deepEqual(t!.counts, []);
    assert.equal(v!.counts[0]!.bucket % COUNT_BUCKET_MS, 0);
    assert.equal(v!.counts[0]!.source, 'extension');
    assert.equal(v!.counts[0]!.visits, 1);
  });

  test('the catalog the extension reads holds every site rule, with path prefixes', () => {
    const sites = extensionSites(catalog);
    assert.ok(sites.some((s) => s.domain === 'github.com' && s.pathPrefix === '/copilot'));
    assert.ok(sites.every((s) => catalog.byId.get(s.entry)?.kind === 'site'));
  });
});

describe('pairing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aio-pairing-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the code matches only as a bearer token, whatever length is sent', () => {
    const code = newPairingCode();
    const p = pairingFor(code, null, NOW);
    assert.ok(codeMatches(p, `Bearer ${code}`));
    assert.ok(!codeMatches(p, code));
    assert.ok(!codeMatches(p, `Bearer ${code}x`));
    assert.ok(!codeMatches(p, 'Bearer '));
    assert.ok(!codeMatches(p, `Bearer ${'x'.repeat(10_000)}`));
    assert.ok(!codeMatches(p, undefined));
    assert.notEqual(newPairingCode(), code);
  });

  test('the file is 0600, read again when it changes, and a bad one is an error naming it', () => {
    const file = join(dir, 'sub', 'extension-pairing.json');
    const code = newPairingCode();
    writePairing(file, pairingFor(code, null, NOW));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const seen = new PairingFile(file);
    assert.equal(seen.current()?.origin, null);
    const origin = `chrome-extension://${'c'.repeat(32)}`;
    seen.pin(origin);
    assert.equal(readPairing(file)?.origin, origin);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    writePairing(file, pairingFor(newPairingCode(), null, NOW + 1));
    assert.equal(seen.current()?.origin, null, 'a new pairing is seen at once');
    writeFileSync(file, '{"tokenSha256":"x"}');
    assert.throws(() => readPairing(file), new RegExp(`cannot read ${file}: not a pairing`));
    rmSync(file);
    assert.equal(seen.current(), undefined);
  });
});
