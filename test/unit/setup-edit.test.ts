// The settings editors behind `ai-observer setup`: each tool's file gets exactly ai-observer's
// settings, everything else (order, indentation, comments) stays byte for byte, a second run
// changes nothing, and a file that does not parse is refused with its line and column.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseToml } from 'smol-toml';
import { CLAUDE_HOOK_EVENTS, planClaude } from '../../src/domain/setup/claude.ts';
import { planCodex } from '../../src/domain/setup/codex.ts';
import { unifiedDiff } from '../../src/domain/setup/diff.ts';
import { planGemini } from '../../src/domain/setup/gemini.ts';
import { parseJsonSettings } from '../../src/domain/setup/json-edit.ts';
import type { SetupTarget } from '../../src/domain/setup/target.ts';
import { runsAiObserver, shellCommand } from '../../src/domain/setup/target.ts';
import { SettingsEditError, SettingsParseError } from '../../src/domain/setup/text-position.ts';

const target: SetupTarget = {
  httpUrl: 'http://127.0.0.1:5318',
  command: ['/opt/node 24/bin/node', '/usr/lib/node_modules/ai-observer/bin/ai-observer.js'],
};
const HOOK = `'/opt/node 24/bin/node' /usr/lib/node_modules/ai-observer/bin/ai-observer.js hook claude`;

// Parsed settings, walked freely by the assertions.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Doc = Record<string, any>;

function toml(text: string): Doc {
  return JSON.parse(JSON.stringify(parseToml(text))) as Doc;
}

function json(text: string): Doc {
  return parseJsonSettings(text, 'x.json') as Doc;
}

describe('Claude Code settings.json', () => {
  const user = `{
    "model": "opus",
    // the user's own comment
    "permissions": { "allow": ["Bash(ls:*)"] },
    "env": { "FOO": "bar" },
    "hooks": {
        "Stop": [{ "hooks": [{ "type": "command", "command": "say done" }] }]
    }
}
`;

  test('adds the env block, every hook and the status line; keeps the rest', () => {
    const { text, notes, changed } = planClaude(user, 'settings.json', target);
    const s = json(text);
    assert.equal(s.model, 'opus');
    assert.deepEqual(s.permissions, { allow: ['Bash(ls:*)'] });
    assert.match(text, /\/\/ the user's own comment/);
    assert.match(text, /\n {4}"model": "opus",\n/, 'four-space indentation kept');
    assert.deepEqual(Object.keys(s).slice(0, 4), ['model', 'permissions', 'env', 'hooks']);
    assert.equal(s.env.FOO, 'bar');
    assert.equal(s.env.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
    assert.equal(s.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:5318');
    assert.equal(s.env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(s.env.OTEL_LOGS_EXPORT_INTERVAL, '1000');
    for (const [event, matcher] of CLAUDE_HOOK_EVENTS) {
      const groups = s.hooks[event] as Array<{
        matcher?: string;
        hooks: Array<{ command: string }>;
      }>;
      const ours = groups.filter((g) => g.hooks.some((h) => h.command === HOOK));
      assert.equal(ours.length, 1, event);
      assert.equal(ours[0]!.matcher, matcher ? '*' : undefined);
    }
    assert.equal(s.hooks.Stop[0].hooks[0].command, 'say done', "the user's Stop hook stays first");
    assert.deepEqual(s.statusLine, {
      type: 'command',
      command: `'/opt/node 24/bin/node' /usr/lib/node_modules/ai-observer/bin/ai-observer.js statusline`,
    });
    assert.deepEqual(notes, []);
    assert.ok(
      changed.includes('env.OTEL_EXPORTER_OTLP_ENDPOINT') && changed.includes('statusLine'),
    );
    assert.equal(planClaude(text, 'settings.json', target).text, text, 'second run: no change');
  });

  test('an empty or missing file becomes a two-space JSON object', () => {
    const { text } = planClaude('', 'settings.json', target);
    assert.ok(text.startsWith('{\n  "env": {\n'));
    assert.ok(text.endsWith('}\n'));
  });

  test('tabs and CRLF line endings stay', () => {
    const crlf = '{\r\n\t"model": "opus"\r\n}\r\n';
    const { text } = planClaude(crlf, 'settings.json', target);
    assert.ok(!/[^\r]\n/.test(text), 'every newline is CRLF');
    assert.match(text, /\r\n\t"env": \{\r\n\t\t"CLAUDE_CODE_ENABLE_TELEMETRY"/);
  });

  test('an older ai-observer hook is updated in place, not duplicated', () => {
    const old = JSON.stringify({
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'ai-observer hook claude' }] }] },
    });
    const s = json(planClaude(old, 'settings.json', target).text);
    assert.equal(s.hooks.Stop.length, 1);
    assert.equal(s.hooks.Stop[0].hooks[0].command, HOOK);
    // doctor accepts any ai-observer command as set up
    const any = planClaude(old, 'settings.json', { ...target, anyCommand: true });
    assert.ok(!any.changed.includes('hooks.Stop'));
  });

  test('another status line and another endpoint are replaced, and the user is told', () => {
    const other = JSON.stringify({
      statusLine: { type: 'command', command: 'my-line', padding: 1 },
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
    });
    const { text, notes } = planClaude(other, 'settings.json', target);
    assert.equal(json(text).statusLine.padding, 1);
    assert.equal(notes.length, 2);
    assert.match(notes.join('\n'), /my-line/);
    assert.match(notes.join('\n'), /collector/);
  });

  test('a file that does not parse: line and column, nothing planned', () => {
    const bad = '{\n  "model": "opus",\n  "env": { "A": }\n}\n';
    assert.throws(
      () => planClaude(bad, '/home/u/.claude/settings.json', target),
      (e: unknown) =>
        e instanceof SettingsParseError &&
        e.line === 3 &&
        e.column === 17 &&
        /cannot parse \/home\/u\/.claude\/settings.json: line 3, column 17: a value expected/.test(
          e.message,
        ),
    );
    assert.throws(() => planClaude('[1]', 'f', target), /expected a JSON object/);
    assert.throws(() => planClaude('{"hooks": []}', 'f', target), SettingsEditError);
  });
});

describe('Gemini CLI settings.json', () => {
  test('telemetry block added, other settings kept, second run no change', () => {
    const user =
      '{\n  // comment\n  "general": { "vimMode": true },\n  "telemetry": { "enabled": false, "target": "gcp" }\n}\n';
    const { text } = planGemini(user, 'settings.json', target);
    const s = json(text);
    assert.deepEqual(s.general, { vimMode: true });
    assert.deepEqual(s.telemetry, {
      enabled: true,
      target: 'local',
      otlpEndpoint: 'http://127.0.0.1:5318',
      otlpProtocol: 'http',
      logPrompts: false,
    });
    assert.match(text, /\/\/ comment/);
    assert.equal(planGemini(text, 'settings.json', target).text, text);
  });
});

describe('Codex config.toml', () => {
  const user = `# Codex settings, with comments
model = "gpt-5.5" # the model
approval_policy = "never"

# a provider
[model_providers.mock]
name = "Mock"
base_url = "http://127.0.0.1:9/v1" # inline comment

[profiles.fast]
model = "o4-mini"
`;

  test('notify at the top level, [otel] appended; comments and order kept', () => {
    const { text, changed } = planCodex(user, 'config.toml', target);
    assert.ok(text.startsWith(user.split('\n\n# a provider')[0]!), 'top of file unchanged');
    for (const line of user.split('\n')) assert.ok(text.includes(line), `kept: ${line}`);
    const doc = toml(text);
    assert.deepEqual(doc.notify, [...target.command, 'hook', 'codex']);
    assert.deepEqual(doc.otel.exporter, {
      'otlp-http': { endpoint: 'http://127.0.0.1:5318/v1/logs', protocol: 'binary' },
    });
    assert.equal(
      doc.otel.metrics_exporter['otlp-http'].endpoint,
      'http://127.0.0.1:5318/v1/metrics',
    );
    assert.equal(doc.otel.trace_exporter['otlp-http'].endpoint, 'http://127.0.0.1:5318/v1/traces');
    assert.equal(doc.model_providers.mock.base_url, 'http://127.0.0.1:9/v1');
    assert.deepEqual(changed, [
      'notify',
      'otel.exporter',
      'otel.trace_exporter',
      'otel.metrics_exporter',
    ]);
    assert.equal(planCodex(text, 'config.toml', target).text, text, 'second run: no change');
  });

  test('an existing [otel] table, a sub-table exporter and a multi-line notify are replaced in place', () => {
    const existing = `notify = [
  "notify-send", # mine
  "Codex",
]

[otel]
environment = "dev" # keep me
log_user_prompt = false

[otel.exporter.otlp-grpc]
endpoint = "http://collector:4317"

# terminal
[tui]
notifications = true
`;
    const { text, notes } = planCodex(existing, 'config.toml', target);
    const doc = toml(text);
    assert.equal(doc.otel.environment, 'dev');
    assert.equal(doc.otel.log_user_prompt, false);
    assert.deepEqual(Object.keys(doc.otel.exporter), ['otlp-http']);
    assert.equal(doc.tui.notifications, true);
    assert.match(text, /environment = "dev" # keep me/);
    assert.match(text, /\n# terminal\n\[tui\]/);
    assert.ok(!text.includes('collector'));
    assert.match(notes.join('\n'), /notify was "notify-send Codex"/);
    assert.equal(planCodex(text, 'config.toml', target).text, text);
  });

  test('dotted otel keys get dotted siblings; strings that look like tables are not tables', () => {
    const dotted = 'otel.environment = "x"\ns = """\n[otel]\nnot a table\n"""\n';
    const { text } = planCodex(dotted, 'config.toml', target);
    const doc = toml(text);
    assert.equal(doc.otel.environment, 'x');
    assert.equal(doc.s, '[otel]\nnot a table\n');
    assert.match(text, /^otel\.exporter = \{/m);
  });

  test('a document that does not parse, and one that cannot be edited safely', () => {
    assert.throws(
      () => planCodex('model = "a"\n[otel\n', '/h/.codex/config.toml', target),
      (e: unknown) =>
        e instanceof SettingsParseError &&
        e.line === 2 &&
        /\/h\/.codex\/config.toml: line 2/.test(e.message),
    );
    // otel as an inline table: an [otel] header cannot be added, so setup refuses.
    assert.throws(
      () => planCodex('otel = { environment = "x" }\n', 'config.toml', target),
      (e: unknown) => e instanceof SettingsEditError && /add these lines by hand/.test(e.message),
    );
  });
});

describe('helpers', () => {
  test('shell quoting and recognising ai-observer commands', () => {
    assert.equal(
      shellCommand(['/usr/bin/node', "/it's/bin.js", 'hook']),
      `/usr/bin/node '/it'\\''s/bin.js' hook`,
    );
    assert.ok(runsAiObserver('ai-observer hook claude', 'hook', 'claude'));
    assert.ok(
      runsAiObserver(`/n '/x/ai-observer/bin/ai-observer.js' hook claude`, 'hook', 'claude'),
    );
    assert.ok(!runsAiObserver('ai-observer hook codex', 'hook', 'claude'));
    assert.ok(!runsAiObserver('other hook claude', 'hook', 'claude'));
  });

  test('unified diff', () => {
    assert.equal(unifiedDiff('a\n', 'a\n', 'f'), '');
    assert.equal(
      unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'f'),
      '--- f\n+++ f (ai-observer setup)\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n',
    );
  });
});
