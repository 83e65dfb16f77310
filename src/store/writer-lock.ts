// One writer per ledger (DESIGN.md §6): the agent holds this lock while it runs; a CLI command
// takes it only when no agent does, indexes, and lets go. A lock left by a dead process is
// taken over.

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface WriterLock {
  release(): void;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid holding the lock, if a live process does. */
export function lockHolder(file: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    return undefined;
  }
  return pid !== process.pid && alive(pid) ? pid : undefined;
}

/** Takes the lock, or returns `undefined` when a live process holds it. */
export function acquireWriterLock(file: string): WriterLock | undefined {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (lockHolder(file) !== undefined) return undefined;
      // Stale (its process is gone) or our own from before an exec: take it over.
      try {
        unlinkSync(file);
      } catch {
        // Someone else removed it first; try again.
      }
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    let held = true;
    return {
      release() {
        if (!held) return;
        held = false;
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone.
        }
      },
    };
  }
  return undefined;
}
