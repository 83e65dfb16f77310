// What the three transcript formats share: every one is JSON lines, most of whose lines are
// skipped unparsed, and whose records are read defensively (a field of the wrong type is as
// good as absent). Pure.

import { MAX_TOKENS_PER_REQUEST } from '../domain/events.ts';
import type { ParsedLine, SourceFile } from './types.ts';

export type Json = Record<string, unknown>;

export const IGNORED: ParsedLine = { kind: 'ignored' };
const NOT_AN_OBJECT: ParsedLine = { kind: 'malformed', reason: 'not a JSON object' };
const INVALID_JSON: ParsedLine = { kind: 'malformed', reason: 'invalid JSON' };

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, else undefined. */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A token count: a positive number up to MAX_TOKENS_PER_REQUEST, rounded; anything else is 0. */
export function count(v: unknown): number {
  return typeof v === 'number' && v > 0 && v <= MAX_TOKENS_PER_REQUEST ? Math.round(v) : 0;
}

/** `path` relative to `root`, `/`-separated; the indexer hands both over as it found them. */
export function relativePath(file: SourceFile): string {
  const path = file.path.replaceAll('\\', '/');
  const root = file.root.replaceAll('\\', '/').replace(/\/+$/, '');
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/**
 * A line the format need not parse: ignored when it looks like one JSON object (or is blank),
 * malformed otherwise — the same check the indexer makes on bytes for a billing marker.
 */
export function unparsed(line: string): ParsedLine {
  let start = 0;
  let end = line.length - 1;
  while (start <= end && line.charCodeAt(start) <= 32) start++;
  while (end >= start && line.charCodeAt(end) <= 32) end--;
  if (start > end) return IGNORED;
  return line.charCodeAt(start) === 123 && line.charCodeAt(end) === 125 ? IGNORED : NOT_AN_OBJECT;
}

/** The line's JSON object, or why it is malformed (never quoting it: privacy). */
export function parseRecord(line: string): { record: Json } | { malformed: ParsedLine } {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return { malformed: INVALID_JSON };
  }
  return isObject(record) ? { record } : { malformed: NOT_AN_OBJECT };
}
