// `ai-observer ack <session-id>`: mark a finished turn as seen (completed → idle).

import { agentHeaders, agentUrl } from '../agent-url.ts';

export async function ack(argv: string[]): Promise<number> {
  const id = argv[0];
  if (id === undefined || id.startsWith('-')) {
    process.stderr.write('Usage: ai-observer ack <session-id>\n');
    return 2;
  }
  const res = await fetch(`${agentUrl(undefined)}/api/sessions/${encodeURIComponent(id)}/ack`, {
    method: 'POST',
    headers: agentHeaders(),
    signal: AbortSignal.timeout(5000),
  });
  if (res.status === 404) {
    process.stderr.write(`ai-observer: no session ${id}\n`);
    return 1;
  }
  if (!res.ok) throw new Error(`agent answered ${res.status}`);
  return 0;
}
