// Who may talk to the agent: loopback Host names only (DNS rebinding), no browser pages on
// telemetry routes, and a bearer token when the agent listens beyond loopback.

import type { IncomingMessage } from 'node:http';
import { bearerMatches } from '../ingest/bearer.ts';

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;

export interface GuardOptions {
  /** Hosts allowed besides loopback names (the configured non-loopback bind address). */
  extraHosts: string[];
  token: string;
}

export type GuardResult = { ok: true } | { ok: false; status: number; message: string };

const OK: GuardResult = { ok: true };

export function checkHost(req: IncomingMessage, opts: GuardOptions): GuardResult {
  const host = req.headers.host;
  if (host === undefined) return { ok: false, status: 403, message: 'missing Host header' };
  if (LOOPBACK_HOST.test(host)) return OK;
  const bare = host.replace(/:\d{1,5}$/, '').toLowerCase();
  if (opts.extraHosts.includes(bare)) return OK;
  return { ok: false, status: 403, message: `Host "${host}" is not allowed` };
}

export function checkNoBrowser(req: IncomingMessage): GuardResult {
  if (req.headers.origin !== undefined) {
    return { ok: false, status: 403, message: 'requests from web pages are refused here' };
  }
  return OK;
}

export function checkToken(req: IncomingMessage, token: string): GuardResult {
  if (token === '') return OK;
  if (bearerMatches(req.headers.authorization, token)) return OK;
  return { ok: false, status: 401, message: 'missing or wrong bearer token' };
}
