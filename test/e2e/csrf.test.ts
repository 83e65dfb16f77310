// Cross-site requests from a real browser: a page served on another port of 127.0.0.1 (another
// origin) submits forms and sends text/plain and no-cors fetches at the agent's telemetry,
// hook and ack routes, as a malicious page open in the user's browser could. Headless
// Chromium sends them as it would for a user; the agent must change nothing.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type Browser, launchChromium } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/agent.ts';

let agent: TestServer;
let attacker: Server;
let attackerUrl: string;
let browser: Browser;

/** The attacker's page: every kind of request a page can send without CORS permission. */
function page(target: string): string {
  const hook = JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'csrf-hook' });
  const otlp = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: String(Date.now() * 1e6),
                attributes: [
                  { key: 'event.name', value: { stringValue: 'user_prompt' } },
                  { key: 'session.id', value: { stringValue: 'csrf-otlp' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  const form = (id: string, path: string, enctype: string, name: string, value: string) =>
    `<form id="${id}" method="POST" action="${target}${path}" enctype="${enctype}" target="f-${id}">
       <input type="hidden" name="${esc(name)}" value="${esc(value)}"></form>
     <iframe name="f-${id}"></iframe>`;
  // A text/plain form posts `name=value`: split a JSON text so that it reads back as JSON.
  const plain = (json: string) => [json.slice(0, -1), '=1}'] as const;
  const [hookName, hookValue] = plain(`${hook.slice(0, -1)},"x":"}`);
  const [otlpName, otlpValue] = plain(`${otlp.slice(0, -1)},"x":"}`);
  return `<!doctype html><html><body>
    ${form('hook-plain', '/api/hooks/claude', 'text/plain', hookName, hookValue)}
    ${form('otlp-plain', '/v1/logs', 'text/plain', otlpName, otlpValue)}
    ${form('hook-form', '/api/hooks/claude', 'application/x-www-form-urlencoded', 'payload', hook)}
    ${form('otlp-form', '/v1/logs', 'multipart/form-data', 'payload', otlp)}
    ${form('ack-form', '/api/sessions/seen/ack', 'application/x-www-form-urlencoded', 'a', 'b')}
    <script>
      window.results = [];
      const sends = [
        ['/api/hooks/claude', 'text/plain', ${JSON.stringify(hook)}],
        ['/api/hooks/codex', 'text/plain', '{"type":"agent-turn-complete","thread-id":"csrf-codex"}'],
        ['/v1/logs', 'text/plain', ${JSON.stringify(otlp)}],
        ['/v1/logs', 'application/x-www-form-urlencoded', ${JSON.stringify(otlp)}],
        ['/v1/traces', 'text/plain', '{}'],
        ['/v1/metrics', 'text/plain', '{}'],
        ['/api/sessions/seen/ack', 'text/plain', ''],
      ];
      window.fire = async () => {
        for (const f of document.forms) f.submit();
        for (const [path, type, body] of sends) {
          try {
            await fetch(${JSON.stringify(target)} + path, {
              method: 'POST', mode: 'no-cors', headers: { 'Content-Type': type }, body,
            });
            window.results.push(path + ' sent');
          } catch (e) {
            window.results.push(path + ' failed: ' + e.message);
          }
        }
        // A CORS read of the session list must be refused by the browser.
        try {
          const r = await fetch(${JSON.stringify(target)} + '/api/sessions');
          window.results.push('read ' + (await r.text()).slice(0, 40));
        } catch (e) {
          window.results.push('read blocked');
        }
      };
    </script></body></html>`;
}

before(async () => {
  agent = await startTestServer();
  // A session the ack form would move from completed to idle, were it let through.
  agent.monitor.hook('claude', { hook_event_name: 'UserPromptSubmit', session_id: 'seen' });
  agent.monitor.hook('claude', { hook_event_name: 'Stop', session_id: 'seen' });
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page(agent.url));
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise<void>((r) => attacker.close(() => r()));
  await agent.close();
});

test('cross-site forms and text/plain POSTs from another port change nothing', async () => {
  const before = { ...agent.monitor.stats, sessions: agent.monitor.sessionCount };
  assert.equal(agent.monitor.session('seen')?.state, 'completed');
  const tab = await browser.context.newPage();
  const answered: string[] = [];
  tab.on('response', (r) => {
    if (r.url().startsWith(agent.url) && r.request().method() === 'POST') {
      answered.push(`${r.status()} ${new URL(r.url()).pathname}`);
    }
  });
  await tab.goto(attackerUrl);
  await tab.evaluate(() => (globalThis as unknown as { fire(): Promise<void> }).fire());
  await tab.waitForTimeout(1500); // the form targets load in their frames
  const results = await tab.evaluate(
    () => (globalThis as unknown as { results: string[] }).results,
  );
  assert.ok(results.includes('read blocked'), `the page could read: ${results.join('; ')}`);
  // The browser sent them (each answered 403), and none was taken.
  assert.ok(answered.length >= 10, `answers seen: ${answered.join(', ')}`);
  for (const a of answered) assert.match(a, /^403 /);
  const stats = agent.monitor.stats;
  assert.equal(stats.logRecords, before.logRecords);
  assert.equal(stats.metricPoints, before.metricPoints);
  assert.equal(stats.spans, before.spans);
  assert.equal(stats.hooks, before.hooks);
  assert.equal(agent.monitor.sessionCount, before.sessions);
  for (const id of ['csrf-hook', 'csrf-otlp', 'csrf-codex']) {
    assert.equal(agent.monitor.session(id), undefined, id);
  }
  assert.equal(agent.monitor.session('seen')?.state, 'completed', 'not acknowledged');
  await tab.close();
});
