// Calendar periods in a time zone: which day, week or month an instant falls in, and where a
// local date starts. Only Intl; no time zone data of our own.

export type Period = 'daily' | 'weekly' | 'monthly';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Offsets per time zone and UTC day: the offset at both ends of a day, when they agree, holds
 * for all of it (a zone changes its offset at most twice a year, never twice a day); a day with
 * a change is looked up per half hour, where every real zone's changes fall.
 */
const offsetCache = new Map<string, Map<number, number | 'changes'>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function rawOffset(ts: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ts)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return local - (ts - (ts % 60_000));
}

/**
 * The process's own time zone. Date's local time answers for it without Intl, whose first
 * time zone lookup loads ICU's zone data (~20 ms: most of a warm report's budget).
 */
export const LOCAL_ZONE = '';

/** Local time minus UTC at `ts`, in ms. */
export function tzOffset(ts: number, timeZone: string): number {
  // `|| 0`: UTC's offset is -0 this way, and -0 is no key for a cache or a Map.
  if (timeZone === LOCAL_ZONE) return new Date(ts).getTimezoneOffset() * -60_000 || 0;
  let byDay = offsetCache.get(timeZone);
  if (byDay === undefined) {
    byDay = new Map();
    offsetCache.set(timeZone, byDay);
  }
  const day = Math.floor(ts / DAY_MS);
  let hit = byDay.get(day);
  if (hit === undefined) {
    const a = rawOffset(day * DAY_MS, timeZone);
    hit = a === rawOffset((day + 1) * DAY_MS - 1, timeZone) ? a : 'changes';
    byDay.set(day, hit);
  }
  if (hit !== 'changes') return hit;
  const half = HOUR_MS / 2;
  return rawOffset(Math.floor(ts / half) * half, timeZone);
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export function localDate(ts: number, timeZone: string): LocalDate {
  const d = new Date(ts + tzOffset(ts, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function formatDate(d: LocalDate): string {
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

/** The UTC instant a local date's midnight falls on in `timeZone`. */
export function startOfLocalDay(d: LocalDate, timeZone: string): number {
  const guess = Date.UTC(d.year, d.month - 1, d.day);
  let ts = guess - tzOffset(guess, timeZone);
  // Once more at the found instant: the offset may differ across a DST change.
  ts = guess - tzOffset(ts, timeZone);
  return ts;
}

/** The local calendar day `ts` falls on in `timeZone`, as days since 1970-01-01. */
export function localDay(ts: number, timeZone: string): number {
  return Math.floor((ts + tzOffset(ts, timeZone)) / DAY_MS);
}

/** The label of the period `ts` falls in: `2026-11-21`, the Monday of its week, or `2026-11`. */
export function periodLabel(ts: number, period: Period, timeZone: string): string {
  return periodLabelOfDay(localDay(ts, timeZone), period);
}

/** The label of the period a local day (days since 1970-01-01) falls in. */
export function periodLabelOfDay(day: number, period: Period): string {
  const d = new Date(day * DAY_MS);
  if (period === 'monthly') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  // Monday = 0 (ISO 8601); 1970-01-01 was a Thursday.
  const first = period === 'weekly' ? new Date((day - ((day + 3) % 7)) * DAY_MS) : d;
  return formatDate({
    year: first.getUTCFullYear(),
    month: first.getUTCMonth() + 1,
    day: first.getUTCDate(),
  });
}

/**
 * Where a zone's offset changes between `from` and `to`: the offset at `from`, then each
 * instant (a multiple of `step`) from which another holds. Days are probed and a changing day
 * is searched by halves, so a year costs a few hundred lookups, not thousands.
 */
export function offsetChanges(
  from: number,
  to: number,
  step: number,
  offsetAt: (ts: number) => number,
): Array<{ from: number; offset: number }> {
  const start = from - (from % step);
  const out = [{ from: start, offset: offsetAt(start) }];
  let lo = start;
  while (lo < to) {
    const hi = Math.min(lo + DAY_MS - (DAY_MS % step), to - (to % step) + step);
    const current = out[out.length - 1]!.offset;
    if (offsetAt(hi) === current) {
      lo = hi;
      continue;
    }
    // First multiple of `step` in (lo, hi] whose offset differs.
    let a = lo;
    let b = hi;
    while (b - a > step) {
      const mid = a + Math.floor((b - a) / step / 2) * step;
      if (offsetAt(mid) === current) a = mid;
      else b = mid;
    }
    out.push({ from: b, offset: offsetAt(b) });
    lo = b;
  }
  return out;
}

/** `20261121` or `2026-11-21` → a local date; undefined when it is not a real date. */
export function parseDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text.trim());
  if (m === null) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (check.getUTCMonth() !== d.month - 1 || check.getUTCDate() !== d.day) return undefined;
  return d;
}

export function nextDay(d: LocalDate): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/**
 * Midnight today in `timeZone`, or in the process's own zone when none is given — the cheap
 * way: the first Intl time zone lookup loads ICU's zone data (~20 ms), Date's local time does
 * not, and the status line has a budget of a few tens of milliseconds.
 */
export function startOfToday(now: number, timeZone: string | undefined): number {
  return startOfLocalDay(localDate(now, timeZone ?? LOCAL_ZONE), timeZone ?? LOCAL_ZONE);
}

/** The system's time zone (what reports use unless told otherwise). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
