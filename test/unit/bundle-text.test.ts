// The last touches scripts/build.ts gives a bundle (scripts/bundle-text.ts): ASCII that means
// what the original meant, no hashbang, and a last line naming the build.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { test } from 'node:test';
import { escapeNonAscii, finishBundle } from '../../scripts/bundle-text.ts';

test('escaped, code means what it meant: strings, templates, patterns, names, comments', () => {
  const cases = [
    "'ai-observer — what your AI tools cost'",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the code under test is a template
    '`${1} → ${2}`',
    "/[→—]/.test('a → b')",
    "'naïve café'.normalize('NFD').length",
    '(() => { const größe = 3; return größe * 2; })()',
    '// a comment with an arrow → and a dash —\n42',
    '/* … */ "😀".length',
  ];
  for (const code of cases) {
    const escaped = escapeNonAscii(code);
    assert.match(escaped, /^[\x20-\x7e\n]*$/, code);
    assert.deepEqual(runInNewContext(escaped), runInNewContext(code), code);
  }
});

test('a finished bundle: no hashbang, ASCII, and a last line with the hash of the rest', () => {
  const code = '#!/usr/bin/env node\n"use strict";\n// → comment\nexports.x = "—";\n';
  const out = finishBundle(code);
  assert.ok(!out.startsWith('#!'));
  assert.doesNotMatch(out, /[^\n\x20-\x7e]/);
  const lines = out.trimEnd().split('\n');
  const last = lines.pop()!;
  const body = lines.join('\n');
  assert.equal(last, `// build ${createHash('sha256').update(body).digest('hex').slice(0, 32)}`);
  const module = { exports: {} as { x?: string } };
  runInNewContext(body, { exports: module.exports });
  assert.equal(module.exports.x, '—');
  // Another build, another name.
  assert.notEqual(finishBundle(code.replace('—', '–')).slice(-34), out.slice(-34));
});
