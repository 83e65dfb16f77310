// The agent runs for days with a small working set (a few MiB per hundred sessions), but V8
// sizes its heap for throughput and lets it grow to hundreds of MiB under a steady stream of
// short-lived objects. Capped young and old generations keep it small at the same speed
// (BENCHMARKS.md, memory). The flags only take effect at start-up, so `serve` starts itself
// over with them, in place (same pid), where the platform can.

export const TUNED_MARK = '--max-old-space-size';

/** V8 flags for the agent; the old-space cap grows with the session table's bound. */
export function tuningFlags(maxSessions: number): string[] {
  const oldSpaceMiB = Math.max(64, Math.ceil(32 + maxSessions * 0.05));
  // A 16 MiB young generation keeps a batch's short-lived objects out of the old generation:
  // smaller ones halve ingest throughput (BENCHMARKS.md §2).
  return ['--max-semi-space-size=16', `${TUNED_MARK}=${oldSpaceMiB}`];
}

/**
 * Replaces this process with one that has the flags, unless it already has a heap limit (set
 * by the user or by an earlier pass) or the platform has no execve (Windows).
 */
export function restartTuned(maxSessions: number): void {
  if (process.execArgv.some((a) => a.startsWith(TUNED_MARK))) return;
  if ((process.env.NODE_OPTIONS ?? '').includes(TUNED_MARK)) return;
  if (process.platform === 'win32' || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, ...tuningFlags(maxSessions), ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}

/** V8 flags for a one-off import of a large backlog of logs (BENCHMARKS.md §4). */
export const IMPORT_FLAGS = ['--max-semi-space-size=4'];

/**
 * Starts this command over in place with IMPORT_FLAGS: V8 sizes the young generation of a
 * busy process on a big machine at up to 128 MiB, most of a first import's peak memory.
 * Returns when it cannot (flags already given, or no execve).
 */
export function restartForImport(): void {
  if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return;
  if ((process.env.NODE_OPTIONS ?? '').includes('--max-semi-space-size')) return;
  if (process.platform === 'win32' || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, ...IMPORT_FLAGS, ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}
