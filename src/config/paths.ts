// Where ai-observer keeps its files (DESIGN.md §5). AI_OBSERVER_HOME moves them all.

import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Paths {
  configFile: string;
  dataDir: string;
  runtimeDir: string;
  snapshotFile: string;
}

export function resolvePaths(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Paths {
  const root = env.AI_OBSERVER_HOME;
  if (root !== undefined && root !== '') {
    return finish(join(root, 'config'), join(root, 'data'), join(root, 'run'));
  }
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') {
    const support = join(home, 'Library', 'Application Support', 'ai-observer');
    return finish(support, support, join(env.TMPDIR ?? tmpdir(), 'ai-observer'));
  }
  if (platform === 'win32') {
    const appData = env.APPDATA ?? join(home, 'AppData', 'Roaming');
    const local = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
    return finish(
      join(appData, 'ai-observer'),
      join(local, 'ai-observer'),
      join(local, 'ai-observer', 'run'),
    );
  }
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  const data = env.XDG_DATA_HOME || join(home, '.local', 'share');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const runtime = env.XDG_RUNTIME_DIR || join(tmpdir(), `ai-observer-${uid}`);
  return finish(
    join(config, 'ai-observer'),
    join(data, 'ai-observer'),
    join(runtime, 'ai-observer'),
  );
}

function finish(configDir: string, dataDir: string, runtimeDir: string): Paths {
  return {
    configFile: join(configDir, 'config.yaml'),
    dataDir,
    runtimeDir,
    snapshotFile: join(runtimeDir, 'sessions.json'),
  };
}
