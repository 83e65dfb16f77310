// The agent's address as the AI tools should use it: the configured port, on loopback when the
// agent listens on every address.

import { loadConfig } from '../config/load.ts';
import { resolvePaths } from '../config/paths.ts';

export function toolFacingUrl(env: NodeJS.ProcessEnv): string {
  const cfg = loadConfig(resolvePaths(env).configFile, env);
  let host = cfg.server.host;
  if (host === '0.0.0.0' || host === '::' || host === '') host = '127.0.0.1';
  if (host.includes(':')) host = `[${host}]`;
  return `http://${host}:${cfg.server.port}`;
}
