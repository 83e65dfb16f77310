// `ai-observer hook claude` (Claude Code hook command: JSON on stdin) and
// `ai-observer hook codex '<json>'` (Codex `notify` program: JSON as the last argument).
// Both hand the payload to the agent and exit 0 quickly whatever happens, so a stopped agent
// never slows down or breaks the AI tool. Nothing is printed on stdout: Claude Code adds a
// hook's stdout to the conversation for some events.

import { agentHeaders, agentUrl } from '../agent-url.ts';
import { postJson } from '../post-json.ts';
import { readStdin } from '../stdin.ts';

const STDIN_LIMIT = 1024 * 1024;
const TIMEOUT_MS = 1500;

export const HOOK_HELP = `Usage: ai-observer hook claude        (reads the hook JSON on stdin)
       ai-observer hook codex '<json>'  (Codex notify: the JSON argument)

Forwards an AI tool's hook callback to the agent. Always exits 0.`;

export async function hook(argv: string[]): Promise<number> {
  const [tool, ...rest] = argv;
  if (tool === '--help' || tool === '-h' || tool === undefined) {
    process.stderr.write(`${HOOK_HELP}\n`);
    return 0;
  }
  try {
    let body: string;
    if (tool === 'claude') body = await readStdin(STDIN_LIMIT);
    else if (tool === 'codex') body = rest.at(-1) ?? '';
    else {
      process.stderr.write(`ai-observer hook: unknown tool "${tool}"; use claude or codex\n`);
      return 0;
    }
    let base: string;
    try {
      base = agentUrl(undefined);
    } catch {
      base = 'http://127.0.0.1:4318'; // a broken config must not break the AI tool
    }
    const res = await postJson(`${base}/api/hooks/${tool}`, agentHeaders(), body, TIMEOUT_MS);
    if (res.status < 200 || res.status > 299) {
      process.stderr.write(`ai-observer hook: agent answered ${res.status}: ${res.text}\n`);
    }
  } catch {
    // The agent is not running: nothing to tell, and nothing to wait for.
  }
  return 0;
}
