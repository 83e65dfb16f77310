// A status-bar client that stops reading must not make the agent queue snapshots without end:
// it gets the newest snapshot once it reads again.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { startTestServer } from '../support/agent.ts';

test('a stalled stream client holds at most one pending snapshot, then gets the newest', async () => {
  // One snapshot per turn, as many as the stream can be sent: the agent's own coalescing
  // (LiveMonitor's snapshot interval) would keep this test from filling the socket.
  const srv = await startTestServer({ snapshotIntervalMs: 0 });
  const socket = connect(Number(new URL(srv.url).port), '127.0.0.1');
  try {
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    socket.pause(); // a client that stopped reading
    // 100 sessions make each snapshot tens of kilobytes; 2,000 changes are ~90 MB, more than the kernel buffers.
    for (let i = 0; i < 100; i++) {
      srv.monitor.hook('claude', { hook_event_name: 'UserPromptSubmit', session_id: `s${i}` });
    }
    for (let round = 0; round < 2000; round++) {
      const id = `s${round % 100}`;
      const event = Math.floor(round / 100) % 2 === 0 ? 'Stop' : 'UserPromptSubmit';
      srv.monitor.hook('claude', { hook_event_name: event, session_id: id });
      await new Promise((r) => setImmediate(r));
    }
    const stats = (await (await fetch(`${srv.url}/api/stats`)).json()) as {
      stream: { clients: number; queuedBytes: number; skipped: number };
    };
    const snapshotBytes = srv.monitor.snapshot().json.length;
    assert.equal(stats.stream.clients, 1);
    assert.ok(stats.stream.skipped > 0, 'older snapshots were dropped for the stalled client');
    assert.ok(
      stats.stream.queuedBytes <= 64 * 1024 + 2 * snapshotBytes,
      `queued ${stats.stream.queuedBytes} bytes`,
    );
    // Reading again, the client ends up with the newest snapshot.
    const latest = srv.monitor.snapshot().json;
    let received = '';
    socket.on('data', (c: Buffer) => {
      received += c.toString();
    });
    socket.resume();
    const deadline = Date.now() + 10_000;
    while (!received.includes(`data: ${latest}\n\n`) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(received.includes(`data: ${latest}\n\n`), 'the newest snapshot arrived');
  } finally {
    socket.destroy();
    await srv.close();
  }
});
