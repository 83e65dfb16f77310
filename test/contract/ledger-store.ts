// The contract every LedgerStore keeps (the SQLite ledger and the in-memory one): how events
// merge, how the rollup follows them, cursors, and repricing. Run by test/unit/ledger-*.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TokenCounts, UsageEvent } from '../../src/domain/events.ts';
import { usageMatch } from '../../src/domain/events.ts';
import type { Cursor, LedgerStore, RollupRow } from '../../src/store/types.ts';

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);

function tokens(p: Partial<TokenCounts> = {}): TokenCounts {
  return {
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    reasoning: 0,
    ...p,
  };
}

export function usage(p: Partial<UsageEvent> & { key: string }): UsageEvent {
  return {
    ts: T0,
    tool: 'claude-code',
    sessionId: 's1',
    model: 'claude-opus-5-5',
    project: undefined,
    tokens: tokens({ input: 100, output: 10 }),
    costUsd: 0.01,
    costBasis: 'computed',
    sources: ['log'],
    ...p,
  };
}

function cursor(p: Partial<Cursor> = {}): Cursor {
  return {
    path: '/logs/a.jsonl',
    tool: 'claude-code',
    dev: 1,
    ino: 2,
    size: 100,
    mtimeMs: T0,
    offset: 100,
    state: '{}',
    lines: 3,
    events: 1,
    malformed: 0,
    lastMalformed: '',
    updatedAt: T0,
    ...p,
  };
}

function total(store: LedgerStore): RollupRow {
  const rows = store.rollup({}, []);
  assert.equal(rows.length, 1, 'one total row');
  return rows[0]!;
}

export function ledgerContract(name: string, open: () => LedgerStore): void {
  const withStore = (title: string, fn: (s: LedgerStore) => void) =>
    test(`${name}: ${title}`, () => {
      const s = open();
      try {
        fn(s);
      } finally {
        s.close();
      }
    });

  withStore('new events are added and summed in the rollup', (s) => {
    const r = s.mergeUsage([
      usage({ key: 'a' }),
      usage({ key: 'b', tokens: tokens({ input: 5, output: 1 }) }),
    ]);
    assert.deepEqual(r, { added: 2, updated: 0, unchanged: 0 });
    const t = total(s);
    assert.equal(t.requests, 2);
    assert.equal(t.tokens.input, 105);
    assert.equal(t.tokens.output, 11);
    assert.equal(t.computedRequests, 2);
    assert.ok(Math.abs(t.costComputed - 0.02) < 1e-12);
  });

  withStore('an empty ledger has no rows', (s) => {
    assert.deepEqual(s.rollup({}, []), []);
    assert.deepEqual(s.rollup({}, ['tool']), []);
  });

  withStore('one batch holding several sightings of a request keeps the fullest', (s) => {
    s.mergeUsage([
      usage({ key: 'r1', tokens: tokens({ input: 100, output: 3 }) }),
      usage({ key: 'r1', tokens: tokens({ input: 100, output: 30 }) }),
      usage({ key: 'r1', tokens: tokens({ input: 100, output: 8 }) }),
      usage({ key: 'r2', ts: T0 + 1 }),
    ]);
    const t = total(s);
    assert.equal(t.requests, 2);
    assert.equal(t.tokens.output, 40);
    assert.equal(s.event('r1')?.tokens.output, 30);
  });

  withStore('replaying anything changes nothing', (s) => {
    const events = [usage({ key: 'a' }), usage({ key: 'b', ts: T0 + 1 })];
    s.mergeUsage(events);
    const before = s.rollup({}, ['bucket', 'model']);
    assert.deepEqual(s.mergeUsage(events), { added: 0, updated: 0, unchanged: 2 });
    assert.deepEqual(s.rollup({}, ['bucket', 'model']), before);
  });

  withStore('the usage version moves with every change, and only then', (s) => {
    const v0 = s.usageVersion();
    s.mergeUsage([usage({ key: 'a' })]);
    const v1 = s.usageVersion();
    assert.notEqual(v1, v0, 'an added event');
    s.mergeUsage([usage({ key: 'a' })]);
    s.commitFiles([], []);
    assert.equal(s.usageVersion(), v1, 'a replay and an empty commit');
    s.mergeUsage([usage({ key: 'a', tokens: tokens({ input: 100, output: 99 }) })]);
    const v2 = s.usageVersion();
    assert.notEqual(v2, v1, 'a fuller record');
    s.reprice('p1', (e) => ({ ...e, costUsd: 1, costBasis: 'computed' }));
    const v3 = s.usageVersion();
    assert.notEqual(v3, v2, 'a new price');
    s.reprice('p2', (e) => ({ ...e, costUsd: 1, costBasis: 'computed' }));
    assert.equal(s.usageVersion(), v3, 'a price table that changes no cost');
  });

  withStore('a streamed response keeps its fullest line, in either order', (s) => {
    s.mergeUsage([usage({ key: 'r1', tokens: tokens({ input: 100, output: 3 }) })]);
    assert.deepEqual(
      s.mergeUsage([usage({ key: 'r1', tokens: tokens({ input: 100, output: 50 }) })]),
      {
        added: 0,
        updated: 1,
        unchanged: 0,
      },
    );
    assert.deepEqual(
      s.mergeUsage([usage({ key: 'r1', tokens: tokens({ input: 100, output: 20 }) })]),
      {
        added: 0,
        updated: 0,
        unchanged: 1,
      },
    );
    const t = total(s);
    assert.equal(t.requests, 1);
    assert.equal(t.tokens.output, 50);
  });

  withStore('a reported cost beats a computed one and sources add up', (s) => {
    s.mergeUsage([usage({ key: 'r1', costUsd: 0.02, costBasis: 'computed', project: 'web' })]);
    s.mergeUsage([usage({ key: 'r1', costUsd: 0.0195, costBasis: 'reported', sources: ['otlp'] })]);
    const e = s.event('r1')!;
    assert.equal(e.costBasis, 'reported');
    assert.equal(e.costUsd, 0.0195);
    assert.deepEqual(e.sources, ['log', 'otlp']);
    assert.equal(e.project, 'web');
    const t = total(s);
    assert.equal(t.reportedRequests, 1);
    assert.equal(t.computedRequests, 0);
    assert.equal(t.costComputed, 0);
    assert.ok(Math.abs(t.costReported - 0.0195) < 1e-12);
  });

  withStore('a later sighting fills in the project and moves the rollup', (s) => {
    s.mergeUsage([usage({ key: 'r1', sources: ['otlp'] })]);
    s.mergeUsage([usage({ key: 'r1', project: 'api' })]);
    const rows = s.rollup({}, ['project']);
    assert.deepEqual(
      rows.map((r) => [r.project, r.requests]),
      [['api', 1]],
    );
  });

  const codexTokens = tokens({ input: 1376, cacheRead: 1024, output: 90, reasoning: 30 });
  const match = usageMatch('codex', 'c1', codexTokens);
  const codex = (p: Partial<UsageEvent> & { key: string }) =>
    usage({ tool: 'codex', sessionId: 'c1', model: 'gpt-5.5', tokens: codexTokens, match, ...p });

  withStore('telemetry and a log line of one request without a shared id are one event', (s) => {
    s.mergeUsage([
      codex({ key: 'codex:otlp-1', sources: ['otlp'], costBasis: 'unknown', costUsd: undefined }),
    ]);
    assert.deepEqual(s.mergeUsage([codex({ key: 'codex:c1:2490', ts: T0 + 2000 })]), {
      added: 0,
      updated: 1,
      unchanged: 0,
    });
    assert.equal(total(s).requests, 1);
    // Replays of either sighting land on the same event.
    assert.deepEqual(s.mergeUsage([codex({ key: 'codex:c1:2490', ts: T0 + 2000 })]).unchanged, 1);
    assert.deepEqual(
      s.mergeUsage([
        codex({ key: 'codex:otlp-1', sources: ['otlp'], costBasis: 'unknown', costUsd: undefined }),
      ]).unchanged,
      1,
    );
    assert.deepEqual(s.event('codex:c1:2490')?.sources, ['log', 'otlp']);
    assert.equal(s.event('codex:c1:2490')?.costBasis, 'computed');
    assert.equal(total(s).requests, 1);
  });

  withStore('matching pairs only different sources close in time', (s) => {
    s.mergeUsage([codex({ key: 'codex:c1:2490' }), codex({ key: 'codex:c1:4980', ts: T0 + 1000 })]);
    assert.equal(total(s).requests, 2, 'two log requests with equal figures stay two');
    s.mergeUsage([codex({ key: 'codex:otlp-far', sources: ['otlp'], ts: T0 + 3_600_000 })]);
    assert.equal(total(s).requests, 3, 'a telemetry record an hour away is another request');
  });

  withStore('commitFiles stores the cursors with the events', (s) => {
    const c = cursor({ state: '{"sessionId":"s1"}', malformed: 2, lastMalformed: 'not JSON' });
    s.commitFiles([c], [usage({ key: 'a' })]);
    assert.deepEqual(s.cursor(c.path), c);
    s.commitFiles([{ ...c, offset: 200, size: 200 }, cursor({ path: '/logs/b.jsonl' })], []);
    assert.equal(s.cursor(c.path)?.offset, 200);
    assert.deepEqual(
      s.cursors().map((x) => x.path),
      ['/logs/a.jsonl', '/logs/b.jsonl'],
    );
    assert.equal(s.cursor('/nope'), undefined);
    assert.equal(total(s).requests, 1);
  });

  withStore('the rollup filters by time, tool, project and session and groups', (s) => {
    s.mergeUsage([
      usage({ key: 'a', ts: T0, project: 'web' }),
      usage({ key: 'b', ts: T0 + 20 * 60_000, project: 'web', model: 'claude-haiku-4-5' }),
      usage({ key: 'c', ts: T0 + 86_400_000, tool: 'codex', sessionId: 's2', model: 'gpt-5.5' }),
      usage({ key: 'd', ts: T0 + 5 * 60_000, costBasis: 'unknown', costUsd: undefined }),
    ]);
    const byBucket = s.rollup({}, ['bucket']);
    assert.deepEqual(
      byBucket.map((r) => [r.bucket, r.requests]),
      [
        [T0, 2],
        [T0 + 15 * 60_000, 1],
        [T0 + 86_400_000, 1],
      ],
    );
    assert.equal(s.rollup({ since: T0 + 15 * 60_000 }, [])[0]?.requests, 2);
    assert.equal(s.rollup({ until: T0 + 15 * 60_000 }, [])[0]?.requests, 2);
    assert.equal(s.rollup({ tool: 'codex' }, [])[0]?.requests, 1);
    assert.equal(s.rollup({ project: 'web' }, [])[0]?.requests, 2);
    assert.equal(s.rollup({ sessionId: 's2' }, [])[0]?.requests, 1);
    assert.deepEqual(
      s.rollup({}, ['tool', 'model']).map((r) => [r.tool, r.model, r.requests]),
      [
        ['claude-code', 'claude-haiku-4-5', 1],
        ['claude-code', 'claude-opus-5-5', 2],
        ['codex', 'gpt-5.5', 1],
      ],
    );
    const first = s.rollup({ sessionId: 's1' }, ['session'])[0]!;
    assert.equal(first.firstTs, T0);
    assert.equal(first.lastTs, T0 + 20 * 60_000);
    assert.equal(first.unpriced, 1);
  });

  withStore('local days follow the zone offset in effect at each quarter hour', (s) => {
    const day = (ts: number) => Math.floor(ts / 86_400_000);
    // A zone at +02:00 that moves to +01:00 at 01:00 UTC on the second day (a DST end).
    const change = T0 - 9 * 3_600_000 + 86_400_000; // 01:00 UTC, T0's next day
    const zoneOffset = (ts: number) => (ts < change ? 7_200_000 : 3_600_000);
    s.mergeUsage([
      usage({ key: 'a', ts: T0 }), // 12:00 local on T0's day
      usage({ key: 'b', ts: change - 90 * 60_000 }), // 23:30 UTC → 01:30 local, the next day
      usage({ key: 'c', ts: change + 22 * 3_600_000 + 30 * 60_000 }), // 23:30 UTC → 00:30 local
      usage({ key: 'd', ts: T0, model: 'claude-haiku-4-5' }),
    ]);
    assert.deepEqual(
      s.rollup({ zoneOffset }, ['day', 'model']).map((r) => [r.day, r.model, r.requests]),
      [
        [day(T0), 'claude-haiku-4-5', 1],
        [day(T0), 'claude-opus-5-5', 1],
        [day(T0) + 1, 'claude-opus-5-5', 1],
        [day(T0) + 2, 'claude-opus-5-5', 1],
      ],
    );
    // Without a zone, days are UTC days.
    assert.deepEqual(
      s.rollup({}, ['day']).map((r) => [r.day, r.requests]),
      [
        [day(T0), 3],
        [day(T0) + 1, 1],
      ],
    );
    assert.deepEqual(s.rollup({ since: T0 + 86_400_000, zoneOffset }, ['day']).length, 1);
  });

  withStore('file stamps and the file count follow the committed cursors', (s) => {
    assert.equal(s.fileCount(), 0);
    assert.deepEqual(s.fileStamps(), new Map());
    s.commitFiles([cursor(), cursor({ path: '/logs/b.jsonl', size: 7, offset: 5 })], []);
    assert.equal(s.fileCount(), 2);
    assert.deepEqual(
      s.fileStamps(),
      new Map([
        ['/logs/a.jsonl', { dev: 1, ino: 2, size: 100, mtimeMs: T0, offset: 100 }],
        ['/logs/b.jsonl', { dev: 1, ino: 2, size: 7, mtimeMs: T0, offset: 5 }],
      ]),
    );
  });

  withStore('repricing updates computed and unknown costs, never reported ones', (s) => {
    s.mergeUsage([
      usage({ key: 'a', costUsd: 0.01, costBasis: 'computed' }),
      usage({ key: 'b', costUsd: undefined, costBasis: 'unknown', model: 'new-model' }),
      usage({ key: 'c', costUsd: 0.5, costBasis: 'reported' }),
    ]);
    const price = (e: UsageEvent): UsageEvent => ({ ...e, costUsd: 1, costBasis: 'computed' });
    assert.equal(s.reprice('v2', price), 2);
    assert.equal(s.priceId(), 'v2');
    assert.equal(s.reprice('v2', price), 0, 'the same table is not applied twice');
    const t = total(s);
    assert.equal(t.costComputed, 2);
    assert.equal(t.costReported, 0.5);
    assert.equal(t.unpriced, 0);
    assert.equal(s.event('c')?.costUsd, 0.5);
  });

  withStore('a session’s newest requests come oldest first', (s) => {
    s.mergeUsage([
      usage({ key: 'b', ts: T0 + 10 }),
      usage({ key: 'a', ts: T0 }),
      usage({ key: 'x', sessionId: 's9' }),
    ]);
    assert.deepEqual(
      s.sessionEvents('s1', 10).map((e) => e.key),
      ['a', 'b'],
    );
    assert.deepEqual(
      s.sessionEvents('s1', 1).map((e) => e.key),
      ['b'],
    );
  });
}
