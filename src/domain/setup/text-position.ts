// Offsets in a settings file as people read them: 1-based line and column.

export interface TextPosition {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** A settings file that does not parse: named by the caller, with where and why. */
export class SettingsParseError extends Error {
  override name = 'SettingsParseError';
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  constructor(file: string, at: TextPosition, reason: string) {
    super(`cannot parse ${file}: line ${at.line}, column ${at.column}: ${reason}`);
    this.line = at.line;
    this.column = at.column;
    this.reason = reason;
  }
}

/** A file that parses but that setup cannot change without touching other settings. */
export class SettingsEditError extends Error {
  override name = 'SettingsEditError';
}

/** The line ending a file uses (its first one), so inserted lines match. */
export function lineEnding(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}
