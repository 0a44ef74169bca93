import { useState } from 'react';
import { percent } from '../analytics';
import { formatDuration } from '../calls';
import { apiErrorMessage } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import { speakerKey } from '../transcripts';
import type { AnalyticsFlag, CallAnalytics, FlagVerdict, Speaker, SpeakerMetrics, ToneScore } from '../types';

/** One call's analytics as the case page holds it. */
export type AnalyticsLoad =
  | { kind: 'loading' }
  /** 409 not_ready: computed after the transcript; the page asks again now and then. */
  | { kind: 'pending' }
  /** No transcript (missed call, failed or deleted recording): nothing will be computed. */
  | { kind: 'unavailable' }
  | { kind: 'loaded'; data: CallAnalytics }
  | { kind: 'error'; message: string };

interface Props {
  load: AnalyticsLoad | undefined;
  /** The case on the page: its own flags are marked. */
  caseId?: string;
  onJump: (ms: number) => void;
  onReview: (flag: AnalyticsFlag, verdict: FlagVerdict) => Promise<void>;
}

/**
 * The current call's speech analytics on the case page: conversation metrics per side, the
 * overall tone, and the rules' flags with the moderator's verdicts (correct / wrong).
 */
export function CallAnalyticsPanel({ load, caseId, onJump, onReview }: Props) {
  const { t } = useI18n();
  const state = load?.kind ?? 'loading';
  return (
    <section className="panel call-analytics" data-testid="call-analytics" data-state={state} aria-labelledby="call-analytics-title">
      <h2 id="call-analytics-title">{t('analytics.title')}</h2>
      {state === 'loading' && <p className="muted">{t('common.loading')}</p>}
      {state === 'pending' && (
        <p className="muted" role="status" data-testid="analysis-pending">
          {t('analytics.pending')}
        </p>
      )}
      {state === 'unavailable' && (
        <p className="muted" data-testid="analysis-unavailable">
          {t('analytics.unavailable')}
        </p>
      )}
      {load?.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="analysis-error">
          {load.message}
        </p>
      )}
      {load?.kind === 'loaded' && (
        <>
          {load.data.masked && <p className="muted small">{t('analytics.masked')}</p>}
          <CallMetrics a={load.data} />
          <FlagList flags={load.data.flags ?? []} caseId={caseId} onJump={onJump} onReview={onReview} />
        </>
      )}
    </section>
  );
}

function ToneTag({ tone, testId }: { tone: ToneScore | undefined; testId?: string }) {
  const { t } = useI18n();
  if (!tone) return <span>—</span>;
  return (
    <span className={`line-tone line-tone-${tone.label}`} data-testid={testId} data-tone={tone.label} title={String(tone.score)}>
      {label(t, 'tone.', tone.label)}
    </span>
  );
}

/** Conversation metrics per side, tone, silence, overlaps (also on the analyst's call page). */
export function CallMetrics({ a }: { a: CallAnalytics }) {
  const { t } = useI18n();
  const sides: Speaker[] = ['buyer', 'seller'];
  const rows: { key: string; name: string; value: (m: SpeakerMetrics) => string }[] = [
    { key: 'talk_ratio', name: t('metrics.talkRatio'), value: (m) => `${percent(m.talk_ratio) ?? '—'} · ${formatDuration(m.talk_ms)}` },
    { key: 'wpm', name: t('metrics.wpm'), value: (m) => String(Math.round(m.wpm)) },
    { key: 'interruptions', name: t('metrics.interruptions'), value: (m) => String(m.interruptions) },
    { key: 'questions', name: t('metrics.questions'), value: (m) => String(m.questions) },
    { key: 'turns', name: t('metrics.turns'), value: (m) => String(m.turns) },
    { key: 'longest_monologue', name: t('metrics.longestMonologue'), value: (m) => formatDuration(m.longest_monologue_ms) },
  ];
  return (
    <div className="call-metrics" data-testid="call-metrics" data-duration-ms={a.duration_ms} data-transcript-version={a.transcript_version}>
      <h3>{t('metrics.title')}</h3>
      <table className="metrics-table">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">{t('metrics.metric')}</span>
            </th>
            {sides.map((s) => (
              <th key={s} scope="col">
                {t(speakerKey(s))}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="call-metric" data-metric={r.key}>
              <th scope="row">{r.name}</th>
              {sides.map((s) => (
                <td key={s} data-speaker={s}>
                  {a.speakers?.[s] ? r.value(a.speakers[s]) : '—'}
                </td>
              ))}
            </tr>
          ))}
          <tr data-testid="call-metric" data-metric="tone">
            <th scope="row">{t('metrics.tone')}</th>
            {sides.map((s) => (
              <td key={s} data-speaker={s}>
                <ToneTag tone={a.tone?.[s]} testId="call-tone" />
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <dl className="facts metrics-facts">
        <div className="fact" data-testid="call-metric" data-metric="silence">
          <dt>{t('metrics.silence')}</dt>
          <dd>
            {t('metrics.silenceValue', {
              total: formatDuration(a.silence?.total_ms ?? 0),
              ratio: percent(a.silence?.ratio) ?? '—',
              count: a.silence?.count ?? 0,
              longest: formatDuration(a.silence?.longest_ms ?? 0),
            })}
          </dd>
        </div>
        <div className="fact" data-testid="call-metric" data-metric="overlaps">
          <dt>{t('metrics.overlaps')}</dt>
          <dd>{t('metrics.overlapsValue', { count: a.overlaps?.count ?? 0, total: formatDuration(a.overlaps?.total_ms ?? 0) })}</dd>
        </div>
        <div className="fact" data-testid="call-metric" data-metric="switches">
          <dt>{t('metrics.switches')}</dt>
          <dd>{t('metrics.switchesValue', { count: a.switches ?? 0, perMinute: (a.switches_per_minute ?? 0).toFixed(1) })}</dd>
        </div>
      </dl>
    </div>
  );
}

function FlagList({
  flags,
  caseId,
  onJump,
  onReview,
}: {
  flags: readonly AnalyticsFlag[];
  caseId?: string;
  onJump: (ms: number) => void;
  onReview: (flag: AnalyticsFlag, verdict: FlagVerdict) => Promise<void>;
}) {
  const { t } = useI18n();
  return (
    <div className="flag-list" data-testid="flag-list">
      <h3>
        {t('flags.title')} <span className="muted small">({flags.length})</span>
      </h3>
      {flags.length === 0 ? (
        <p className="muted small" data-testid="flags-empty">
          {t('flags.empty')}
        </p>
      ) : (
        <ul className="rows">
          {[...flags]
            .sort((x, y) => x.start_ms - y.start_ms)
            .map((f) => (
              <li key={f.id}>
                <FlagItem flag={f} inCase={!!caseId && String(f.case_id ?? '') === String(caseId)} onJump={onJump} onReview={onReview} />
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}

/** One rule hit: what, who, the words, when (seeks), and the verdict buttons. */
export function FlagItem({
  flag,
  inCase,
  onJump,
  onReview,
}: {
  flag: AnalyticsFlag;
  inCase: boolean;
  onJump: (ms: number) => void;
  onReview: (flag: AnalyticsFlag, verdict: FlagVerdict) => Promise<void>;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const range = `${formatDuration(flag.start_ms)}–${formatDuration(flag.end_ms)}`;

  async function review(verdict: FlagVerdict) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onReview(flag, verdict);
    } catch (e) {
      setError(apiErrorMessage(t, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article
      className={`flag-item sev-border-${flag.severity}`}
      data-testid="flag-item"
      data-id={flag.id}
      data-rule-id={flag.rule_id}
      data-category={flag.category}
      data-severity={flag.severity}
      data-speaker={flag.speaker}
      data-start-ms={flag.start_ms}
      data-review={flag.review ?? ''}
      data-in-case={inCase ? 'true' : 'false'}
    >
      <div className="history-line-head">
        <strong data-testid="flag-category">{label(t, 'rule.category.', flag.category)}</strong>
        <span className={`tag sev-tag sev-${flag.severity}`} data-testid="flag-severity">
          {label(t, 'severity.', flag.severity)}
        </span>
        <span className="muted small" data-testid="flag-speaker">
          {t(speakerKey(flag.speaker))}
        </span>
        {flag.live && <span className="tag">{t('flags.live')}</span>}
        {inCase && <span className="tag tag-ok">{t('flags.inCase')}</span>}
      </div>
      <blockquote className="quote small" data-testid="flag-text">
        “{flag.text}”
      </blockquote>
      <div className="flag-actions">
        <button type="button" className="chip chip-button chip-flag" data-testid="flag-seek" data-start-ms={flag.start_ms} onClick={() => onJump(flag.start_ms)}>
          {t('flags.play', { range })}
        </button>
        <span className="flag-review" role="group" aria-label={t('flags.verdict')}>
          <button
            type="button"
            className={`btn btn-small${flag.review === 'correct' ? ' verdict-on verdict-correct' : ''}`}
            data-testid="flag-correct"
            aria-pressed={flag.review === 'correct'}
            disabled={busy}
            onClick={() => void review('correct')}
          >
            {t('flags.correct')}
          </button>
          <button
            type="button"
            className={`btn btn-small${flag.review === 'wrong' ? ' verdict-on verdict-wrong' : ''}`}
            data-testid="flag-wrong"
            aria-pressed={flag.review === 'wrong'}
            disabled={busy}
            onClick={() => void review('wrong')}
          >
            {t('flags.wrong')}
          </button>
        </span>
        <span className="muted small" data-testid="flag-review" data-review={flag.review ?? ''}>
          {flag.review ? t('flags.reviewed', { verdict: label(t, 'flags.verdict.', flag.review) }) : t('flags.notReviewed')}
        </span>
      </div>
      {error && (
        <p className="form-error small" role="alert" data-testid="flag-error">
          {error}
        </p>
      )}
    </article>
  );
}
