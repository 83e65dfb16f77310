// Today's time per AI site, from the agent (time from every source: this extension, the
// browser history, merged), after this browser's pending time has been sent.

import { call } from './lib/agent.js';

const $ = (id) => document.getElementById(id);

/** @param {number} s */
function duration(s) {
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

function show(text, cls = 'muted') {
  $('status').textContent = text;
  $('status').className = cls;
}

async function main() {
  const state = await chrome.runtime.sendMessage({ type: 'flush' });
  const { settings } = await chrome.storage.local.get('settings');
  if (!settings?.code) return show('Not paired: open Options and paste the pairing code.', 'error');
  $('footer').textContent =
    `${state.browser.name} ${state.browser.version}` +
    (state.pending > 0 ? ` · ${state.pending} events waiting for the agent` : ' · all sent');
  const r = await call(settings, 'today');
  if (r.status !== 200) {
    return show(r.status === 0 ? r.error : `The agent said: ${r.body.error ?? r.status}`, 'error');
  }
  const sites = r.body.sites;
  if (sites.length === 0) return show('No time on AI sites today yet.');
  show(`Since midnight (${r.body.timezone}), all sources`);
  const body = $('sites').querySelector('tbody');
  body.replaceChildren(
    ...sites.map((s) => {
      const tr = document.createElement('tr');
      tr.dataset.site = s.site;
      for (const [text, cls] of [
        [s.site, ''],
        [duration(s.seconds), 'num'],
        [String(s.visits), 'num'],
      ]) {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    }),
  );
  $('sites').hidden = false;
}

main().catch((err) => show(String(err), 'error'));
