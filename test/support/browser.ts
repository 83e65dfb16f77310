// Debian's Chromium, headless, driven by playwright-core: a fresh profile each time, nothing
// reached beyond the pages a test opens (no sync, no component updates, no QUIC probes).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A new --user-data-dir; throws (never skips) when Chromium is not installed. */
function newProfile(): string {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does)`,
    );
  }
  return mkdtempSync(join(tmpdir(), 'aio-chromium-'));
}

/** Starts Chromium with a new --user-data-dir. */
export async function launchChromium(
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<Browser> {
  const profile = newProfile();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface ExtensionBrowser extends Browser {
  /** The extension's id, as in its chrome-extension://<id> origin. */
  extensionId: string;
  /** The extension's service worker (for reading its storage). */
  worker: Worker;
}

/**
 * Chromium with an unpacked extension loaded (extensions need the new headless mode), host
 * names mapped to local servers (`MAP chatgpt.com 127.0.0.1:port`), and certificate errors
 * ignored for those local HTTPS servers.
 */
export async function launchWithExtension(
  extensionDir: string,
  hostRules: string[],
): Promise<ExtensionBrowser> {
  const profile = newProfile();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    ignoreHTTPSErrors: true,
    args: [
      '--headless=new',
      ...CHROMIUM_ARGS.filter((a) => a !== '--headless'),
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      `--host-resolver-rules=${hostRules.join(', ')}`,
    ],
    viewport: { width: 1280, height: 900 },
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    worker,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
