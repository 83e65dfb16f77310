// The durable outbox: every event is written to chrome.storage.local under its own key before
// anything is sent, and removed only once the agent has taken it. A service worker stopped
// mid-way, a browser closed or an agent not running loses nothing; an event sent again (its
// answer was lost) carries the same id and the agent counts it once. A batch the agent refuses
// as malformed is split until the one bad event is found and dropped, so it cannot block the
// rest. Works over anything shaped like chrome.storage.local (tests pass a Map-backed one).

/**
 * @typedef {{ id: string, type: 'time', entry: string, site: string, start: number, end: number }} TimeEvent
 * @typedef {{ id: string, type: 'visit', entry: string, site: string, ts: number }} VisitEvent
 * @typedef {TimeEvent | VisitEvent} OutEvent
 * @typedef {{ event: OutEvent, queuedAt: number }} Queued
 * @typedef {object} Storage
 * @property {(keys: string | string[] | null) => Promise<Record<string, unknown>>} get
 * @property {(items: Record<string, unknown>) => Promise<void>} set
 * @property {(keys: string | string[]) => Promise<void>} remove
 * @typedef {{ kind: 'ok' } | { kind: 'rejected', error: string } | { kind: 'refused', error: string } | { kind: 'unavailable', error: string }} SendResult
 *   ok: taken (or known); rejected: the batch is malformed (400); refused: not paired (401/403);
 *   unavailable: no agent, or it cannot take it now.
 * @typedef {(events: OutEvent[]) => Promise<SendResult>} Send
 * @typedef {{ sent: number, dropped: number, left: number, stopped?: SendResult }} Delivery
 */

const PREFIX = 'outbox:';
export const MAX_QUEUED = 20_000;
/** The agent takes events up to 30 days old; older ones are dropped here first. */
export const MAX_AGE_MS = 29 * 86_400_000;
export const BATCH = 200;

/**
 * @param {OutEvent} e
 * @returns {number}
 */
const lastTime = (e) => (e.type === 'time' ? e.end : e.ts);

/**
 * Queues events (already with their ids), dropping the oldest beyond MAX_QUEUED.
 * @param {Storage} storage
 * @param {readonly OutEvent[]} events
 * @param {number} now
 */
export async function enqueue(storage, events, now) {
  if (events.length === 0) return;
  /** @type {Record<string, Queued>} */
  const items = {};
  for (const event of events) items[PREFIX + event.id] = { event, queuedAt: now };
  await storage.set(items);
  const all = await queued(storage);
  if (all.length > MAX_QUEUED) {
    await storage.remove(all.slice(0, all.length - MAX_QUEUED).map((q) => PREFIX + q.event.id));
  }
}

/**
 * Everything queued, oldest first.
 * @param {Storage} storage
 * @returns {Promise<Queued[]>}
 */
export async function queued(storage) {
  const all = await storage.get(null);
  /** @type {Queued[]} */
  const out = [];
  for (const [k, v] of Object.entries(all))
    if (k.startsWith(PREFIX)) out.push(/** @type {Queued} */ (v));
  return out.sort((a, b) => a.queuedAt - b.queuedAt || lastTime(a.event) - lastTime(b.event));
}

/**
 * Sends what is queued, BATCH events at a time, until it is all taken or the agent cannot take
 * more now.
 * @param {Storage} storage
 * @param {Send} send
 * @param {number} now
 * @returns {Promise<Delivery>}
 */
export async function deliver(storage, send, now) {
  const all = await queued(storage);
  const old = all.filter((q) => lastTime(q.event) < now - MAX_AGE_MS);
  if (old.length > 0) await storage.remove(old.map((q) => PREFIX + q.event.id));
  const fresh = all.filter((q) => lastTime(q.event) >= now - MAX_AGE_MS).map((q) => q.event);
  /** @type {Delivery} */
  const out = { sent: 0, dropped: old.length, left: fresh.length };
  for (let i = 0; i < fresh.length; i += BATCH) {
    const stopped = await sendPart(storage, send, fresh.slice(i, i + BATCH), out);
    if (stopped !== undefined) {
      out.stopped = stopped;
      break;
    }
  }
  return out;
}

/**
 * @param {Storage} storage
 * @param {Send} send
 * @param {OutEvent[]} events
 * @param {Delivery} out
 * @returns {Promise<SendResult | undefined>} what stopped the delivery, if anything did
 */
async function sendPart(storage, send, events, out) {
  const r = await send(events);
  if (r.kind === 'ok' || (r.kind === 'rejected' && events.length === 1)) {
    await storage.remove(events.map((e) => PREFIX + e.id));
    out.left -= events.length;
    if (r.kind === 'ok') out.sent += events.length;
    else out.dropped += 1;
    return undefined;
  }
  if (r.kind !== 'rejected') return r;
  const half = Math.ceil(events.length / 2);
  return (
    (await sendPart(storage, send, events.slice(0, half), out)) ??
    (await sendPart(storage, send, events.slice(half), out))
  );
}
