// The incremental indexer on real files, with a minimal format: append, partial line,
// truncate, replace, rotate, malformed lines, the billing marker, and a crash mid-import.

import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { UsageEvent } from '../../src/domain/events.ts';
import { FileDirCache } from '../../src/sources/files/dir-cache.ts';
import { LogIndexer } from '../../src/sources/files/indexer.ts';
import { checkWalkRecord, WalkRecorder } from '../../src/sources/files/walk-record.ts';
import type { LogFormat } from '../../src/sources/types.ts';
import { MemoryLedger } from '../../src/store/memory.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';
import type { LedgerStore } from '../../src/store/types.ts';

const base = mkdtempSync(join(tmpdir(), 'aio-indexer-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

interface ToyState {
  session: string;
  seen: number;
}

/** `{"id":"a","out":5}` bills `out` output tokens under key `id`; `{"session":"s","out":0}` sets state. */
const toy: LogFormat<ToyState> = {
  tool: 'claude-code',
  billingMarker: '"out"',
  matches: (rel) => rel.endsWith('.jsonl'),
  initialState: () => ({ session: 'none', seen: 0 }),
  parseLine(line, state) {
    let o: { id?: string; out?: number; session?: string };
    try {
      o = JSON.parse(line);
    } catch {
      return { result: { kind: 'malformed', reason: 'not JSON' } };
    }
    if (o.session !== undefined)
      return { result: { kind: 'ignored' }, state: { ...state, session: o.session } };
    if (o.id === undefined || o.out === undefined) return { result: { kind: 'ignored' } };
    const event: UsageEvent = {
      key: `k:${o.id}`,
      ts: 1_790_000_000_000,
      tool: 'claude-code',
      sessionId: state.session,
      model: 'm',
      project: undefined,
      tokens: {
        input: 1,
        output: o.out,
        cacheRead: 0,
        cacheWrite5m: 0,
        cacheWrite1h: 0,
        reasoning: 0,
      },
      costUsd: undefined,
      costBasis: 'unknown',
      sources: ['log'],
    };
    return { result: { kind: 'usage', event }, state: { ...state, seen: state.seen + 1 } };
  },
};

function setup(store: LedgerStore = new MemoryLedger()) {
  const root = join(base, `r${n++}`);
  mkdirSync(join(root, 'p'), { recursive: true });
  const indexer = new LogIndexer(store, [{ format: toy as LogFormat<unknown>, roots: [root] }], {
    price: (e) => e,
  });
  const totals = () => {
    const row = store.rollup({}, [])[0];
    return { requests: row?.requests ?? 0, output: row?.tokens.output ?? 0 };
  };
  return { root, file: join(root, 'p', 'a.jsonl'), store, indexer, totals };
}

const line = (id: string, out: number) => `${JSON.stringify({ id, out })}\n`;

test('appended lines are read once; a partial last line waits for its newline', async () => {
  const { file, indexer, totals, store } = setup();
  writeFileSync(file, line('a', 1) + line('b', 2));
  const r1 = await indexer.indexAll();
  assert.equal(r1.events, 2);
  assert.deepEqual(totals(), { requests: 2, output: 3 });
  appendFileSync(file, `${line('c', 4)}{"id":"d","ou`);
  const r2 = await indexer.indexAll();
  assert.equal(r2.events, 1, 'only the new complete line');
  assert.deepEqual(totals(), { requests: 3, output: 7 });
  assert.equal(store.cursor(file)?.malformed, 0, 'the partial line is not malformed');
  appendFileSync(file, 't":8}\n');
  await indexer.indexAll();
  assert.deepEqual(totals(), { requests: 4, output: 15 });
  const again = await indexer.indexAll();
  assert.equal(again.changedFiles, 0, 'an unchanged file is not read');
});

test('a file that shrank is read again from the start without double counting', async () => {
  const { file, indexer, totals } = setup();
  writeFileSync(file, line('a', 1) + line('b', 2) + line('c', 3));
  await indexer.indexAll();
  truncateSync(file, 0);
  writeFileSync(file, line('a', 1) + line('e', 5));
  const r = await indexer.indexAll();
  assert.equal(r.events, 2);
  assert.deepEqual(totals(), { requests: 4, output: 11 });
});

test('a replaced file (new identity) is read from the start; a rotated one keeps its history', async () => {
  const { file, root, indexer, totals } = setup();
  writeFileSync(file, line('a', 1) + line('b', 2));
  await indexer.indexAll();
  // Replace: write a new file and rename it over the old one (as editors and atomic writers do).
  const tmp = join(root, 'p', 'a.tmp');
  writeFileSync(tmp, line('a', 1) + line('b', 2) + line('c', 3));
  renameSync(tmp, file);
  await indexer.indexAll();
  assert.deepEqual(totals(), { requests: 3, output: 6 });
  // Rotate: the old file moves to a new name, a fresh one starts under the old name.
  renameSync(file, join(root, 'p', 'a.1.jsonl'));
  writeFileSync(file, line('d', 4));
  await indexer.indexAll();
  assert.deepEqual(totals(), { requests: 4, output: 10 });
});

test('malformed lines are skipped and counted per file; the state is kept in the cursor', async () => {
  const { file, indexer, totals, store } = setup();
  writeFileSync(
    file,
    `${JSON.stringify({ session: 's1', out: 0 })}\nnot json\n{"out": broken}\n${line('a', 1)}{"note":"no usage"}\n`,
  );
  const r = await indexer.indexAll();
  assert.equal(r.malformed, 2);
  const c = store.cursor(file)!;
  assert.equal(c.malformed, 2);
  assert.equal(c.lines, 5);
  assert.equal(c.lastMalformed, 'not JSON');
  assert.deepEqual(JSON.parse(c.state), { session: 's1', seen: 1 });
  assert.deepEqual(totals(), { requests: 1, output: 1 });
  appendFileSync(file, line('b', 2));
  await indexer.indexAll();
  assert.equal(store.event('k:b')?.sessionId, 's1', 'the state survives between reads');
});

test('CRLF line ends, empty lines and lines split across read chunks', async () => {
  const { file, indexer, totals } = setup();
  const big = `{"pad":"${'x'.repeat(3 * 1024 * 1024)}"}\n`;
  writeFileSync(
    file,
    `${line('a', 1).replace('\n', '\r\n')}\n${big}${line('b', 2)}${big}${line('c', 3)}`,
  );
  const r = await indexer.indexAll();
  assert.equal(r.malformed, 0);
  assert.deepEqual(totals(), { requests: 3, output: 6 });
});

test('a crash mid-import loses nothing committed and a restart totals what a clean import does', async () => {
  const dir = join(base, `crash${n++}`);
  mkdirSync(dir);
  const lines: string[] = [];
  for (let i = 0; i < 30_000; i++)
    lines.push(line(`r${i % 20_000}`, (i % 7) + 1), `{"pad":"${'y'.repeat(100)}"}\n`);
  const clean = setup(new SqliteLedger(join(dir, 'clean.sqlite')));
  writeFileSync(clean.file, lines.join(''));
  await clean.indexer.indexAll();
  const want = clean.totals();

  const crashing = setup(new SqliteLedger(join(dir, 'crash.sqlite')));
  writeFileSync(crashing.file, lines.join(''));
  let priced = 0;
  const dying = new LogIndexer(
    crashing.store,
    [{ format: toy as LogFormat<unknown>, roots: [crashing.root] }],
    {
      price: (e) => {
        if (++priced === 12_000) throw new Error('killed');
        return e;
      },
    },
  );
  const r = await dying.indexAll();
  assert.equal(r.errors.length, 1, 'the failure is reported for the file');
  assert.ok(
    crashing.totals().requests > 0 && crashing.totals().requests < want.requests,
    'part was committed',
  );
  await crashing.indexer.indexAll();
  assert.deepEqual(crashing.totals(), want);
  crashing.store.close();
  clean.store.close();
});

test('the walk follows links to directories and passes over dangling ones', async () => {
  const { root, indexer, totals } = setup();
  const elsewhere = join(base, `elsewhere${n++}`);
  mkdirSync(join(elsewhere, 'deep'), { recursive: true });
  writeFileSync(join(elsewhere, 'deep', 'b.jsonl'), line('x', 5));
  symlinkSync(elsewhere, join(root, 'linked'));
  symlinkSync(join(base, 'nowhere'), join(root, 'dangling'));
  writeFileSync(join(root, 'p', 'a.jsonl'), line('a', 1));
  writeFileSync(join(root, 'p', 'notes.txt'), line('n', 100));
  const run = await indexer.indexAll();
  assert.equal(run.files, 2, 'a.jsonl and linked/deep/b.jsonl');
  assert.deepEqual(totals(), { requests: 2, output: 6 });
});

test('a pass takes down the walk and every file as the ledger then has it', async () => {
  const root = join(base, `r${n++}`);
  const project = join(root, 'p');
  mkdirSync(project, { recursive: true });
  const a = join(project, 'a.jsonl');
  const b = join(project, 'b.jsonl');
  writeFileSync(a, line('a', 1));
  writeFileSync(b, line('b', 2));
  const old = new Date(Date.now() - 60_000);
  for (const d of [project, root]) utimesSync(d, old, old);
  const store = new MemoryLedger();
  const indexer = new LogIndexer(store, [{ format: toy as LogFormat<unknown>, roots: [root] }], {
    price: (e) => e,
    dirCache: new FileDirCache(join(base, `cache-${n}.json`)),
  });
  await indexer.indexAll();
  appendFileSync(b, line('c', 3)); // moved by the next pass; a stays as it was
  const recorder = new WalkRecorder(Date.now());
  await indexer.indexAll(undefined, recorder);
  const file = join(base, `record-${n}.json`);
  assert.equal(recorder.save(file, 'k'), true);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { files: string[]; stamps: number[] };
  const stampOf = (p: string) => {
    const c = store.cursor(p)!;
    return [c.size, c.mtimeMs, c.ino, c.dev];
  };
  assert.deepEqual(saved.files, [b, a], 'newest first');
  assert.deepEqual(saved.stamps, [...stampOf(b), ...stampOf(a)]);
  assert.equal(checkWalkRecord(file, 'k'), 'same');
  appendFileSync(a, line('d', 4));
  assert.equal(checkWalkRecord(file, 'k'), 'changed');

  // A transcript the pass could not read (a dangling link named like one): no record.
  symlinkSync(join(root, 'nowhere'), join(project, 'x.jsonl'));
  const older = new Date(old.getTime() - 10_000); // listed again, and past the racy window
  utimesSync(project, older, older);
  const incomplete = new WalkRecorder(Date.now());
  await indexer.indexAll(undefined, incomplete);
  assert.equal(incomplete.save(join(base, `record-${n}-2.json`), 'k'), false);
});
