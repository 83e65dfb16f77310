// The extension's service worker: looks at the browser when something changes (tab, page,
// window focus, idle state) and every 30 s, turns the looks into time and visit events for
// catalog sites (lib/tracker.js), queues them durably (lib/outbox.js) and delivers them to the
// paired agent. Only the catalog's domain and times leave the browser.

import { call, sendResult } from './lib/agent.js';
import { browserName } from './lib/browser-name.js';
import { deliver, enqueue, queued } from './lib/outbox.js';
import { matchUrl, siteIndex } from './lib/sites.js';
import { observe } from './lib/tracker.js';

const TICK = 'tick';
/** Seconds without input before the user counts as idle (chrome.idle's smallest is 15). */
const IDLE_S = 60;
const CATALOG_MAX_AGE_MS = 3_600_000;
const storage = chrome.storage.local;

const browser = browserName({
  brands: navigator.userAgentData?.brands,
  userAgent: navigator.userAgent,
  isBrave: 'brave' in navigator,
});

/** @returns {Promise<import('./lib/agent.js').Settings | undefined>} */
async function settings() {
  const { settings } = await storage.get('settings');
  return settings?.code ? settings : undefined;
}

/** The catalog's sites, from the agent (read again hourly), as an index. */
async function catalog(force = false) {
  const { catalog } = await storage.get('catalog');
  const fresh = catalog !== undefined && Date.now() - catalog.fetchedAt < CATALOG_MAX_AGE_MS;
  if (fresh && !force) return siteIndex(catalog.sites);
  const s = await settings();
  if (s !== undefined) {
    const r = await call(s, 'catalog');
    if (r.status === 200 && Array.isArray(r.body.sites)) {
      await storage.set({ catalog: { sites: r.body.sites, fetchedAt: Date.now() } });
      return siteIndex(r.body.sites);
    }
  }
  return siteIndex(catalog?.sites ?? []);
}

/** Where the user is: the catalog site in the active tab of the focused window, if any. */
async function look(index) {
  const idle = await chrome.idle.queryState(IDLE_S);
  if (idle !== 'active') return { focus: null, idleForMs: idle === 'idle' ? IDLE_S * 1000 : 0 };
  let win;
  try {
    win = await chrome.windows.getLastFocused();
  } catch {
    return { focus: null };
  }
  if (!win.focused || win.state === 'minimized') return { focus: null };
  const [tab] = await chrome.tabs.query({ active: true, windowId: win.id });
  return { focus: matchUrl(tab?.url, index) ?? null };
}

// One look at a time: each reads and writes the stretch in storage.
let chain = Promise.resolve();
function serial(job) {
  const run = chain.then(job);
  chain = run.catch(() => {});
  return run;
}

function timeEvents(spans) {
  return spans.map((s) => ({ id: crypto.randomUUID(), type: 'time', ...s }));
}

/** Looks, records what the stretch closed, and delivers. */
function track(flush = false) {
  return serial(async () => {
    const index = await catalog();
    const seen = await look(index);
    const { stretch = null } = await storage.get('stretch');
    const r = observe(stretch, { now: Date.now(), ...seen, flush });
    await enqueue(storage, timeEvents(r.spans), Date.now());
    await storage.set({ stretch: r.state });
  }).then(() => send());
}

let sending = Promise.resolve();
/**
 * Delivers the outbox, one delivery at a time: a call made during a delivery gets one that
 * starts after it, so it sends what was queued before the call.
 */
function send() {
  const run = sending.then(async () => {
    const s = await settings();
    if (s === undefined) return;
    const d = await deliver(
      storage,
      async (events) => sendResult(await call(s, 'events', { browser, events })),
      Date.now(),
    );
    const { delivery = {} } = await storage.get('delivery');
    await storage.set({
      delivery: {
        lastAttemptAt: Date.now(),
        lastOkAt: d.stopped === undefined ? Date.now() : delivery.lastOkAt,
        lastError: d.stopped?.error ?? null,
        refused: d.stopped?.kind === 'refused',
        dropped: (delivery.dropped ?? 0) + d.dropped,
      },
    });
  });
  sending = run.catch(() => {});
  return run;
}

chrome.runtime.onInstalled.addListener(() => chrome.alarms.create(TICK, { periodInMinutes: 0.5 }));
chrome.runtime.onStartup.addListener(() => chrome.alarms.create(TICK, { periodInMinutes: 0.5 }));
chrome.alarms.onAlarm.addListener((a) => {
  if (a.name === TICK) track();
});
chrome.idle.setDetectionInterval(IDLE_S);
chrome.idle.onStateChanged.addListener(() => track());
chrome.windows.onFocusChanged.addListener(() => track());
chrome.tabs.onActivated.addListener(() => track());
chrome.tabs.onUpdated.addListener((_id, change, tab) => {
  if (tab.active && (change.url !== undefined || change.status === 'complete')) track();
});
chrome.tabs.onRemoved.addListener(() => track());

// A visit: a page of a catalog site loaded in a tab's top frame (not in-page navigation).
chrome.webNavigation.onCommitted.addListener((d) => {
  if (d.frameId !== 0) return;
  serial(async () => {
    const site = matchUrl(d.url, await catalog());
    if (site === undefined) return;
    const ts = Math.round(d.timeStamp);
    await enqueue(storage, [{ id: crypto.randomUUID(), type: 'visit', ...site, ts }], Date.now());
  }).then(() => send());
});

// The popup and the options page.
chrome.runtime.onMessage.addListener((msg, _sender, reply) => {
  const answer = async () => {
    if (msg?.type === 'paired') {
      await serial(() => catalog(true));
      await track();
    } else if (msg?.type === 'flush') {
      // The popup shows today's time: the stretch so far goes first.
      await track(true);
    }
    const { delivery = null } = await storage.get('delivery');
    return {
      browser,
      pending: (await queued(storage)).length,
      delivery,
      paired: (await settings()) !== undefined,
    };
  };
  answer().then(reply, (err) => reply({ error: String(err) }));
  return true;
});
