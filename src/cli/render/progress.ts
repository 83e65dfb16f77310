// A progress bar on stderr for a first import that takes more than a moment: shown only on a
// terminal, only after a second, at most ten times a second, and cleared when done.

import type { Progress } from '../../sources/files/indexer.ts';

const WIDTH = 28;

function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(0)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

export function progressLine(p: Progress): string {
  const share = p.total === 0 ? 1 : Math.min(p.done / p.total, 1);
  const filled = Math.round(share * WIDTH);
  return `Indexing AI tool logs ${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)} ${Math.floor(share * 100)}% ${size(p.done)} / ${size(p.total)}`;
}

export interface ProgressBar {
  update(p: Progress): void;
  done(): void;
}

export function progressBar(
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
  delayMs = 1000,
): ProgressBar {
  const started = now();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (!stream.isTTY) return;
      const t = now();
      if (t - started < delayMs || t - last < 100) return;
      last = t;
      shown = true;
      stream.write(`\r${progressLine(p)}\u001b[K`);
    },
    done() {
      if (shown) stream.write('\r\u001b[K');
    },
  };
}
