// Where each browser keeps its history, per OS. Chromium-family browsers keep a `History`
// SQLite file in each profile folder (Default, Profile 1, …; Opera in its folder itself),
// Firefox a `places.sqlite` per profile, Safari one `History.db`.

import { join } from 'node:path';

export type BrowserFamily = 'chromium' | 'firefox' | 'safari';

export interface HistoryRoot {
  browser: string;
  family: BrowserFamily;
  /** The folder holding the profiles (or, for Safari, the history file's folder). */
  dir: string;
}

const CHROMIUM_LINUX: Array<[string, string]> = [
  ['chrome', 'google-chrome'],
  ['chrome-beta', 'google-chrome-beta'],
  ['chrome-dev', 'google-chrome-unstable'],
  ['chromium', 'chromium'],
  ['edge', 'microsoft-edge'],
  ['edge-beta', 'microsoft-edge-beta'],
  ['edge-dev', 'microsoft-edge-dev'],
  ['brave', 'BraveSoftware/Brave-Browser'],
  ['vivaldi', 'vivaldi'],
  ['opera', 'opera'],
];

const FLATPAK_LINUX: Array<[string, BrowserFamily, string]> = [
  ['chrome', 'chromium', 'com.google.Chrome/config/google-chrome'],
  ['chromium', 'chromium', 'org.chromium.Chromium/config/chromium'],
  ['brave', 'chromium', 'com.brave.Browser/config/BraveSoftware/Brave-Browser'],
  ['edge', 'chromium', 'com.microsoft.Edge/config/microsoft-edge'],
  ['vivaldi', 'chromium', 'com.vivaldi.Vivaldi/config/vivaldi'],
  ['firefox', 'firefox', 'org.mozilla.firefox/.mozilla/firefox'],
];

const CHROMIUM_MAC: Array<[string, string]> = [
  ['chrome', 'Google/Chrome'],
  ['chrome-beta', 'Google/Chrome Beta'],
  ['chromium', 'Chromium'],
  ['edge', 'Microsoft Edge'],
  ['brave', 'BraveSoftware/Brave-Browser'],
  ['vivaldi', 'Vivaldi'],
  ['opera', 'com.operasoftware.Opera'],
  ['arc', 'Arc/User Data'],
];

const CHROMIUM_WINDOWS_LOCAL: Array<[string, string]> = [
  ['chrome', 'Google\\Chrome\\User Data'],
  ['chromium', 'Chromium\\User Data'],
  ['edge', 'Microsoft\\Edge\\User Data'],
  ['brave', 'BraveSoftware\\Brave-Browser\\User Data'],
  ['vivaldi', 'Vivaldi\\User Data'],
];

/**
 * The history roots to look in. Arc on Windows lives in a package folder whose name ends in a
 * publisher hash: the caller lists `arcPackages` (folders under %LOCALAPPDATA%\Packages
 * starting with `TheBrowserCompany.Arc`).
 */
export function historyRoots(
  platform: NodeJS.Platform,
  home: string,
  env: NodeJS.ProcessEnv,
  arcPackages: readonly string[] = [],
): HistoryRoot[] {
  const out: HistoryRoot[] = [];
  if (platform === 'darwin') {
    const support = join(home, 'Library', 'Application Support');
    for (const [browser, dir] of CHROMIUM_MAC) {
      out.push({ browser, family: 'chromium', dir: join(support, dir) });
    }
    out.push({ browser: 'firefox', family: 'firefox', dir: join(support, 'Firefox', 'Profiles') });
    out.push({ browser: 'safari', family: 'safari', dir: join(home, 'Library', 'Safari') });
    return out;
  }
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
    const roaming = env.APPDATA ?? join(home, 'AppData', 'Roaming');
    for (const [browser, dir] of CHROMIUM_WINDOWS_LOCAL) {
      out.push({ browser, family: 'chromium', dir: join(local, dir) });
    }
    out.push({
      browser: 'opera',
      family: 'chromium',
      dir: join(roaming, 'Opera Software', 'Opera Stable'),
    });
    for (const pkg of arcPackages) {
      out.push({
        browser: 'arc',
        family: 'chromium',
        dir: join(local, 'Packages', pkg, 'LocalCache', 'Local', 'Arc', 'User Data'),
      });
    }
    out.push({
      browser: 'firefox',
      family: 'firefox',
      dir: join(roaming, 'Mozilla', 'Firefox', 'Profiles'),
    });
    return out;
  }
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  for (const [browser, dir] of CHROMIUM_LINUX) {
    out.push({ browser, family: 'chromium', dir: join(config, dir) });
  }
  out.push({
    browser: 'chromium',
    family: 'chromium',
    dir: join(home, 'snap', 'chromium', 'common', 'chromium'),
  });
  out.push({ browser: 'firefox', family: 'firefox', dir: join(home, '.mozilla', 'firefox') });
  out.push({
    browser: 'firefox',
    family: 'firefox',
    dir: join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
  });
  for (const [browser, family, dir] of FLATPAK_LINUX) {
    out.push({ browser, family, dir: join(home, '.var', 'app', dir) });
  }
  return out;
}

/** The history file's name in a profile folder of this family. */
export function historyFileName(family: BrowserFamily): string {
  return family === 'chromium' ? 'History' : family === 'firefox' ? 'places.sqlite' : 'History.db';
}
