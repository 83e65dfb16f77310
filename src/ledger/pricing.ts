// The price table as the ledger uses it: one function that fills in computed costs, and the
// id of the table so a changed table re-prices what is stored.

import type { Paths } from '../config/paths.ts';
import type { Config } from '../config/schema.ts';
import type { UsageEvent } from '../domain/events.ts';
import { priceUsage } from '../domain/pricing.ts';
import { loadPriceTable } from '../pricing/table.ts';

export interface LedgerPricing {
  id: string;
  price: (e: UsageEvent) => UsageEvent;
}

export function loadPricing(config: Config, paths: Paths): LedgerPricing {
  const table = loadPriceTable({ dataDir: paths.dataDir, overrides: config.pricing.overrides });
  return { id: table.id, price: (e) => priceUsage(e, table) };
}
