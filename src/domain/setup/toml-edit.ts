// Edits a TOML file surgically: the file is split into statements (headers, key/values,
// comments, blank lines) and only the statements that set the keys being changed are
// replaced, removed or added; comments, order and formatting of everything else stay byte for
// byte. The caller checks the result by parsing it (codex-setup.ts), so a document this
// scanner misreads is refused, never damaged.

import { lineEnding } from './text-position.ts';

type Kind = 'blank' | 'comment' | 'header' | 'keyvalue';

export interface Statement {
  kind: Kind;
  /** Offset of the statement's first character (its line's start). */
  start: number;
  /** Offset just past its last line's newline (or the end of the text). */
  end: number;
  /** The table it belongs to; for a header, the table it opens. */
  table: string[];
  arrayTable: boolean;
  /** A key/value's dotted key, relative to `table`. */
  key: string[];
  valueStart: number;
  valueEnd: number;
}

const BARE = /^[A-Za-z0-9_-]+$/;

export function formatKey(key: string): string {
  return BARE.test(key) ? key : JSON.stringify(key);
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function lineEnd(text: string, i: number): number {
  const n = text.indexOf('\n', i);
  return n < 0 ? text.length : n + 1;
}

/** Reads a dotted key starting at `i`; returns the segments and where it stopped. */
function readKey(text: string, i: number, stop: string): { key: string[]; next: number } {
  const key: string[] = [];
  for (;;) {
    while (isSpace(text[i])) i++;
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      key.push(JSON.parse(text.slice(i, j + 1)) as string);
      i = j + 1;
    } else if (c === "'") {
      const j = text.indexOf("'", i + 1);
      key.push(text.slice(i + 1, j));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_-]/.test(text[j]!)) j++;
      key.push(text.slice(i, j));
      i = j;
    }
    while (isSpace(text[i])) i++;
    if (text[i] === '.') {
      i++;
      continue;
    }
    if (stop.includes(text[i] ?? '')) return { key, next: i };
    throw new Error(`unexpected ${JSON.stringify(text[i] ?? 'end')} in a key`);
  }
}

/** Past the end of a string opening at `i` (any of TOML's four kinds). */
function skipString(text: string, i: number): number {
  const q = text[i]!;
  const triple = text.startsWith(q.repeat(3), i);
  if (triple) {
    let j = i + 3;
    for (;;) {
      const k = text.indexOf(q.repeat(3), j);
      if (k < 0) return text.length;
      let backslashes = 0;
      for (let b = k - 1; q === '"' && text[b] === '\\'; b--) backslashes++;
      if (backslashes % 2 === 1) {
        j = k + 1;
        continue;
      }
      let end = k + 3;
      // Up to two quotes right before the closing delimiter belong to the string.
      while (end < k + 5 && text[end] === q) end++;
      return end;
    }
  }
  let j = i + 1;
  while (j < text.length && text[j] !== q && text[j] !== '\n') {
    j += q === '"' && text[j] === '\\' ? 2 : 1;
  }
  return j + 1;
}

/** The value starting at `i`: where it ends (before any comment) and where its line ends. */
function readValue(text: string, i: number): { valueEnd: number; end: number } {
  let depth = 0;
  let last = i;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      i = skipString(text, i);
      last = i;
      continue;
    }
    if (c === '#') {
      const n = text.indexOf('\n', i);
      i = n < 0 ? text.length : n;
      continue;
    }
    if (c === '\n') {
      if (depth <= 0) return { valueEnd: last, end: i + 1 };
      i++;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    if (!isSpace(c) && c !== '\r') last = i + 1;
    i++;
  }
  return { valueEnd: last, end: text.length };
}

export function scanToml(text: string): Statement[] {
  const out: Statement[] = [];
  let table: string[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    let j = i;
    while (isSpace(text[j])) j++;
    const c = text[j];
    const base = { start, table, arrayTable: false, key: [], valueStart: 0, valueEnd: 0 };
    if (c === undefined || c === '\n' || c === '\r') {
      i = lineEnd(text, j);
      out.push({ ...base, kind: 'blank', end: i });
    } else if (c === '#') {
      i = lineEnd(text, j);
      out.push({ ...base, kind: 'comment', end: i });
    } else if (c === '[') {
      const arrayTable = text[j + 1] === '[';
      const { key } = readKey(text, j + (arrayTable ? 2 : 1), ']');
      table = key;
      i = lineEnd(text, j);
      out.push({ ...base, kind: 'header', end: i, table: key, arrayTable });
    } else {
      const { key, next } = readKey(text, j, '=');
      let v = next + 1;
      while (isSpace(text[v])) v++;
      const { valueEnd, end } = readValue(text, v);
      i = end;
      out.push({ ...base, kind: 'keyvalue', end, key, valueStart: v, valueEnd });
    }
  }
  return out;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, k) => path[k] === p);
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

const fullPath = (s: Statement): string[] => [...s.table, ...s.key];

/** Removes whatever else defines keys below `target` (sub-tables, dotted keys). */
function removeBelow(text: string, target: readonly string[]): string {
  const stmts = scanToml(text);
  const cuts: Array<[number, number]> = [];
  for (let k = 0; k < stmts.length; k++) {
    const s = stmts[k]!;
    if (s.kind === 'header' && startsWith(s.table, target)) {
      let e = k + 1;
      while (e < stmts.length && stmts[e]!.kind !== 'header') e++;
      // Comments right above the next header belong to it, and blank lines stay as spacing.
      let keep = e;
      while (keep - 1 > k && stmts[keep - 1]!.kind !== 'keyvalue') keep--;
      cuts.push([s.start, keep < stmts.length ? stmts[keep]!.start : text.length]);
      k = e - 1;
    } else if (s.kind === 'keyvalue' && startsWith(fullPath(s), target)) {
      if (fullPath(s).length > target.length) cuts.push([s.start, s.end]);
    }
  }
  for (const [a, b] of cuts.reverse()) text = text.slice(0, a) + text.slice(b);
  return text;
}

function withNewline(text: string, eol: string): string {
  return text === '' || text.endsWith('\n') ? text : text + eol;
}

/**
 * Sets `table.key = value` (value as TOML text). `same(old, new)` says whether the value
 * already there means the same; then nothing is rewritten.
 */
export function setTomlKey(
  text: string,
  table: readonly string[],
  key: string,
  value: string,
  sameValue: (oldText: string) => boolean,
): string {
  const eol = lineEnding(text);
  const target = [...table, key];
  let stmts = scanToml(text);
  const existing = stmts.find(
    (s) => s.kind === 'keyvalue' && !s.arrayTable && same(fullPath(s), target),
  );
  if (existing !== undefined && sameValue(text.slice(existing.valueStart, existing.valueEnd))) {
    return text;
  }
  text = removeBelow(text, target);
  stmts = scanToml(text);
  const current = stmts.find((s) => s.kind === 'keyvalue' && same(fullPath(s), target));
  if (current !== undefined) {
    return text.slice(0, current.valueStart) + value + text.slice(current.valueEnd);
  }
  const headerIndex = (path: readonly string[]) =>
    stmts.findIndex((s) => s.kind === 'header' && !s.arrayTable && same(s.table, path));
  const insertAt = (at: number, line: string) => text.slice(0, at) + line + text.slice(at);

  if (table.length === 0) {
    const line = `${formatKey(key)} = ${value}${eol}`;
    const lastTop = stmts.findLast((s) => s.kind === 'keyvalue' && s.table.length === 0);
    if (lastTop !== undefined) return insertAt(lastTop.end, line);
    const first = stmts.findIndex((s) => s.kind === 'header');
    if (first < 0) return withNewline(text, eol) + line;
    let at = first;
    while (at > 0 && stmts[at - 1]!.kind === 'comment') at--;
    return insertAt(stmts[at]!.start, line + eol);
  }
  const h = headerIndex(table);
  if (h >= 0) {
    let last = stmts[h]!;
    for (let k = h + 1; k < stmts.length && stmts[k]!.kind !== 'header'; k++) {
      if (stmts[k]!.kind === 'keyvalue') last = stmts[k]!;
    }
    const at = last.end;
    const prefix = at === text.length && !text.endsWith('\n') ? eol : '';
    return insertAt(at, `${prefix}${formatKey(key)} = ${value}${eol}`);
  }
  // The table exists only through dotted keys (`otel.x = 1`): add another dotted key there.
  const dotted = stmts.findLast(
    (s) =>
      s.kind === 'keyvalue' &&
      !s.arrayTable &&
      s.table.length < table.length &&
      startsWith(s.table, []) &&
      startsWith(table, s.table) &&
      startsWith(fullPath(s), table),
  );
  if (dotted !== undefined) {
    const rel = [...table.slice(dotted.table.length), key].map(formatKey).join('.');
    return insertAt(dotted.end, `${rel} = ${value}${eol}`);
  }
  const body = withNewline(text, eol);
  const gap = body === '' || body.endsWith(`${eol}${eol}`) ? '' : eol;
  return `${body}${gap}[${table.map(formatKey).join('.')}]${eol}${formatKey(key)} = ${value}${eol}`;
}
