import { useState } from 'react';
import { analyticsExportUrl } from '../api';
import { useI18n } from '../i18n';
import type { Period } from '../insights';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind } from '../types';

/**
 * Raw rows of the dashboard's period as a file (GET /analytics/export): a plain link, so the
 * browser downloads it with the session cookie and the server's file name. Pseudonyms and
 * masked texts only; the server logs every export.
 */
export function AnalyticsExport({ period }: { period: Period }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<ExportKind>('calls');
  const [format, setFormat] = useState<ExportFormat>('csv');
  const href = analyticsExportUrl(kind, format, period);

  return (
    <section className="panel analytics-export" data-testid="analytics-export" aria-labelledby="analytics-export-title">
      <h2 id="analytics-export-title">{t('insights.export.title')}</h2>
      <p className="muted small">{t('insights.export.intro')}</p>
      <div className="analytics-export-row">
        <label className="field">
          <span>{t('insights.export.kind')}</span>
          <select data-testid="analytics-export-kind" value={kind} onChange={(e) => setKind(e.target.value as ExportKind)}>
            {EXPORT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`insights.export.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('insights.export.format')}</span>
          <select data-testid="analytics-export-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {EXPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <a className="btn btn-primary" href={href} download data-testid="analytics-export-link" data-kind={kind} data-format={format}>
          {t('insights.export.download')}
        </a>
      </div>
      <p className="muted small" data-testid="analytics-export-period">
        {t('insights.export.period', { from: period.from, to: period.to })}
      </p>
    </section>
  );
}
