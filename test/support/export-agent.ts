// An agent in this process for the export tests: its own AI_OBSERVER_HOME, free ports, no
// notifications, and whatever config the test adds (as AI_OBSERVER_* variables).

import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { type Paths, resolvePaths } from '../../src/config/paths.ts';
import type { UsageEvent } from '../../src/domain/events.ts';
import { type Agent, startAgent } from '../../src/daemon/agent.ts';
import type { ActivitySource } from '../../src/export/activity-source.ts';
import { scratchHome } from './cli.ts';

export interface ExportAgent {
  agent: Agent;
  home: string;
  paths: Paths;
  url: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startExportAgent(
  opts: { home?: string; env?: Record<string, string>; activity?: ActivitySource } = {},
): Promise<ExportAgent> {
  const home = opts.home ?? scratchHome('aio-export-');
  const env: NodeJS.ProcessEnv = {
    AI_OBSERVER_HOME: home,
    HOME: join(home, 'user-home'),
    AI_OBSERVER_SERVER_PORT: '0',
    AI_OBSERVER_SERVER_GRPC: 'false',
    AI_OBSERVER_NOTIFICATIONS_ENABLED: 'false',
    AI_OBSERVER_SNAPSHOT_ENABLED: 'false',
    ...opts.env,
  };
  const paths = resolvePaths(env);
  const config = loadConfig(paths.configFile, env);
  const logs: string[] = [];
  const agent = await startAgent({
    config,
    paths,
    env,
    log: (line) => logs.push(line),
    activity: opts.activity,
  });
  return {
    agent,
    home,
    paths,
    url: `http://127.0.0.1:${agent.httpPort}`,
    logs,
    close: () => agent.close(),
  };
}

let seq = 0;

/** A billed request; cost undefined means the price table computes it. */
export function usage(
  tool: UsageEvent['tool'],
  model: string,
  tokens: Partial<UsageEvent['tokens']>,
  costUsd?: number,
): UsageEvent {
  seq++;
  return {
    key: `export-test:${process.pid}:${seq}`,
    ts: Date.now() - 60_000,
    tool,
    sessionId: `${tool}-session-${seq % 3}`,
    model,
    project: '/work/project',
    tokens: {
      input: 0,
      output: 0,
      cacheRead: 0,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      reasoning: 0,
      ...tokens,
    },
    costUsd,
    costBasis: costUsd === undefined ? 'unknown' : 'reported',
    sources: ['otlp'],
  };
}
