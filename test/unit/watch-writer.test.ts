import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { latestLineWriter } from '../../src/cli/commands/watch.ts';

test('watch writes each new line once, and only the newest while the reader is behind', async () => {
  const got: string[] = [];
  let release: (() => void) | undefined;
  const slow = new Writable({
    highWaterMark: 8,
    write(chunk: Buffer, _enc, done) {
      got.push(chunk.toString());
      release = done; // completes only when the test says so
    },
  });
  const print = latestLineWriter(slow);
  print('a-long-line-1');
  print('a-long-line-1'); // repeat: skipped
  print('a-long-line-2'); // the stream is behind: kept as pending
  print('a-long-line-3'); // replaces 2
  assert.deepEqual(got, ['a-long-line-1\n']);
  release?.();
  await new Promise((r) => setImmediate(r));
  release?.();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, ['a-long-line-1\n', 'a-long-line-3\n']);
});
