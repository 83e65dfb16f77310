// Light and dark: the system's preference (prefers-color-scheme) unless the user picked one
// with the toggle, which the browser remembers (localStorage).

import { useEffect, useState } from 'preact/hooks';

export type ThemeMode = 'auto' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'ai-observer.theme';
const NEXT: Record<ThemeMode, ThemeMode> = { auto: 'light', light: 'dark', dark: 'auto' };

function storedMode(): ThemeMode {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'auto';
  } catch {
    return 'auto'; // storage disabled
  }
}

function systemTheme(): Theme {
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Sets the page's theme attribute; CSS does the rest. Called before the first render too. */
export function applyMode(mode: ThemeMode): Theme {
  const theme = mode === 'auto' ? systemTheme() : mode;
  document.documentElement.dataset.theme = theme;
  document.documentElement.dataset.themeMode = mode;
  return theme;
}

export function initialTheme(): Theme {
  return applyMode(storedMode());
}

/** The current mode and theme, and the toggle: auto → light → dark → auto. */
export function useTheme(): { mode: ThemeMode; theme: Theme; toggle: () => void } {
  const [mode, setMode] = useState<ThemeMode>(storedMode);
  const [theme, setTheme] = useState<Theme>(() => applyMode(mode));
  useEffect(() => {
    setTheme(applyMode(mode));
    if (mode !== 'auto') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    const follow = () => setTheme(applyMode('auto'));
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [mode]);
  const toggle = () => {
    const next = NEXT[mode];
    try {
      if (next === 'auto') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch {
      // storage disabled: the choice lasts until reload
    }
    setTheme(applyMode(next)); // now, not after the next paint
    setMode(next);
  };
  return { mode, theme, toggle };
}

/** A CSS custom property of the page (colors for the canvas charts). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
