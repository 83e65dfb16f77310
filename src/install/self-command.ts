// The command that runs this very installation of ai-observer: the Node binary running now
// and the package's own bin/ai-observer.js. Written into hooks and service files, it works
// whatever PATH those get (a login shell's, a systemd user manager's, Codex's).

import { packageFile } from '../package-files.ts';

export function selfCommand(): string[] {
  return [process.execPath, packageFile('bin/ai-observer.js')];
}
