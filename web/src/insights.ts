// The analyst's dashboard and explorer without React or the DOM (docs/API.md "Analyst
// workspace"): the period (UTC days, `to` inclusive), filters ↔ URL, the dashboard's series
// as chart data (one ChartData feeds the plot, its table view and its CSV, so all three show the
// same numbers; dashboardCharts.ts shapes them), and CSV text (RFC 4180).

// ---------- period ----------

const DAY_MS = 86_400_000;
export const DEFAULT_DAYS = 30;
export const QUICK_DAYS: readonly number[] = [7, 30, 90];

export interface Period {
  from: string;
  to: string;
}

/** A real calendar day written YYYY-MM-DD. */
export function isDay(v: string | null | undefined): v is string {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const ms = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDay(ms) === v;
}

/** The UTC day of an instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
}

/**
 * The last instant of a UTC day (RFC 3339), for filters that take a time: the call explorer's
 * `to` is then inclusive whether the server reads it as a day or as an instant.
 */
export function endOfDay(day: string): string {
  return `${day}T23:59:59.999Z`;
}

/** The last `n` UTC days, today included. */
export function lastDays(n: number, now = Date.now()): Period {
  const to = utcDay(now);
  return { from: addDays(to, -(n - 1)), to };
}

/** Every day from `from` to `to`, both included (at most `cap` of them). */
export function dayRange(from: string, to: string, cap = 400): string[] {
  if (!isDay(from) || !isDay(to) || from > to) return [];
  const out: string[] = [];
  for (let d = from; d <= to && out.length < cap; d = addDays(d, 1)) out.push(d);
  return out;
}

/** What the analyst's pages keep in the URL. Empty vertical/category = all. */
export interface AnalystQuery extends Period {
  vertical: string;
  category: string;
}

const CODE_RE = /^[a-z][a-z0-9_]{0,39}$/;

/** The filters the URL states; a missing or broken period becomes the last 30 days. */
export function analystQueryFrom(params: URLSearchParams, now = Date.now()): AnalystQuery {
  const from = params.get('from');
  const to = params.get('to');
  const period = isDay(from) && isDay(to) ? { from, to } : lastDays(DEFAULT_DAYS, now);
  const code = (v: string | null) => (v && CODE_RE.test(v) ? v : '');
  return { ...period, vertical: code(params.get('vertical')), category: code(params.get('category')) };
}

export function analystQueryParams(q: Partial<AnalystQuery>): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'vertical', 'category'] as const) {
    const v = q[k];
    if (v) p.set(k, v);
  }
  return p;
}

/** Which quick range (7/30/90 days up to today) the period is, if any. */
export function quickDaysOf(p: Period, now = Date.now()): number | null {
  return QUICK_DAYS.find((n) => {
    const q = lastDays(n, now);
    return q.from === p.from && q.to === p.to;
  }) ?? null;
}

// ---------- CSV (RFC 4180) ----------

export type CsvValue = string | number | null | undefined;

/** A field, quoted when it holds a comma, a quote or a line break (quotes doubled). */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header row + rows, CRLF line ends (RFC 4180), ending with a line break. */
export function buildCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** `<chart>-<from>-<to>.csv` */
export function csvFileName(chart: string, p: Period): string {
  return `${chart.replace(/[^a-z0-9_-]/gi, '_')}-${p.from}-${p.to}.csv`;
}

// ---------- chart data ----------

export type ChartKind = 'bars' | 'stacked' | 'grouped' | 'line';

export interface ChartSeries {
  /** CSV column and `data-series`. */
  key: string;
  label: string;
  color: string;
  values: (number | null)[];
  /** One colour per bar instead of `color`. */
  pointColors?: string[];
}

export interface ChartData {
  /** `data-chart` and the CSV file's name. */
  name: string;
  kind: ChartKind;
  /** The first CSV column's name (day, bucket, category, …) and the table's first header. */
  xKey: string;
  xLabel: string;
  /** Raw x values (CSV) and what is shown for them (axis, table). */
  keys: string[];
  labels: string[];
  series: ChartSeries[];
  /** Counts: whole-number ticks. */
  integer?: boolean;
  /** After each value in the table and legend, e.g. "%". */
  unit?: string;
  /** A fixed y range (shares in %). */
  yMax?: number;
}

export function hasValues(c: ChartData): boolean {
  return c.keys.length > 0 && c.series.some((s) => s.values.some((v) => v !== null));
}

/** The chart as CSV: the x key column, then one column per series (API keys, not translated). */
export function chartCsv(c: ChartData): string {
  return buildCsv(
    [c.xKey, ...c.series.map((s) => s.key)],
    c.keys.map((k, i) => [k, ...c.series.map((s) => s.values[i] ?? null)]),
  );
}

/** Running totals of stacked series (what the stacked bars' tops are drawn at). */
export function stackValues(series: readonly (readonly (number | null)[])[]): (number | null)[][] {
  const acc: number[] = [];
  return series.map((vals) =>
    vals.map((v, i) => {
      if (v === null) return null;
      acc[i] = (acc[i] ?? 0) + v;
      return acc[i] ?? null;
    }),
  );
}
