// `ai-observer serve`: runs the agent in the foreground until SIGINT/SIGTERM.

import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import { resolvePaths } from '../../config/paths.ts';
import { startAgent } from '../../daemon/agent.ts';
import { restartTuned } from '../../daemon/node-tuning.ts';

export const SERVE_HELP = `Usage: ai-observer serve [--host H] [--port N] [--grpc-port N] [--no-grpc]
                         [--allow-remote --token T] [--no-notify] [--config FILE]

Runs the agent: OTLP/HTTP and the API on --port (4318), OTLP/gRPC on --grpc-port (4317).`;

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'grpc-port': { type: 'string' },
      'no-grpc': { type: 'boolean' },
      'allow-remote': { type: 'boolean' },
      token: { type: 'string' },
      'no-notify': { type: 'boolean' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(SERVE_HELP);
    return 0;
  }
  const env = { ...process.env };
  if (values.config !== undefined) env.AI_OBSERVER_CONFIG = values.config;
  const paths = resolvePaths(env);
  // Command-line flags are the last layer, above config.yaml and the environment.
  const flags: Record<string, unknown> = {};
  if (values.host !== undefined) flags['server.host'] = values.host;
  if (values.port !== undefined) flags['server.port'] = values.port;
  if (values['grpc-port'] !== undefined) flags['server.grpcPort'] = values['grpc-port'];
  if (values['no-grpc']) flags['server.grpc'] = false;
  if (values['allow-remote']) flags['server.allowRemote'] = true;
  if (values.token !== undefined) flags['server.token'] = values.token;
  if (values['no-notify']) flags['notifications.enabled'] = false;
  const config = loadConfig(
    paths.configFile,
    env,
    Object.fromEntries(
      Object.entries(flags).map(([k, value]) => [k, { value, origin: 'command line' }]),
    ),
  );

  // After the config is known good, so that a bad one is reported once, by this process.
  restartTuned(config.sessions.maxSessions);
  const log = (line: string) => process.stderr.write(`ai-observer: ${line}\n`);
  const agent = await startAgent({ config, paths, env, log });
  const h = config.server.host;
  log(
    `listening on http://${h}:${agent.httpPort} (OTLP/HTTP, API)` +
      (agent.grpcPort !== undefined ? ` and ${h}:${agent.grpcPort} (OTLP/gRPC)` : ''),
  );
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log(`${sig}: stopping`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await agent.close();
  // Everything is closed and saved. A library's timer (the OTLP exporter's back-off before
  // retrying a collector that is down) must not keep a stopped agent alive for seconds.
  setTimeout(() => process.exit(), 200).unref();
  return 0;
}
