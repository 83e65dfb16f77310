// Which catalog site a tab's URL belongs to, by domain (and its subdomains) and optional path
// prefix, as the agent's history source decides it. The list comes from the agent (POST
// /api/extension/catalog); the URL is looked at here and only the catalog's domain leaves.

/** @typedef {{ entry: string, name: string, domain: string, pathPrefix: string }} Site */
/** @typedef {{ entry: string, site: string }} SiteMatch */
/** @typedef {Map<string, Site[]>} SiteIndex */

/**
 * @param {readonly Site[]} sites
 * @returns {SiteIndex}
 */
export function siteIndex(sites) {
  /** @type {SiteIndex} */
  const byDomain = new Map();
  for (const s of sites) {
    const list = byDomain.get(s.domain) ?? [];
    list.push(s);
    byDomain.set(s.domain, list);
  }
  // Longest path prefix first: `huggingface.co/chat` before `huggingface.co`.
  for (const list of byDomain.values())
    list.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
  return byDomain;
}

/**
 * @param {string} path
 * @param {string} prefix
 */
function pathUnder(path, prefix) {
  if (prefix === '') return true;
  if (!path.toLowerCase().startsWith(prefix)) return false;
  const next = path.charAt(prefix.length);
  // `/chat` covers /chat, /chat/x and /chat?q, not /chatter.
  return next === '' || next === '/' || next === '?' || next === '#';
}

/**
 * The catalog site of an http(s) URL, trying its host and then each parent domain.
 * @param {string | undefined} url
 * @param {SiteIndex} index
 * @returns {SiteMatch | undefined}
 */
export function matchUrl(url, index) {
  if (url === undefined) return undefined;
  /** @type {URL} */
  let u;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  let host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('www.')) host = host.slice(4);
  for (;;) {
    for (const s of index.get(host) ?? []) {
      if (pathUnder(u.pathname, s.pathPrefix)) return { entry: s.entry, site: s.domain };
    }
    const dot = host.indexOf('.');
    if (dot < 0 || host.indexOf('.', dot + 1) < 0) return undefined;
    host = host.slice(dot + 1);
  }
}
