// The sessions snapshot as a file for readers that poll (status bars, scripts): written to a
// temporary name and renamed, so a reader never sees half a file, and at most every 250 ms
// (the newest snapshot wins): under load, writing it for every change cost the agent half of
// its CPU (BENCHMARKS.md §1).

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const MIN_INTERVAL_MS = 250;

export class SnapshotFile {
  readonly #path: string;
  readonly #onError: (err: Error) => void;
  #pending: string | undefined;
  #writing: Promise<void> | undefined;
  #dirReady = false;
  #lastWriteAt = 0;

  constructor(path: string, onError: (err: Error) => void) {
    this.#path = path;
    this.#onError = onError;
  }

  /** Queues `json`; writes never overlap and only the newest queued text is written. */
  write(json: string): void {
    this.#pending = json;
    if (this.#writing === undefined) this.#writing = this.#drain();
  }

  /** Resolves when everything queued so far is on disk. */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
  }

  async remove(): Promise<void> {
    await this.flush();
    await rm(this.#path, { force: true });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending !== undefined) {
        const wait = this.#lastWriteAt + MIN_INTERVAL_MS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const text = this.#pending;
        if (text === undefined) break;
        this.#lastWriteAt = Date.now();
        this.#pending = undefined;
        try {
          if (!this.#dirReady) {
            await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
            this.#dirReady = true;
          }
          const tmp = `${this.#path}.${process.pid}.tmp`;
          await writeFile(tmp, `${text}\n`, { mode: 0o600 });
          await rename(tmp, this.#path);
        } catch (err) {
          this.#onError(err as Error);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
