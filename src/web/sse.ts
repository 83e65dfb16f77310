// GET /api/stream: every session snapshot as a Server-Sent Event, the current one first, and
// a comment now and then so proxies and clients can tell a quiet stream from a dead one.
// Each snapshot is complete, so a client that reads slower than snapshots come gets the newest
// one when its socket drains, never a growing backlog in the agent's memory.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveMonitor, Snapshot } from '../daemon/monitor.ts';

const KEEPALIVE_MS = 15_000;
/** Bytes queued on a client's socket beyond which newer snapshots wait for a drain. */
const HIGH_WATER = 64 * 1024;

interface Client {
  res: ServerResponse;
  /** The newest snapshot not yet written, while the socket is backed up. */
  pending: Snapshot | undefined;
}

export class SseHub {
  readonly #monitor: LiveMonitor;
  readonly #clients = new Map<ServerResponse, Client>();
  #unsubscribe: (() => void) | undefined;
  #keepalive: NodeJS.Timeout | undefined;
  #id = 0;
  /** Snapshots a slow client never got because a newer one replaced them. */
  #skipped = 0;

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
    const client: Client = { res, pending: undefined };
    this.#send(client, this.#monitor.snapshot());
    this.#clients.set(res, client);
    res.on('drain', () => {
      const next = client.pending;
      client.pending = undefined;
      if (next !== undefined) this.#send(client, next);
    });
    this.#ensureRunning();
    const drop = () => {
      this.#clients.delete(res);
      if (this.#clients.size === 0) this.#stop();
    };
    req.on('close', drop);
    res.on('error', drop);
  }

  stats(): { clients: number; queuedBytes: number; skipped: number } {
    let queuedBytes = 0;
    for (const res of this.#clients.keys()) queuedBytes += res.writableLength;
    return { clients: this.#clients.size, queuedBytes, skipped: this.#skipped };
  }

  close(): void {
    for (const res of this.#clients.keys()) res.end();
    this.#clients.clear();
    this.#stop();
  }

  #send(client: Client, snap: Snapshot): void {
    if (client.res.writableLength > HIGH_WATER) {
      if (client.pending !== undefined) this.#skipped++;
      client.pending = snap; // replaces an older one that never went out
      return;
    }
    this.#id++;
    client.res.write(`id: ${this.#id}\nevent: session_list\ndata: ${snap.json}\n\n`);
  }

  #ensureRunning(): void {
    if (this.#unsubscribe !== undefined) return;
    this.#unsubscribe = this.#monitor.onSnapshot((snap) => {
      for (const client of this.#clients.values()) this.#send(client, snap);
    });
    this.#keepalive = setInterval(() => {
      for (const res of this.#clients.keys()) res.write(': keepalive\n\n');
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
