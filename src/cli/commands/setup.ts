// `ai-observer setup claude|codex|gemini [--dry-run] [--undo]`: points each AI tool's user
// settings at the agent — telemetry, hooks / notify, Claude's status line — editing only what
// it must (domain/setup/), after a backup of the original, which `--undo` puts back.

import { parseArgs } from 'node:util';
import { resolvePaths } from '../../config/paths.ts';
import { unifiedDiff } from '../../domain/setup/diff.ts';
import { planSetup } from '../../domain/setup/plan.ts';
import { SETUP_TOOLS, type SetupTarget, type SetupTool } from '../../domain/setup/target.ts';
import { SettingsEditError, SettingsParseError } from '../../domain/setup/text-position.ts';
import {
  readBackup,
  readIfPresent,
  undoFromBackup,
  writeWithBackup,
} from '../../install/backup.ts';
import { toolFacingUrl } from '../../install/agent-address.ts';
import { selfCommand } from '../../install/self-command.ts';
import { settingsFile, TOOL_NAMES } from '../../install/settings-files.ts';
import { UsageError } from '../usage-error.ts';

export const SETUP_HELP = `Usage: ai-observer setup <claude|codex|gemini|all>... [--dry-run] [--undo]
                         [--url URL] [--command PROGRAM]

Points the AI tools at the agent:
  claude   ~/.claude/settings.json (or $CLAUDE_CONFIG_DIR): OTLP export in "env" (logs every
           second), the hooks that make session states exact, "statusLine"
  codex    ~/.codex/config.toml (or $CODEX_HOME): [otel] exporters, notify at turn end
  gemini   ~/.gemini/settings.json: "telemetry"

Only the settings it needs are changed; the rest of each file, its order, indentation and
comments stay. The original is backed up before the first change. Running it again changes
nothing unless the agent's address moved.

  --dry-run        print the changes as a diff and write nothing
  --undo           put each file back as it was before setup (byte for byte)
  --url URL        the agent's address (default from the config: server.host, server.port)
  --command PROG   how the tools should run ai-observer (default: this installation,
                   ${selfCommand().join(' ')})`;

function parseTools(names: string[]): SetupTool[] {
  if (names.length === 0)
    throw new UsageError('setup: name the tools: claude, codex, gemini or all');
  const out = new Set<SetupTool>();
  for (const n of names) {
    if (n === 'all') for (const t of SETUP_TOOLS) out.add(t);
    else if ((SETUP_TOOLS as readonly string[]).includes(n)) out.add(n as SetupTool);
    else throw new UsageError(`setup: unknown tool "${n}"; use claude, codex, gemini or all`);
  }
  return [...out];
}

function givenUrl(flag: string): string {
  const url = flag.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(url)) {
    throw new UsageError(`setup: --url must be http(s)://host:port, got "${flag}"`);
  }
  return url;
}

export async function setup(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      undo: { type: 'boolean' },
      url: { type: 'string' },
      command: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(SETUP_HELP);
    return 0;
  }
  const tools = parseTools(positionals);
  const env = process.env;
  const paths = resolvePaths(env);
  const out = (line: string) => process.stdout.write(`${line}\n`);

  if (values.undo) {
    for (const tool of tools) {
      const state = readBackup(paths.dataDir, tool);
      if (state === undefined) {
        out(`${tool}: nothing to undo (no backup from setup)`);
        continue;
      }
      if (values['dry-run']) {
        const what = state.existed ? 'restore' : 'remove';
        out(`${tool}: would ${what} ${state.file}`);
        continue;
      }
      const r = undoFromBackup(paths.dataDir, tool);
      if (r.kind === 'none') continue;
      out(`${tool}: ${r.kind} ${r.file}`);
      if (r.keptAs !== undefined)
        out(`  it had changed since setup; that version is in ${r.keptAs}`);
    }
    return 0;
  }

  const target: SetupTarget = {
    httpUrl: values.url !== undefined ? givenUrl(values.url) : toolFacingUrl(env),
    command: values.command !== undefined ? [values.command] : selfCommand(),
  };
  // Every file is read and planned first: one that does not parse stops the run before any
  // file is written.
  const planned: Array<{
    tool: SetupTool;
    file: string;
    original: Buffer | undefined;
    before: string;
    text: string;
    notes: string[];
  }> = [];
  const errors: string[] = [];
  for (const tool of tools) {
    const file = settingsFile(tool, env);
    try {
      const earlier = readBackup(paths.dataDir, tool);
      if (earlier !== undefined && earlier.file !== file) {
        throw new SettingsEditError(
          `${tool}: the backup from an earlier setup belongs to ${earlier.file}, not ${file}; run \`ai-observer setup ${tool} --undo\` first`,
        );
      }
      const original = readIfPresent(file);
      const before = original?.toString('utf8') ?? '';
      const plan = planSetup(tool, before, file, target);
      planned.push({ tool, file, original, before, ...plan });
    } catch (err) {
      if (err instanceof SettingsParseError) {
        errors.push(`${err.message} — fix it (or move the file away) and run setup again`);
      } else if (err instanceof SettingsEditError) errors.push(err.message);
      else errors.push(`${tool}: ${(err as Error).message}`);
    }
  }
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(`ai-observer setup: ${e}\n`);
    process.stderr.write('ai-observer setup: nothing was changed\n');
    return 1;
  }

  for (const p of planned) {
    const name = `${TOOL_NAMES[p.tool]} (${p.file})`;
    if (p.text === p.before) {
      out(`${p.tool}: already set up — ${name}`);
      continue;
    }
    if (values['dry-run']) {
      out(`${p.tool}: would change ${name}`);
      process.stdout.write(unifiedDiff(p.before, p.text, p.file));
    } else {
      const { backedUp } = writeWithBackup(paths.dataDir, p.tool, p.file, p.original, p.text);
      out(
        `${p.tool}: set up ${name}${backedUp ? ` — the original is kept for \`ai-observer setup ${p.tool} --undo\`` : ''}`,
      );
    }
    for (const n of p.notes) out(`  note: ${n}`);
  }
  if (!values['dry-run']) {
    out(
      `The tools send to ${target.httpUrl}; start the agent with \`ai-observer serve\` (or \`ai-observer service install\`).`,
    );
  }
  return 0;
}
