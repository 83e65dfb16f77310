// The sessions snapshot as a file for readers that poll (status bars, scripts): written to a
// temporary name and renamed, so a reader never sees half a file.

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export class SnapshotFile {
  readonly #path: string;
  readonly #onError: (err: Error) => void;
  #pending: string | undefined;
  #writing: Promise<void> | undefined;
  #dirReady = false;

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
        const text = this.#pending;
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
