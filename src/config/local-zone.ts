// The name of the system's time zone, found without Intl where the OS tells it cheaply (TZ,
// or the /etc/localtime link on Linux and macOS): loading ICU's zone data costs ~20 ms.

import { readlinkSync } from 'node:fs';
import { LOCAL_ZONE, systemTimeZone, tzOffset } from '../domain/periods.ts';

export function localZoneName(env: NodeJS.ProcessEnv = process.env): string {
  const tz = env.TZ;
  if (tz !== undefined && tz !== '' && !tz.startsWith(':') && !tz.startsWith('/')) return tz;
  if (process.platform !== 'win32' && tz === undefined) {
    try {
      const target = readlinkSync('/etc/localtime');
      const at = target.indexOf('zoneinfo/');
      if (at >= 0) return target.slice(at + 'zoneinfo/'.length);
    } catch {
      // Not a link (a copied zone file): ask Intl.
    }
  }
  return systemTimeZone();
}

/**
 * The local offset function for a zone: Date's own when the zone is this process's (no ICU
 * load), Intl's otherwise.
 */
export function zoneOffsetOf(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): (ts: number) => number {
  const local = name === LOCAL_ZONE || name === localZoneName(env);
  return (ts) => tzOffset(ts, local ? LOCAL_ZONE : name);
}
