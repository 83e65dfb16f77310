// The catalog of AI apps, CLIs and sites (data/catalog.yaml, extended and overridden by the
// config's `activity.catalog`): what each is called, its category, the hourly rate its time is
// estimated at, and how to recognise it per OS. Pure: the YAML is parsed by the caller; this
// checks the plain values and merges the layers, or throws one error naming entry and field.

import { CatalogError } from './catalog-error.ts';

export { CatalogError };

export type ActivityKind = 'app' | 'cli' | 'site';
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['app', 'cli', 'site'];

export type Os = 'linux' | 'darwin' | 'win32';
export const OSES: readonly Os[] = ['linux', 'darwin', 'win32'];

/**
 * One way a process is recognised. Every field given must match: `names` the process or
 * executable name, `paths` a fragment of the executable's path, `scripts` the script an
 * interpreter (node, python, …) runs, `args` a pattern over the arguments, and none of
 * `notArgs`. The more a rule says, the more it wins over a looser rule of another entry.
 */
export interface ProcessRule {
  names: string[];
  paths: string[];
  scripts: string[];
  args: RegExp[];
  notArgs: RegExp[];
}

/** A site rule: a domain (and its subdomains), optionally only under a path prefix. */
export interface SiteRule {
  domain: string;
  pathPrefix: string;
}

export interface CatalogEntry {
  id: string;
  name: string;
  kind: ActivityKind;
  category: string;
  /** USD per hour of use: what an hour of it is estimated to cost. */
  hourlyRate: number;
  /** Per OS; `all` rules apply on every OS besides its own. */
  process: Partial<Record<Os | 'all', ProcessRule[]>>;
  /** Foreground window classes / application names (compared without case). */
  windowClasses: string[];
  sites: SiteRule[];
  /** Command word sequences that start an invocation in a shell, e.g. `gh copilot`. */
  shell: string[][];
}

export interface Catalog {
  entries: CatalogEntry[];
  byId: ReadonlyMap<string, CatalogEntry>;
}

const ID = /^[a-z0-9][a-z0-9._-]*$/;
const RULE_KEYS = new Set(['names', 'paths', 'scripts', 'args', 'notArgs']);
const ENTRY_KEYS = new Set([
  'id',
  'name',
  'kind',
  'category',
  'hourlyRate',
  'process',
  'windowClasses',
  'sites',
  'shell',
  'enabled',
]);

type Raw = Record<string, unknown>;

function isMapping(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(where: string, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s !== '')) {
    throw new CatalogError(`${where}: expected a list of non-empty strings`);
  }
  return list as string[];
}

function patterns(where: string, v: unknown): RegExp[] {
  return strings(where, v).map((p) => {
    try {
      return new RegExp(p);
    } catch (err) {
      throw new CatalogError(
        `${where}: invalid pattern ${JSON.stringify(p)}: ${(err as Error).message}`,
      );
    }
  });
}

function processRule(where: string, v: unknown): ProcessRule {
  if (!isMapping(v))
    throw new CatalogError(`${where}: expected a mapping of names/paths/scripts/args`);
  for (const k of Object.keys(v)) {
    if (!RULE_KEYS.has(k)) throw new CatalogError(`${where}: unknown field ${k}`);
  }
  const rule: ProcessRule = {
    names: strings(`${where}.names`, v.names),
    paths: strings(`${where}.paths`, v.paths),
    scripts: strings(`${where}.scripts`, v.scripts),
    args: patterns(`${where}.args`, v.args),
    notArgs: patterns(`${where}.notArgs`, v.notArgs),
  };
  if (rule.names.length + rule.paths.length + rule.scripts.length + rule.args.length === 0) {
    throw new CatalogError(`${where}: a rule needs names, paths, scripts or args`);
  }
  return rule;
}

function processRules(where: string, v: unknown): Partial<Record<Os | 'all', ProcessRule[]>> {
  if (v === undefined || v === null) return {};
  if (!isMapping(v))
    throw new CatalogError(`${where}: expected a mapping of linux/darwin/win32/all`);
  const out: Partial<Record<Os | 'all', ProcessRule[]>> = {};
  for (const [os, body] of Object.entries(v)) {
    if (os !== 'all' && !(OSES as readonly string[]).includes(os)) {
      throw new CatalogError(`${where}: unknown OS ${os}; use linux, darwin, win32 or all`);
    }
    const list = Array.isArray(body) ? body : [body];
    out[os as Os | 'all'] = list.map((r, i) => processRule(`${where}.${os}[${i}]`, r));
  }
  return out;
}

/** `chatgpt.com` or `huggingface.co/chat` → a site rule. */
export function parseSiteRule(where: string, text: string): SiteRule {
  const s = text
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '');
  const slash = s.indexOf('/');
  const domain = (slash < 0 ? s : s.slice(0, slash)).replace(/^www\./, '');
  const pathPrefix = slash < 0 ? '' : s.slice(slash).replace(/\/+$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
    throw new CatalogError(`${where}: ${JSON.stringify(text)} is not a domain`);
  }
  return { domain, pathPrefix };
}

function shellPatterns(where: string, v: unknown): string[][] {
  return strings(where, v).map((p) => {
    const words = p.trim().split(/\s+/);
    if (words.length === 0 || words[0] === '') throw new CatalogError(`${where}: empty pattern`);
    return words;
  });
}

function entry(where: string, id: string, v: Raw): CatalogEntry {
  for (const k of Object.keys(v)) {
    if (!ENTRY_KEYS.has(k)) throw new CatalogError(`${where}: unknown field ${k}`);
  }
  if (!ID.test(id)) {
    throw new CatalogError(`${where}: id must be lower-case letters, digits, '.', '_' or '-'`);
  }
  const kind = v.kind;
  if (typeof kind !== 'string' || !(ACTIVITY_KINDS as readonly string[]).includes(kind)) {
    throw new CatalogError(`${where}: kind must be app, cli or site`);
  }
  const name = v.name ?? id;
  if (typeof name !== 'string' || name === '')
    throw new CatalogError(`${where}: name must be a string`);
  const category = v.category ?? 'other';
  if (typeof category !== 'string' || category === '') {
    throw new CatalogError(`${where}: category must be a string`);
  }
  const rate = v.hourlyRate ?? 0;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
    throw new CatalogError(`${where}: hourlyRate must be a number of USD per hour, 0 or more`);
  }
  const e: CatalogEntry = {
    id,
    name,
    kind: kind as ActivityKind,
    category,
    hourlyRate: rate,
    process: processRules(`${where}.process`, v.process),
    windowClasses: strings(`${where}.windowClasses`, v.windowClasses),
    sites: strings(`${where}.sites`, v.sites).map((s, i) =>
      parseSiteRule(`${where}.sites[${i}]`, s),
    ),
    shell: shellPatterns(`${where}.shell`, v.shell),
  };
  if (e.kind === 'site' && e.sites.length === 0)
    throw new CatalogError(`${where}: a site needs sites`);
  if (e.kind !== 'site' && e.sites.length > 0) {
    throw new CatalogError(`${where}: only a site has sites`);
  }
  return e;
}

/** Raw entries by id, in order, from the shipped document's `entries` list. */
function rawEntries(doc: unknown, origin: string): Map<string, Raw> {
  if (!isMapping(doc) || !Array.isArray(doc.entries)) {
    throw new CatalogError(`catalog ${origin}: expected a mapping with an entries list`);
  }
  const out = new Map<string, Raw>();
  doc.entries.forEach((e: unknown, i: number) => {
    if (!isMapping(e) || typeof e.id !== 'string') {
      throw new CatalogError(`catalog ${origin}: entries[${i}] needs an id`);
    }
    if (out.has(e.id)) throw new CatalogError(`catalog ${origin}: entry ${e.id} is listed twice`);
    out.set(e.id, e);
  });
  return out;
}

/**
 * The shipped catalog (a parsed `data/catalog.yaml`) under the config's overrides: a mapping
 * of id → fields. A known id takes the fields given (a `process` mapping replaces only the OSes
 * it names); a new id is a new entry; `enabled: false` drops an entry.
 */
export function buildCatalog(
  shipped: unknown,
  overrides: Record<string, unknown> = {},
  origin = 'data/catalog.yaml',
): Catalog {
  const raw = rawEntries(shipped, origin);
  for (const [id, o] of Object.entries(overrides)) {
    const where = `config activity.catalog.${id}`;
    if (!isMapping(o)) throw new CatalogError(`${where}: expected a mapping of fields`);
    const base = raw.get(id);
    const merged: Raw = { ...(base ?? {}), ...o, id };
    if (base !== undefined && isMapping(base.process) && isMapping(o.process)) {
      merged.process = { ...base.process, ...o.process };
    }
    raw.set(id, merged);
  }
  const entries: CatalogEntry[] = [];
  for (const [id, r] of raw) {
    const where =
      overrides[id] !== undefined
        ? `config activity.catalog.${id}`
        : `catalog ${origin}: entry ${id}`;
    if (r.enabled === false) continue;
    if (r.enabled !== undefined && r.enabled !== true) {
      throw new CatalogError(`${where}: enabled must be true or false`);
    }
    entries.push(entry(where, id, r));
  }
  return { entries, byId: new Map(entries.map((e) => [e.id, e])) };
}

/** An entry's process rules on one OS. */
export function rulesFor(e: CatalogEntry, os: Os): ProcessRule[] {
  return [...(e.process[os] ?? []), ...(e.process.all ?? [])];
}
