// The web dashboard in Debian's Chromium against the real agent (`ai-observer serve` on
// 127.0.0.1, port 0, a temporary AI_OBSERVER_HOME): the page loads with no console error and no
// failed request, an OTLP event for a new session shows on the board within a second without a
// reload, the session opens to its detail, both themes render, the layout holds at 900 px.
// Screenshots are kept in test-artifacts/ (git-ignored).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.ts';
import { resolvePaths } from '../../src/config/paths.ts';
import { ledgerFile } from '../../src/ledger/files.ts';
import { SqliteLedger } from '../../src/store/sqlite/ledger.ts';
import { type Browser, launchChromium } from '../support/browser.ts';
import { type Served, scratchHome, startServe } from '../support/cli.ts';
import { claudeLogsRequest, toProtobuf } from '../support/otlp-builders.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** What the page must not do: log an error, throw, or have a request fail. */
interface Problems {
  console: string[];
  failed: string[];
  /** Set while the test reloads the page: the event stream is cut off then, by design. */
  reloading: boolean;
}

function watch(page: Page): Problems {
  const p: Problems = { console: [], failed: [], reloading: false };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') {
      const where = m.location().url;
      p.console.push(`${m.type()}: ${m.text()} (${where})`);
    }
  });
  page.on('pageerror', (err) => p.console.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (r) => {
    const reason = r.failure()?.errorText;
    if (p.reloading && r.url().endsWith('/api/stream') && reason === 'net::ERR_ABORTED') return;
    p.failed.push(`${r.url()}: ${reason}`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    p.failed.push(`${r.url()}: ${r.status()}`);
  });
  return p;
}

async function postClaudeEvent(url: string, sessionId: string): Promise<void> {
  const body = toProtobuf(claudeLogsRequest({ sessionId, count: 2, startMs: Date.now() - 2000 }));
  const res = await fetch(`${url}/v1/logs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf' },
    body,
  });
  assert.equal(res.status, 200);
}

/**
 * The page's globals that the functions run in the page read (this program is typed for Node,
 * and the page's CSP allows no string evaluation, so they are functions with this cast).
 */
interface PageGlobals {
  document: {
    body: object;
    documentElement: {
      dataset: Record<string, string | undefined>;
      scrollWidth: number;
      clientWidth: number;
    };
    querySelector(selector: string): { textContent: string | null } | null;
  };
  getComputedStyle(el: object): { backgroundColor: string };
  performance: { getEntriesByType(type: string): unknown[] };
  stayed?: boolean;
}

const background = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    return w.getComputedStyle(w.document.body).backgroundColor;
  });
const themeOf = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme,
  );
/** Waits (briefly) for the page to show `theme`. */
async function expectTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page
    .waitForFunction(
      (t) => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme === t,
      theme,
      { timeout: 2000 },
    )
    .catch(() => undefined);
  assert.equal(await themeOf(page), theme);
}

describe('dashboard in Chromium', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let problems: Problems;

  before(async () => {
    // The agent serves dist/web/: build it from the sources under test.
    await buildDashboard(join(ROOT, 'dist', 'web'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const env = { AI_OBSERVER_HOME: scratchHome('aio-dash-e2e-'), HOME: scratchHome() };
    // Time with an AI app recorded before the agent starts: the activity panel shows it.
    const ledger = new SqliteLedger(ledgerFile(resolvePaths(env)));
    const hourAgo = Date.now() - 3_600_000;
    ledger.commitActivity({
      intervals: [
        {
          subject: 'cursor',
          kind: 'app',
          entry: 'cursor',
          category: 'coding',
          rate: 20,
          start: hourAgo - 1_800_000,
          end: hourAgo,
          source: 'process',
        },
      ],
      counts: [],
      cursors: [],
    });
    ledger.close();
    served = await startServe(env);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    problems = watch(page);
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  test('the page loads: cost summary and live board, with their paint marks', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${served.url}/`);
    await page.waitForSelector('#summary[data-ready="true"]', { timeout: 10_000 });
    await page.waitForSelector('#sessions');
    assert.match((await page.textContent('#sessions')) ?? '', /No live sessions/);
    const marks = await page.evaluate(() =>
      ['aio:board', 'aio:summary'].map((n) => performance.getEntriesByName(n).length),
    );
    assert.deepEqual(marks, [1, 1]);
    assert.equal(await page.textContent('.stream'), 'live');
  });

  test('time with AI apps: the activity panel shows what the workstation sources recorded', async () => {
    const row = await page.waitForSelector('#activity [data-subject="Cursor"]', {
      timeout: 5000,
    });
    assert.match((await row.textContent()) ?? '', /30m/);
  });
  test('an OTLP event for a new session is on the board within a second, without a reload', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).stayed = true;
    });
    const id = `e2e-${process.pid}-${Date.now()}`;
    const started = performance.now();
    await postClaudeEvent(served.url, id);
    const row = `tr[data-session-id="${id}"]`;
    await page.waitForSelector(row, { timeout: 1000 });
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `on the board after ${ms.toFixed(0)} ms`);
    const text = (await page.textContent(row)) ?? '';
    assert.match(text, /Claude Code/);
    assert.match(text, /claude-sonnet-4-5/);
    assert.match(text, /\$0\.02\s*reported/, 'the cost with its basis');
    const stayed = await page.evaluate(() => ({
      flag: (globalThis as unknown as PageGlobals).stayed,
      navigations: (globalThis as unknown as PageGlobals).performance.getEntriesByType('navigation')
        .length,
    }));
    assert.deepEqual(stayed, { flag: true, navigations: 1 }, 'the page was not reloaded');

    // The rollups follow a little later (refetched once the live totals settle).
    await page.waitForFunction(
      () =>
        !(globalThis as unknown as PageGlobals).document
          .querySelector('[data-period="Today"]')
          ?.textContent?.includes('$0.00'),
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForSelector('#tokens-by-model [data-model^="claude-sonnet-4-5"]', {
      timeout: 10_000,
    });
    await page.waitForSelector('#cost-by-tool canvas');
    // Every cost on the page says what it rests on.
    const bare = await page.$$eval(
      '.cost',
      (els) => els.filter((e) => !e.querySelector('[data-basis]')).length,
    );
    assert.equal(bare, 0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  test('a session opens to its detail: totals, timeline and requests', async () => {
    const id = `e2e-detail-${process.pid}`;
    await postClaudeEvent(served.url, id);
    await page.click(`tr[data-session-id="${id}"] td.project a`);
    await page.waitForSelector(`.session-page[data-session="${id}"] table.requests`, {
      timeout: 5000,
    });
    assert.equal(await page.$$eval('table.requests tbody tr', (rows) => rows.length), 2);
    assert.match((await page.textContent('.session-head')) ?? '', /Claude Code/);
    assert.match((await page.textContent('.session-page .cards')) ?? '', /2 requests/);
    await page.waitForSelector('#session-timeline canvas');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-session.png'), fullPage: true });
    await page.click('text=← All sessions');
    await page.waitForSelector('#sessions table.board');
  });

  test('light and dark: the system preference, and the toggle over it', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await expectTheme(page, 'light');
    const light = await background(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectTheme(page, 'dark');
    const dark = await background(page);
    assert.notEqual(light, dark);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-dark.png'), fullPage: true });

    // Auto → Light: the choice beats the system's dark, and lasts across a reload.
    await page.click('.theme-toggle');
    await expectTheme(page, 'light');
    assert.equal(await background(page), light);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-light.png'), fullPage: true });
    problems.reloading = true;
    await page.reload();
    await page.waitForSelector('#summary[data-ready="true"]');
    problems.reloading = false;
    await expectTheme(page, 'light');
    await page.click('.theme-toggle'); // → Dark
    await expectTheme(page, 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expectTheme(page, 'dark');
    await page.click('.theme-toggle'); // → Auto: the system's light again
    await expectTheme(page, 'light');
  });

  test('usable at laptop width: nothing wider than a 900 px window', async () => {
    await page.setViewportSize({ width: 900, height: 900 });
    await page.waitForSelector('#cost-by-tool canvas');
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as PageGlobals).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    assert.equal(overflow, 0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-900.png'), fullPage: true });
  });

  test('no console error and no failed request along the way', () => {
    assert.deepEqual(problems.console, []);
    assert.deepEqual(problems.failed, []);
  });
});
