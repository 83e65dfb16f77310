// The status-bar examples run against a real agent: the tmux script prints the `watch --format
// text` summary (starting its follower once), and the waybar config is valid JSONC naming the
// command that exists.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { type ParseError, parse } from 'jsonc-parser';
import { MAIN, scratchHome, startServe } from '../support/cli.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');

test('tmux: the script shows the agent summary, then the follower keeps it current', async () => {
  const served = await startServe({ AI_OBSERVER_HOME: scratchHome() }, [
    '--no-notify',
    '--no-grpc',
  ]);
  const bin = scratchHome('aio-bin-');
  // `ai-observer` on PATH, as an installed package puts it there.
  writeFileSync(join(bin, 'ai-observer'), `#!/bin/sh\nexec "${process.execPath}" "${MAIN}" "$@"\n`);
  chmodSync(join(bin, 'ai-observer'), 0o755);
  const runtime = scratchHome('aio-run-');
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    AI_OBSERVER_URL: served.url,
    XDG_RUNTIME_DIR: runtime,
  };
  const script = join(EXAMPLES, 'tmux', 'ai-observer-status.sh');
  try {
    const first = execFileSync('sh', [script], { env, encoding: 'utf8' });
    assert.match(first, /^#\[fg=colour244\]no sessions#\[default\]$/);
    await fetch(`${served.url}/api/hooks/claude`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        hook_event_name: 'UserPromptSubmit',
        session_id: 's1',
        cwd: '/w/app',
      }),
    });
    const deadline = Date.now() + 15_000;
    let out = '';
    while (Date.now() < deadline) {
      out = execFileSync('sh', [script], { env, encoding: 'utf8' });
      if (out.includes('1 working')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(out, '#[fg=blue]1 working#[default]');
  } finally {
    const dir = join(runtime, `ai-observer-tmux-${process.getuid?.() ?? 0}`);
    try {
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      process.kill(-pid, 'SIGTERM'); // the follower's whole session
    } catch {
      // The follower is already gone.
    }
    await served.stop();
  }
});

test('waybar: the module config is valid JSONC and runs watch --format waybar', () => {
  const errors: ParseError[] = [];
  const cfg = parse(readFileSync(join(EXAMPLES, 'waybar', 'config.jsonc'), 'utf8'), errors);
  assert.deepEqual(errors, []);
  assert.equal(cfg['custom/ai'].exec, 'ai-observer watch --format waybar');
  assert.equal(cfg['custom/ai']['return-type'], 'json');
});
