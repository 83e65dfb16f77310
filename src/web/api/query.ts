// The dashboard API's query strings, checked before anything is read: an unknown parameter,
// period, dimension, tool, date or zone is a 400 that says which and what would do.

import type { ActivityKind } from '../../domain/activity/catalog.ts';
import { toolNamed, TOOLS } from '../../domain/events.ts';
import {
  DAY_MS,
  formatDate,
  type LocalDate,
  localDate,
  localDay,
  parseDate,
  startOfLocalDay,
  nextDay,
} from '../../domain/periods.ts';
import {
  USAGE_DIMENSIONS,
  USAGE_PERIODS,
  type UsageDimension,
  type UsagePeriod,
} from '../../domain/usage-rows.ts';
import { validTimeZone } from '../../config/schema.ts';
import type { RollupFilter } from '../../store/types.ts';
import { HttpError } from '../body.ts';

/** Hourly rows come from the quarter hours: a month of them at most. */
export const MAX_HOUR_DAYS = 31;

export interface RangeQuery {
  tz: string;
  /** First and last local day included, as asked for or by default. */
  since: string | null;
  until: string | null;
  filter: RollupFilter;
}

export interface UsageQuery extends RangeQuery {
  period: UsagePeriod;
  by: UsageDimension[];
}

const bad = (message: string) => new HttpError(400, message);

/** Each parameter once, and only those the route knows. */
function single(params: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of params) {
    if (!allowed.includes(key)) {
      throw bad(`unknown parameter "${key}"; use ${allowed.join(', ') || 'none'}`);
    }
    if (out.has(key)) throw bad(`parameter "${key}" is given more than once`);
    out.set(key, value);
  }
  return out;
}

export function zoneOf(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (value === '' || !validTimeZone(value)) {
    throw bad(`unknown time zone "${value}" in tz; use an IANA name such as Europe/Berlin`);
  }
  return value;
}

function dateOf(name: string, value: string): LocalDate {
  const d = parseDate(value);
  if (d === undefined) {
    throw bad(`invalid ${name} "${value}"; expected a date such as 2026-11-21 or 20261121`);
  }
  return d;
}

const daysBefore = (d: LocalDate, n: number): LocalDate => {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) - n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};

/** Where a period's default range starts: enough of it for a chart, ending today. */
function defaultSince(period: UsagePeriod, today: LocalDate): LocalDate | undefined {
  switch (period) {
    case 'hour':
      return daysBefore(today, 1);
    case 'day':
      return daysBefore(today, 29);
    case 'week': {
      const day = Math.floor(Date.UTC(today.year, today.month - 1, today.day) / DAY_MS);
      return daysBefore(today, ((day + 3) % 7) + 7 * 11);
    }
    case 'month': {
      const m = today.year * 12 + today.month - 1 - 11;
      return { year: Math.floor(m / 12), month: (m % 12) + 1, day: 1 };
    }
    case 'total':
      return undefined;
  }
}

function rangeOf(
  p: Map<string, string>,
  defaultZone: string,
  now: number,
  period: UsagePeriod,
): RangeQuery {
  const tz = zoneOf(p.get('tz'), defaultZone);
  const today = localDate(now, tz);
  const sinceText = p.get('since');
  const untilText = p.get('until');
  const since = sinceText !== undefined ? dateOf('since', sinceText) : defaultSince(period, today);
  const until = untilText !== undefined ? dateOf('until', untilText) : undefined;
  const filter: RollupFilter = {};
  if (since !== undefined) filter.since = startOfLocalDay(since, tz);
  if (until !== undefined) filter.until = startOfLocalDay(nextDay(until), tz);
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) {
    throw bad(`since ${formatDate(since!)} is after until ${formatDate(until!)}`);
  }
  const tool = p.get('tool');
  if (tool !== undefined) {
    const t = toolNamed(tool);
    if (t === undefined) throw bad(`unknown tool "${tool}"; use ${TOOLS.join(', ')}`);
    filter.tool = t;
  }
  const project = p.get('project');
  if (project !== undefined) {
    if (project === '' || project.length > 256) throw bad('project must be 1 to 256 characters');
    filter.project = project;
  }
  return {
    tz,
    since: since !== undefined ? formatDate(since) : null,
    until: until !== undefined ? formatDate(until) : null,
    filter,
  };
}

const USAGE_PARAMS = ['period', 'by', 'since', 'until', 'tool', 'project', 'tz'];

export function usageQuery(params: URLSearchParams, defaultZone: string, now: number): UsageQuery {
  const p = single(params, USAGE_PARAMS);
  const periodText = p.get('period') ?? 'day';
  if (!(USAGE_PERIODS as readonly string[]).includes(periodText)) {
    throw bad(`unknown period "${periodText}"; use ${USAGE_PERIODS.join(', ')}`);
  }
  const period = periodText as UsagePeriod;
  const by: UsageDimension[] = [];
  const byText = p.get('by');
  if (byText !== undefined && byText !== '') {
    for (const d of byText.split(',')) {
      if (!(USAGE_DIMENSIONS as readonly string[]).includes(d)) {
        throw bad(`unknown dimension "${d}" in by; use ${USAGE_DIMENSIONS.join(', ')}`);
      }
      if (by.includes(d as UsageDimension)) throw bad(`dimension "${d}" is given twice in by`);
      by.push(d as UsageDimension);
    }
  }
  const range = rangeOf(p, defaultZone, now, period);
  if (period === 'hour') {
    const from = range.filter.since ?? 0;
    const to = range.filter.until ?? now;
    if (range.filter.since === undefined || to - from > MAX_HOUR_DAYS * DAY_MS + 2 * 3_600_000) {
      throw bad(`period=hour covers at most ${MAX_HOUR_DAYS} days; narrow since and until`);
    }
  }
  return { ...range, period, by };
}

export function blocksQuery(params: URLSearchParams, defaultZone: string, now: number): RangeQuery {
  const p = single(params, ['since', 'until', 'tool', 'project', 'tz']);
  // Blocks are a recent matter: the last week unless asked for more.
  const range = rangeOf(p, defaultZone, now, 'day');
  if (!p.has('since')) {
    const tz = range.tz;
    const since = daysBefore(localDate(now, tz), 6);
    range.filter.since = startOfLocalDay(since, tz);
    range.since = formatDate(since);
  }
  return range;
}

export interface ActivityQuery extends RangeQuery {
  kind: ActivityKind | undefined;
}

const ACTIVITY_KINDS: readonly ActivityKind[] = ['app', 'cli', 'site'];

/** /api/activity: a range of local days (the last 30 by default) and maybe one kind. */
export function activityQuery(
  params: URLSearchParams,
  defaultZone: string,
  now: number,
): ActivityQuery {
  const p = single(params, ['since', 'until', 'tz', 'kind']);
  const kindText = p.get('kind');
  if (kindText !== undefined && !(ACTIVITY_KINDS as readonly string[]).includes(kindText)) {
    throw bad(`unknown kind "${kindText}"; use ${ACTIVITY_KINDS.join(', ')}`);
  }
  p.delete('kind');
  return { ...rangeOf(p, defaultZone, now, 'day'), kind: kindText as ActivityKind | undefined };
}

export function summaryQuery(params: URLSearchParams, defaultZone: string): { tz: string } {
  const p = single(params, ['tz']);
  return { tz: zoneOf(p.get('tz'), defaultZone) };
}

export function noQuery(params: URLSearchParams): void {
  single(params, []);
}

/** Midnight of today, of this week's Monday and of this month's first, in `tz`. */
export function periodStarts(now: number, tz: string) {
  const today = localDate(now, tz);
  const day = localDay(now, tz);
  return {
    today: startOfLocalDay(today, tz),
    tomorrow: startOfLocalDay(nextDay(today), tz),
    week: startOfLocalDay(daysBefore(today, (day + 3) % 7), tz),
    month: startOfLocalDay({ ...today, day: 1 }, tz),
  };
}
