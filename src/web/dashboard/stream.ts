// The live session list from GET /api/stream (Server-Sent Events). The browser's EventSource
// reconnects by itself (the agent asks for a 2 s retry); each message is a complete list.
// The stream is opened as soon as the script runs, before the first render, and a view that
// subscribes later gets the latest list and status at once.

import type { SessionListMessage } from './api-types.ts';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

type Listener = (list: SessionListMessage | null, status: StreamStatus) => void;

let source: EventSource | undefined;
let latest: SessionListMessage | null = null;
let status: StreamStatus = 'connecting';
const listeners = new Set<Listener>();

function emit(): void {
  for (const l of listeners) l(latest, status);
}

/** Opens the stream (once). */
export function openStream(): void {
  if (source !== undefined) return;
  source = new EventSource('/api/stream');
  source.addEventListener('open', () => {
    status = 'live';
    emit();
  });
  source.addEventListener('error', () => {
    status = 'reconnecting';
    emit();
  });
  source.addEventListener('session_list', (e) => {
    latest = JSON.parse((e as MessageEvent<string>).data) as SessionListMessage;
    status = 'live';
    emit();
  });
}

/** Calls `listener` with the latest list and status now and on every change. */
export function subscribeSessions(listener: Listener): () => void {
  openStream();
  listeners.add(listener);
  listener(latest, status);
  return () => listeners.delete(listener);
}
