// The last touches to a bundle esbuild wrote, for bin/code-cache.js to compile it as one
// function with a cache of V8's code:
// - no hashbang: it is valid only at the very start of a script, and the loader wraps the file;
// - ASCII only: V8 then holds the source as one byte per character, and Node reads it on its
//   fast path (esbuild escapes strings, but a comment it keeps may hold an arrow or a dash);
// - a last line with the hash of the rest, which names the build the cache belongs to.

import { createHash } from 'node:crypto';

export function finishBundle(code: string): string {
  const body = escapeNonAscii(code.replace(/^#!.*\n/, ''));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 32);
  return `${body}\n// build ${hash}\n`;
}

/**
 * Each non-ASCII UTF-16 unit as a \u escape. In a comment that is inert text; in a string, a
 * template, a regular expression or a name it denotes the same character, so the code means
 * what it meant.
 */
export function escapeNonAscii(code: string): string {
  return code.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
