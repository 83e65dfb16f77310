// Shell history: the four formats (bash, zsh plain and extended, fish, PowerShell PSReadLine)
// read incrementally, and which catalog CLI a typed command starts. Pure. A command's text is
// only looked at here; what leaves is a count per CLI and, where the shell wrote one, a time.
//
// Text comes in as latin1 (one char per byte), so positions are byte offsets in the file and a
// cursor can resume at any entry boundary whatever bytes the history holds.

import type { Catalog, CatalogEntry } from './catalog.ts';

export type ShellFormat = 'bash' | 'zsh' | 'fish' | 'powershell';
export const SHELL_FORMATS: readonly ShellFormat[] = ['bash', 'zsh', 'fish', 'powershell'];

export interface HistoryEntry {
  /** When the shell recorded it (ms), if the format says. */
  ts: number | undefined;
  command: string;
  /** Byte offset just past the entry. */
  end: number;
}

export interface ParsedHistory {
  entries: HistoryEntry[];
  /** Bytes up to the end of the last complete entry: where the next read starts. */
  consumed: number;
}

/** Complete lines of `text` (each without its newline) with the offset past each. */
function* lines(text: string): Generator<[string, number]> {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    yield [text.slice(start, end), nl + 1];
    start = nl + 1;
  }
}

/** An odd number of trailing backslashes: the line continues (zsh writes a newline so). */
function continues(line: string, mark: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === mark; i--) n++;
  return mark === '\\' ? n % 2 === 1 : n > 0;
}

/** zsh stores bytes 0x83..0x9f and NUL "metafied": 0x83 then the byte XOR 32. */
function unmetafy(s: string): string {
  if (!s.includes('\x83')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\x83' && i + 1 < s.length) out += String.fromCharCode(s.charCodeAt(++i) ^ 32);
    else out += s[i];
  }
  return out;
}

const ZSH_EXTENDED = /^: (\d+):\d+;/;
const BASH_TIME = /^#(\d{9,11})$/;

function parseBash(text: string): ParsedHistory {
  const entries: HistoryEntry[] = [];
  let consumed = 0;
  let ts: number | undefined;
  for (const [line, end] of lines(text)) {
    const m = BASH_TIME.exec(line);
    if (m !== null) {
      ts = Number(m[1]) * 1000;
      continue;
    }
    if (line.trim() !== '') entries.push({ ts, command: line, end });
    ts = undefined;
    consumed = end;
  }
  return { entries, consumed };
}

function parseZsh(text: string): ParsedHistory {
  const entries: HistoryEntry[] = [];
  let consumed = 0;
  let parts: string[] = [];
  for (const [raw, end] of lines(text)) {
    const line = unmetafy(raw);
    if (continues(line, '\\')) {
      parts.push(line.slice(0, -1));
      continue;
    }
    parts.push(line);
    let command = parts.join('\n');
    parts = [];
    let ts: number | undefined;
    const m = ZSH_EXTENDED.exec(command);
    if (m !== null) {
      ts = Number(m[1]) * 1000;
      command = command.slice(m[0].length);
    }
    if (command.trim() !== '') entries.push({ ts, command, end });
    consumed = end;
  }
  return { entries, consumed };
}

function unescapeFish(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseFish(text: string): ParsedHistory {
  const entries: HistoryEntry[] = [];
  let consumed = 0;
  let pending: { command: string; end: number } | undefined;
  let lineStart = 0;
  for (const [line, end] of lines(text)) {
    const start = lineStart;
    lineStart = end;
    if (line.startsWith('- cmd: ')) {
      // The one before had no `when:`: it is complete all the same, up to this line.
      if (pending !== undefined) {
        entries.push({ ts: undefined, command: pending.command, end: start });
        consumed = start;
      }
      pending = { command: unescapeFish(line.slice(7)), end };
      continue;
    }
    const when = /^ {2}when: (\d+)$/.exec(line);
    if (when !== null && pending !== undefined) {
      entries.push({ ts: Number(when[1]) * 1000, command: pending.command, end });
      pending = undefined;
      consumed = end;
      continue;
    }
    // `  paths:` and their items, or a resume in the middle of an entry.
    if (pending === undefined) consumed = end;
  }
  return { entries, consumed };
}

function parsePowerShell(text: string): ParsedHistory {
  const entries: HistoryEntry[] = [];
  let consumed = 0;
  let parts: string[] = [];
  for (const [line, end] of lines(text)) {
    if (continues(line, '`')) {
      parts.push(line.slice(0, -1));
      continue;
    }
    parts.push(line);
    const command = parts.join('\n');
    parts = [];
    if (command.trim() !== '') entries.push({ ts: undefined, command, end });
    consumed = end;
  }
  return { entries, consumed };
}

/** The complete entries at the start of `text` (latin1, starting at an entry boundary). */
export function parseHistory(format: ShellFormat, text: string): ParsedHistory {
  switch (format) {
    case 'bash':
      return parseBash(text);
    case 'zsh':
      return parseZsh(text);
    case 'fish':
      return parseFish(text);
    case 'powershell':
      return parsePowerShell(text);
  }
}

export interface ShellIndex {
  patterns: Array<{ entry: CatalogEntry; words: string[] }>;
}

export function shellIndex(catalog: Catalog): ShellIndex {
  const patterns: ShellIndex['patterns'] = [];
  for (const e of catalog.entries) for (const words of e.shell) patterns.push({ entry: e, words });
  // Longer patterns first: `gh copilot` is tried before a plain `gh` would be.
  patterns.sort((a, b) => b.words.length - a.words.length);
  return { patterns };
}

/** Splits a command line at unquoted `|`, `&`, `;`, newlines and parentheses into words. */
function segments(command: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endSegment = () => {
    endWord();
    if (words.length > 0) out.push(words);
    words = [];
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      // A leading backslash bypasses an alias: `\claude` runs claude.
      if (!inWord && /[A-Za-z]/.test(command[i + 1]!)) continue;
      word += command[++i];
      inWord = true;
    } else if (c === '|' || c === '&' || c === ';' || c === '\n' || c === '(' || c === ')') {
      endSegment();
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endSegment();
  return out;
}

const WRAPPERS = new Set([
  'sudo',
  'doas',
  'env',
  'command',
  'builtin',
  'exec',
  'time',
  'nohup',
  'nice',
  'noglob',
  'caffeinate',
  'stdbuf',
]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function commandWords(words: string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (ASSIGNMENT.test(w)) i++;
    else if (WRAPPERS.has(w)) {
      i++;
      // Their options (and sudo's -u USER, nice's -n N).
      while (i < words.length && words[i]!.startsWith('-')) {
        const opt = words[i]!;
        i += opt === '-u' || opt === '-g' || opt === '-n' ? 2 : 1;
      }
    } else break;
  }
  return words.slice(i);
}

function program(word: string): string {
  const cut = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
  const base = cut < 0 ? word : word.slice(cut + 1);
  return base.replace(/\.(exe|cmd|ps1|bat)$/i, '');
}

function sameWord(pattern: string, word: string, ignoreCase: boolean): boolean {
  const w = ignoreCase ? word.toLowerCase() : word;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  // `npx @openai/codex@latest`: a package with a version is the package.
  return w === p || w.startsWith(`${p}@`);
}

/** The CLIs a typed command starts, one per invocation (`claude -p x | llm` → claude, llm). */
export function commandEntries(
  command: string,
  index: ShellIndex,
  ignoreCase = false,
): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  for (const seg of segments(command)) {
    const words = commandWords(seg);
    if (words.length === 0) continue;
    const first = program(words[0]!);
    for (const { entry, words: pattern } of index.patterns) {
      if (pattern.length > words.length || !sameWord(pattern[0]!, first, ignoreCase)) continue;
      let ok = true;
      for (let k = 1; k < pattern.length && ok; k++)
        ok = sameWord(pattern[k]!, words[k]!, ignoreCase);
      if (ok) {
        out.push(entry);
        break;
      }
    }
  }
  return out;
}
