// Which catalog site a visited URL belongs to, by domain (and its subdomains) and optional path
// prefix. Only the domain is ever kept: the path is looked at here and dropped. Written for
// speed: a first read of a long browser history matches hundreds of thousands of URLs.

import type { Catalog, CatalogEntry } from './catalog.ts';

export interface SiteMatch {
  entry: CatalogEntry;
  /** The catalog's domain that matched, e.g. `gemini.google.com` (no `www.`, no path). */
  domain: string;
}

interface Candidate {
  entry: CatalogEntry;
  domain: string;
  pathPrefix: string;
}

export interface SiteIndex {
  byDomain: ReadonlyMap<string, Candidate[]>;
}

export function siteIndex(catalog: Catalog): SiteIndex {
  const byDomain = new Map<string, Candidate[]>();
  for (const e of catalog.entries) {
    if (e.kind !== 'site') continue;
    for (const s of e.sites) {
      let list = byDomain.get(s.domain);
      if (list === undefined) {
        list = [];
        byDomain.set(s.domain, list);
      }
      list.push({ entry: e, domain: s.domain, pathPrefix: s.pathPrefix });
    }
  }
  // Longest path prefix first: `huggingface.co/chat` before `huggingface.co`.
  for (const list of byDomain.values())
    list.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
  return { byDomain };
}

/** Host and path of an http(s) URL, lower-cased host, without userinfo or port. */
export function hostAndPath(url: string): { host: string; path: string } | undefined {
  let i: number;
  if (url.startsWith('https://')) i = 8;
  else if (url.startsWith('http://')) i = 7;
  else return undefined;
  let end = i;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    // '/', '?', '#'
    if (c === 47 || c === 63 || c === 35) break;
    end++;
  }
  let host = url.slice(i, end);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !host.endsWith(']')) host = host.slice(0, colon);
  if (host.endsWith('.')) host = host.slice(0, -1);
  const path = url.charCodeAt(end) === 47 ? url.slice(end) : '/';
  return { host: host.toLowerCase(), path };
}

function pathUnder(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  if (!path.toLowerCase().startsWith(prefix)) return false;
  const next = path.charCodeAt(prefix.length);
  // `/chat` covers /chat, /chat/x and /chat?q, not /chatter.
  return Number.isNaN(next) || next === 47 || next === 63 || next === 35;
}

export function matchSite(url: string, index: SiteIndex): SiteMatch | undefined {
  const hp = hostAndPath(url);
  if (hp === undefined) return undefined;
  return matchHost(hp.host, hp.path, index);
}

/** The site of a host (and path), trying the host and then each parent domain. */
export function matchHost(host: string, path: string, index: SiteIndex): SiteMatch | undefined {
  let h = host.startsWith('www.') ? host.slice(4) : host;
  for (;;) {
    const list = index.byDomain.get(h);
    if (list !== undefined) {
      for (const c of list)
        if (pathUnder(path, c.pathPrefix)) return { entry: c.entry, domain: c.domain };
    }
    const dot = h.indexOf('.');
    if (dot < 0 || h.indexOf('.', dot + 1) < 0) return undefined;
    h = h.slice(dot + 1);
  }
}
