import { readFileSync } from 'node:fs';
import { packageFile } from './package-files.ts';

/** Written into the bundle by scripts/build.ts; not defined when src/ runs as it is. */
declare const BUNDLED_VERSION: string | undefined;

// One source, package.json: read at build time into the bundle (a report then needs no file
// or URL to know it), else read here.
export const VERSION: string =
  typeof BUNDLED_VERSION === 'string'
    ? BUNDLED_VERSION
    : (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string })
        .version;
