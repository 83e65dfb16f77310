// Pairing: the agent's address and the code `ai-observer extension pair` showed. The code is
// kept only once the agent has taken it (its first pairing also pins this extension's origin).

import { agentAddress, call, DEFAULT_AGENT_URL } from './lib/agent.js';

const $ = (id) => document.getElementById(id);

function result(text, cls) {
  $('result').textContent = text;
  $('result').className = cls;
}

async function load() {
  const { settings } = await chrome.storage.local.get('settings');
  $('agent').value = settings?.agentUrl ?? DEFAULT_AGENT_URL;
  if (settings?.code) result(`Paired with the agent at ${settings.agentUrl}.`, 'ok');
}

$('form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const agentUrl = agentAddress($('agent').value || DEFAULT_AGENT_URL);
  const code = $('code').value.trim();
  if (agentUrl === undefined) {
    return result(
      'The agent address must be http:// on 127.0.0.1 or localhost, with its port.',
      'error',
    );
  }
  if (code === '') return result('Paste the code "ai-observer extension pair" shows.', 'error');
  result('Pairing…', 'muted');
  const r = await call({ agentUrl, code }, 'pair');
  if (r.status !== 200) {
    return result(
      r.status === 0 ? r.error : `Not paired: ${r.body.error ?? `HTTP ${r.status}`}`,
      'error',
    );
  }
  await chrome.storage.local.set({ settings: { agentUrl, code } });
  $('code').value = '';
  await chrome.runtime.sendMessage({ type: 'paired' });
  result(`Paired with the agent at ${agentUrl} (ai-observer ${r.body.agent}).`, 'ok');
});

load();
