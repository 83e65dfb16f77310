// Codex's config (~/.codex/config.toml, or $CODEX_HOME): `notify` runs `ai-observer hook codex`
// at the end of every turn, and the `[otel]` exporters send logs, traces and metrics to the
// agent (metrics need their own exporter, or Codex sends them elsewhere). The text is edited
// in place (toml-edit.ts) and the result is checked: it must parse, hold our values, and hold
// every other setting exactly as before — otherwise nothing is written.

import { parse, TomlError } from 'smol-toml';
import { isPlainObject, sameValue } from './same-value.ts';
import type { SetupPlan, SetupTarget } from './target.ts';
import { runsAiObserver } from './target.ts';
import { setTomlKey } from './toml-edit.ts';
import { SettingsEditError, SettingsParseError } from './text-position.ts';

type Toml = Record<string, unknown>;

export function parseToml(text: string, file: string): Toml {
  try {
    return parse(text) as Toml;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new SettingsParseError(file, { line: err.line, column: err.column }, reason);
    }
    throw err;
  }
}

export function codexNotify(target: SetupTarget): string[] {
  return [...target.command, 'hook', 'codex'];
}

export function codexExporters(target: SetupTarget): Record<string, Toml> {
  const http = (signal: string) => ({
    'otlp-http': { endpoint: `${target.httpUrl}/v1/${signal}`, protocol: 'binary' },
  });
  return {
    exporter: http('logs'),
    trace_exporter: http('traces'),
    metrics_exporter: http('metrics'),
  };
}

/** TOML text of a value made of strings, arrays and tables (inline). */
export function tomlValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  if (isPlainObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => {
      const key = /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
      return `${key} = ${tomlValue(x)}`;
    });
    return `{ ${parts.join(', ')} }`;
  }
  throw new TypeError(`no TOML text for ${String(v)}`);
}

/** A notify value's words joined, to recognise ai-observer in it. */
function notifyText(oldText: string): string {
  try {
    const v = (parse(`v = ${oldText}`) as Toml).v;
    return Array.isArray(v) ? v.join(' ') : String(v);
  } catch {
    return '';
  }
}

function sameAs(value: unknown): (oldText: string) => boolean {
  return (oldText) => {
    try {
      return sameValue((parse(`v = ${oldText}`) as Toml).v, value);
    } catch {
      return false;
    }
  };
}

/** The lines setup adds, for a user who adds them by hand. */
export function codexSnippet(target: SetupTarget): string {
  const otel = Object.entries(codexExporters(target)).map(([k, v]) => `${k} = ${tomlValue(v)}`);
  return [`notify = ${tomlValue(codexNotify(target))}`, '', '[otel]', ...otel].join('\n');
}

function refuse(file: string, why: string, target: SetupTarget): SettingsEditError {
  return new SettingsEditError(
    `${file}: cannot add ai-observer's settings ${why}; add these lines by hand:\n${codexSnippet(target)}`,
  );
}

export function planCodex(text: string, file: string, target: SetupTarget): SetupPlan {
  const before = parseToml(text, file);
  const notes: string[] = [];
  const expected: Toml = { ...before };
  const notify = codexNotify(target);
  if (before.notify !== undefined && !sameValue(before.notify, notify)) {
    const old = Array.isArray(before.notify) ? before.notify.join(' ') : String(before.notify);
    if (!runsAiObserver(old, 'hook', 'codex')) {
      notes.push(
        `notify was "${old}"; Codex runs one notify program, now ai-observer's (undo restores it)`,
      );
    }
  }
  const changed: string[] = [];
  const notifyFine = (old: string) =>
    sameAs(notify)(old) ||
    (target.anyCommand === true && runsAiObserver(notifyText(old), 'hook', 'codex'));
  let out = setTomlKey(text, [], 'notify', tomlValue(notify), notifyFine);
  if (out !== text) changed.push('notify');
  if (out !== text) expected.notify = notify;

  const otel = before.otel;
  if (otel !== undefined && !isPlainObject(otel)) {
    throw new SettingsEditError(`${file}: "otel" is not a table; fix or remove it first`);
  }
  const expectedOtel: Toml = { ...(otel ?? {}) };
  for (const [key, value] of Object.entries(codexExporters(target))) {
    if (otel?.[key] !== undefined && !sameValue(otel[key], value)) {
      notes.push(`[otel] ${key} was ${tomlValue(otel[key])}; now the agent`);
    }
    const next = setTomlKey(out, ['otel'], key, tomlValue(value), sameAs(value));
    if (next !== out) changed.push(`otel.${key}`);
    out = next;
    expectedOtel[key] = value;
  }
  expected.otel = expectedOtel;

  let after: Toml;
  try {
    after = parse(out) as Toml;
  } catch (err) {
    throw refuse(
      file,
      `(the edit would not parse: ${(err as Error).message.split('\n')[0]})`,
      target,
    );
  }
  if (!sameValue(after, expected)) {
    throw refuse(file, 'without changing other settings', target);
  }
  return { text: out, notes, changed };
}
