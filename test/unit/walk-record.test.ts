// The record of a walk that found the ledger current (sources/files/walk-record.ts): a stat of
// each path it holds says `same` only when nothing it vouches for moved, `changed` when a
// transcript is no longer as the ledger read it, and `unsure` for anything else.

import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileDirCache } from '../../src/sources/files/dir-cache.ts';
import { transcriptsUnchanged } from '../../src/sources/files/freshness.ts';
import { checkWalkRecord, WalkRecorder } from '../../src/sources/files/walk-record.ts';
import type { FileStamp } from '../../src/store/types.ts';

const base = mkdtempSync(join(tmpdir(), 'aio-walk-record-'));
after(() => rmSync(base, { recursive: true, force: true }));

const OLD = new Date(Date.now() - 60_000);
let n = 0;

/** A root with two transcripts in a subdirectory, all older than the racy window. */
function setup() {
  const dir = join(base, `case-${n++}`);
  const root = join(dir, 'root');
  const sub = join(root, 'project');
  mkdirSync(sub, { recursive: true });
  const a = join(sub, 'a.jsonl');
  const b = join(sub, 'b.jsonl');
  writeFileSync(a, 'a\n');
  writeFileSync(b, 'b\n');
  utimesSync(a, OLD, OLD);
  utimesSync(b, new Date(OLD.getTime() + 1000), new Date(OLD.getTime() + 1000));
  for (const d of [sub, root]) utimesSync(d, OLD, OLD);
  const missing = join(dir, 'not-yet');
  const stamps = new Map<string, FileStamp>([
    [a, stampOf(a)],
    [b, stampOf(b)],
  ]);
  const locations = [{ roots: [root, missing], matches: (rel: string) => rel.endsWith('.jsonl') }];
  const record = join(dir, 'walk-record.json');
  /** The full check, taking down what it walks; the record saved when it says current. */
  const walk = (key = 'k1') => {
    const recorder = new WalkRecorder(Date.now());
    const cache = new FileDirCache(join(dir, 'dir-cache.json'));
    const current = transcriptsUnchanged(locations, stamps, cache, Date.now(), recorder);
    cache.save();
    return { current, saved: current && recorder.save(record, key) };
  };
  return { dir, root, sub, a, b, missing, stamps, record, walk };
}

function stampOf(path: string): FileStamp {
  const st = statSync(path);
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, offset: st.size };
}

test('a record of a current walk says `same` while nothing moves', () => {
  const s = setup();
  assert.deepEqual(s.walk(), { current: true, saved: true });
  assert.equal(checkWalkRecord(s.record, 'k1'), 'same');
  const stored = JSON.parse(readFileSync(s.record, 'utf8')) as {
    files: string[];
    dirs: string[];
    absent: string[];
  };
  assert.deepEqual(stored.files, [s.b, s.a], 'newest first');
  assert.deepEqual(stored.dirs, [s.root, s.sub]);
  assert.deepEqual(stored.absent, [s.missing]);
});

test('an append to a recorded transcript is `changed`', () => {
  const s = setup();
  s.walk();
  appendFileSync(s.a, 'more\n');
  assert.equal(checkWalkRecord(s.record, 'k1'), 'changed');
});

test('a touched transcript of the same size is `changed`', () => {
  const s = setup();
  s.walk();
  const later = new Date(OLD.getTime() + 5000);
  utimesSync(s.a, later, later);
  assert.equal(checkWalkRecord(s.record, 'k1'), 'changed');
});

test('a new file, a gone transcript or a root that appeared leave it `unsure`', () => {
  const s = setup();
  s.walk();
  writeFileSync(join(s.sub, 'c.jsonl'), 'c\n');
  assert.equal(checkWalkRecord(s.record, 'k1'), 'unsure', 'the directory moved');

  const t = setup();
  t.walk();
  rmSync(t.b);
  utimesSync(t.sub, OLD, OLD);
  assert.equal(checkWalkRecord(t.record, 'k1'), 'unsure', 'a transcript is gone');

  const u = setup();
  u.walk();
  mkdirSync(u.missing);
  assert.equal(checkWalkRecord(u.record, 'k1'), 'unsure', 'a root appeared');
});

test('another key, another version or a damaged file is `unsure`', () => {
  const s = setup();
  s.walk();
  assert.equal(checkWalkRecord(s.record, 'k2'), 'unsure');
  const stored = JSON.parse(readFileSync(s.record, 'utf8')) as Record<string, unknown>;
  writeFileSync(s.record, JSON.stringify({ ...stored, version: 99 }));
  assert.equal(checkWalkRecord(s.record, 'k1'), 'unsure');
  writeFileSync(s.record, JSON.stringify({ ...stored, files: 7 }));
  assert.equal(checkWalkRecord(s.record, 'k1'), 'unsure');
  writeFileSync(s.record, '{"version":1');
  assert.equal(checkWalkRecord(s.record, 'k1'), 'unsure');
  assert.equal(checkWalkRecord(join(s.dir, 'none.json'), 'k1'), 'unsure');
});

test('no record is kept of a directory that changed within the racy window', () => {
  const s = setup();
  const now = new Date();
  utimesSync(s.sub, now, now);
  assert.deepEqual(s.walk(), { current: true, saved: false });
});

test('no record is kept of a walk that found a change or missed a listed transcript', () => {
  const s = setup();
  appendFileSync(s.a, 'more\n');
  assert.deepEqual(s.walk(), { current: false, saved: false });

  const t = setup();
  t.walk(); // the directory cache now lists both transcripts
  rmSync(t.b);
  utimesSync(t.sub, OLD, OLD); // as if the listing still stood
  assert.deepEqual(t.walk(), { current: true, saved: false });
});

test('the eight transcripts written last go first, each with its own stamp; the rest keep their order', () => {
  const recorder = new WalkRecorder(Date.now());
  const mtimes = [5, 12, 1, 9, 3, 11, 7, 2, 10, 8, 4, 6];
  mtimes.forEach((m, i) => {
    recorder.file(`/f${i}`, { dev: 1, ino: 100 + i, size: 10 * i, mtimeMs: m, offset: 10 * i });
  });
  const file = join(base, 'order.json');
  assert.equal(recorder.save(file, 'k'), true);
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { files: string[]; stamps: number[] };
  const byMtime = mtimes.map((m, i) => ({ m, path: `/f${i}` })).sort((a, b) => b.m - a.m);
  assert.deepEqual(
    stored.files.slice(0, 8),
    byMtime.slice(0, 8).map((f) => f.path),
  );
  assert.deepEqual(stored.files.slice(8), ['/f2', '/f4', '/f7', '/f10'], 'walk order');
  stored.files.forEach((path, k) => {
    const i = Number(path.slice(2));
    assert.deepEqual(stored.stamps.slice(4 * k, 4 * k + 4), [10 * i, mtimes[i], 100 + i, 1]);
  });
});
