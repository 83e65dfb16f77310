// macOS: `osascript -e 'display notification "<body>" with title "<title>"'`.

import { type CommandLine, cleanText, type Notification } from './message.ts';

export const OSASCRIPT = 'osascript';

/**
 * An AppleScript string literal holding `text`: backslashes and double quotes are escaped, and
 * control characters (line breaks included) become spaces, so the literal cannot end early.
 */
export function appleScriptString(text: string): string {
  return `"${cleanText(text).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function appleScript(n: Notification): string {
  return `display notification ${appleScriptString(n.body)} with title ${appleScriptString(n.title)}`;
}

export function macosCommand(n: Notification, program: string = OSASCRIPT): CommandLine {
  return { file: program, args: ['-e', appleScript(n)] };
}
