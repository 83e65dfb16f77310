// The contract every ActivityStore keeps (the SQLite ledger and the in-memory one): intervals
// of one subject are a union across sources, re-reads add nothing, counts add up, a batch is
// atomic, and totals clip to the range and split at local midnights.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ActivityInterval, COUNT_BUCKET_MS } from '../../src/domain/activity/intervals.ts';
import { type LedgerStore, TAKEN_IDS_KEEP_MS } from '../../src/store/types.ts';

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const MIN = 60_000;
const H = 3_600_000;

export function iv(p: Partial<ActivityInterval> = {}): ActivityInterval {
  return {
    subject: 'chatgpt.com',
    kind: 'site',
    entry: 'chatgpt',
    category: 'assistant',
    rate: 0.5,
    start: T0,
    end: T0 + 10 * MIN,
    source: 'history',
    ...p,
  };
}

export function activityContract(name: string, open: () => LedgerStore): void {
  const withStore = (title: string, fn: (s: LedgerStore) => void) =>
    test(`${name}: activity: ${title}`, () => {
      const s = open();
      try {
        fn(s);
      } finally {
        s.close();
      }
    });

  const commit = (s: LedgerStore, intervals: ActivityInterval[]) =>
    s.commitActivity({ intervals, counts: [], cursors: [] });

  withStore('two sources seeing the same time count it once, with both sources', (s) => {
    commit(s, [iv({ source: 'history' })]);
    commit(s, [iv({ start: T0 + 5 * MIN, end: T0 + 15 * MIN, source: 'extension' })]);
    const rows = s.activityTotals({});
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.activeSeconds, 15 * 60);
    assert.deepEqual(rows[0]!.sources, ['history', 'extension']);
    assert.equal(rows[0]!.costUsd, 0.125);
    assert.equal(rows[0]!.costBasis, 'estimated');
    assert.equal(s.activityIntervals({}).length, 1);
  });

  withStore('a re-read of the same sightings changes nothing', (s) => {
    const batch = [iv(), iv({ start: T0 + H, end: T0 + H + MIN })];
    assert.deepEqual(commit(s, batch), { changed: 2, unchanged: 0 });
    assert.deepEqual(commit(s, batch), { changed: 0, unchanged: 2 });
    assert.equal(s.activityTotals({})[0]!.activeSeconds, 11 * 60);
  });

  withStore(
    'stretches that touch join (a scan starts where the last ended); a gap does not',
    (s) => {
      const subject = {
        subject: 'claude-code',
        kind: 'cli' as const,
        entry: 'claude-code',
        rate: 0,
      };
      commit(s, [iv({ ...subject, start: T0, end: T0, source: 'process' })]);
      commit(s, [iv({ ...subject, start: T0, end: T0 + 15_000, source: 'process' })]);
      commit(s, [iv({ ...subject, start: T0 + 15_000, end: T0 + 30_000, source: 'process' })]);
      commit(s, [iv({ ...subject, start: T0 + 60_000, end: T0 + 60_000, source: 'process' })]);
      const stored = s.activityIntervals({ kind: 'cli' });
      assert.deepEqual(
        stored.map((x) => [x.start - T0, x.end - T0]),
        [
          [0, 30_000],
          [60_000, 60_000],
        ],
      );
      assert.equal(s.activityTotals({ kind: 'cli' })[0]!.activeSeconds, 30);
    },
  );

  withStore('a sighting bridging two stored intervals replaces both by one', (s) => {
    commit(s, [iv({ start: T0, end: T0 + MIN }), iv({ start: T0 + 3 * MIN, end: T0 + 4 * MIN })]);
    assert.equal(s.activityIntervals({}).length, 2);
    commit(s, [iv({ start: T0 + MIN, end: T0 + 3 * MIN, source: 'extension' })]);
    const all = s.activityIntervals({});
    assert.equal(all.length, 1);
    assert.equal(all[0]!.end - all[0]!.start, 4 * MIN);
  });

  withStore('subjects and kinds never merge with each other', (s) => {
    commit(s, [iv(), iv({ subject: 'claude.ai', entry: 'claude-web' })]);
    commit(s, [
      iv({ subject: 'claude', kind: 'app', entry: 'claude-desktop', source: 'foreground' }),
    ]);
    const rows = s.activityTotals({});
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['app', 'site', 'site'],
    );
    assert.equal(s.activityTotals({ kind: 'site', subject: 'claude.ai' }).length, 1);
  });

  withStore('counts add up per quarter hour and subject; cursors are kept', (s) => {
    const count = {
      bucket: T0,
      kind: 'site' as const,
      subject: 'chatgpt.com',
      entry: 'chatgpt',
      category: 'assistant',
      visits: 3,
      commands: 0,
    };
    s.commitActivity({
      intervals: [],
      counts: [count],
      cursors: [{ source: 'h:1', state: '{"a":1}' }],
    });
    s.commitActivity({
      intervals: [],
      counts: [{ ...count, visits: 2 }],
      cursors: [{ source: 'h:1', state: '{"a":2}' }],
    });
    s.commitActivity({
      intervals: [],
      counts: [{ ...count, kind: 'cli', subject: 'llm', entry: 'llm', visits: 0, commands: 4 }],
      cursors: [],
    });
    const rows = s.activityTotals({});
    const site = rows.find((r) => r.kind === 'site')!;
    const cli = rows.find((r) => r.kind === 'cli')!;
    assert.equal(site.visits, 5);
    assert.equal(site.activeSeconds, 0);
    assert.equal(cli.commands, 4);
    assert.equal(s.activityCursor('h:1'), '{"a":2}');
    assert.equal(s.activityCursor('nope'), undefined);
  });

  withStore('a bad batch changes nothing, cursor included', (s) => {
    commit(s, [iv()]);
    assert.throws(() =>
      s.commitActivity({
        intervals: [
          iv({ start: T0 + 2 * H, end: T0 + 3 * H }),
          iv({ start: T0 + 5 * H, end: T0 + 4 * H }),
        ],
        counts: [],
        cursors: [{ source: 'h:x', state: '1' }],
      }),
    );
    assert.equal(s.activityIntervals({}).length, 1);
    assert.equal(s.activityCursor('h:x'), undefined);
  });

  withStore('totals clip to the range and split at local midnights', (s) => {
    const day = Date.UTC(2026, 10, 21);
    // 22:00–02:00 UTC: two hours on each UTC day; in UTC+1 (23:00–03:00) one and three.
    commit(s, [iv({ start: day + 22 * H, end: day + 26 * H })]);
    const utc = s.activityTotals({}, true);
    assert.deepEqual(
      utc.map((r) => [r.day, r.activeSeconds]),
      [
        [day / 86_400_000, 7200],
        [day / 86_400_000 + 1, 7200],
      ],
    );
    const plusOne = s.activityTotals({ zoneOffset: () => H }, true);
    assert.deepEqual(
      plusOne.map((r) => r.activeSeconds),
      [3600, 3 * 3600],
    );
    const clipped = s.activityTotals({ since: day + 23 * H, until: day + 25 * H });
    assert.equal(clipped[0]!.activeSeconds, 7200);
    assert.equal(clipped[0]!.costUsd, 1);
    assert.equal(
      s.activityTotals({ since: day + 26 * H }).length,
      0,
      'touching the range is not in it',
    );
  });

  const visit = {
    bucket: T0,
    kind: 'site' as const,
    subject: 'chatgpt.com',
    entry: 'chatgpt',
    category: 'assistant',
    visits: 1,
    commands: 0,
  };
  const once = (id: string, p: Partial<ActivityInterval> = {}) => ({
    id,
    origin: 'extension:Chromium',
    intervals: [iv({ source: 'extension', ...p })],
    counts: [{ ...visit, source: 'extension' as const }],
  });

  withStore('an event sent again (a retry) counts once', (s) => {
    assert.deepEqual(
      s.commitActivityOnce([once('e1'), once('e2', { start: T0 + H, end: T0 + H + MIN })], T0),
      {
        taken: 2,
        duplicates: 0,
      },
    );
    assert.deepEqual(
      s.commitActivityOnce([once('e1'), once('e2', { start: T0 + H, end: T0 + H + MIN })], T0 + H),
      {
        taken: 0,
        duplicates: 2,
      },
    );
    assert.deepEqual(s.commitActivityOnce([once('e3'), once('e3')], T0 + H), {
      taken: 1,
      duplicates: 1,
    });
    const row = s.activityTotals({})[0]!;
    assert.equal(row.visits, 3);
    assert.deepEqual(row.sources, ['extension']);
    assert.deepEqual(s.takenEvents(), [
      { origin: 'extension:Chromium', events: 3, lastAt: T0 + H },
    ]);
  });

  withStore('taken ids are forgotten after TAKEN_IDS_KEEP_MS', (s) => {
    s.commitActivityOnce([once('old')], T0);
    s.commitActivityOnce([once('new')], T0 + TAKEN_IDS_KEEP_MS + 1);
    assert.deepEqual(
      s.takenEvents().map((t) => t.events),
      [1],
    );
  });

  withStore('a bad event in a batch of events changes nothing', (s) => {
    assert.throws(() =>
      s.commitActivityOnce([once('a'), once('b', { start: T0 + 2 * H, end: T0 + H })], T0),
    );
    assert.equal(s.activityIntervals({}).length, 0);
    assert.deepEqual(s.takenEvents(), []);
    assert.deepEqual(s.commitActivityOnce([once('a')], T0), { taken: 1, duplicates: 0 });
  });

  withStore(
    'visits the history and the extension both counted are the larger count, not the sum',
    (s) => {
      s.commitActivity({ intervals: [], counts: [{ ...visit, visits: 3 }], cursors: [] });
      s.commitActivityOnce([once('x1'), once('x2')], T0);
      assert.equal(s.activityTotals({})[0]!.visits, 3);
      s.commitActivityOnce([once('x3'), once('x4')], T0);
      assert.equal(s.activityTotals({})[0]!.visits, 4);
      // Another quarter hour is its own.
      s.commitActivity({
        intervals: [],
        counts: [{ ...visit, bucket: T0 + COUNT_BUCKET_MS, visits: 2 }],
        cursors: [],
      });
      assert.equal(s.activityTotals({})[0]!.visits, 6);
      assert.equal(s.activityTotals({}, true)[0]!.visits, 6);
    },
  );
}
