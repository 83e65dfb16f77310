// OTLP/JSON specifics on top of the protobuf JSON mapping: UTF-8 and nesting checks before
// JSON.parse, trace/span ids as hex (protobuf JSON would read them as base64), and a path to the
// offending value when `fromJson` rejects a request.

import { type DescMessage, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { MAX_ANY_VALUE_DEPTH, MESSAGE_RECURSION_LIMIT, OtlpDecodeError } from './decode-error.ts';
import type { OtlpSignal } from './sink.ts';

/**
 * Deepest `{`/`[` nesting accepted in a JSON body: the deepest legitimate path
 * (resourceMetrics → … → exemplars → filteredAttributes → value) is 15 levels, and every nested
 * kvlist AnyValue adds 4, so this admits AnyValues nested MAX_ANY_VALUE_DEPTH deep anywhere.
 */
export const MAX_JSON_DEPTH = 16 + 4 * MAX_ANY_VALUE_DEPTH;

const utf8 = new TextDecoder('utf-8', { fatal: true });

type JsonObject = { [key: string]: JsonValue };

/** Decodes, depth-checks and parses an OTLP/JSON body; the result is a JSON object. */
export function parseJsonBody(body: Uint8Array): JsonObject {
  if (body.length === 0) throw new OtlpDecodeError('invalid OTLP JSON: empty body');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new OtlpDecodeError('invalid OTLP JSON: body is not valid UTF-8');
  }
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    throw new OtlpDecodeError(`invalid OTLP JSON: nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`invalid OTLP JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) {
    throw new OtlpDecodeError(
      `invalid OTLP JSON: expected an object at the top level, got ${describe(value)}`,
    );
  }
  return value;
}

/** True when `{`/`[` nest deeper than `max` outside string literals. */
function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // skip the string literal: to the next quote not escaped by an odd run of backslashes
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0) return false; // unterminated: JSON.parse reports it
        let b = q - 1;
        while (text.charCodeAt(b) === 92 /* \ */) b--;
        i = q;
        if ((q - 1 - b) % 2 === 0) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return false;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/**
 * Rewrites an id (`traceId`, `spanId`, `parentSpanId`) in place. Receives the JSON value and its
 * path (for errors) and returns the replacement string.
 */
export type IdConverter = (value: JsonValue, path: () => string) => string;

/** OTLP/JSON hex id → the base64 that protobuf JSON expects for `bytes`. Empty stays empty. */
export const hexIdToBase64: IdConverter = (value, path) => {
  if (typeof value !== 'string') {
    throw new OtlpDecodeError(
      `invalid OTLP JSON at ${path()}: expected a hex string, got ${describe(value)}`,
    );
  }
  if (value === '') return '';
  if (value.length % 2 !== 0 || !HEX.test(value)) {
    throw new OtlpDecodeError(
      `invalid OTLP JSON at ${path()}: expected a hex string, got ${JSON.stringify(value.slice(0, 64))}`,
    );
  }
  return Buffer.from(value, 'hex').toString('base64');
};

/** Inverse of hexIdToBase64, for encoding OTLP/JSON from protobuf JSON (used by test fixtures). */
export const base64IdToHex: IdConverter = (value) =>
  typeof value === 'string' ? Buffer.from(value, 'base64').toString('hex') : '';

const HEX = /^[0-9a-fA-F]+$/;

/** Applies `convert` to every trace/span id of an export request, in place. */
export function convertIds(signal: OtlpSignal, root: JsonObject, convert: IdConverter): void {
  if (signal === 'logs') convertLogIds(root, convert);
  else if (signal === 'traces') convertSpanIds(root, convert);
  else convertExemplarIds(root, convert);
}

// Keys are read by their JSON name and, as protobuf JSON also accepts, by their proto name.
function list(o: JsonObject, jsonName: string, protoName: string): JsonValue[] | undefined {
  const v = o[jsonName] ?? o[protoName];
  return Array.isArray(v) ? v : undefined;
}

function fixId(
  o: JsonObject,
  jsonName: string,
  protoName: string,
  convert: IdConverter,
  path: () => string,
): void {
  let key = jsonName;
  let v = o[key];
  if (v === undefined) {
    key = protoName;
    v = o[key];
    if (v === undefined) return;
  }
  if (v === null) return;
  o[key] = convert(v, () => `${path()}.${key}`);
}

function convertLogIds(root: JsonObject, convert: IdConverter): void {
  const rls = list(root, 'resourceLogs', 'resource_logs');
  if (rls === undefined) return;
  for (let i = 0; i < rls.length; i++) {
    const rl = rls[i];
    if (!isObject(rl)) continue;
    const sls = list(rl, 'scopeLogs', 'scope_logs');
    if (sls === undefined) continue;
    for (let j = 0; j < sls.length; j++) {
      const sl = sls[j];
      if (!isObject(sl)) continue;
      const recs = list(sl, 'logRecords', 'log_records');
      if (recs === undefined) continue;
      for (let k = 0; k < recs.length; k++) {
        const r = recs[k];
        if (!isObject(r)) continue;
        if (r.traceId === undefined && r.spanId === undefined && !hasSnakeIds(r)) continue;
        const path = () => `resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}]`;
        fixId(r, 'traceId', 'trace_id', convert, path);
        fixId(r, 'spanId', 'span_id', convert, path);
      }
    }
  }
}

function hasSnakeIds(o: JsonObject): boolean {
  return o.trace_id !== undefined || o.span_id !== undefined;
}

function convertSpanIds(root: JsonObject, convert: IdConverter): void {
  const rss = list(root, 'resourceSpans', 'resource_spans');
  if (rss === undefined) return;
  for (let i = 0; i < rss.length; i++) {
    const rs = rss[i];
    if (!isObject(rs)) continue;
    const sss = list(rs, 'scopeSpans', 'scope_spans');
    if (sss === undefined) continue;
    for (let j = 0; j < sss.length; j++) {
      const ss = sss[j];
      if (!isObject(ss)) continue;
      const spans = list(ss, 'spans', 'spans');
      if (spans === undefined) continue;
      for (let k = 0; k < spans.length; k++) {
        const s = spans[k];
        if (!isObject(s)) continue;
        const path = () => `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`;
        fixId(s, 'traceId', 'trace_id', convert, path);
        fixId(s, 'spanId', 'span_id', convert, path);
        fixId(s, 'parentSpanId', 'parent_span_id', convert, path);
        const links = list(s, 'links', 'links');
        if (links === undefined) continue;
        for (let l = 0; l < links.length; l++) {
          const link = links[l];
          if (!isObject(link)) continue;
          const linkPath = () => `${path()}.links[${l}]`;
          fixId(link, 'traceId', 'trace_id', convert, linkPath);
          fixId(link, 'spanId', 'span_id', convert, linkPath);
        }
      }
    }
  }
}

const POINT_KINDS: readonly (readonly [string, string])[] = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
];

function convertExemplarIds(root: JsonObject, convert: IdConverter): void {
  const rms = list(root, 'resourceMetrics', 'resource_metrics');
  if (rms === undefined) return;
  for (let i = 0; i < rms.length; i++) {
    const rm = rms[i];
    if (!isObject(rm)) continue;
    const sms = list(rm, 'scopeMetrics', 'scope_metrics');
    if (sms === undefined) continue;
    for (let j = 0; j < sms.length; j++) {
      const sm = sms[j];
      if (!isObject(sm)) continue;
      const metrics = list(sm, 'metrics', 'metrics');
      if (metrics === undefined) continue;
      for (let k = 0; k < metrics.length; k++) {
        const m = metrics[k];
        if (!isObject(m)) continue;
        for (const [jsonName, protoName] of POINT_KINDS) {
          const data = m[jsonName] ?? m[protoName];
          if (!isObject(data)) continue;
          const points = list(data, 'dataPoints', 'data_points');
          if (points === undefined) continue;
          for (let p = 0; p < points.length; p++) {
            const point = points[p];
            if (!isObject(point)) continue;
            const exemplars = list(point, 'exemplars', 'exemplars');
            if (exemplars === undefined) continue;
            for (let e = 0; e < exemplars.length; e++) {
              const ex = exemplars[e];
              if (!isObject(ex)) continue;
              const path = () =>
                `resourceMetrics[${i}].scopeMetrics[${j}].metrics[${k}].${jsonName}.dataPoints[${p}].exemplars[${e}]`;
              fixId(ex, 'traceId', 'trace_id', convert, path);
              fixId(ex, 'spanId', 'span_id', convert, path);
            }
          }
        }
      }
    }
  }
}

const JSON_READ = { ignoreUnknownFields: true, recursionLimit: MESSAGE_RECURSION_LIMIT } as const;

function rejects(desc: DescMessage, json: JsonValue): boolean {
  try {
    fromJson(desc, json, JSON_READ);
    return false;
  } catch {
    return true;
  }
}

/**
 * After `fromJson(desc, json)` failed: the path of the smallest part of `json` that fails on its
 * own (e.g. `resourceLogs[0].scopeLogs[0].logRecords[2].timeUnixNano`), or '' for the whole.
 * Slow (it re-decodes parts), and only used to word the error.
 */
export function locateJsonError(desc: DescMessage, json: JsonValue, path = ''): string {
  if (!isObject(json)) return path;
  for (const key of Object.keys(json)) {
    const field = desc.fields.find((f) => f.jsonName === key || f.name === key);
    if (field === undefined) continue; // unknown fields are ignored
    const value = json[key] as JsonValue;
    const here = path === '' ? key : `${path}.${key}`;
    if (field.fieldKind === 'message') {
      if (value === null) continue; // null means unset
      if (rejects(field.message, value)) return locateJsonError(field.message, value, here);
      continue;
    }
    if (field.fieldKind === 'list' && field.listKind === 'message' && Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as JsonValue;
        if (rejects(field.message, item)) {
          return locateJsonError(field.message, item, `${here}[${i}]`);
        }
      }
      continue;
    }
    if (rejects(desc, { [key]: value })) return here;
  }
  return path;
}
