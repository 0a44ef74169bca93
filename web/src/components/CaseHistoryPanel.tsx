import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import type { Complaint, ModerationCase } from '../types';

function HistoryList({ title, count, emptyText, testId, children }: { title: string; count: number; emptyText: string; testId: string; children: ReactNode }) {
  return (
    <div className="history-block" data-testid={testId} data-count={count}>
      <h3>
        {title} <span className="muted small">({count})</span>
      </h3>
      {count === 0 ? <p className="muted small">{emptyText}</p> : <ul className="history-list">{children}</ul>}
    </div>
  );
}

function ComplaintLine({ c, testId, locale }: { c: Complaint; testId: string; locale: string }) {
  const { t } = useI18n();
  return (
    <li data-testid={testId} data-id={c.id} data-status={c.status} data-call-id={c.call_id}>
      <div className="history-line-head">
        <strong>{label(t, 'complaint.category.', c.category)}</strong>
        <span className={`tag complaint-status complaint-status-${c.status}`}>{label(t, 'complaint.status.', c.status)}</span>
        <span className="muted small">{formatDateTime(c.created_at, locale)}</span>
      </div>
      <div className="small history-text">{c.text}</div>
      <div className="muted small">
        {t('case.callN', { id: c.call_id })}
        {c.case_id && (
          <>
            {' · '}
            <Link to={`/moderation/cases/${encodeURIComponent(c.case_id)}`}>{t('moderation.caseN', { id: c.case_id })}</Link>
          </>
        )}
      </div>
    </li>
  );
}

/** The accused's record: earlier cases, sanctions, complaints against them and by them. */
export function CaseHistoryPanel({ kase }: { kase: ModerationCase }) {
  const { t, locale } = useI18n();
  const h = kase.history ?? { cases: [], sanctions: [], complaints_against: [], complaints_by: [] };
  const cases = (h.cases ?? []).filter((c) => c.id !== kase.id);
  const sanctions = h.sanctions ?? [];
  const against = h.complaints_against ?? [];
  const by = h.complaints_by ?? [];
  return (
    <section className="panel case-history" data-testid="case-history" aria-labelledby="case-history-title">
      <h2 id="case-history-title">{t('history.title', { name: kase.accused?.display_name ?? '' })}</h2>

      <HistoryList title={t('history.cases')} count={cases.length} emptyText={t('history.none')} testId="history-cases">
        {cases.map((c) => (
          <li key={c.id} data-testid="history-case" data-case-id={c.id} data-status={c.status} data-action={c.action ?? ''}>
            <div className="history-line-head">
              <Link to={`/moderation/cases/${encodeURIComponent(c.id)}`}>{t('moderation.caseN', { id: c.id })}</Link>
              <span className="muted small">{label(t, 'moderation.kind.', c.kind)}</span>
              <span className="tag">{label(t, 'moderation.caseStatus.', c.status)}</span>
              {c.action && <span className="tag">{label(t, 'action.', c.action)}</span>}
            </div>
            <div className="muted small">
              {t('history.opened', { date: formatDateTime(c.opened_at, locale) })}
              {c.decided_at ? ` · ${t('history.decided', { date: formatDateTime(c.decided_at, locale) })}` : ''}
            </div>
          </li>
        ))}
      </HistoryList>

      <HistoryList title={t('history.sanctions')} count={sanctions.length} emptyText={t('history.none')} testId="history-sanctions">
        {sanctions.map((s) => (
          <li key={s.id} data-testid="history-sanction" data-id={s.id} data-kind={s.kind} data-status={s.status}>
            <div className="history-line-head">
              <strong>{label(t, 'sanction.kind.', s.kind)}</strong>
              <span className="tag">{label(t, 'sanction.status.', s.status)}</span>
              <span className="muted small">
                {formatDateTime(s.starts_at, locale)}
                {s.kind === 'block' && s.ends_at ? ` → ${formatDateTime(s.ends_at, locale)}` : ''}
              </span>
            </div>
            <div className="small history-text">{s.reason}</div>
            {s.appeal && (
              <div className="muted small">
                {t('history.appeal', { status: label(t, 'appeal.status.', s.appeal.status) })}
              </div>
            )}
          </li>
        ))}
      </HistoryList>

      <HistoryList title={t('history.against')} count={against.length} emptyText={t('history.none')} testId="history-against">
        {against.map((c) => (
          <ComplaintLine key={c.id} c={c} testId="history-complaint-against" locale={locale} />
        ))}
      </HistoryList>

      <HistoryList title={t('history.by')} count={by.length} emptyText={t('history.none')} testId="history-by">
        {by.map((c) => (
          <ComplaintLine key={c.id} c={c} testId="history-complaint-by" locale={locale} />
        ))}
      </HistoryList>
    </section>
  );
}
