// Small hooks the views share.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** The current time, re-read every `everyMs` while the component is shown. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/**
 * A Performance mark the first time `ready` is true, in the frame that paints it (the
 * benchmark, bench/dashboard-paint.ts, reads `aio:board` and `aio:summary` as the page's first
 * meaningful paint, and `aio:charts` as the usage charts drawn).
 */
export function useMarkOnce(name: string, ready: boolean): void {
  const done = useRef(false);
  useLayoutEffect(() => {
    if (!ready || done.current) return;
    done.current = true;
    requestAnimationFrame(() => performance.mark(name));
  }, [ready, name]);
}

function routedSession(): string | undefined {
  const m = /^#\/session\/(.+)$/.exec(location.hash);
  if (m === null) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

/** The session id in the address (#/session/<id>), or undefined on the overview. */
export function useRoute(): string | undefined {
  const [id, setId] = useState(routedSession);
  useEffect(() => {
    const on = () => setId(routedSession());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return id;
}

export function sessionHref(id: string): string {
  return `#/session/${encodeURIComponent(id)}`;
}
