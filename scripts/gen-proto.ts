// Regenerates the OTLP message code in src/ingest/otlp/gen/ from the schema in proto/.
//
//   npm run gen:proto
//
// Runs the `buf` binary and the `protoc-gen-es` plugin installed in node_modules, so it works
// offline. The plugin is a Node script; it runs on the Node that runs this script (Node 24),
// not on whatever `node` happens to be first on the system PATH.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');
const buf = join(bin, process.platform === 'win32' ? 'buf.cmd' : 'buf');

if (!existsSync(buf)) {
  console.error(`gen-proto: ${buf} not found; run npm install first`);
  process.exit(1);
}

const env = {
  ...process.env,
  PATH: [dirname(process.execPath), bin, process.env.PATH ?? ''].join(delimiter),
  BUF_CACHE_DIR: join(root, '.cache', 'buf'),
};

const result = spawnSync(buf, ['generate', 'proto', '--template', 'proto/buf.gen.yaml'], {
  cwd: root,
  env,
  stdio: 'inherit',
});

if (result.error) {
  console.error(`gen-proto: could not run buf: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) {
  console.error(`gen-proto: buf generate failed (exit ${result.status ?? result.signal})`);
  process.exit(result.status ?? 1);
}
console.log('gen-proto: wrote src/ingest/otlp/gen/');
