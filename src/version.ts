import { readFileSync } from 'node:fs';
import { packageFile } from './package-files.ts';

// Read once from package.json so the version has one source.
export const VERSION: string = (
  JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {
    version: string;
  }
).version;
