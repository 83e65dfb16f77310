// Runs the real `ai-observer` command line as a child process, the way a user does.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

/** Scratch dirs made by this test process, removed when it exits. */
const scratchDirs: string[] = [];
process.once('exit', () => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test process exits. */
export function scratchHome(prefix = 'aio-home-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/**
 * The child's environment: the caller's, minus the AI tools' own directories, with HOME moved
 * into AI_OBSERVER_HOME when a test sets that and no HOME of its own — so a test never reads
 * the logs of whoever runs it.
 */
export function childEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  delete out.CLAUDE_CONFIG_DIR;
  delete out.CODEX_HOME;
  Object.assign(out, env);
  if (env.AI_OBSERVER_HOME !== undefined && env.HOME === undefined) {
    out.HOME = join(env.AI_OBSERVER_HOME, 'user-home');
  }
  return out;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: childEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: performance.now() - started });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface Served {
  url: string;
  grpcPort: number | undefined;
  proc: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `ai-observer serve` on free ports; resolves once it says where it listens. `entry`: another
 * build's entry point (e.g. a bundled package's bin/ai-observer.js).
 */
export function startServe(
  env: NodeJS.ProcessEnv,
  extraArgs: string[] = [],
  entry = MAIN,
): Promise<Served> {
  const proc = spawn(
    process.execPath,
    [entry, 'serve', '--port', '0', '--grpc-port', '0', ...extraArgs],
    { env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`serve did not start: ${err}`));
    }, 20_000);
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/[^ ]+)(?: .*:(\d+) \(OTLP\/gRPC\))?/.exec(err);
      if (m !== null) {
        clearTimeout(timer);
        resolvePromise({
          url: m[1]!,
          grpcPort: m[2] === undefined ? undefined : Number(m[2]),
          proc,
          stderr: () => err,
          stop(signal = 'SIGTERM') {
            return new Promise((done) => {
              if (proc.exitCode !== null) return done(proc.exitCode);
              proc.once('exit', (code) => done(code));
              proc.kill(signal);
            });
          },
        });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
}

/** A running `ai-observer watch`, its lines parsed as they come. */
export interface Watcher {
  lines: string[];
  /** Resolves with the first line (from now on or already seen) that matches. */
  waitFor(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): void;
}

export function startWatch(args: string[], env: NodeJS.ProcessEnv = {}): Watcher {
  const proc = spawn(process.execPath, [MAIN, 'watch', ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters) w();
  });
  return {
    lines,
    waitFor(pred, timeoutMs = 15_000) {
      return new Promise((resolvePromise, reject) => {
        let from = 0;
        const check = () => {
          for (; from < lines.length; from++) {
            if (pred(lines[from]!)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolvePromise(lines[from]!);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching watch line in ${timeoutMs} ms; lines:\n${lines.join('\n')}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop() {
      proc.kill('SIGTERM');
    },
  };
}
