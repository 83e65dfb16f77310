// The live session list from GET /api/stream (Server-Sent Events). The browser's EventSource
// reconnects by itself (the agent asks for a 2 s retry); each message is a complete list.

import type { SessionListMessage } from './api-types.ts';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export function subscribeSessions(
  onList: (list: SessionListMessage) => void,
  onStatus: (status: StreamStatus) => void,
): () => void {
  const source = new EventSource('/api/stream');
  onStatus('connecting');
  source.addEventListener('open', () => onStatus('live'));
  source.addEventListener('error', () => onStatus('reconnecting'));
  source.addEventListener('session_list', (e) => {
    onStatus('live');
    onList(JSON.parse((e as MessageEvent<string>).data) as SessionListMessage);
  });
  return () => source.close();
}
