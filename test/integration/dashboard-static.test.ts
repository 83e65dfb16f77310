// The dashboard's files over the agent's real HTTP port: content types, caching (immutable
// hashed assets, the page revalidated by ETag), gzip, HEAD, 405, the security headers, the
// Host allowlist, and no way out of the built folder (.., %2F, //).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildDashboard } from '../../scripts/build-dashboard.ts';
import { DASHBOARD_CSP } from '../../src/web/static.ts';
import { startTestServer, type TestServer } from '../support/agent.ts';
import { scratchHome } from '../support/cli.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request: the path goes on the wire exactly as given (no URL normalization). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard files', () => {
  const dir = join(scratchHome('aio-dash-'), 'web');
  let srv: TestServer;
  let js: string;
  let css: string;
  before(async () => {
    await buildDashboard(dir);
    const names = readdirSync(join(dir, 'assets'));
    js = names.find((n) => n.endsWith('.js'))!;
    css = names.find((n) => n.endsWith('.css'))!;
    srv = await startTestServer({ dashboardDir: dir });
  });
  after(() => srv.close());

  test('GET / is the page: HTML, revalidated by ETag, with a CSP that allows no other origin', async () => {
    const r = await send(srv.url, 'GET', '/');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.match(String(r.headers.etag), /^"[\w-]+"$/);
    assert.equal(r.headers['content-security-policy'], DASHBOARD_CSP);
    assert.doesNotMatch(DASHBOARD_CSP, /https?:|\*/, 'no remote source, no wildcard');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    const html = r.body.toString();
    assert.equal(html, readFileSync(join(dir, 'index.html'), 'utf8'));
    assert.ok(html.includes(`/assets/${js}`) && html.includes(`/assets/${css}`));
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no remote URL');

    const again = await send(srv.url, 'GET', '/?from=bookmark', {
      'If-None-Match': String(r.headers.etag),
    });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
  });

  test('hashed assets: their content type, cached for good, gzip when asked', async () => {
    const r = await send(srv.url, 'GET', `/assets/${js}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.deepEqual(r.body, readFileSync(join(dir, 'assets', js)));

    const c = await send(srv.url, 'GET', `/assets/${css}`);
    assert.equal(c.headers['content-type'], 'text/css; charset=utf-8');

    const gz = await send(srv.url, 'GET', `/assets/${js}`, { 'Accept-Encoding': 'gzip, br' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers.vary, 'Accept-Encoding');
    assert.notEqual(gz.headers.etag, r.headers.etag, 'each encoding has its own ETag');
    assert.ok(gz.body.length < r.body.length / 2);
    assert.deepEqual(gunzipSync(gz.body), r.body);
  });

  test('the script is built for the browser and brings everything it needs', () => {
    const code = readFileSync(join(dir, 'assets', js), 'utf8');
    assert.doesNotMatch(code, /\bfrom\s*["'](?!\.)/, 'no bare import left for a CDN to resolve');
    assert.doesNotMatch(code, /https?:\/\/(?!www\.w3\.org)/, 'no remote URL');
  });

  test('HEAD: the headers of GET and no body; other methods: 405 with Allow', async () => {
    const head = await send(srv.url, 'HEAD', `/assets/${css}`);
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(
      Number(head.headers['content-length']),
      readFileSync(join(dir, 'assets', css)).length,
    );
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await send(srv.url, method, '/');
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD');
    }
  });

  test('nothing outside the built folder: .., %2F, //, and names that do not exist', async () => {
    const paths = [
      '/assets/../package.json',
      '/assets/..%2F..%2Fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%5C..%5Cpackage.json',
      '/assets//etc/passwd',
      '//etc/passwd',
      `//assets/${js}`,
      '/assets/',
      '/assets/index.html',
      '/assets/.hidden',
      '/../../../../etc/passwd',
    ];
    for (const path of paths) {
      const r = await send(srv.url, 'GET', path);
      assert.equal(r.status, 404, path);
      const text = r.body.toString();
      assert.ok(!text.includes('"name"') && !text.includes('root:'), `${path} leaked a file`);
    }
    // Dot segments resolve as in any URL, and only ever to a name inside assets/.
    const inside = await send(srv.url, 'GET', `/assets/x/../${js}`);
    assert.deepEqual(inside.body, readFileSync(join(dir, 'assets', js)));
  });

  test('the Host allowlist and the CORS rule hold here as on every route', async () => {
    const r = await send(srv.url, 'GET', '/', { Host: 'evil.example:4318' });
    assert.equal(r.status, 403);
    const cross = await send(srv.url, 'GET', `/assets/${js}`, { Origin: 'http://evil.example' });
    assert.equal(cross.headers['access-control-allow-origin'], undefined);
    assert.equal(cross.headers['cross-origin-resource-policy'], 'same-origin');
  });
});

describe('dashboard not built', () => {
  test('GET / says so and how to fix it; the API still answers', async () => {
    const srv = await startTestServer({ dashboardDir: join(scratchHome(), 'missing') });
    try {
      const r = await send(srv.url, 'GET', '/');
      assert.equal(r.status, 503);
      assert.match(r.body.toString(), /dashboard is not built .*missing.*npm run build/);
      assert.equal((await send(srv.url, 'GET', '/api/sessions')).status, 200);
    } finally {
      await srv.close();
    }
  });

  test('a build made while the agent runs is served on the next load', async () => {
    const dir = join(scratchHome(), 'web');
    const srv = await startTestServer({ dashboardDir: dir });
    try {
      assert.equal((await send(srv.url, 'GET', '/')).status, 503);
      await buildDashboard(dir);
      assert.equal((await send(srv.url, 'GET', '/')).status, 200);
    } finally {
      await srv.close();
    }
  });
});

describe('dashboard behind a bearer token', () => {
  test('the page needs the token like every route', async () => {
    const dir = join(scratchHome(), 'web');
    await buildDashboard(dir);
    const srv = await startTestServer({ dashboardDir: dir, token: '0123456789abcdef' });
    try {
      assert.equal((await send(srv.url, 'GET', '/')).status, 401);
      const ok = await send(srv.url, 'GET', '/', { Authorization: 'Bearer 0123456789abcdef' });
      assert.equal(ok.status, 200);
    } finally {
      await srv.close();
    }
  });
});
