// The service definitions that run the agent at login, one per platform: a systemd user unit
// (Linux), a launchd agent (macOS) and a Task Scheduler task (Windows). Pure text generation;
// install/service.ts writes them and talks to the service managers.

export type ServicePlatform = 'linux' | 'darwin' | 'win32';
export const SERVICE_PLATFORMS: readonly ServicePlatform[] = ['linux', 'darwin', 'win32'];

export const SERVICE_NAME = 'ai-observer';
export const LAUNCHD_LABEL = 'dev.ai-observer.agent';

// The agent holds its heap to ~64 MiB (daemon/node-tuning.ts); these limits leave room for
// the import worker of a large first index and stop a runaway from hurting the desktop.
export const MEMORY_HIGH = '384M';
export const MEMORY_MAX = '512M';
export const CPU_QUOTA = '100%';

export interface ServiceSpec {
  /** The Node binary. */
  program: string;
  /** Its arguments: the package's bin/ai-observer.js and `serve`. */
  args: readonly string[];
  /** Environment for the agent (PATH, so notify-send and friends are found). */
  env: Readonly<Record<string, string>>;
  /** macOS: where stdout/stderr go (~/Library/Logs/ai-observer). */
  logDir: string;
  /** Windows: the account the task runs as, `DOMAIN\\user`. */
  user: string;
}

// ── systemd ───────────────────────────────────────────────────────────────────────────────

/** One ExecStart word: quoted when needed; `%` and `$` escaped (systemd expands both). */
export function systemdWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@+=:,./%$-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function systemdUnit(spec: ServiceSpec): string {
  const exec = [spec.program, ...spec.args].map(systemdWord).join(' ');
  const env = Object.entries(spec.env).map(([k, v]) => `Environment=${systemdWord(`${k}=${v}`)}`);
  return [
    '[Unit]',
    'Description=ai-observer: live sessions and usage of AI coding tools',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    ...env,
    'Restart=on-failure',
    'RestartSec=5',
    `MemoryHigh=${MEMORY_HIGH}`,
    `MemoryMax=${MEMORY_MAX}`,
    `CPUQuota=${CPU_QUOTA}`,
    // stdout/stderr go to the journal: `journalctl --user -u ai-observer`.
    'StandardOutput=journal',
    'StandardError=journal',
    `SyslogIdentifier=${SERVICE_NAME}`,
    'NoNewPrivileges=yes',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

// ── launchd ───────────────────────────────────────────────────────────────────────────────

export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const str = (v: string) => `<string>${xmlEscape(v)}</string>`;

export function launchdPlist(spec: ServiceSpec): string {
  const args = [spec.program, ...spec.args].map((a) => `    ${str(a)}`);
  const env = Object.entries(spec.env).flatMap(([k, v]) => [
    `    <key>${xmlEscape(k)}</key>`,
    `    ${str(v)}`,
  ]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  ${str(LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args,
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...env,
    '  </dict>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    // Restarted when it fails, left stopped after a clean exit (`ai-observer service uninstall`).
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>ThrottleInterval</key>',
    '  <integer>10</integer>',
    '  <key>ProcessType</key>',
    '  <string>Background</string>',
    '  <key>StandardOutPath</key>',
    `  ${str(`${spec.logDir}/ai-observer.log`)}`,
    '  <key>StandardErrorPath</key>',
    `  ${str(`${spec.logDir}/ai-observer.log`)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

// ── Windows Task Scheduler ────────────────────────────────────────────────────────────────

/** Where the task's output goes; cmd.exe expands the variable when the task starts. */
export const WINDOWS_LOG = '%LOCALAPPDATA%\\ai-observer\\logs\\agent.log';

const cmdQuote = (word: string) => `"${word.replace(/"/g, '""')}"`;

/** The task's program (cmd.exe) and its arguments: the agent with its output appended to the log. */
export function windowsAction(spec: ServiceSpec): { command: string; arguments: string } {
  const run = [spec.program, ...spec.args].map(cmdQuote).join(' ');
  return {
    command: 'cmd.exe',
    arguments: `/d /s /c "${run} >> ${cmdQuote(WINDOWS_LOG)} 2>&1"`,
  };
}

export function windowsTaskXml(spec: ServiceSpec): string {
  const action = windowsAction(spec);
  const user = xmlEscape(spec.user);
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo>',
    '    <Description>ai-observer: live sessions and usage of AI coding tools</Description>',
    `    <URI>\\${SERVICE_NAME}</URI>`,
    '  </RegistrationInfo>',
    '  <Triggers>',
    '    <LogonTrigger>',
    '      <Enabled>true</Enabled>',
    `      <UserId>${user}</UserId>`,
    '    </LogonTrigger>',
    '  </Triggers>',
    '  <Principals>',
    '    <Principal id="Author">',
    `      <UserId>${user}</UserId>`,
    '      <LogonType>InteractiveToken</LogonType>',
    '      <RunLevel>LeastPrivilege</RunLevel>',
    '    </Principal>',
    '  </Principals>',
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <AllowHardTerminate>true</AllowHardTerminate>',
    '    <StartWhenAvailable>true</StartWhenAvailable>',
    '    <IdleSettings>',
    '      <StopOnIdleEnd>false</StopOnIdleEnd>',
    '      <RestartOnIdle>false</RestartOnIdle>',
    '    </IdleSettings>',
    '    <AllowStartOnDemand>true</AllowStartOnDemand>',
    '    <Enabled>true</Enabled>',
    '    <Hidden>false</Hidden>',
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '    <Priority>7</Priority>',
    '    <RestartOnFailure>',
    '      <Interval>PT1M</Interval>',
    '      <Count>999</Count>',
    '    </RestartOnFailure>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    `      <Command>${xmlEscape(action.command)}</Command>`,
    `      <Arguments>${xmlEscape(action.arguments)}</Arguments>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n');
}

export function serviceFileText(platform: ServicePlatform, spec: ServiceSpec): string {
  switch (platform) {
    case 'linux':
      return systemdUnit(spec);
    case 'darwin':
      return launchdPlist(spec);
    case 'win32':
      return windowsTaskXml(spec);
  }
}
