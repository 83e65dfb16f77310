// GET /api/stream: every session snapshot as a Server-Sent Event, the current one first, and
// a comment now and then so proxies and clients can tell a quiet stream from a dead one.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveMonitor, Snapshot } from '../daemon/monitor.ts';

const KEEPALIVE_MS = 15_000;

export class SseHub {
  readonly #monitor: LiveMonitor;
  readonly #clients = new Set<ServerResponse>();
  #unsubscribe: (() => void) | undefined;
  #keepalive: NodeJS.Timeout | undefined;
  #id = 0;

  constructor(monitor: LiveMonitor) {
    this.#monitor = monitor;
  }

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.#send(res, this.#monitor.snapshot());
    this.#clients.add(res);
    this.#ensureRunning();
    const drop = () => {
      this.#clients.delete(res);
      if (this.#clients.size === 0) this.#stop();
    };
    req.on('close', drop);
    res.on('error', drop);
  }

  close(): void {
    for (const res of this.#clients) res.end();
    this.#clients.clear();
    this.#stop();
  }

  #send(res: ServerResponse, snap: Snapshot): void {
    this.#id++;
    res.write(`id: ${this.#id}\nevent: session_list\ndata: ${snap.json}\n\n`);
  }

  #ensureRunning(): void {
    if (this.#unsubscribe !== undefined) return;
    this.#unsubscribe = this.#monitor.onSnapshot((snap) => {
      for (const res of this.#clients) this.#send(res, snap);
    });
    this.#keepalive = setInterval(() => {
      for (const res of this.#clients) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#keepalive !== undefined) clearInterval(this.#keepalive);
    this.#keepalive = undefined;
  }
}
