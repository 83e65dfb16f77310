// A JSON POST to the agent over node:http (node:https for an https URL). The first fetch() in a
// process loads undici: ~30–40 ms, most of a hook's run, and Claude Code waits for its hooks
// on every event. node:http is part of Node's start-up snapshot.

import { request as httpRequest } from 'node:http';

export interface PostResult {
  status: number;
  text: string;
}

/** Rejects when the agent cannot be reached or has not answered within `timeoutMs`. */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, {
      method: 'POST',
      headers: {
        ...headers,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.end(body);
  });
}
