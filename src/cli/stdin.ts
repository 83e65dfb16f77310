// What a command is handed on standard input, read straight from file descriptor 0. The first
// use of process.stdin builds a stream (for a pipe, a socket), loading Node's stream and net
// modules: ~5 ms of every status line and hook, for one small read.

import { fstatSync, readSync } from 'node:fs';

/**
 * All of standard input, or its first `limit` bytes and a little more; '' from a terminal
 * (nobody is going to type the JSON) or when there is no standard input.
 */
export async function readStdin(limit = Number.POSITIVE_INFINITY): Promise<string> {
  // Windows pipes want the stream's reads.
  if (process.platform === 'win32') return readStream(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // A terminal (or /dev/null, which is as empty): nothing to wait for.
    if (fstatSync(0).isCharacterDevice()) return '';
    const buf = Buffer.allocUnsafe(64 * 1024);
    while (size <= limit) {
      const n = readSync(0, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      size += n;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A non-blocking descriptor with nothing in it yet: the stream waits for the rest.
    if (code === 'EAGAIN')
      return Buffer.concat([...chunks, await readBytes(limit - size)]).toString('utf8');
    if (code !== 'EBADF' && code !== 'EOF') throw err;
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readStream(limit: number): Promise<string> {
  if (process.stdin.isTTY) return '';
  return (await readBytes(limit)).toString('utf8');
}

async function readBytes(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) break;
  }
  return Buffer.concat(chunks);
}
