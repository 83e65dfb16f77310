// The Prometheus name of an OpenTelemetry metric, as the OpenTelemetry Collector's Prometheus
// exporter writes it (suffixes on, its default; the rules of the OpenTelemetry "Prometheus and
// OpenMetrics compatibility" specification): the name split into words at every character
// other than a letter, digit or colon and joined with `_`; the unit added as a word (`s` →
// `seconds`, `%` → `percent`, `By` → `bytes`, others as written; `1` and `{annotations}`
// add nothing) unless the name has that word already; `total` last for a monotonic sum;
// `ratio` last for a gauge of unit `1`.
//
// GET /metrics uses it too, so a dashboard query finds the same series whether Prometheus
// scrapes the agent or the collector. (The JavaScript SDK's own Prometheus serializer only
// replaces dots and adds `_total`: `ai.app.active.duration` would be
// `ai_app_active_duration_total` there but `ai_app_active_duration_seconds_total` behind a
// collector.)

const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNIT_WORDS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** How the collector sees the metric's type. */
export type PrometheusType = 'monotonic-sum' | 'sum' | 'gauge';

function words(text: string): string[] {
  return text.split(/[^a-zA-Z0-9:]+/).filter((w) => w !== '');
}

/** A unit part as name words: mapped, or cleaned of characters a name cannot hold. */
function unitWord(part: string | undefined, table: Record<string, string>): string {
  const u = (part ?? '').trim();
  if (u === '' || /[{}]/.test(u)) return '';
  return words(table[u] ?? u).join('_');
}

export function prometheusName(name: string, unit: string, type: PrometheusType): string {
  let tokens = words(name);
  const slash = unit.indexOf('/');
  const main = unitWord(slash < 0 ? unit : unit.slice(0, slash), UNIT_WORDS);
  const perWord = slash < 0 ? '' : unitWord(unit.slice(slash + 1), PER_UNIT_WORDS);
  const per = perWord === '' ? '' : `per_${perWord}`;
  if (main !== '' && !tokens.includes(main)) tokens.push(main);
  if (per !== '' && !tokens.includes(per)) tokens.push(per);
  if (type === 'monotonic-sum') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
  if (unit === '1' && type === 'gauge') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
  const out = tokens.join('_');
  return /^[0-9]/.test(out) ? `_${out}` : out;
}
