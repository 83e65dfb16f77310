// A command's one answer, written straight to file descriptor 1. The first use of
// process.stdout builds a stream (and for a pipe, a socket), loading Node's stream and net
// modules: a few ms of every report and status line, for a single write.

import { writeSync } from 'node:fs';

export function writeOut(text: string): void {
  // Windows consoles want their own writes (code pages); the stream knows how.
  if (process.platform === 'win32') {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A reader that closed early (`| head`) wants no more; that is no failure.
    if (code === 'EPIPE') return;
    // A non-blocking descriptor that is full: the stream waits for it.
    if (code === 'EAGAIN') {
      process.stdout.write(bytes.subarray(done));
      return;
    }
    throw err;
  }
}
