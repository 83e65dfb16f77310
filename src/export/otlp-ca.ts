// The CA file of export.otlp.ca, read when the push starts. Its own error class: the agent
// reports it as a bad config value (exit code 2), unlike other failures at start.

import { readFileSync } from 'node:fs';

export class CaFileError extends Error {
  override name = 'CaFileError';
}

export function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CaFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
}
