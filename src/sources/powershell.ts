// One long-lived PowerShell for the Windows sources: starting powershell.exe costs about half
// a second of CPU, far too much every 15 s, so the agent keeps one open and sends it one-line
// scripts on stdin, reading each answer up to a marker line. A script that fails or hangs
// restarts it; the caller sees an error and tries again on its next round.

import { type ChildProcess, spawn } from 'node:child_process';

interface Pending {
  marker: string;
  resolve: (out: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class PowerShellSession {
  readonly #exe: string;
  #child: ChildProcess | undefined;
  #out = '';
  #pending: Pending | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #n = 0;

  constructor(exe = 'powershell.exe') {
    this.#exe = exe;
  }

  /** Runs a one-line script; resolves with what it printed. One script at a time. */
  run(script: string, timeoutMs = 10_000): Promise<string> {
    const next = this.#queue.then(
      () => this.#run(script, timeoutMs),
      () => this.#run(script, timeoutMs),
    );
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #start(): ChildProcess {
    const child = spawn(
      this.#exe,
      ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'],
      { stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true },
    );
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.#out += chunk;
      const p = this.#pending;
      if (p === undefined) return;
      const at = this.#out.indexOf(p.marker);
      if (at < 0) return;
      const answer = this.#out.slice(0, at);
      this.#out = '';
      this.#settle()?.resolve(answer);
    });
    const fail = (err: Error) => {
      if (this.#child === child) this.#child = undefined;
      this.#settle()?.reject(err);
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`${this.#exe} exited (${code})`)));
    child.stdin!.on('error', () => undefined);
    child.stdin!.write('[Console]::OutputEncoding = [Text.Encoding]::UTF8\n');
    return child;
  }

  #settle(): Pending | undefined {
    const p = this.#pending;
    this.#pending = undefined;
    if (p !== undefined) clearTimeout(p.timer);
    return p;
  }

  #run(script: string, timeoutMs: number): Promise<string> {
    this.#child ??= this.#start();
    const child = this.#child;
    const marker = `__ai_observer_done_${++this.#n}__`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settle();
        this.close();
        reject(new Error(`${this.#exe} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.#out = '';
      this.#pending = { marker, resolve, reject, timer };
      child.stdin!.write(`${script}; Write-Output '${marker}'\n`);
    });
  }

  close(): void {
    const child = this.#child;
    this.#child = undefined;
    if (child !== undefined && child.exitCode === null) {
      child.stdin?.end();
      child.kill();
    }
  }
}
