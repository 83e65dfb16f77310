// Runs one command and turns what it throws into an exit code and a message on stderr: the
// whole CLI (main.ts) and the bundles of single commands (scripts/build.ts) end the same way.

import { ConfigError } from '../config/schema.ts';
import { CatalogError } from '../domain/activity/catalog-error.ts';
import { UsageError } from './usage-error.ts';

export type Command = (argv: string[]) => Promise<number>;

export async function runCommand(
  name: string,
  load: () => Promise<Command>,
  rest: string[],
): Promise<number> {
  try {
    const command = await load();
    return await command(rest);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof CatalogError || err instanceof UsageError) {
      process.stderr.write(`ai-observer: ${err.message}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`ai-observer ${name}: ${(err as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`ai-observer: ${(err as Error).message}\n`);
    return 1;
  }
}
