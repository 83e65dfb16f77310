// Which window is in front, by the desktop's own tool: swaymsg on Sway, hyprctl on Hyprland,
// xprop on X11, osascript on macOS, PowerShell on Windows. A desktop it cannot ask (GNOME or
// KDE on Wayland, no display, a missing tool, no permission) is "unknown": it says why once,
// and asks again only after a pause, so a missing tool never becomes an error loop.

import { run } from '../processes/index.ts';
import type { PowerShellSession } from '../powershell.ts';
import {
  type FocusedWindow,
  OSASCRIPT_ARGS,
  parseHyprctl,
  parseOsascript,
  parseSwayTree,
  parseWindowsForeground,
  parseXpropActive,
  parseXpropWindow,
  WINDOWS_FOREGROUND_SCRIPT,
} from './parse.ts';

export type ForegroundMethod = 'sway' | 'hyprland' | 'x11' | 'macos' | 'windows';

export type Foreground =
  /** The desktop answered: this window is in front, or none is. */
  | { status: 'known'; method: ForegroundMethod; window: FocusedWindow | undefined }
  | { status: 'unknown'; reason: string };

/** How to ask this desktop, from the platform and the session's environment. */
export function foregroundMethod(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): ForegroundMethod | undefined {
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'macos';
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return undefined;
  if (env.SWAYSOCK) return 'sway';
  if (env.HYPRLAND_INSTANCE_SIGNATURE) return 'hyprland';
  if (env.DISPLAY) return 'x11';
  return undefined;
}

/** After a failure, how long before asking again. */
export const RETRY_AFTER_MS = 5 * 60_000;

export class ForegroundSource {
  readonly #method: ForegroundMethod | undefined;
  readonly #env: NodeJS.ProcessEnv;
  readonly #powershell: () => PowerShellSession;
  readonly #now: () => number;
  #failedUntil = 0;
  #lastReason = '';

  constructor(
    platform: NodeJS.Platform,
    env: NodeJS.ProcessEnv,
    powershell: () => PowerShellSession,
    now: () => number = Date.now,
  ) {
    this.#method = foregroundMethod(platform, env);
    this.#env = env;
    this.#powershell = powershell;
    this.#now = now;
  }

  get method(): ForegroundMethod | undefined {
    return this.#method;
  }

  async read(): Promise<Foreground> {
    const method = this.#method;
    if (method === undefined) {
      return { status: 'unknown', reason: 'no Sway, Hyprland or X11 session to ask' };
    }
    if (this.#now() < this.#failedUntil) return { status: 'unknown', reason: this.#lastReason };
    try {
      return { status: 'known', method, window: await this.#ask(method) };
    } catch (err) {
      this.#failedUntil = this.#now() + RETRY_AFTER_MS;
      this.#lastReason = `${method}: ${(err as Error).message}`;
      return { status: 'unknown', reason: this.#lastReason };
    }
  }

  async #ask(method: ForegroundMethod): Promise<FocusedWindow | undefined> {
    const ask = async (cmd: string, args: string[], timeoutMs = 2000) =>
      (await run(cmd, args, timeoutMs, this.#env)).toString();
    switch (method) {
      case 'sway':
        return parseSwayTree(await ask('swaymsg', ['-t', 'get_tree', '-r']));
      case 'hyprland':
        return parseHyprctl(await ask('hyprctl', ['activewindow', '-j']));
      case 'x11': {
        const id = parseXpropActive(await ask('xprop', ['-root', '_NET_ACTIVE_WINDOW']));
        if (id === undefined) return undefined;
        return parseXpropWindow(await ask('xprop', ['-id', id, 'WM_CLASS', '_NET_WM_PID']));
      }
      case 'macos':
        return parseOsascript(await ask('osascript', OSASCRIPT_ARGS, 3000));
      case 'windows':
        return parseWindowsForeground(
          await this.#powershell().run(WINDOWS_FOREGROUND_SCRIPT, 5000),
        );
    }
  }
}
