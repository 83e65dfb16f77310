// The zone reports count days in by default, and so the one the ledger's writer keeps daily
// sums in: the config's report time zone, else the system's.

import type { Config } from '../config/schema.ts';
import { localZoneName, zoneOffsetOf } from '../config/local-zone.ts';

export function ledgerZone(
  config: Config,
  env: NodeJS.ProcessEnv,
): { name: string; offset: (ts: number) => number } {
  const name = ledgerZoneName(config, env);
  return { name, offset: zoneOffsetOf(name, env) };
}

export function ledgerZoneName(config: Config, env: NodeJS.ProcessEnv): string {
  return config.report.timezone || localZoneName(env);
}
