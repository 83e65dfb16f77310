// Talking to the agent: every request is a POST under /api/extension/ with the pairing code as
// a bearer token (the agent also checks this extension's origin, which the browser sets).

/** @typedef {{ agentUrl: string, code: string }} Settings */
/** @typedef {import('./outbox.js').SendResult} SendResult */

export const DEFAULT_AGENT_URL = 'http://127.0.0.1:4318';
const TIMEOUT_MS = 10_000;

/**
 * An agent address the extension may talk to: http on a loopback host.
 * @param {string} text
 * @returns {string | undefined} the address without a trailing slash, or undefined
 */
export function agentAddress(text) {
  /** @type {URL} */
  let u;
  try {
    u = new URL(text.trim());
  } catch {
    return undefined;
  }
  const loopback =
    u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'http:' || !loopback || (u.pathname !== '/' && u.pathname !== ''))
    return undefined;
  return `${u.protocol}//${u.host}`;
}

/**
 * POSTs JSON to one of the extension's routes.
 * @param {Settings} settings
 * @param {'pair' | 'catalog' | 'events' | 'today'} route
 * @param {unknown} [body]
 * @returns {Promise<{ status: number, body: any } | { status: 0, error: string }>}
 */
export async function call(settings, route, body) {
  try {
    const res = await fetch(`${settings.agentUrl}/api/extension/${route}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${settings.code}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    return { status: res.status, body: parsed };
  } catch (err) {
    return {
      status: 0,
      error: `the agent at ${settings.agentUrl} did not answer (${String(err)})`,
    };
  }
}

/**
 * An HTTP answer as the outbox reads it.
 * @param {{ status: number, body: any } | { status: 0, error: string }} r
 * @returns {SendResult}
 */
export function sendResult(r) {
  if (!('body' in r)) return { kind: 'unavailable', error: r.error };
  const error = typeof r.body?.error === 'string' ? r.body.error : `HTTP ${r.status}`;
  if (r.status === 200) return { kind: 'ok' };
  if (r.status === 400 || r.status === 413) return { kind: 'rejected', error };
  if (r.status === 401 || r.status === 403) return { kind: 'refused', error };
  return { kind: 'unavailable', error };
}
