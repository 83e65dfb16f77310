// The hook's POST to the agent (src/cli/post-json.ts), against a local server: what is sent,
// what comes back, and a refused or silent agent.

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { postJson } from '../../src/cli/post-json.ts';

async function serve(
  handle: (req: IncomingMessage, body: string) => { status: number; text: string } | undefined,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = handle(req, Buffer.concat(chunks).toString('utf8'));
      if (answer === undefined) return; // never answers
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.text);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('posts the JSON with its headers and gives back the status and the text', async () => {
  const seen: Array<{
    method: string | undefined;
    url: string | undefined;
    headers: IncomingMessage['headers'];
    body: string;
  }> = [];
  const { url, server } = await serve((req, body) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    return req.url === '/api/hooks/claude'
      ? { status: 202, text: '' }
      : { status: 400, text: 'bad: é' };
  });
  try {
    const body = JSON.stringify({ hook_event_name: 'Stop', note: 'é' });
    assert.deepEqual(
      await postJson(`${url}/api/hooks/claude`, { Authorization: 'Bearer t' }, body, 1000),
      {
        status: 202,
        text: '',
      },
    );
    assert.deepEqual(await postJson(`${url}/api/hooks/other`, {}, '{}', 1000), {
      status: 400,
      text: 'bad: é',
    });
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.body, body);
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.equal(seen[0]!.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(seen[0]!.headers.authorization, 'Bearer t');
    assert.equal(seen[1]!.headers.authorization, undefined);
  } finally {
    server.close();
  }
});

test('rejects when nothing listens, and when the agent does not answer in time', async () => {
  await assert.rejects(postJson('http://127.0.0.1:9/api/hooks/claude', {}, '{}', 1000));
  await assert.rejects(postJson('https://127.0.0.1:9/api/hooks/claude', {}, '{}', 1000));
  const { url, server } = await serve(() => undefined);
  try {
    const t0 = performance.now();
    await assert.rejects(postJson(`${url}/api/hooks/claude`, {}, '{}', 200), {
      name: /Abort|Timeout/,
    });
    const ms = performance.now() - t0;
    assert.ok(ms >= 150 && ms < 2000, `gave up after ${ms} ms`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
