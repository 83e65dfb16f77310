// Opens node:sqlite without its start-up notice: `node:sqlite` is built in and stable enough
// for us (DESIGN.md §6), but Node still prints an ExperimentalWarning on every load, which
// would land in status bars and the output of every report.

import { createRequire } from 'node:module';
import type * as Sqlite from 'node:sqlite';

const require = createRequire(import.meta.url);
let loaded: typeof Sqlite | undefined;

export function sqlite(): typeof Sqlite {
  if (loaded !== undefined) return loaded;
  const emit = process.emitWarning;
  process.emitWarning = function quiet(this: NodeJS.Process, warning, ...rest: unknown[]) {
    if (String(warning).includes('SQLite')) return;
    return (emit as (...a: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    loaded = require('node:sqlite') as typeof Sqlite;
  } finally {
    process.emitWarning = emit;
  }
  return loaded;
}

export type Database = Sqlite.DatabaseSync;
export type Statement = Sqlite.StatementSync;
