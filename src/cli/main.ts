#!/usr/bin/env node
// ai-observer's command line: one file per command under commands/.

import { VERSION } from '../version.ts';
import { type Command, runCommand } from './run-command.ts';

const HELP = `ai-observer ${VERSION} — what your AI tools are doing and what they cost

Usage: ai-observer <command> [options]

Commands:
  serve            run the agent (OTLP receiver, hooks, API) on 127.0.0.1
  watch            one JSON line per session change, for status bars
  status           the live sessions, once
  hook claude|codex  forward a Claude Code hook / Codex notify callback to the agent
  ack <session>    mark a finished session as seen
  report daily|weekly|monthly|session|blocks|models
                   what the AI tools used and cost, from the usage ledger
  report apps|sites|tools
                   time with AI apps, sites and CLIs, and AI commands typed
  statusline       Claude Code's status line: model, session, today, 5-hour block
  setup claude|codex|gemini|all [--dry-run] [--undo]
                   point the AI tools' settings at the agent (telemetry, hooks, status line)
  service install|uninstall|status
                   run the agent at login (systemd user unit, launchd agent, scheduled task)
  doctor           what is set up, what the agent received, what the ledger reads — and fixes
  extension pair|unpair|status
                   pair the browser extension with the agent (shows a pairing code)
  prices update|show  refresh the model price table, or show a model's prices
  version          print the version

Run "ai-observer <command> --help" for a command's options.`;

// Loaded on demand: `hook` runs on every Claude Code event and must not pay for the agent's
// modules (gRPC, protobuf) at start-up.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.ts')).serve,
  watch: async () => (await import('./commands/watch.ts')).watch,
  status: async () => (await import('./commands/status.ts')).status,
  hook: async () => (await import('./commands/hook.ts')).hook,
  ack: async () => (await import('./commands/ack.ts')).ack,
  prices: async () => (await import('./commands/prices.ts')).prices,
  report: async () => (await import('./commands/report.ts')).report,
  statusline: async () => (await import('./commands/statusline.ts')).statusline,
  doctor: async () => (await import('./commands/doctor.ts')).doctor,
  setup: async () => (await import('./commands/setup.ts')).setup,
  service: async () => (await import('./commands/service.ts')).service,
  extension: async () => (await import('./commands/extension.ts')).extension,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(HELP);
    return 0;
  }
  if (name === 'version' || name === '--version' || name === '-v') {
    console.log(VERSION);
    return 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`ai-observer: unknown command "${name}"\n\n${HELP}\n`);
    return 2;
  }
  return runCommand(name, load, rest);
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`ai-observer: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
