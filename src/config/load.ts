// Reads the config layers: shipped defaults ← config.yaml ← OTEL_* ← AI_OBSERVER_* ← flags.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Config, Layered } from './schema.ts';
import {
  buildConfig,
  ConfigError,
  flattenDocument,
  fromEnvironment,
  fromOtelEnvironment,
} from './schema.ts';

/** `flags` is the top layer: command-line options, above the file and the environment. */
export function loadConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  flags: Record<string, Layered> = {},
): Config {
  const path = env.AI_OBSERVER_CONFIG || file;
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || path !== file) {
      throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
    }
  }
  let doc: unknown;
  if (text !== undefined) {
    try {
      // Loaded only when there is a file: the YAML parser is ~70 modules, a third of the
      // start-up of a report or the status line.
      const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
      doc = parse(text, { logLevel: 'error' }); // errors throw; warnings are not printed
    } catch (err) {
      throw new ConfigError(`invalid YAML in ${path}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return buildConfig([
    flattenDocument(doc, path),
    fromOtelEnvironment(env),
    fromEnvironment(env),
    flags,
  ]);
}
