// The resource every exported metric carries: which program, which machine. The device id is
// made once and kept in the data directory, so a machine stays one device in Grafana when its
// host name changes, and two machines with one host name stay two.

import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, platform } from 'node:os';
import { join } from 'node:path';

export const DEVICE_ID_FILE = 'device-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id in `<dataDir>/device-id`, made on first use. Throws when it can be neither read nor made. */
export function deviceId(dataDir: string): string {
  const file = join(dataDir, DEVICE_ID_FILE);
  const read = (): string | undefined => {
    try {
      const id = readFileSync(file, 'utf8').trim();
      return UUID.test(id) ? id : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot read ${file}: ${(err as Error).message}`);
    }
  };
  const existing = read();
  if (existing !== undefined) return existing;
  const id = randomUUID();
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // `wx`: two processes starting at once keep the first one's id.
    writeFileSync(file, `${id}\n`, { mode: 0o600, flag: 'wx' });
    return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      const other = read();
      if (other !== undefined) return other;
    }
    // An unreadable file stays as it is: a user may have put it there.
    throw new Error(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** OpenTelemetry's `os.type` values for the platforms Node runs on. */
function osType(p: NodeJS.Platform): string {
  switch (p) {
    case 'win32':
      return 'windows';
    case 'sunos':
      return 'solaris';
    case 'cygwin':
      return 'windows';
    default:
      return p;
  }
}

export interface ResourceOptions {
  version: string;
  dataDir: string;
  /** '' for the system's host name. */
  hostName: string;
  environment: string;
}

/** Resource attributes; these become labels (`host_name`, `device_id`, …) in Prometheus. */
export function resourceAttributes(opts: ResourceOptions): Record<string, string> {
  const id = deviceId(opts.dataDir);
  return {
    'service.name': 'ai-observer',
    'service.version': opts.version,
    // The collector's Prometheus exporter makes this the `instance` label.
    'service.instance.id': id,
    'host.name': opts.hostName || hostname(),
    'os.type': osType(platform()),
    'deployment.environment': opts.environment,
    'device.id': id,
  };
}
