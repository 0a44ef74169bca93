import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { percent } from '../analytics';
import { ApiError } from '../api';
import { apiErrorMessage, errorText, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import { DECISION_ACTIONS, reviewsApi, type DecisionAction, type Reporter, type SupervisedReview } from '../quality';

type Load<T> = { kind: 'loading' } | { kind: 'loaded'; data: T } | { kind: 'error'; message: string };

function useList<T>(load: () => Promise<{ items: T[] }>): [Load<T[]>, (f: (items: T[]) => T[]) => void] {
  const { t } = useI18n();
  const [list, setList] = useState<Load<T[]>>({ kind: 'loading' });
  useEffect(() => {
    let cancelled = false;
    load()
      .then((r) => {
        if (!cancelled) setList({ kind: 'loaded', data: r.items ?? [] });
      })
      .catch((e: unknown) => {
        if (!cancelled) setList({ kind: 'error', message: errorText(t, e) });
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const update = (f: (items: T[]) => T[]) => setList((l) => (l.kind === 'loaded' ? { kind: 'loaded', data: f(l.data) } : l));
  return [list, update];
}

/**
 * Blind double reviews where the second moderator disagreed with the first
 * (GET /quality/reviews?status=disagreed): the supervisor records the final action with a
 * reason, and the review shows resolved in place.
 */
export function DisagreementsPanel({ names }: { names: Readonly<Record<string, string>> }) {
  const { t } = useI18n();
  const [list, update] = useList<SupervisedReview>(() => reviewsApi.list('disagreed'));
  const items = list.kind === 'loaded' ? list.data : [];
  return (
    <section className="panel" aria-labelledby="quality-disagreements-title" data-testid="quality-disagreements" data-state={list.kind}>
      <h2 id="quality-disagreements-title">{t('quality.rv.title')}</h2>
      <p className="muted small">{t('quality.rv.hint')}</p>
      {list.kind === 'error' && (
        <p className="form-error" role="alert">
          {list.message}
        </p>
      )}
      {list.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}
      {list.kind === 'loaded' && items.length === 0 && (
        <p className="muted" data-testid="disagreements-empty">
          {t('quality.rv.empty')}
        </p>
      )}
      {items.length > 0 && (
        <ul className="rows">
          {items.map((r) => (
            <DisagreementCard key={r.id} review={r} names={names} onChange={(x) => update((l) => l.map((y) => (y.id === x.id ? { ...y, ...x } : y)))} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DisagreementCard({ review, names, onChange }: { review: SupervisedReview; names: Readonly<Record<string, string>>; onChange: (r: SupervisedReview) => void }) {
  const { t, locale } = useI18n();
  const [action, setAction] = useState<DecisionAction>((DECISION_ACTIONS as readonly string[]).includes(review.first_action) ? (review.first_action as DecisionAction) : 'dismiss');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const who = (id: string | null) => (id ? names[id] || `#${id}` : '—');
  const open = review.status === 'disagreed';

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onChange(await reviewsApi.verdict(review.id, action, reason.trim()));
    } catch (err) {
      setError(apiErrorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="panel quality-task" data-testid="review-disagreement" data-review-id={review.id} data-status={review.status}>
      <div className="theme-head">
        <Link to={`/moderation/cases/${encodeURIComponent(review.case_id)}`} data-testid="disagreement-case">
          {t('moderation.caseN', { id: review.case_id })}
        </Link>
        <span className="tag">{label(t, 'complaint.category.', review.category)}</span>
        <span className="muted small">{formatDateTime(review.created_at, locale)}</span>
      </div>
      <p className="small">
        {t('quality.rv.first', { name: who(review.first_moderator_id), action: label(t, 'action.', review.first_action) })}
        <br />
        {t('quality.rv.second', { name: who(review.second_moderator_id), action: label(t, 'action.', review.second_action) })}
      </p>
      {open ? (
        <form className="form" onSubmit={(e) => void submit(e)}>
          <label className="field">
            <span>{t('quality.rv.verdict')}</span>
            <select data-testid="verdict-action" value={action} onChange={(e) => setAction(e.target.value as DecisionAction)}>
              {DECISION_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {label(t, 'action.', a)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('quality.rv.reason')}</span>
            <textarea data-testid="verdict-reason" rows={2} maxLength={4000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-small btn-primary" data-testid="verdict-submit" disabled={busy || !reason.trim()}>
            {busy ? t('common.wait') : t('quality.rv.submit')}
          </button>
        </form>
      ) : (
        <p className="notice-ok small" role="status" data-testid="verdict-done">
          {t('quality.rv.resolved', { action: label(t, 'action.', review.verdict ?? action) })}
          {review.verdict_reason && <> — {review.verdict_reason}</>}
        </p>
      )}
      {error && (
        <p className="form-error small" role="alert" data-testid="verdict-error">
          {error}
        </p>
      )}
    </li>
  );
}

/** Reporters, the least credible first (GET /quality/reporters), with mute and unmute in place. */
export function ReportersPanel() {
  const { t } = useI18n();
  const [list, update] = useList<Reporter>(() => reviewsApi.reporters());
  const items = list.kind === 'loaded' ? list.data : [];
  return (
    <section className="panel" aria-labelledby="quality-reporters-title" data-testid="quality-reporters" data-state={list.kind}>
      <h2 id="quality-reporters-title">{t('quality.rp.title')}</h2>
      <p className="muted small">{t('quality.rp.hint')}</p>
      {list.kind === 'error' && (
        <p className="form-error" role="alert">
          {list.message}
        </p>
      )}
      {list.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}
      {list.kind === 'loaded' && items.length === 0 && (
        <p className="muted" data-testid="reporters-empty">
          {t('quality.rp.empty')}
        </p>
      )}
      {items.length > 0 && (
        <ul className="rows">
          {items.map((r) => (
            <ReporterRow key={r.user_id} reporter={r} onChange={(x) => update((l) => l.map((y) => (y.user_id === x.user_id ? { ...y, ...x } : y)))} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ReporterRow({ reporter: r, onChange }: { reporter: Reporter; onChange: (r: Reporter) => void }) {
  const { t, locale } = useI18n();
  const [days, setDays] = useState(7);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function act(kind: 'mute' | 'unmute') {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onChange(kind === 'mute' ? await reviewsApi.mute(r.user_id, days, reason.trim()) : await reviewsApi.unmute(r.user_id));
      setReason('');
    } catch (err) {
      setError(err instanceof ApiError ? apiErrorMessage(t, err) : errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="panel quality-task" data-testid="reporter-row" data-user-id={r.user_id} data-muted={r.muted ? 'true' : 'false'}>
      <div className="theme-head">
        <strong>{r.display_name || `#${r.user_id}`}</strong>
        <span className="small">{t('quality.rp.figures', { upheld: r.upheld, dismissed: r.dismissed, credibility: percent(r.credibility) ?? '—' })}</span>
        {r.muted && (
          <span className="tag tag-muted" data-testid="reporter-muted">
            {r.muted_until ? t('quality.rp.mutedUntil', { date: formatDateTime(r.muted_until, locale) }) : t('quality.rp.muted')}
          </span>
        )}
      </div>
      {r.muted && r.mute_reason && <p className="muted small">{r.mute_reason}</p>}
      {r.muted ? (
        <button type="button" className="btn btn-small" data-testid="reporter-unmute" disabled={busy} onClick={() => void act('unmute')}>
          {busy ? t('common.wait') : t('quality.rp.unmute')}
        </button>
      ) : (
        <div className="theme-head">
          <label className="field">
            <span>{t('quality.rp.days')}</span>
            <input type="number" min={1} max={3650} data-testid="reporter-mute-days" value={days} onChange={(e) => setDays(Math.max(1, Math.min(3650, Math.round(Number(e.target.value) || 1))))} />
          </label>
          <label className="field">
            <span>{t('quality.rp.reason')}</span>
            <input type="text" maxLength={1000} data-testid="reporter-mute-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="button" className="btn btn-small" data-testid="reporter-mute" disabled={busy || !reason.trim()} onClick={() => void act('mute')}>
            {busy ? t('common.wait') : t('quality.rp.mute')}
          </button>
        </div>
      )}
      {error && (
        <p className="form-error small" role="alert" data-testid="reporter-error">
          {error}
        </p>
      )}
    </li>
  );
}
