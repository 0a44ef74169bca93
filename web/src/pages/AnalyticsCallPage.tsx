import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { CallMetrics } from '../components/CallAnalyticsPanel';
import { formatDuration } from '../calls';
import { errorText, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import { speakerKey } from '../transcripts';
import type { AnalystCallAnalytics, Pseudonym, Speaker } from '../types';
import type { ExplorerState } from './AnalyticsCallsPage';

type Load =
  | { kind: 'loading' }
  | { kind: 'pending' }
  | { kind: 'loaded'; data: AnalystCallAnalytics }
  | { kind: 'error'; message: string; forbidden: boolean };

const RETRY_MS = 10_000;

function isExplorerState(v: unknown): v is ExplorerState {
  return !!v && typeof v === 'object' && 'call' in v && !!(v as ExplorerState).call?.call_id;
}

function range(start: number, end: number): string {
  return `${formatDuration(start)}–${formatDuration(end)}`;
}

/**
 * /analytics/calls/{id}: one call as an analyst sees it (GET /calls/{id}/analytics, analyst
 * view): participants as pseudonyms, metrics and tone, the rules' flags and the utterances
 * with personal data masked. Never the recording.
 */
export function AnalyticsCallPage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const location = useLocation();
  const from = isExplorerState(location.state) && location.state.call.call_id === id ? location.state : null;
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    api
      .analystCallAnalytics(id)
      .then((data) => {
        if (!cancelled) setLoad({ kind: 'loaded', data });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 409) {
          // not_ready: computed after the transcript; ask again now and then.
          setLoad({ kind: 'pending' });
          timer = window.setTimeout(() => setAttempt((n) => n + 1), RETRY_MS);
        } else {
          setLoad({ kind: 'error', message: errorText(t, e), forbidden: e instanceof ApiError && e.status === 403 });
        }
      });
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, attempt]);

  const data = load.kind === 'loaded' ? load.data : null;
  const people: Record<Speaker, Pseudonym | null | undefined> = {
    buyer: data?.buyer ?? from?.call.buyer,
    seller: data?.seller ?? from?.call.seller,
  };
  const back = `/analytics/calls${from?.back ?? ''}`;

  return (
    <main className="page narrow analytics-page analytics-call-page" data-testid="analytics-call" data-call-id={id} data-state={load.kind}>
      <p className="crumbs">
        <Link to={back} data-testid="analytics-call-back">
          ← {t('explorer.call.back')}
        </Link>
      </p>
      <h1>{t('explorer.call.title', { id })}</h1>

      <section className="panel">
        <dl className="facts">
          {(['buyer', 'seller'] as const).map((side) => (
            <div className="fact" key={side}>
              <dt>{t(speakerKey(side))}</dt>
              <dd className="pseudonym" data-testid="analytics-pseudonym" data-role={side}>
                {people[side]?.pseudonym ?? '—'}
              </dd>
            </div>
          ))}
          {from && (
            <>
              <div className="fact">
                <dt>{t('explorer.col.started')}</dt>
                <dd>{formatDateTime(from.call.started_at, locale)}</dd>
              </div>
              <div className="fact">
                <dt>{t('explorer.col.vertical')}</dt>
                <dd>{label(t, 'vertical.', from.call.vertical) || '—'}</dd>
              </div>
              <div className="fact">
                <dt>{t('explorer.col.outcome')}</dt>
                <dd>{label(t, 'insights.outcome.', from.call.outcome)}</dd>
              </div>
            </>
          )}
          {data && (
            <div className="fact">
              <dt>{t('explorer.col.duration')}</dt>
              <dd>{formatDuration(data.duration_ms)}</dd>
            </div>
          )}
        </dl>
        <p className="muted small">{t('explorer.call.noRecording')}</p>
      </section>

      {load.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}
      {load.kind === 'pending' && (
        <p className="muted" role="status" data-testid="analysis-pending">
          {t('analytics.pending')}
        </p>
      )}
      {load.kind === 'error' && (
        <p className="form-error" role="alert" data-testid={load.forbidden ? 'analytics-no-access' : 'analytics-error'}>
          {load.forbidden ? t('insights.noAccess') : load.message}
        </p>
      )}

      {data && (
        <>
          <section className="panel call-analytics">
            {data.masked !== false && <p className="muted small">{t('analytics.masked')}</p>}
            <CallMetrics a={data} />
          </section>

          <section className="panel" data-testid="analytics-flags" aria-labelledby="analytics-flags-title">
            <h2 id="analytics-flags-title">
              {t('explorer.call.flags')} <span className="muted small">({(data.flags ?? []).length})</span>
            </h2>
            {(data.flags ?? []).length === 0 ? (
              <p className="muted small" data-testid="analytics-flags-empty">
                {t('flags.empty')}
              </p>
            ) : (
              <ul className="rows">
                {[...(data.flags ?? [])]
                  .sort((a, b) => a.start_ms - b.start_ms)
                  .map((f) => (
                    <li
                      key={f.id}
                      className={`flag-item sev-border-${f.severity}`}
                      data-testid="analytics-flag"
                      data-category={f.category}
                      data-severity={f.severity}
                      data-speaker={f.speaker}
                      data-start-ms={f.start_ms}
                    >
                      <div className="history-line-head">
                        <strong>{label(t, 'rule.category.', f.category)}</strong>
                        <span className={`tag sev-tag sev-${f.severity}`}>{label(t, 'severity.', f.severity)}</span>
                        <span className="muted small">{t(speakerKey(f.speaker))}</span>
                        <span className="muted small">{range(f.start_ms, f.end_ms)}</span>
                      </div>
                      <blockquote className="quote small" data-testid="analytics-flag-text">
                        “{f.text}”
                      </blockquote>
                    </li>
                  ))}
              </ul>
            )}
          </section>

          <section className="panel" data-testid="analytics-utterances" aria-labelledby="analytics-utterances-title">
            <h2 id="analytics-utterances-title">{t('explorer.call.utterances')}</h2>
            {(data.utterances ?? []).length === 0 ? (
              <p className="muted small">{t('explorer.call.noUtterances')}</p>
            ) : (
              <ol className="transcript-list utterance-list">
                {(data.utterances ?? []).map((u) => (
                  <li
                    key={`${u.segment_id}:${u.start_ms}`}
                    className={`tseg tseg-${u.speaker}`}
                    data-testid="analytics-utterance"
                    data-speaker={u.speaker}
                    data-tone={u.tone}
                  >
                    <div className="tseg-head">
                      <span className="tseg-time">{formatDuration(u.start_ms)}</span>
                      <span className="tseg-speaker">{t(speakerKey(u.speaker))}</span>
                      <span className={`line-tone line-tone-${u.tone}`}>{label(t, 'tone.', u.tone)}</span>
                    </div>
                    <p className="tseg-text" data-testid="analytics-utterance-text">
                      {u.text}
                    </p>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </main>
  );
}
