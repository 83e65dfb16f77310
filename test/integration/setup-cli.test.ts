// `ai-observer setup` through the command line on a scratch HOME that already has the user's
// own settings (comments in the TOML): they are kept, a second run changes nothing byte for
// byte, --dry-run writes nothing, --undo restores byte for byte, the configured port is the one
// written, and a file that does not parse stops the whole run before anything is written.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, scratchHome } from '../support/cli.ts';

const CLAUDE = `{
    "model": "sonnet",
    "permissions": { "allow": ["Bash(ls:*)"] },
    "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "true" } ] } ] }
}
`;
const CODEX = `# my Codex settings
model = "gpt-5.5" # favourite

# the mock provider
[model_providers.mock]
base_url = "http://127.0.0.1:9/v1"
wire_api = "responses"

[features]
plugins = false # hermetic
`;
const GEMINI = '{\n\t"general": { "disableAutoUpdate": true }\n}\n';

type Files = { claude: string; codex: string; gemini: string };

function userHome(): { home: string; env: NodeJS.ProcessEnv; files: Files } {
  const home = scratchHome('aio-setup-');
  const files = {
    claude: join(home, '.claude', 'settings.json'),
    codex: join(home, '.codex', 'config.toml'),
    gemini: join(home, '.gemini', 'settings.json'),
  };
  for (const [tool, text] of [
    ['claude', CLAUDE],
    ['codex', CODEX],
    ['gemini', GEMINI],
  ] as const) {
    mkdirSync(join(files[tool], '..'), { recursive: true });
    writeFileSync(files[tool], text);
  }
  mkdirSync(join(home, '.config', 'ai-observer'), { recursive: true });
  writeFileSync(
    join(home, '.config', 'ai-observer', 'config.yaml'),
    'server:\n  port: 5999\n  grpcPort: 5998\n',
  );
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
  };
  return { home, env, files };
}

const read = (f: string) => readFileSync(f, 'utf8');

describe('ai-observer setup', () => {
  test('keeps the user settings, runs twice the same, undoes byte for byte', async () => {
    const { env, files } = userHome();
    const dry = await runCli(['setup', 'claude', 'codex', 'gemini', '--dry-run'], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /\+notify = \[/);
    assert.match(dry.stdout, /\+ {8}"OTEL_EXPORTER_OTLP_ENDPOINT": "http:\/\/127\.0\.0\.1:5999"/);
    assert.equal(read(files.claude), CLAUDE, '--dry-run wrote nothing');
    assert.equal(read(files.codex), CODEX);
    assert.equal(read(files.gemini), GEMINI);

    const first = await runCli(['setup', 'all'], { env });
    assert.equal(first.code, 0, first.stderr);
    const after = {
      claude: read(files.claude),
      codex: read(files.codex),
      gemini: read(files.gemini),
    };
    for (const line of CODEX.split('\n')) assert.ok(after.codex.includes(line), `kept: ${line}`);
    assert.match(after.codex, /endpoint = "http:\/\/127\.0\.0\.1:5999\/v1\/logs"/);
    assert.match(after.codex, /^notify = \[".*", ".*bin\/ai-observer\.js", "hook", "codex"\]$/m);
    const claude = JSON.parse(after.claude);
    assert.equal(claude.model, 'sonnet');
    assert.deepEqual(claude.permissions, { allow: ['Bash(ls:*)'] });
    assert.equal(claude.hooks.Stop.length, 2);
    assert.equal(claude.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:5999');
    assert.match(claude.statusLine.command, /ai-observer\.js statusline$/);
    assert.match(after.claude, /^ {4}"model"/m, 'its four-space indentation');
    const gemini = JSON.parse(after.gemini);
    assert.equal(gemini.general.disableAutoUpdate, true);
    assert.equal(gemini.telemetry.otlpEndpoint, 'http://127.0.0.1:5999');
    assert.match(after.gemini, /^\t"telemetry"/m, 'its tab indentation');

    const second = await runCli(['setup', 'all'], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.equal((second.stdout.match(/already set up/g) ?? []).length, 3);
    assert.equal(read(files.claude), after.claude);
    assert.equal(read(files.codex), after.codex);
    assert.equal(read(files.gemini), after.gemini);

    const undo = await runCli(['setup', 'claude', 'codex', 'gemini', '--undo'], { env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(read(files.claude), CLAUDE);
    assert.equal(read(files.codex), CODEX);
    assert.equal(read(files.gemini), GEMINI);
    const again = await runCli(['setup', 'codex', '--undo'], { env });
    assert.match(again.stdout, /nothing to undo/);
  });

  test('a file created by setup is removed by undo; a file changed since is kept aside', async () => {
    const { env, files, home } = userHome();
    const codexHome = join(home, 'elsewhere');
    const r = await runCli(['setup', 'codex', 'claude'], {
      env: { ...env, CODEX_HOME: codexHome },
    });
    assert.equal(r.code, 0, r.stderr);
    const created = join(codexHome, 'config.toml');
    assert.ok(existsSync(created));
    writeFileSync(files.claude, `${read(files.claude)}\n`);
    const u = await runCli(['setup', 'codex', 'claude', '--undo'], {
      env: { ...env, CODEX_HOME: codexHome },
    });
    assert.equal(u.code, 0, u.stderr);
    assert.ok(!existsSync(created));
    assert.equal(read(files.claude), CLAUDE);
    assert.ok(existsSync(`${files.claude}.before-undo`));
    assert.match(u.stdout, /changed since setup/);
  });

  test('a settings file that does not parse: file, line and column; nothing changes', async () => {
    const { env, files } = userHome();
    writeFileSync(files.codex, `${CODEX}[otel\n`);
    const r = await runCli(['setup', 'claude', 'codex'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`cannot parse ${files.codex}: line 11, column \\d+`));
    assert.match(r.stderr, /nothing was changed/);
    assert.equal(read(files.claude), CLAUDE, 'the other tool was not set up either');
    const bad = await runCli(['setup', 'vim'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown tool "vim"/);
  });

  test('doctor reads what setup wrote and names the fix for what is missing', async () => {
    const { env } = userHome();
    const before = JSON.parse((await runCli(['doctor', '--json'], { env })).stdout);
    const claudeBefore = before.setup.find((s: { tool: string }) => s.tool === 'claude');
    assert.equal(claudeBefore.configured, false);
    assert.ok(
      before.problems.some((p: string) => p.includes('run `ai-observer setup claude`')),
      before.problems.join('\n'),
    );
    assert.ok(
      before.problems.some((p: string) =>
        /agent is not running at http:\/\/127\.0\.0\.1:5999/.test(p),
      ),
    );
    await runCli(['setup', 'all'], { env });
    const after = JSON.parse((await runCli(['doctor', '--json'], { env })).stdout);
    for (const s of after.setup) assert.equal(s.configured, true, s.tool);
    assert.ok(!after.problems.some((p: string) => p.includes('ai-observer setup')));
  });
});
