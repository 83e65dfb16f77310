// `ai-observer watch`: one line per change for status bars (EWW deflisten, waybar). The
// line is always a full snapshot, so a consumer that replaces its variable never blanks; when
// the agent is unreachable it prints an empty, `connected: false` snapshot once and retries.

import { parseArgs } from 'node:util';
import type { SessionListMessage } from '../../domain/session-view.ts';
import { agentHeaders, agentUrl } from '../agent-url.ts';
import { renderSummary } from '../render/text.ts';
import { renderWaybar } from '../render/waybar.ts';
import { readSse } from '../sse-client.ts';
import { UsageError } from '../usage-error.ts';

export const WATCH_HELP = `Usage: ai-observer watch [--format json|waybar|text] [--url URL]

Prints the live sessions as one line per change:
  json    {"type":"session_list","sessions":[…],"timestamp":…,"has_working":…,"has_waiting":…}
  waybar  {"text":…,"tooltip":…,"class":…,"alt":…} for a waybar custom module (return-type json)
  text    a short summary such as "1 waiting · 2 working"`;

export type WatchFormat = 'json' | 'waybar' | 'text';

export function renderLine(
  msg: SessionListMessage,
  format: WatchFormat,
  connected: boolean,
): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ ...msg, connected });
    case 'waybar':
      return JSON.stringify(renderWaybar(msg, connected));
    case 'text':
      return connected ? renderSummary(msg) : 'ai-observer: not running';
  }
}

function offline(now: number): SessionListMessage {
  return {
    type: 'session_list',
    sessions: [],
    timestamp: now,
    has_working: false,
    has_waiting: false,
    has_completed: false,
    counts: { working: 0, waiting: 0, completed: 0, idle: 0 },
  };
}

/**
 * Writes lines to a stream, skipping repeats. Every line is a whole snapshot, so when the
 * reader falls behind only the newest waiting line is kept and written once the stream drains.
 */
export function latestLineWriter(out: NodeJS.WritableStream & { writableLength: number }) {
  let last: string | undefined;
  let pending: string | undefined;
  let waiting = false;
  const write = (line: string) => {
    if (!out.write(`${line}\n`) && !waiting) {
      waiting = true;
      out.once('drain', () => {
        waiting = false;
        const next = pending;
        pending = undefined;
        if (next !== undefined) write(next);
      });
    }
  };
  return (line: string): void => {
    if (line === last) return;
    last = line;
    if (waiting) pending = line;
    else write(line);
  };
}

export function parseFormat(value: string | undefined): WatchFormat {
  const f = value ?? 'json';
  if (f === 'json' || f === 'waybar' || f === 'text') return f;
  throw new UsageError(`unknown --format "${f}"; use json, waybar or text`);
}

export async function watch(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string' },
      url: { type: 'string' },
      'retry-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(WATCH_HELP);
    return 0;
  }
  const format = parseFormat(values.format);
  const base = agentUrl(values.url);
  const retryMs = Number(values['retry-ms'] ?? 2000);
  const print = latestLineWriter(process.stdout);
  process.stdout.on('error', () => process.exit(0)); // the reader went away
  for (;;) {
    try {
      const res = await fetch(`${base}/api/stream`, { headers: agentHeaders() });
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      for await (const ev of readSse(res.body)) {
        if (ev.event !== 'session_list') continue;
        print(renderLine(JSON.parse(ev.data) as SessionListMessage, format, true));
      }
    } catch {
      // Unreachable or dropped: say so once, then try again.
    }
    print(renderLine(offline(Date.now()), format, false));
    await new Promise((r) => setTimeout(r, retryMs));
  }
}
