// `ai-observer status`: the current sessions, once.

import { parseArgs } from 'node:util';
import type { SessionListMessage } from '../../domain/session-view.ts';
import { agentHeaders, agentUrl } from '../agent-url.ts';
import { renderTable } from '../render/text.ts';
import { UsageError } from '../usage-error.ts';
import { renderLine } from './watch.ts';

export const STATUS_HELP = `Usage: ai-observer status [--format text|json|waybar] [--url URL]

Prints the live sessions once (text by default). Exit code 1 when the agent is not running.`;

export async function status(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(STATUS_HELP);
    return 0;
  }
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (!['text', 'json', 'waybar'].includes(format)) {
    throw new UsageError(`unknown --format "${format}"; use text, json or waybar`);
  }
  const base = agentUrl(values.url);
  let msg: SessionListMessage;
  try {
    const res = await fetch(`${base}/api/sessions`, {
      headers: agentHeaders(),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    msg = (await res.json()) as SessionListMessage;
  } catch (err) {
    process.stderr.write(
      `ai-observer: the agent at ${base} is not reachable (${(err as Error).message}); start it with \`ai-observer serve\`\n`,
    );
    return 1;
  }
  const out = format === 'text' ? renderTable(msg) : renderLine(msg, format as 'json', true);
  process.stdout.write(`${out}\n`);
  return 0;
}
