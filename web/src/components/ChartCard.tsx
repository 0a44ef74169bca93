import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { chartCsv, csvFileName, hasValues, type ChartData, type Period } from '../insights';
import { Chart } from './Chart';

/** Saves `text` as a file through a Blob URL (the browser's download, nothing sent anywhere). */
function downloadText(text: string, fileName: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

function formatValue(v: number | null | undefined, locale: string, unit?: string): string {
  if (v === null || v === undefined) return '—';
  const s = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(v);
  return unit ? `${s} ${unit}` : s;
}

/** The chart's numbers as a table: one row per x value, one column per series. */
export function ChartTable({ data, locale }: { data: ChartData; locale: string }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="chart-table">
        <thead>
          <tr>
            <th scope="col">{data.xLabel}</th>
            {data.series.map((s) => (
              <th key={s.key} scope="col" data-series={s.key}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.keys.map((k, i) => (
            <tr key={k} data-testid="chart-table-row" data-key={k}>
              <th scope="row">{data.labels[i]}</th>
              {data.series.map((s) => (
                <td key={s.key} data-series={s.key} data-value={s.values[i] ?? ''}>
                  {formatValue(s.values[i], locale, data.unit)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface Props {
  data: ChartData;
  title: string;
  period: Period;
  /** Key figures shown above the plot. */
  children?: ReactNode;
}

/**
 * A dashboard chart with its tools: chart ↔ table view (the same numbers) and a CSV download
 * of them named `<chart>-<from>-<to>.csv`.
 */
export function ChartCard({ data, title, period, children }: Props) {
  const { t, locale } = useI18n();
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const empty = !hasValues(data);
  const titleId = `chart-title-${data.name}`;

  return (
    <section
      className="panel chart-card"
      data-testid="analytics-chart"
      data-chart={data.name}
      data-view={view}
      data-empty={empty ? 'true' : 'false'}
      aria-labelledby={titleId}
    >
      <div className="chart-head">
        <h2 id={titleId}>{title}</h2>
        <div className="chart-tools">
          <button
            type="button"
            className="btn btn-small"
            data-testid="chart-view-toggle"
            aria-pressed={view === 'table'}
            onClick={() => setView(view === 'chart' ? 'table' : 'chart')}
          >
            {view === 'chart' ? t('insights.showTable') : t('insights.showChart')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="chart-csv"
            title={t('insights.csvHint')}
            onClick={() => downloadText(chartCsv(data), csvFileName(data.name, period), 'text/csv;charset=utf-8')}
          >
            {t('insights.csv')}
          </button>
        </div>
      </div>
      {children}
      {empty ? (
        <p className="muted small chart-empty" data-testid="chart-empty">
          {t('insights.noData')}
        </p>
      ) : view === 'chart' ? (
        <Chart data={data} locale={locale} label={title} />
      ) : (
        <ChartTable data={data} locale={locale} />
      )}
    </section>
  );
}
