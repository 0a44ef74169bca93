import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { apiErrorMessage, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import { DECISION_ACTIONS, reviewsApi, type DecisionAction, type SecondReview } from '../quality';
import type { ModerationCase } from '../types';

/**
 * A blind second review (docs/quality.md "Blind double review"): the case as the first
 * moderator saw it, without their decision — the accused, the complaints and the calls — and a
 * form for the second moderator's own action and reason. Deciding touches no one; the review
 * shows "decided" in place.
 */
export function SecondReviewPanel({ review, kase, onDecided }: { review: SecondReview; kase: ModerationCase; onDecided: (r: SecondReview) => void }) {
  const { t, locale } = useI18n();
  const [action, setAction] = useState<DecisionAction>('dismiss');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decided = review.status === 'decided';

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || decided || !reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onDecided(await reviewsApi.decide(review.id, action, reason.trim()));
    } catch (err) {
      setError(apiErrorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  const complaints = kase.complaints ?? [];
  const calls = kase.calls ?? [];
  return (
    <section className="panel review-panel" data-testid="review-panel" data-review-id={review.id} data-case-id={kase.id} data-status={review.status}>
      <h2>{t('secondReview.title', { id: kase.id })}</h2>
      <p className="muted small">{t('secondReview.hint')}</p>
      <p className="small">
        {label(t, 'complaint.category.', review.category)}
        {kase.accused?.display_name && <> · {t('moderation.accusedName', { name: kase.accused.display_name })}</>}
        {review.lease_until && <> · {t('secondReview.leaseUntil', { date: formatDateTime(review.lease_until, locale) })}</>}
      </p>
      <h3 className="mod-subtitle">{t('secondReview.complaints', { n: complaints.length })}</h3>
      <ul className="rows">
        {complaints.map((c) => (
          <li key={c.id} className="small" data-testid="review-complaint">
            <strong>{label(t, 'complaint.category.', c.category)}</strong>
            {c.text && <>: <q>{c.text}</q></>}
            {c.quote && (
              <span className="muted">
                {' '}
                — <q>{c.quote}</q>
              </span>
            )}
          </li>
        ))}
      </ul>
      {calls.length > 0 && (
        <>
          <h3 className="mod-subtitle">{t('secondReview.calls')}</h3>
          <ul className="rows">
            {calls.map((call) => (
              <li key={call.id} className="small">
                <Link to={`/calls/${encodeURIComponent(call.id)}`} data-testid="review-call">
                  {t('secondReview.call', { id: call.id, date: formatDateTime(call.started_at ?? call.created_at, locale) })}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      {decided ? (
        <p className="notice-ok small" role="status" data-testid="review-decided">
          {t('secondReview.decided', { action: label(t, 'action.', review.second_action ?? action) })}
        </p>
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)}>
          <label className="field">
            <span>{t('secondReview.action')}</span>
            <select data-testid="review-action" value={action} onChange={(e) => setAction(e.target.value as DecisionAction)}>
              {DECISION_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {label(t, 'action.', a)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('secondReview.reason')}</span>
            <textarea data-testid="review-reason" rows={2} maxLength={4000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          {error && (
            <p className="form-error" role="alert" data-testid="review-error">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="review-submit" disabled={busy || !reason.trim()}>
              {busy ? t('common.wait') : t('secondReview.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
