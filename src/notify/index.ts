// Desktop notifications: one small program run per notification (notify-send, osascript or
// PowerShell), fire-and-forget, never blocking the event loop.
//
// - spawned without a shell, stdio ignored, never awaited by `notify()`;
// - at most `maxConcurrent` children alive at once; a notification beyond that is dropped and
//   counted (a stuck notify-send must not pile up processes);
// - a child running longer than `timeoutMs` is killed;
// - failures (program missing, non-zero exit, time-out) reach `onError` once per notifier, never
//   as a throw; once the program is known missing, later notifications are dropped unspawned;
// - `close()` waits briefly for live children, then kills them.

import { type ChildProcess, spawn } from 'node:child_process';
import { linuxCommand } from './linux.ts';
import { macosCommand } from './macos.ts';
import type { CommandLine, Notification } from './message.ts';
import { windowsCommand } from './windows.ts';

export type {
  CommandLine,
  Notification,
  SessionTransition,
  Urgency,
} from './message.ts';
export { notificationFor, toolDisplayName } from './message.ts';

export interface NotifierStats {
  /** Programs started. */
  sent: number;
  /** Notifications not shown: concurrency cap reached, notifier closed or program missing. */
  dropped: number;
  /** Programs that failed: could not start, exited non-zero or timed out. */
  failed: number;
  /** Programs alive now. */
  active: number;
}

export interface Notifier {
  /** Shows `n` in the background; returns at once and never throws. */
  notify(n: Notification): void;
  /** Stops accepting notifications; waits briefly for live children, then kills them. */
  close(): Promise<void>;
  stats(): NotifierStats;
}

export interface NotifierOptions {
  enabled: boolean;
  /** Chooses the mechanism; defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  /** Program path overriding notify-send / osascript / powershell.exe. */
  command?: string;
  /** Called once, with the first failure only. */
  onError?: (err: Error) => void;
  /** Children alive at once (default 4). */
  maxConcurrent?: number;
  /** A child is killed after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** How long `close()` waits before killing live children (default 1 000 ms). */
  closeGraceMs?: number;
}

/** A notifier failure; `code` is the system error code (ENOENT…) or TIMEOUT / EXIT. */
export class NotifyError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotifyError';
    this.code = code;
  }
}

export const DEFAULT_MAX_CONCURRENT = 4;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CLOSE_GRACE_MS = 1_000;

/** The command line that shows `n` on `platform`; `program` overrides the program path. */
export function commandFor(
  platform: NodeJS.Platform,
  n: Notification,
  program?: string,
): CommandLine {
  switch (platform) {
    case 'darwin':
      return program === undefined ? macosCommand(n) : macosCommand(n, program);
    case 'win32':
      return program === undefined ? windowsCommand(n) : windowsCommand(n, program);
    default:
      // Linux and the BSDs: freedesktop notifications through libnotify.
      return program === undefined ? linuxCommand(n) : linuxCommand(n, program);
  }
}

const noopNotifier: Notifier = {
  notify() {},
  close: () => Promise.resolve(),
  stats: () => ({ sent: 0, dropped: 0, failed: 0, active: 0 }),
};

/** Program missing or not runnable: retrying per notification is pointless. */
const UNAVAILABLE_CODES = new Set(['ENOENT', 'EACCES', 'ENOTDIR', 'EISDIR']);

export function createNotifier(options: NotifierOptions): Notifier {
  if (!options.enabled) return noopNotifier;

  const platform = options.platform ?? process.platform;
  const maxConcurrent = Math.max(1, options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
  const onError = options.onError;

  const live = new Map<ChildProcess, Promise<void>>();
  const counts = { sent: 0, dropped: 0, failed: 0 };
  let closing = false;
  let unavailable = false;
  let reported = false;
  let closed: Promise<void> | undefined;

  const fail = (err: Error): void => {
    counts.failed++;
    if (reported) return;
    reported = true;
    try {
      onError?.(err);
    } catch {
      // A throwing error handler must not break the caller of notify().
    }
  };

  const spawnError = (file: string, err: unknown): NotifyError => {
    const code =
      typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
        ? err.code
        : 'ESPAWN';
    const reason =
      code === 'ENOENT'
        ? 'was not found'
        : code === 'EACCES'
          ? 'is not executable'
          : `could not be started (${err instanceof Error ? err.message : String(err)})`;
    // A fresh error: Node's spawn error carries the argv (the notification text) in spawnargs.
    return new NotifyError(
      `desktop notifications are unavailable: ${JSON.stringify(file)} ${reason} [${code}]`,
      code,
    );
  };

  const run = (cmd: CommandLine): void => {
    let child: ChildProcess;
    try {
      child = spawn(cmd.file, cmd.args, { stdio: 'ignore', shell: false, windowsHide: true });
    } catch (err) {
      fail(spawnError(cmd.file, err));
      return;
    }
    counts.sent++;

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    timer.unref();

    const done = new Promise<void>((resolve) => {
      let finished = false;
      const finish = (err?: Error): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        live.delete(child);
        if (err !== undefined) fail(err);
        resolve();
      };
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (child.pid === undefined) {
          // The program never started.
          if (err.code !== undefined && UNAVAILABLE_CODES.has(err.code)) unavailable = true;
          finish(spawnError(cmd.file, err));
        }
        // Otherwise a failed kill: the child is still alive and still counted; 'close' ends it.
      });
      child.on('close', (code, signal) => {
        if (timedOut) {
          finish(
            new NotifyError(
              `desktop notification program ${JSON.stringify(cmd.file)} ran longer than ${timeoutMs} ms and was killed`,
              'TIMEOUT',
            ),
          );
        } else if (closing && signal !== null) {
          finish(); // killed by close()
        } else if (code !== 0) {
          const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
          finish(
            new NotifyError(
              `desktop notification program ${JSON.stringify(cmd.file)} ${how}`,
              'EXIT',
            ),
          );
        } else {
          finish();
        }
      });
    });
    live.set(child, done);
  };

  return {
    notify(n) {
      if (closing || unavailable || live.size >= maxConcurrent) {
        counts.dropped++;
        return;
      }
      let cmd: CommandLine;
      try {
        cmd = commandFor(platform, n, options.command);
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      run(cmd);
    },

    close() {
      closed ??= (async () => {
        closing = true;
        if (live.size === 0) return;
        let graceTimer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          graceTimer = setTimeout(resolve, closeGraceMs);
        });
        await Promise.race([Promise.all(live.values()), grace]);
        clearTimeout(graceTimer);
        for (const child of live.keys()) child.kill('SIGKILL');
        await Promise.all(live.values());
      })();
      return closed;
    },

    stats() {
      return { ...counts, active: live.size };
    },
  };
}
