// The browser extension's routes, all POST under /api/extension/: `pair` (pins the extension's
// origin on its first pairing), `catalog` (the catalog's sites: the extension keeps no list of
// its own), `events` (time and visits, each event once by its id) and `today` (the popup's time
// per site). The one place the agent takes requests with a browser Origin: only the paired
// extension's, and only with the pairing code as a bearer token.

import type { IncomingMessage } from 'node:http';
import type { Catalog } from '../../domain/activity/catalog.ts';
import {
  ExtensionPayloadError,
  extensionActivity,
  extensionSites,
  parseExtensionBatch,
} from '../../domain/activity/extension.ts';
import { startOfToday } from '../../domain/periods.ts';
import type { ActivityStore } from '../../store/types.ts';
import { HttpError, readBody } from '../../web/body.ts';
import { codeMatches, EXTENSION_ORIGIN, type PairingFile } from './pairing.ts';

export const EXTENSION_PREFIX = '/api/extension/';
const BODY_LIMIT = 1024 * 1024;

export interface ExtensionRoutesOptions {
  pairing: PairingFile;
  catalog: Catalog;
  /** The ledger as its writer holds it; undefined while another process has the lock. */
  store: () => ActivityStore | undefined;
  /** The ledger to read from (the writer's, or a read-only connection). */
  reader: () => ActivityStore;
  /** The zone "today" is counted in. */
  zone: string;
  version: string;
  log: (line: string) => void;
  now?: () => number;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Route = 'pair' | 'catalog' | 'events' | 'today';
const ROUTES = new Set<string>(['pair', 'catalog', 'events', 'today']);

export class ExtensionRoutes {
  readonly #opts: ExtensionRoutesOptions;
  readonly #now: () => number;

  constructor(opts: ExtensionRoutesOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  static owns(path: string): boolean {
    return path.startsWith(EXTENSION_PREFIX);
  }

  async handle(req: IncomingMessage, path: string): Promise<Reply> {
    const name = path.slice(EXTENSION_PREFIX.length);
    if (!ROUTES.has(name)) {
      req.resume();
      return { status: 404, body: { error: `no route ${path}` } };
    }
    if (req.method !== 'POST') {
      req.resume();
      return {
        status: 405,
        body: { error: `${req.method} is not allowed here; use POST` },
        headers: { Allow: 'POST' },
      };
    }
    const refused = this.#admit(req, name as Route);
    if (refused !== undefined) {
      req.resume();
      return refused;
    }
    switch (name as Route) {
      case 'pair':
        req.resume();
        return { status: 200, body: { ok: true, agent: this.#opts.version } };
      case 'catalog':
        req.resume();
        return { status: 200, body: { sites: extensionSites(this.#opts.catalog) } };
      case 'today':
        req.resume();
        return { status: 200, body: this.#today() };
      case 'events':
        return this.#events(req);
    }
  }

  /** The pairing code, then the origin; undefined when the request may go on. */
  #admit(req: IncomingMessage, route: Route): Reply | undefined {
    let pairing = this.#opts.pairing.current();
    if (pairing === undefined) {
      return unauthorized(
        'no extension is paired with this agent: run "ai-observer extension pair"',
      );
    }
    if (!codeMatches(pairing, req.headers.authorization)) {
      return unauthorized('missing or wrong pairing code');
    }
    const origin = req.headers.origin;
    if (origin === undefined || !EXTENSION_ORIGIN.test(origin)) {
      return forbidden('requests here must come from the paired browser extension');
    }
    if (pairing.origin === null) {
      if (route !== 'pair') {
        return forbidden(
          'the extension is not paired yet: save the pairing code in its options first',
        );
      }
      pairing = this.#opts.pairing.pin(origin);
      this.#opts.log(`extension: paired with ${origin}`);
    }
    if (pairing.origin !== origin) {
      return forbidden(
        `${origin} is not the paired extension; run "ai-observer extension pair" to pair another`,
      );
    }
    return undefined;
  }

  async #events(req: IncomingMessage): Promise<Reply> {
    const raw = await readBody(req, BODY_LIMIT);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new HttpError(400, `extension events are not JSON: ${(err as Error).message}`);
    }
    const now = this.#now();
    let activity: ReturnType<typeof extensionActivity>;
    try {
      activity = extensionActivity(parseExtensionBatch(body, now), this.#opts.catalog, now);
    } catch (err) {
      if (err instanceof ExtensionPayloadError) {
        throw new HttpError(400, `bad extension events: ${err.message}`);
      }
      throw err;
    }
    const store = this.#opts.store();
    if (store === undefined) {
      return {
        status: 503,
        body: { error: 'the ledger is held by another ai-observer command; try again shortly' },
        headers: { 'Retry-After': '5' },
      };
    }
    const r = store.commitActivityOnce(activity.batches, now);
    return {
      status: 200,
      body: { taken: r.taken, duplicates: r.duplicates, ignored: activity.ignored },
    };
  }

  #today() {
    const now = this.#now();
    const since = startOfToday(now, this.#opts.zone);
    const names = new Map(this.#opts.catalog.entries.map((e) => [e.id, e.name]));
    const rows = this.#opts.reader().activityTotals({ since, until: now + 1, kind: 'site' });
    return {
      timezone: this.#opts.zone,
      since,
      sites: rows
        .map((r) => ({
          site: r.subject,
          name: names.get(r.entry) ?? r.entry,
          seconds: r.activeSeconds,
          visits: r.visits,
          sources: r.sources,
        }))
        .sort((a, b) => b.seconds - a.seconds || b.visits - a.visits),
    };
  }
}

function unauthorized(message: string): Reply {
  return { status: 401, body: { error: message }, headers: { 'WWW-Authenticate': 'Bearer' } };
}

function forbidden(message: string): Reply {
  return { status: 403, body: { error: message } };
}
