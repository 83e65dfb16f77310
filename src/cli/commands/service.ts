// `ai-observer service install|uninstall|status [--dry-run] [--platform P]`: runs the agent at
// login — a systemd user unit (Linux), a launchd agent (macOS), a scheduled task (Windows).

import { parseArgs } from 'node:util';
import {
  SERVICE_PLATFORMS,
  type ServicePlatform,
  serviceFileText,
} from '../../domain/service/files.ts';
import { toolFacingUrl } from '../../install/agent-address.ts';
import {
  installService,
  serviceFile,
  serviceSpec,
  serviceStatus,
  uninstallService,
} from '../../install/service.ts';
import { agentHeaders } from '../agent-url.ts';
import { UsageError } from '../usage-error.ts';

export const SERVICE_HELP = `Usage: ai-observer service install|uninstall|status [--dry-run] [--platform P]

Runs the agent (\`ai-observer serve\`) at login, restarted when it fails:
  linux    a systemd user unit, ~/.config/systemd/user/ai-observer.service (memory and CPU
           limits; logs in the journal: journalctl --user -u ai-observer)
  darwin   a launchd agent, ~/Library/LaunchAgents/dev.ai-observer.agent.plist (logs in
           ~/Library/Logs/ai-observer/)
  win32    a Task Scheduler task "ai-observer" at logon (logs in
           %LOCALAPPDATA%\\ai-observer\\logs\\agent.log)

  --dry-run       print the file and write nothing
  --platform P    linux, darwin or win32 (default: this machine's); another platform's
                  file can only be printed (--dry-run)`;

function platformOf(value: string | undefined): ServicePlatform {
  const p = value ?? process.platform;
  if ((SERVICE_PLATFORMS as readonly string[]).includes(p)) return p as ServicePlatform;
  throw new UsageError(
    value === undefined
      ? `service: no service manager support for ${p}; use --platform linux|darwin|win32 --dry-run to see the files`
      : `service: unknown platform "${p}"; use linux, darwin or win32`,
  );
}

export async function service(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      platform: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(SERVICE_HELP);
    return 0;
  }
  const action = positionals[0];
  if (positionals.length !== 1 || !['install', 'uninstall', 'status'].includes(action!)) {
    throw new UsageError('service: use install, uninstall or status');
  }
  const platform = platformOf(values.platform);
  const env = process.env;
  const out = (line: string) => process.stdout.write(`${line}\n`);

  if (values['dry-run']) {
    const file = serviceFile(platform, env);
    if (action === 'install') {
      out(`# ${file}`);
      process.stdout.write(serviceFileText(platform, serviceSpec(platform, env)));
    } else {
      out(`would ${action === 'uninstall' ? 'stop the service and remove' : 'read'} ${file}`);
    }
    return 0;
  }
  if (platform !== process.platform && action !== 'status') {
    throw new UsageError(
      `service: this is ${process.platform}; a ${platform} service can only be printed (--dry-run)`,
    );
  }
  if (action === 'install') {
    const r = installService(platform, env);
    for (const l of r.lines) out(l);
    return r.ok ? 0 : 1;
  }
  if (action === 'uninstall') {
    const r = uninstallService(platform, env);
    for (const l of r.lines) out(l);
    return r.ok ? 0 : 1;
  }
  const st = serviceStatus(platform, env);
  out(`${st.installed ? 'installed' : 'not installed'}: ${st.file}`);
  if (st.manager !== null) out(`service manager: ${st.manager}`);
  const url = toolFacingUrl(env);
  let running = false;
  try {
    const res = await fetch(`${url}/health`, {
      headers: agentHeaders(env),
      signal: AbortSignal.timeout(2000),
    });
    running = res.ok;
  } catch {
    // Not running.
  }
  out(`agent at ${url}: ${running ? 'running' : 'not running'}`);
  return 0;
}
