// GET / and /assets/*: the web dashboard that scripts/build-dashboard.ts writes to dist/web/.
// Files are read into memory on the first request (a few hundred KiB, with a gzip copy) and
// served only by exact name, so no request path ever reaches the file system. Asset names carry
// a content hash and are cached for good; the page itself is revalidated by its ETag, so a new
// build shows on the next load.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageFile } from '../package-files.ts';

/** The page may load its own scripts, styles and API, and nothing from anywhere else. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json']);
/** esbuild's `[name]-[hash]`: eight base32 characters. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface StaticFile {
  type: string;
  body: Buffer;
  gzip: Buffer | undefined;
  etag: string;
  cacheControl: string;
}

interface Site {
  index: StaticFile;
  assets: Map<string, StaticFile>;
  /** index.html's mtime when read: a rebuild (e.g. in a checkout) is picked up without restart. */
  stamp: number;
}

/** Where the built dashboard is: dist/web/ under the package root (from src/ or dist/). */
export function defaultDashboardDir(): string {
  return packageFile('dist/web');
}

function fileOf(path: string, cacheControl: string): StaticFile {
  const body = readFileSync(path);
  const ext = extname(path);
  const gzip =
    COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
  return {
    type: TYPES[ext] ?? 'application/octet-stream',
    body,
    gzip: gzip !== undefined && gzip.length < body.length ? gzip : undefined,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    cacheControl,
  };
}

function load(dir: string): Site {
  const indexPath = join(dir, 'index.html');
  const stamp = statSync(indexPath).mtimeMs;
  const assets = new Map<string, StaticFile>();
  const assetsDir = join(dir, 'assets');
  for (const entry of readdirSync(assetsDir, { withFileTypes: true })) {
    if (!entry.isFile() || !ASSET_NAME.test(entry.name)) continue;
    const cache = HASHED.test(entry.name) ? IMMUTABLE : 'no-cache';
    assets.set(entry.name, fileOf(join(assetsDir, entry.name), cache));
  }
  return { index: fileOf(indexPath, 'no-cache'), assets, stamp };
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);
}

export class DashboardFiles {
  readonly #dir: string;
  #site: Site | undefined;

  constructor(dir: string = defaultDashboardDir()) {
    this.#dir = dir;
  }

  /** True for the paths this serves: `/` and `/assets/...` (whatever follows). */
  static owns(path: string): boolean {
    return path === '/' || path.startsWith('/assets/');
  }

  /** Answers a request for `path` (a URL pathname that `owns` accepted). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): void {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      this.#plain(res, 405, `${req.method} is not allowed here; use GET`, { Allow: 'GET, HEAD' });
      return;
    }
    let site: Site;
    try {
      site = this.#current();
    } catch (err) {
      const reason = `cannot read ${this.#dir}: ${(err as Error).message}`;
      this.#plain(res, 503, `the dashboard is not built (${reason}); run \`npm run build\``);
      return;
    }
    let file: StaticFile | undefined;
    if (path === '/') file = site.index;
    else {
      const name = path.slice('/assets/'.length);
      if (ASSET_NAME.test(name)) file = site.assets.get(name);
    }
    if (file === undefined) this.#plain(res, 404, `no file ${path}`);
    else this.#send(req, res, file);
  }

  #current(): Site {
    if (this.#site !== undefined) {
      // One stat per page load, none per asset: assets are immutable by name.
      let stamp: number | undefined;
      try {
        stamp = statSync(join(this.#dir, 'index.html')).mtimeMs;
      } catch {
        return this.#site; // gone mid-rebuild: keep serving what was read
      }
      if (stamp === this.#site.stamp) return this.#site;
    }
    this.#site = load(this.#dir);
    return this.#site;
  }

  #send(req: IncomingMessage, res: ServerResponse, file: StaticFile): void {
    const gzip = file.gzip !== undefined && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const etag = gzip ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
    const headers: Record<string, string | number> = {
      'Content-Type': file.type,
      'Cache-Control': file.cacheControl,
      ETag: etag,
      ...securityHeaders(),
    };
    if (file.gzip !== undefined) headers.Vary = 'Accept-Encoding';
    if (matches(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers);
      return void res.end();
    }
    const body = gzip ? file.gzip! : file.body;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  #plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...securityHeaders(),
      ...extra,
    });
    res.end(text);
  }
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
