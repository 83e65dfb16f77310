// GET /metrics: the agent's metrics in the Prometheus text format, for a Prometheus that
// scrapes the agent directly (no collector in between).

import type { IncomingMessage, ServerResponse } from 'node:http';

export type Scrape = () => Promise<string>;

export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  scrape: Scrape | undefined,
): Promise<void> {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end(`${req.method} is not allowed here; use GET\n`);
  }
  if (scrape === undefined) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end('GET /metrics is off (export.prometheus: false)\n');
  }
  const text = await scrape();
  res.writeHead(200, {
    'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
