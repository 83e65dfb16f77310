// The backup `setup` keeps of a settings file before its first change, so that `--undo` puts
// the file back byte for byte (or removes it, when setup created it). One backup per tool in
// the data dir: `setup-backups/<tool>/original` (the bytes) and `state.json` (where they
// belong, whether the file existed, its mode, and a hash of what setup last wrote — to tell
// whether the user changed the file since).

import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { SetupTool } from '../domain/setup/target.ts';

export interface BackupState {
  file: string;
  existed: boolean;
  mode: number | null;
  writtenSha256: string;
  at: string;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function backupDir(dataDir: string, tool: SetupTool): string {
  return join(dataDir, 'setup-backups', tool);
}

export function readBackup(dataDir: string, tool: SetupTool): BackupState | undefined {
  const file = join(backupDir(dataDir, tool), 'state.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BackupState;
  } catch (err) {
    throw new Error(`cannot read the setup backup ${file}: ${(err as Error).message}`);
  }
}

function writeState(dataDir: string, tool: SetupTool, state: BackupState): void {
  const dir = backupDir(dataDir, tool);
  writeAtomic(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

/** The file's bytes, or undefined when it does not exist. */
export function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * Writes through a temporary file and a rename, so a crash leaves the old file or the new one.
 * A symlinked settings file (dotfile managers) is written at its target, and stays a link.
 */
export function writeAtomic(file: string, data: Buffer | string, mode?: number | null): void {
  let target = file;
  try {
    target = realpathSync(file);
  } catch {
    // Not there yet: created where it was asked for.
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.ai-observer-${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, mode != null ? { mode } : {});
    if (mode != null) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** Writes the new settings, keeping the original first if this is setup's first change. */
export function writeWithBackup(
  dataDir: string,
  tool: SetupTool,
  file: string,
  original: Buffer | undefined,
  text: string,
): { backedUp: boolean } {
  let state = readBackup(dataDir, tool);
  const backedUp = state === undefined;
  const mode = original !== undefined ? statSync(file).mode & 0o7777 : null;
  if (state === undefined) {
    const dir = backupDir(dataDir, tool);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (original !== undefined) writeAtomic(join(dir, 'original'), original, 0o600);
    state = { file, existed: original !== undefined, mode, writtenSha256: '', at: '' };
  }
  writeAtomic(file, text, mode);
  writeState(dataDir, tool, {
    ...state,
    writtenSha256: sha256(text),
    at: new Date().toISOString(),
  });
  return { backedUp };
}

export type UndoResult =
  | { kind: 'none' }
  | { kind: 'restored' | 'removed'; file: string; keptAs: string | undefined };

/** Puts the original back (byte for byte) and drops the backup. */
export function undoFromBackup(dataDir: string, tool: SetupTool): UndoResult {
  const state = readBackup(dataDir, tool);
  if (state === undefined) return { kind: 'none' };
  const dir = backupDir(dataDir, tool);
  const current = readIfPresent(state.file);
  let keptAs: string | undefined;
  // Changed by the user since setup wrote it: keep their version beside the restored one.
  if (current !== undefined && sha256(current) !== state.writtenSha256) {
    keptAs = `${state.file}.before-undo`;
    copyFileSync(state.file, keptAs);
  }
  if (state.existed) {
    const original = readIfPresent(join(dir, 'original'));
    if (original === undefined) {
      throw new Error(`the setup backup in ${dir} has no original file; nothing was changed`);
    }
    writeAtomic(state.file, original, state.mode);
  } else {
    rmSync(state.file, { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  return { kind: state.existed ? 'restored' : 'removed', file: state.file, keptAs };
}
