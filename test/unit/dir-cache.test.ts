import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileDirCache, RACY_MS } from '../../src/sources/files/dir-cache.ts';
import { listFiles } from '../../src/sources/files/walk.ts';
import type { LogFormat } from '../../src/sources/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'aio-dircache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = { matches: (rel: string) => rel.endsWith('.jsonl') } as LogFormat<unknown>;
const names = (found: ReturnType<typeof listFiles>) => found.map((f) => f.file.path).sort();
/** Sets a directory's mtime well in the past, so its listing is not racy. */
const age = (path: string) => {
  const t = new Date(Date.now() - 60_000);
  utimesSync(path, t, t);
};

test('a directory whose mtime stands is not listed again; one that changed is', () => {
  const root = join(dir, 'a');
  mkdirSync(join(root, 'p1'), { recursive: true });
  writeFileSync(join(root, 'p1', 's1.jsonl'), '');
  writeFileSync(join(root, 'p1', 'notes.txt'), '');
  age(join(root, 'p1'));
  age(root);
  const cacheFile = join(dir, 'a-cache.json');
  const first = new FileDirCache(cacheFile);
  assert.deepEqual(names(listFiles(jsonl, [root], first)), [join(root, 'p1', 's1.jsonl')]);
  first.save();

  // Reopened from its file: the listing is taken from it while the mtime stands. A name only
  // the cache knows proves it is read, not the directory.
  const second = new FileDirCache(cacheFile);
  const cached = second.get(join(root, 'p1'))!;
  assert.deepEqual([...cached.files].sort(), ['notes.txt', 's1.jsonl']);
  second.set(join(root, 'p1'), { ...cached, files: [...cached.files, 'only-in-cache.jsonl'] });
  assert.ok(
    names(listFiles(jsonl, [root], second)).includes(join(root, 'p1', 'only-in-cache.jsonl')),
  );

  // A new file moves the directory's mtime: listed again, the new file found.
  writeFileSync(join(root, 'p1', 's2.jsonl'), '');
  const after = names(listFiles(jsonl, [root], second, Date.now() + 10_000));
  assert.deepEqual(after, [join(root, 'p1', 's1.jsonl'), join(root, 'p1', 's2.jsonl')]);
  // A new project directory too.
  mkdirSync(join(root, 'p2'));
  writeFileSync(join(root, 'p2', 's3.jsonl'), '');
  assert.ok(names(listFiles(jsonl, [root], second)).includes(join(root, 'p2', 's3.jsonl')));
});

test('a listing taken within moments of its directory’s change is not kept', () => {
  const root = join(dir, 'racy');
  mkdirSync(root);
  writeFileSync(join(root, 'x.jsonl'), '');
  const cache = new FileDirCache(join(dir, 'racy.json'));
  const mtime = statSync(root).mtimeMs;
  listFiles(jsonl, [root], cache, mtime + RACY_MS / 2);
  assert.equal(cache.get(root), undefined, 'too fresh to trust');
  listFiles(jsonl, [root], cache, mtime + RACY_MS * 2);
  assert.equal(cache.get(root)?.mtimeMs, mtime);
});

test('a directory gone is forgotten; a damaged cache file is only a slower walk', () => {
  const root = join(dir, 'gone');
  mkdirSync(join(root, 'p'), { recursive: true });
  writeFileSync(join(root, 'p', 'a.jsonl'), '');
  age(join(root, 'p'));
  age(root);
  const cache = new FileDirCache(join(dir, 'gone.json'));
  listFiles(jsonl, [root], cache);
  assert.ok(cache.get(join(root, 'p')) !== undefined);
  rmSync(join(root, 'p'), { recursive: true });
  // The root's mtime moved (an entry removed): listed again, the gone directory not visited.
  assert.deepEqual(listFiles(jsonl, [root], cache, Date.now() + 10_000), []);
  rmSync(root, { recursive: true });
  assert.deepEqual(listFiles(jsonl, [root], cache), []);
  assert.equal(cache.get(root), undefined);

  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"version":1,"dirs":');
  const fresh = new FileDirCache(bad);
  assert.equal(fresh.get(root), undefined);
});
