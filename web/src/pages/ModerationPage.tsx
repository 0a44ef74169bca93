import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError, api } from '../api';
import { CaseStatusBadge, PriorityBadge, SlaBadge } from '../components/CaseBadges';
import { SecondReviewPanel } from '../components/SecondReviewPanel';
import { apiErrorMessage, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import { reviewsApi, type SecondReview } from '../quality';
import { useSession } from '../session';
import type { CaseSummary, ModerationCase, ModeratorState, QueueSummary } from '../types';

const QUEUE_PAGE = 50;
const REFRESH_MS = 30_000;

/**
 * /moderation: the moderator's own state (on shift, the cases they hold, "next case") and the
 * supervisors' view of the whole queue in urgency order.
 */
export function ModerationPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();

  const [me, setMe] = useState<ModeratorState | null>(null);
  const [meError, setMeError] = useState<string | null>(null);
  const [shiftBusy, setShiftBusy] = useState(false);
  const [nextBusy, setNextBusy] = useState(false);
  const [nextMessage, setNextMessage] = useState<{ kind: 'empty' } | { kind: 'error'; code: string; text: string } | null>(null);

  // A blind second review taken with "Second review" (docs/quality.md).
  const [review, setReview] = useState<{ review: SecondReview; case: ModerationCase } | null>(null);
  const [reviewBusy, setReviewBusy] = useState(false);
  const [reviewMessage, setReviewMessage] = useState<{ kind: 'empty' } | { kind: 'error'; code: string; text: string } | null>(null);

  const [queue, setQueue] = useState<CaseSummary[]>([]);
  const [summary, setSummary] = useState<QueueSummary | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [queueLoading, setQueueLoading] = useState(true);
  const [queueError, setQueueError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const queueGen = useRef(0);

  const loadMe = useCallback(async () => {
    try {
      setMe(await api.moderationMe());
      setMeError(null);
    } catch (e) {
      setMeError(apiErrorMessage(t, e));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const loadQueue = useCallback(async () => {
    const gen = ++queueGen.current;
    try {
      const res = await api.moderationQueue(null, QUEUE_PAGE);
      if (gen !== queueGen.current) return;
      setQueue(res.items ?? []);
      setCursor(res.next_cursor ?? null);
      setSummary(res.summary ?? null);
      setQueueError(null);
    } catch (e) {
      if (gen === queueGen.current) setQueueError(apiErrorMessage(t, e));
    } finally {
      if (gen === queueGen.current) setQueueLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const refreshAll = useCallback(() => {
    void loadMe();
    void loadQueue();
  }, [loadMe, loadQueue]);

  useEffect(() => {
    refreshAll();
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') refreshAll();
    }, REFRESH_MS);
    return () => {
      window.clearInterval(timer);
      queueGen.current++;
    };
  }, [refreshAll]);

  async function toggleShift() {
    if (!me || shiftBusy) return;
    setShiftBusy(true);
    setMeError(null);
    try {
      setMe(await api.setOnShift(!me.on_shift));
      setNextMessage(null);
    } catch (e) {
      setMeError(apiErrorMessage(t, e));
    } finally {
      setShiftBusy(false);
    }
  }

  async function takeNext() {
    if (nextBusy) return;
    setNextBusy(true);
    setNextMessage(null);
    try {
      const res = (await api.moderationNext()) as { case?: ModerationCase } | ModerationCase | undefined;
      const c = res && 'case' in res ? res.case : (res as ModerationCase | undefined);
      if (!c || !c.id) {
        setNextMessage({ kind: 'empty' });
        void loadQueue();
        return;
      }
      navigate(`/moderation/cases/${encodeURIComponent(c.id)}`);
    } catch (e) {
      setNextMessage({ kind: 'error', code: e instanceof ApiError ? e.code : 'error', text: apiErrorMessage(t, e) });
      void loadMe();
    } finally {
      setNextBusy(false);
    }
  }

  async function takeReview() {
    if (reviewBusy) return;
    setReviewBusy(true);
    setReviewMessage(null);
    try {
      const res = await reviewsApi.next();
      if (!res || !res.review || !res.case) {
        setReview(null);
        setReviewMessage({ kind: 'empty' });
        return;
      }
      setReview({ review: res.review, case: res.case });
    } catch (e) {
      setReviewMessage({ kind: 'error', code: e instanceof ApiError ? e.code : 'error', text: apiErrorMessage(t, e) });
    } finally {
      setReviewBusy(false);
    }
  }

  async function loadMore() {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const res = await api.moderationQueue(cursor, QUEUE_PAGE);
      setQueue((prev) => {
        const seen = new Set(prev.map((c) => c.id));
        return [...prev, ...(res.items ?? []).filter((c) => !seen.has(c.id))];
      });
      setCursor(res.next_cursor ?? null);
    } catch (e) {
      setQueueError(apiErrorMessage(t, e));
    } finally {
      setLoadingMore(false);
    }
  }

  const onShift = !!me?.on_shift;
  const assigned = me?.assigned ?? [];

  return (
    <main className="page moderation-page" data-testid="moderation-page">
      <div className="page-head">
        <h1>{t('moderation.title')}</h1>
        <button type="button" className="btn btn-small" data-testid="queue-refresh" onClick={refreshAll}>
          {t('moderation.refresh')}
        </button>
      </div>

      {review && (
        <SecondReviewPanel
          key={review.review.id}
          review={review.review}
          kase={review.case}
          onDecided={(r) => setReview((prev) => (prev ? { ...prev, review: { ...prev.review, ...r } } : prev))}
        />
      )}

      <div className="mod-layout">
        <section className="panel mod-me" data-testid="moderation-me" aria-labelledby="mod-me-title">
          <h2 id="mod-me-title">{t('moderation.myWork')}</h2>
          {meError && (
            <p className="form-error" role="alert" data-testid="moderation-me-error">
              {meError}
            </p>
          )}
          {me ? (
            <>
              <div className="shift-row">
                <button
                  type="button"
                  role="switch"
                  aria-checked={onShift}
                  className={`shift-toggle${onShift ? ' on' : ''}`}
                  data-testid="moderation-shift"
                  data-on-shift={onShift ? 'true' : 'false'}
                  disabled={shiftBusy}
                  onClick={() => void toggleShift()}
                >
                  <span className="shift-knob" aria-hidden="true" />
                  <span>{onShift ? t('moderation.onShift') : t('moderation.offShift')}</span>
                </button>
                <span className="muted small" data-testid="moderation-capacity">
                  {t('moderation.holding', { n: assigned.length, capacity: me.capacity })}
                </span>
              </div>
              {me.skills && me.skills.length > 0 && (
                <p className="small">
                  {t('moderation.skills')}{' '}
                  {me.skills.map((s) => (
                    <span key={s} className="tag skill-tag">
                      {s}
                    </span>
                  ))}
                </p>
              )}
              <button
                type="button"
                className="btn btn-primary btn-block"
                data-testid="moderation-next"
                disabled={nextBusy}
                onClick={() => void takeNext()}
              >
                {nextBusy ? t('common.wait') : t('moderation.next')}
              </button>
              {nextMessage?.kind === 'empty' && (
                <p className="muted small" role="status" data-testid="moderation-empty">
                  {t('moderation.empty')}
                </p>
              )}
              {nextMessage?.kind === 'error' && (
                <p className="form-error" role="alert" data-testid="moderation-next-error" data-code={nextMessage.code}>
                  {nextMessage.text}
                </p>
              )}
              <button
                type="button"
                className="btn btn-block"
                data-testid="review-next"
                disabled={reviewBusy}
                onClick={() => void takeReview()}
              >
                {reviewBusy ? t('common.wait') : t('secondReview.next')}
              </button>
              {reviewMessage?.kind === 'empty' && (
                <p className="muted small" role="status" data-testid="review-empty">
                  {t('secondReview.empty')}
                </p>
              )}
              {reviewMessage?.kind === 'error' && (
                <p className="form-error" role="alert" data-testid="review-next-error" data-code={reviewMessage.code}>
                  {reviewMessage.text}
                </p>
              )}
              <h3 className="mod-subtitle">{t('moderation.assigned')}</h3>
              {assigned.length === 0 ? (
                <p className="muted small" data-testid="my-cases-empty">
                  {t('moderation.assignedEmpty')}
                </p>
              ) : (
                <ul className="rows">
                  {assigned.map((c) => (
                    <li key={c.id}>
                      <Link
                        to={`/moderation/cases/${encodeURIComponent(c.id)}`}
                        className="panel case-link"
                        data-testid="my-case"
                        data-case-id={c.id}
                        data-priority={c.priority}
                        data-sla-state={c.sla_state}
                      >
                        <CaseLine c={c} locale={locale} />
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            !meError && <p className="muted">{t('common.loading')}</p>
          )}
        </section>

        <section className="panel mod-queue" data-testid="moderation-queue" aria-labelledby="mod-queue-title">
          <h2 id="mod-queue-title">{t('moderation.queue')}</h2>
          <p className="muted small">{t('moderation.queueHint')}</p>
          {summary && (
            <dl className="queue-summary" data-testid="queue-summary">
              {(['open', 'assigned', 'at_risk', 'breached'] as const).map((k) => (
                <div key={k} className={`queue-summary-item qs-${k}`} data-testid={`queue-summary-${k.replace('_', '-')}`} data-count={summary[k] ?? 0}>
                  <dt>{t(`moderation.summary.${k}`)}</dt>
                  <dd>{summary[k] ?? 0}</dd>
                </div>
              ))}
            </dl>
          )}
          {queueError && (
            <p className="form-error" role="alert" data-testid="queue-error">
              {queueError}
            </p>
          )}
          {queueLoading ? (
            <p className="muted">{t('common.loading')}</p>
          ) : queue.length === 0 && !queueError ? (
            <p className="empty muted" data-testid="queue-empty">
              {t('moderation.queueEmpty')}
            </p>
          ) : (
            <ol className="rows queue-list">
              {queue.map((c) => (
                <li key={c.id}>
                  <Link
                    to={`/moderation/cases/${encodeURIComponent(c.id)}`}
                    className={`panel case-link queue-row sla-row-${c.sla_state}`}
                    data-testid="queue-row"
                    data-case-id={c.id}
                    data-priority={c.priority}
                    data-sla-state={c.sla_state}
                    data-status={c.status}
                    data-assignee-id={c.assignee_id ?? ''}
                  >
                    <CaseLine c={c} locale={locale} meId={user?.id ?? null} />
                  </Link>
                </li>
              ))}
            </ol>
          )}
          {cursor && !queueLoading && (
            <div className="center list-more">
              <button type="button" className="btn" data-testid="queue-more" disabled={loadingMore} onClick={() => void loadMore()}>
                {loadingMore ? t('common.loading') : t('moderation.more')}
              </button>
            </div>
          )}
        </section>
      </div>
    </main>
  );
}

/** One case in a list: number, kind, priority, SLA, status and who holds it, the accused. */
function CaseLine({ c, locale, meId }: { c: CaseSummary; locale: string; meId?: string | null }) {
  const { t } = useI18n();
  const accusedName = c.accused?.display_name;
  return (
    <div className="case-line">
      <div className="case-line-head">
        <strong>{t('moderation.caseN', { id: c.id })}</strong>
        <span className="muted small">{label(t, 'moderation.kind.', c.kind)}</span>
        <PriorityBadge priority={c.priority} />
        <SlaBadge state={c.sla_state} dueAt={c.sla_due_at} />
        <CaseStatusBadge status={c.status} />
      </div>
      <div className="muted small case-line-meta">
        {accusedName && <span>{t('moderation.accusedName', { name: accusedName })}</span>}
        {c.sla_due_at && <span>{t('moderation.dueAt', { date: formatDateTime(c.sla_due_at, locale) })}</span>}
        {typeof c.complainants === 'number' && <span>{t('moderation.complainants', { n: c.complainants })}</span>}
        {typeof c.auto_flags === 'number' && c.auto_flags > 0 && (
          <span className="tag auto-flags-tag" data-testid="queue-auto-flags" data-count={c.auto_flags} title={t('moderation.autoFlagsHint', { n: c.auto_flags })}>
            {t('moderation.autoFlags', { n: c.auto_flags })}
          </span>
        )}
        {(c.vertical || c.language) && <span>{[c.vertical ? label(t, 'vertical.', c.vertical) : '', c.language ?? ''].filter(Boolean).join(' · ')}</span>}
        {c.status === 'assigned' && c.assignee_id && (
          <span data-testid="queue-assignee">
            {meId && c.assignee_id === meId
              ? t('moderation.assignedToMe')
              : t('moderation.assignedTo', { name: c.assignee_name || `#${c.assignee_id}` })}
          </span>
        )}
      </div>
    </div>
  );
}
