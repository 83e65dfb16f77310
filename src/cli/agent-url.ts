// Where the client commands find the agent: --url, AI_OBSERVER_URL, or the configured port.

import { loadConfig } from '../config/load.ts';
import { resolvePaths } from '../config/paths.ts';

export function agentUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const given = flag ?? env.AI_OBSERVER_URL;
  if (given !== undefined && given !== '') return given.replace(/\/+$/, '');
  const cfg = loadConfig(resolvePaths(env).configFile, env);
  const host = cfg.server.host.includes(':') ? `[${cfg.server.host}]` : cfg.server.host;
  return `http://${host}:${cfg.server.port}`;
}

/** Headers every client request carries (the bearer token when one is configured). */
export function agentHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const token = env.AI_OBSERVER_SERVER_TOKEN;
  return token ? { Authorization: `Bearer ${token}` } : {};
}
