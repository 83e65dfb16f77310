// The browser extension's pairing with the agent: a random code that `ai-observer extension
// pair` shows once and the extension sends as `Authorization: Bearer <code>`, and the
// extension's origin (`chrome-extension://<id>`) pinned on its first pairing (or given to the
// pair command). Only the code's SHA-256 is kept, in a file only its owner may read; the agent
// reads it again whenever it changes, so pairing needs no restart.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export interface Pairing {
  /** Hex SHA-256 of the pairing code. */
  tokenSha256: string;
  /** The extension's origin once pinned. */
  origin: string | null;
  pairedAt: number;
}

export const PAIRING_FILE = 'extension-pairing.json';

/** What a Chromium-family extension's origin looks like (its id: 32 letters a–p). */
export const EXTENSION_ORIGIN = /^chrome-extension:\/\/[a-p]{32}$/;

export function pairingPath(dataDir: string): string {
  return join(dataDir, PAIRING_FILE);
}

/** A new pairing code: 32 random bytes, URL-safe base64 (43 characters). */
export function newPairingCode(): string {
  return randomBytes(32).toString('base64url');
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function pairingFor(code: string, origin: string | null, now: number): Pairing {
  return { tokenSha256: sha256(code).toString('hex'), origin, pairedAt: now };
}

/**
 * Whether an `Authorization` header carries the paired code. Both sides are SHA-256 digests,
 * so they have the same length whatever was sent and the comparison takes the same time.
 */
export function codeMatches(pairing: Pairing, header: string | undefined): boolean {
  const text = header ?? '';
  if (!text.startsWith('Bearer ')) return false;
  const want = Buffer.from(pairing.tokenSha256, 'hex');
  const given = sha256(text.slice(7).trim());
  return want.length === given.length && timingSafeEqual(given, want);
}

/** Writes the pairing readable by its owner only (0600), atomically. */
export function writePairing(file: string, pairing: Pairing): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(pairing, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is only used when the file is created, and the umask may
  // have cut it: set it outright.
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function removePairing(file: string): boolean {
  try {
    statSync(file);
  } catch {
    return false;
  }
  rmSync(file, { force: true });
  return true;
}

/** Reads a pairing file; undefined when there is none; throws naming the file when it is bad. */
export function readPairing(file: string): Pairing | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const p = v as Partial<Pairing>;
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.tokenSha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(p.tokenSha256) ||
    !(p.origin === null || (typeof p.origin === 'string' && EXTENSION_ORIGIN.test(p.origin))) ||
    typeof p.pairedAt !== 'number'
  ) {
    throw new Error(
      `cannot read ${file}: not a pairing (run "ai-observer extension pair" again to replace it)`,
    );
  }
  return { tokenSha256: p.tokenSha256, origin: p.origin, pairedAt: p.pairedAt };
}

/** The pairing file as the agent sees it: read again when it changes. */
export class PairingFile {
  readonly path: string;
  #stamp = '';
  #pairing: Pairing | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** The current pairing; undefined when there is none. Throws when the file is unreadable. */
  current(): Pairing | undefined {
    let st: Stats;
    try {
      st = statSync(this.path);
    } catch {
      this.#stamp = '';
      this.#pairing = undefined;
      return undefined;
    }
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (stamp !== this.#stamp) {
      this.#pairing = readPairing(this.path);
      this.#stamp = stamp;
    }
    return this.#pairing;
  }

  /** Pins the origin of the extension that paired with the current code. */
  pin(origin: string): Pairing {
    const p = this.current();
    if (p === undefined) throw new Error('no pairing to pin an origin to');
    const pinned = { ...p, origin };
    writePairing(this.path, pinned);
    return pinned;
  }
}
