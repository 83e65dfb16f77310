// The home-manager module in nix/ parses with Nix's own parser (Debian's nix-bin; .ci/run
// installs it) and declares the options the README documents.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { scratchHome } from '../support/cli.ts';

const MODULE = resolve(import.meta.dirname, '../../nix/home-manager.nix');

function parse(file: string) {
  return spawnSync('nix-instantiate', ['--parse', file], {
    encoding: 'utf8',
    env: { ...process.env, NIX_REMOTE: '', HOME: scratchHome() },
  });
}

test('nix/home-manager.nix parses and declares its options', () => {
  const r = parse(MODULE);
  assert.equal(r.error, undefined, 'nix-instantiate is missing (apt-get install nix-bin)');
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(MODULE, 'utf8');
  for (const option of ['enable', 'package', 'port', 'grpcPort', 'notifications', 'settings']) {
    assert.match(text, new RegExp(`^ {4}${option} = lib\\.mk`, 'm'), option);
  }
  assert.match(text, /^ {6}endpoint = lib\.mkOption/m);
  assert.match(text, /^ {6}tokenFile = lib\.mkOption/m);
  assert.match(text, /systemd\.user\.services\.ai-observer/);
  assert.match(text, /Restart = "on-failure"/);
  assert.match(text, /OTEL_BEARER_TOKEN=/);
  assert.match(text, /OTEL_ENDPOINT=/);
});

test('the same check fails on a module with a syntax error', () => {
  const broken = join(scratchHome(), 'broken.nix');
  writeFileSync(broken, readFileSync(MODULE, 'utf8').replace('in\n{', 'in\n{ {'));
  assert.notEqual(parse(broken).status, 0);
});
