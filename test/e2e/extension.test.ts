// The browser extension loaded unpacked in Debian's Chromium (new headless mode), driven by
// playwright-core, against the real agent (`ai-observer serve`, port 0, a temporary home).
// chatgpt.com and claude.ai are mapped to a local HTTPS page server by a host-resolver rule.
// A wrong pairing code is refused; the right one pairs (and pins the extension's origin);
// visiting a catalog site gives time and a visit in the agent, and nothing of the URL's path
// or the page's title; with the agent stopped, the outbox keeps the events and delivers them
// once when it is back — and events sent again (a lost answer) count once.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { resolvePaths } from '../../src/config/paths.ts';
import { ledgerFile } from '../../src/ledger/files.ts';
import { type ExtensionBrowser, launchWithExtension } from '../support/browser.ts';
import { runCli, type Served, scratchHome, startServe } from '../support/cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXTENSION = join(ROOT, 'extension');
const TLS = join(ROOT, 'test/fixtures/tls');

interface SiteRow {
  subject: string;
  activeSeconds: number;
  visits: number;
  sources: string[];
}

/** What the page functions below read (this program is typed for Node, without the DOM). */
interface PageGlobals {
  document: {
    querySelector(s: string): { textContent: string | null; hidden?: boolean } | null;
    querySelectorAll(
      s: string,
    ): ArrayLike<{ dataset: Record<string, string>; cells: ArrayLike<{ textContent: string }> }>;
  };
}

interface Chrome {
  storage: {
    local: {
      get(k: string | null): Promise<Record<string, unknown>>;
      set(i: Record<string, unknown>): Promise<void>;
    };
  };
}

function startSiteServer(): Promise<Server> {
  const server = createServer(
    { key: readFileSync(join(TLS, 'server-key.pem')), cert: readFileSync(join(TLS, 'server.pem')) },
    (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>secret page title</title><p>an AI site</p>');
    },
  );
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('browser extension in Chromium', () => {
  const env: NodeJS.ProcessEnv = {};
  let agent: Served;
  let port = 0;
  let site: Server;
  let browser: ExtensionBrowser;
  let tab: Page;

  before(async () => {
    env.AI_OBSERVER_HOME = scratchHome();
    env.HOME = scratchHome('aio-user-');
    env.AI_OBSERVER_ACTIVITY_PROCESSES = 'false';
    site = await startSiteServer();
    const sitePort = (site.address() as AddressInfo).port;
    agent = await startServe(env);
    port = Number(new URL(agent.url).port);
    browser = await launchWithExtension(EXTENSION, [
      `MAP chatgpt.com 127.0.0.1:${sitePort}`,
      `MAP claude.ai 127.0.0.1:${sitePort}`,
    ]);
    tab = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  after(async () => {
    await browser?.close();
    await agent?.stop();
    site?.close();
  });

  const storage = (key: string | null) =>
    browser.worker.evaluate(
      (k) => (globalThis as unknown as { chrome: Chrome }).chrome.storage.local.get(k),
      key,
    );
  const outbox = async () =>
    Object.entries(await storage(null)).filter(([k]) => k.startsWith('outbox:'));

  const report = async (): Promise<SiteRow[]> => {
    const r = await runCli(['report', 'sites', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { rows: SiteRow[] }).rows;
  };

  async function options(agentUrl: string, code: string): Promise<string> {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await page.fill('#agent', agentUrl);
    await page.fill('#code', code);
    await page.click('#save');
    await page.waitForFunction(() => {
      const t =
        (globalThis as unknown as PageGlobals).document.querySelector('#result')?.textContent ?? '';
      return t !== '' && t !== 'Pairing…';
    });
    const text = await page.evaluate(
      () => (globalThis as unknown as PageGlobals).document.querySelector('#result')?.textContent,
    );
    await page.close();
    return text ?? '';
  }

  /** Opens the popup (as a tab: the site's tab is no longer in front) and reads it. */
  async function popup(): Promise<{
    status: string;
    footer: string;
    rows: Record<string, [string, string]>;
  }> {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await page.bringToFront();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelector('#status')?.textContent !==
        'Loading…',
    );
    const out = await page.evaluate(() => {
      const rows: Record<string, [string, string]> = {};
      for (const tr of Array.from(
        (globalThis as unknown as PageGlobals).document.querySelectorAll('#sites tbody tr'),
      )) {
        rows[tr.dataset.site ?? ''] = [
          tr.cells[1]?.textContent ?? '',
          tr.cells[2]?.textContent ?? '',
        ];
      }
      return {
        status:
          (globalThis as unknown as PageGlobals).document.querySelector('#status')?.textContent ??
          '',
        footer:
          (globalThis as unknown as PageGlobals).document.querySelector('#footer')?.textContent ??
          '',
        rows,
      };
    });
    await page.close();
    return out;
  }

  let code = '';

  test('a wrong pairing code is refused and nothing is kept', async () => {
    const p = await runCli(['extension', 'pair', '--json'], { env });
    assert.equal(p.code, 0, p.stderr);
    code = (JSON.parse(p.stdout) as { code: string }).code;
    const text = await options(agent.url, `${code.slice(0, 20)}wrong`);
    assert.match(text, /Not paired: missing or wrong pairing code/);
    assert.equal((await storage('settings')).settings, undefined);
  });

  test('the right code pairs and pins this extension', async () => {
    const text = await options(agent.url, code);
    assert.match(text, /Paired with the agent at http:\/\/127\.0\.0\.1:\d+/);
    const pairing = JSON.parse(
      readFileSync(join(resolvePaths(env).dataDir, 'extension-pairing.json'), 'utf8'),
    ) as { origin: string };
    assert.equal(pairing.origin, `chrome-extension://${browser.extensionId}`);
    // The catalog came from the agent.
    const { catalog } = (await storage('catalog')) as {
      catalog?: { sites: Array<{ domain: string }> };
    };
    assert.ok(catalog?.sites.some((s) => s.domain === 'chatgpt.com'));
  });

  test('visiting a catalog site gives time and a visit in the agent, and only its domain', async () => {
    await tab.bringToFront();
    await tab.goto('https://chatgpt.com/c/secret-conversation-path');
    await sleep(3000);
    const seen = await popup();
    assert.ok(seen.rows['chatgpt.com'] !== undefined, JSON.stringify(seen));
    assert.equal(seen.rows['chatgpt.com']![1], '1');
    assert.match(seen.footer, /Chromium \d+ · all sent/);
    const rows = await report();
    const chatgpt = rows.find((r) => r.subject === 'chatgpt.com');
    assert.ok(chatgpt !== undefined);
    assert.equal(chatgpt.visits, 1);
    assert.ok(
      chatgpt.activeSeconds >= 2.5 && chatgpt.activeSeconds < 30,
      `${chatgpt.activeSeconds}`,
    );
    assert.deepEqual(chatgpt.sources, ['extension']);
    const stored = ['', '-wal']
      .map((x) => `${ledgerFile(resolvePaths(env))}${x}`)
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    assert.match(stored, /chatgpt\.com/);
    assert.doesNotMatch(stored, /secret-conversation-path|secret page title/);
    const status = await runCli(['extension', 'status', '--json'], { env });
    const browsers = JSON.parse(status.stdout).browsers as Array<{ browser: string }>;
    assert.deepEqual(
      browsers.map((b) => b.browser),
      ['Chromium'],
    );
  });

  test('with the agent stopped the outbox keeps the events; back, it delivers them once', async () => {
    assert.equal(await agent.stop(), 0);
    await tab.bringToFront();
    await tab.goto('https://claude.ai/new');
    await sleep(2000);
    const offline = await popup();
    assert.match(offline.status, /did not answer/);
    const waiting = await outbox();
    assert.ok(waiting.length >= 2, `visit and time queued: ${waiting.length}`);
    assert.match(offline.footer, new RegExp(`${waiting.length} events waiting`));

    agent = await startServe(env, ['--port', String(port)]);
    const back = await popup();
    assert.ok(back.rows['claude.ai'] !== undefined, JSON.stringify(back));
    assert.equal(back.rows['claude.ai']![1], '1');
    assert.deepEqual(await outbox(), []);
    // Off the site (closing the popup put its tab in front again), and all of that sent.
    await tab.goto('about:blank');
    await popup();
    const before = await report();
    const claude = before.find((r) => r.subject === 'claude.ai');
    assert.equal(claude?.visits, 1);
    assert.ok((claude?.activeSeconds ?? 0) >= 1.5);
    const taken = async () =>
      (
        JSON.parse((await runCli(['extension', 'status', '--json'], { env })).stdout)
          .browsers as Array<{ events: number }>
      )[0]!.events;
    const events = await taken();

    // The same events again, as after an answer that never arrived: counted once.
    await browser.worker.evaluate(
      (items) => (globalThis as unknown as { chrome: Chrome }).chrome.storage.local.set(items),
      Object.fromEntries(waiting),
    );
    const again = await popup();
    assert.match(again.footer, /all sent/);
    assert.deepEqual(await outbox(), []);
    assert.equal(await taken(), events);
    const after = await report();
    assert.deepEqual(
      after.find((r) => r.subject === 'claude.ai'),
      before.find((r) => r.subject === 'claude.ai'),
    );
  });

  test('a wrong code in the extension: the agent refuses, the events stay queued', async () => {
    const { settings } = (await storage('settings')) as {
      settings: { agentUrl: string; code: string };
    };
    await browser.worker.evaluate(
      (s) =>
        (globalThis as unknown as { chrome: Chrome }).chrome.storage.local.set({ settings: s }),
      { ...settings, code: 'not-the-code' },
    );
    await tab.bringToFront();
    await tab.goto('https://chatgpt.com/');
    await sleep(1000);
    const refused = await popup();
    assert.match(refused.status, /missing or wrong pairing code/);
    assert.ok((await outbox()).length >= 1);
    const { delivery } = (await storage('delivery')) as { delivery: { refused: boolean } };
    assert.equal(delivery.refused, true);
  });
});
