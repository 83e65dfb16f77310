// Edits a JSON settings file the way a person would: only the values that change are
// rewritten, in place; key order, indentation, line endings and any comments (JSONC, which
// Gemini CLI accepts) stay as they were.

import type { FormattingOptions, ParseError } from 'jsonc-parser';
import { applyEdits, modify, parse, printParseErrorCode } from 'jsonc-parser';
import { lineEnding, positionAt, SettingsParseError } from './text-position.ts';

export type JsonPath = Array<string | number>;

export interface JsonChange {
  path: JsonPath;
  value: unknown;
  /** The last path element is an array index to insert at, not one to replace. */
  insert?: boolean;
}

const REASONS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name in double quotes expected',
  ValueExpected: 'a value expected',
  ColonExpected: '":" expected',
  CommaExpected: '"," expected',
  CloseBraceExpected: '"}" expected',
  CloseBracketExpected: '"]" expected',
  EndOfFileExpected: 'text after the end of the document',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** The settings object; an empty file is an empty object. Throws SettingsParseError. */
export function parseJsonSettings(text: string, file: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first !== undefined) {
    const code = printParseErrorCode(first.error);
    throw new SettingsParseError(file, positionAt(text, first.offset), REASONS[code] ?? code);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const start = text.length - text.trimStart().length;
    throw new SettingsParseError(file, positionAt(text, start), 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The file's own indentation (its first indented line), two spaces when it has none. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = lineEnding(text);
  const m = /\n([ \t]+)\S/.exec(text);
  const indent = m?.[1];
  if (indent === undefined) return { insertSpaces: true, tabSize: 2, eol };
  if (indent.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent.length, eol };
}

/** Applies the changes in order; the text must parse (see parseJsonSettings). */
export function editJson(text: string, changes: readonly JsonChange[]): string {
  if (changes.length === 0) return text;
  const empty = text.trim() === '';
  const formattingOptions = detectFormatting(text);
  let out = empty ? '{}' : text;
  for (const c of changes) {
    const edits = modify(out, c.path, c.value, {
      formattingOptions,
      ...(c.insert === true ? { isArrayInsertion: true } : {}),
    });
    out = applyEdits(out, edits);
  }
  if (empty || text.endsWith('\n')) {
    if (!out.endsWith('\n')) out += formattingOptions.eol ?? '\n';
  }
  return out;
}
