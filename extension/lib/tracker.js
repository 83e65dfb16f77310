// Time on a catalog site, from looks at the browser: which site is in the active tab of the
// focused window, and whether the user is idle. A stretch runs while each look sees the same
// site; it ends when the tab, the site or the focus changes or the user goes idle, and a long
// stretch is cut into spans every `flushMs` so that the agent sees time while it grows and a
// stopped service worker loses at most one span's tail. Looks further apart than `staleMs`
// (the worker slept, the machine was suspended, the browser was closed) end the stretch at the
// last look: time nobody saw is never counted. Pure: the background script does the looking.

/** @typedef {{ entry: string, site: string }} Focus */
/** @typedef {{ entry: string, site: string, since: number, checkedAt: number }} Stretch */
/** @typedef {{ entry: string, site: string, start: number, end: number }} Span */
/**
 * @typedef {object} Look
 * @property {number} now
 * @property {Focus | null} focus  the site in the active tab of the focused window, if any
 * @property {number} [idleForMs]  how long the user has been idle, when idle
 * @property {boolean} [flush]  cut the stretch now (before its time is shown)
 */

export const FLUSH_MS = 60_000;
/** Looks come at least every 30 s (an alarm) while the browser runs. */
export const STALE_MS = 150_000;

/**
 * @param {Span[]} out
 * @param {Stretch} s
 * @param {number} end
 */
function close(out, s, end) {
  if (end > s.since) out.push({ entry: s.entry, site: s.site, start: s.since, end });
}

/**
 * One look: the stretch after it and the spans it closed.
 * @param {Stretch | null} state
 * @param {Look} look
 * @param {{ flushMs?: number, staleMs?: number }} [opts]
 * @returns {{ state: Stretch | null, spans: Span[] }}
 */
export function observe(state, look, opts = {}) {
  const flushMs = opts.flushMs ?? FLUSH_MS;
  const staleMs = opts.staleMs ?? STALE_MS;
  const { now } = look;
  /** @type {Span[]} */
  const spans = [];
  let s = state;
  if (s !== null && (now - s.checkedAt > staleMs || now < s.checkedAt)) {
    close(spans, s, s.checkedAt);
    s = null;
  }
  const focus = look.focus;
  if (s !== null && focus !== null && focus.entry === s.entry && focus.site === s.site) {
    if (look.idleForMs !== undefined && look.idleForMs > 0) {
      // Idle: the time since the user was last seen is not theirs.
      close(spans, s, Math.max(s.since, now - look.idleForMs));
      return { state: null, spans };
    }
    if (look.flush === true || now - s.since >= flushMs) {
      close(spans, s, now);
      return { state: { ...s, since: now, checkedAt: now }, spans };
    }
    return { state: { ...s, checkedAt: now }, spans };
  }
  if (s !== null) {
    const idle = look.idleForMs ?? 0;
    close(spans, s, Math.max(s.since, now - idle));
  }
  if (focus === null || (look.idleForMs ?? 0) > 0) return { state: null, spans };
  return { state: { entry: focus.entry, site: focus.site, since: now, checkedAt: now }, spans };
}
