// What the browser extension sends, checked and turned into activity. It tracks the active tab
// of the focused window on catalog sites and sends only the catalog site (the domain of the
// catalog's rule, never the page's URL, path or title) with times: `time` for a stretch the
// site was in front, `visit` for a page loaded from it. Each event has an id so that a retry
// counts once. Pure.

import type { Catalog } from './catalog.ts';
import type { ActivityCount, ActivityInterval } from './intervals.ts';
import { COUNT_BUCKET_MS } from './intervals.ts';

export interface ExtensionTime {
  id: string;
  type: 'time';
  /** The catalog entry and the domain of its site rule that matched. */
  entry: string;
  site: string;
  start: number;
  end: number;
}

export interface ExtensionVisit {
  id: string;
  type: 'visit';
  entry: string;
  site: string;
  ts: number;
}

export type ExtensionEvent = ExtensionTime | ExtensionVisit;

export interface ExtensionBatch {
  browser: { name: string; version: string };
  events: ExtensionEvent[];
}

export class ExtensionPayloadError extends Error {
  override name = 'ExtensionPayloadError';
}

export const MAX_EVENTS_PER_BATCH = 500;
/** The longest stretch one event may carry (the extension sends one every minute or so). */
export const MAX_SPAN_MS = 6 * 3_600_000;
/** Events older than this are dropped (the ids of taken events are kept a little longer). */
export const MAX_EVENT_AGE_MS = 30 * 86_400_000;
/** Clock slack for an event "from the future" (the same machine's clock: small). */
const FUTURE_SLACK_MS = 5 * 60_000;

const ID = /^[A-Za-z0-9_-]{8,64}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$/;
const VERSION = /^[0-9][0-9.]{0,23}$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const EVENT_KEYS = {
  time: new Set(['id', 'type', 'entry', 'site', 'start', 'end']),
  visit: new Set(['id', 'type', 'entry', 'site', 'ts']),
};

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(where: string, what: string): never {
  throw new ExtensionPayloadError(`${where}: ${what}`);
}

function text(o: Raw, key: string, where: string, pattern: RegExp, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !pattern.test(v)) fail(`${where}.${key}`, `must be ${what}`);
  return v;
}

function time(o: Raw, key: string, where: string, now: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    fail(`${where}.${key}`, 'must be a time in ms since the epoch (a positive integer)');
  }
  if (v > now + FUTURE_SLACK_MS) fail(`${where}.${key}`, 'is in the future');
  return v;
}

function event(v: unknown, where: string, now: number): ExtensionEvent {
  if (!isObject(v)) fail(where, 'must be an object');
  const type = v.type;
  if (type !== 'time' && type !== 'visit') fail(`${where}.type`, 'must be "time" or "visit"');
  for (const k of Object.keys(v)) {
    // Nothing else may come: no URL, no title, no path.
    if (!EVENT_KEYS[type].has(k)) fail(`${where}.${k}`, `is not a field of a ${type} event`);
  }
  const id = text(v, 'id', where, ID, '8 to 64 letters, digits, "-" or "_"');
  const entry = text(v, 'entry', where, /^[a-z0-9][a-z0-9._-]{0,63}$/, 'a catalog entry id');
  const site = text(v, 'site', where, DOMAIN, 'a lower-case domain');
  if (site.length > 253) fail(`${where}.site`, 'must be a domain (253 characters at most)');
  if (type === 'visit') return { id, type, entry, site, ts: time(v, 'ts', where, now) };
  const start = time(v, 'start', where, now);
  const end = time(v, 'end', where, now);
  if (end < start) fail(`${where}.end`, 'is before its start');
  if (end - start > MAX_SPAN_MS) fail(`${where}.end`, 'makes a stretch longer than 6 hours');
  return { id, type, entry, site, start, end };
}

/** Checks a POST /api/extension/events body; throws ExtensionPayloadError naming the field. */
export function parseExtensionBatch(body: unknown, now: number): ExtensionBatch {
  if (!isObject(body)) fail('body', 'must be a JSON object');
  const b = body.browser;
  if (!isObject(b)) fail('browser', 'must be an object with name and version');
  const name = text(b, 'name', 'browser', NAME, 'a browser name');
  const version = text(b, 'version', 'browser', VERSION, 'a version number');
  const list = body.events;
  if (!Array.isArray(list)) fail('events', 'must be an array');
  if (list.length > MAX_EVENTS_PER_BATCH) {
    fail('events', `has ${list.length} events; send ${MAX_EVENTS_PER_BATCH} at most at once`);
  }
  const events = list.map((e, i) => event(e, `events[${i}]`, now));
  return { browser: { name, version }, events };
}

/** One event's activity, to be folded in once by its id. */
export interface OnceActivity {
  id: string;
  /** `extension:<browser>`. */
  origin: string;
  intervals: ActivityInterval[];
  counts: ActivityCount[];
}

export interface ExtensionActivity {
  batches: OnceActivity[];
  /** Events for a site the catalog no longer has, or older than MAX_EVENT_AGE_MS. */
  ignored: number;
}

/** Checked events → activity (source `extension`), each event its own once-only batch. */
export function extensionActivity(
  batch: ExtensionBatch,
  catalog: Catalog,
  now: number,
): ExtensionActivity {
  const origin = `extension:${batch.browser.name}`;
  const out: ExtensionActivity = { batches: [], ignored: 0 };
  for (const e of batch.events) {
    const entry = catalog.byId.get(e.entry);
    const known =
      entry !== undefined && entry.kind === 'site' && entry.sites.some((s) => s.domain === e.site);
    const last = e.type === 'time' ? e.end : e.ts;
    if (!known || last < now - MAX_EVENT_AGE_MS) {
      out.ignored++;
      continue;
    }
    const base = {
      kind: 'site' as const,
      subject: e.site,
      entry: entry.id,
      category: entry.category,
    };
    const intervals: ActivityInterval[] = [];
    const counts: ActivityCount[] = [];
    if (e.type === 'time') {
      intervals.push({
        ...base,
        rate: entry.hourlyRate,
        start: e.start,
        end: e.end,
        source: 'extension',
      });
    } else {
      const bucket = e.ts - (e.ts % COUNT_BUCKET_MS);
      counts.push({ ...base, bucket, visits: 1, commands: 0, source: 'extension' });
    }
    out.batches.push({ id: e.id, origin, intervals, counts });
  }
  return out;
}

export interface ExtensionSite {
  entry: string;
  name: string;
  /** A domain; its subdomains match too. */
  domain: string;
  /** '' or a path prefix such as `/chat`: the extension looks at the path, never sends it. */
  pathPrefix: string;
}

/** The catalog's sites as the extension reads them (POST /api/extension/catalog). */
export function extensionSites(catalog: Catalog): ExtensionSite[] {
  const out: ExtensionSite[] = [];
  for (const e of catalog.entries) {
    if (e.kind !== 'site') continue;
    for (const s of e.sites) {
      out.push({ entry: e.id, name: e.name, domain: s.domain, pathPrefix: s.pathPrefix });
    }
  }
  return out;
}
