import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';
import { apiErrorMessage, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label, normaliseEvidence } from '../moderation';
import type { Sanction, SanctionAppeal } from '../types';
import { EvidenceList } from './EvidenceList';

const APPEAL_MAX = 4000;

interface Props {
  linkCalls?: boolean;
  /** Called with every (re)load: the blocked page says until when. */
  onLoaded?: (sanctions: Sanction[]) => void;
}

/** The caller's sanctions, newest first, each with its appeal (form or status). */
export function SanctionList({ linkCalls = true, onLoaded }: Props) {
  const { t } = useI18n();
  const [items, setItems] = useState<Sanction[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const onLoadedRef = useRef(onLoaded);
  onLoadedRef.current = onLoaded;
  const generation = useRef(0);

  const load = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const list = await api.listSanctions();
      if (gen !== generation.current) return;
      setItems(list);
      setError(null);
      onLoadedRef.current?.(list);
    } catch (e) {
      if (gen === generation.current) setError(apiErrorMessage(t, e));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    void load();
    return () => {
      generation.current++;
    };
  }, [load]);

  const onAppealed = useCallback((sanctionId: string, appeal: SanctionAppeal) => {
    setItems((prev) => prev.map((s) => (s.id === sanctionId ? { ...s, appeal, can_appeal: false } : s)));
  }, []);

  return (
    <div className="sanction-list-box" data-testid="sanction-list" data-loading={loading ? 'true' : 'false'}>
      {error && (
        <p className="form-error" role="alert" data-testid="sanctions-error">
          {error}
        </p>
      )}
      {loading ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 && !error ? (
        <p className="empty muted" data-testid="sanctions-empty">
          {t('sanctions.empty')}
        </p>
      ) : (
        <ul className="rows">
          {items.map((s) => (
            <li key={s.id}>
              <SanctionItem s={s} linkCalls={linkCalls} onAppealed={onAppealed} onStale={() => void load()} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function sanctionTitle(t: ReturnType<typeof useI18n>['t'], s: Sanction, locale: string): string {
  if (s.kind === 'warn') return t('sanction.title.warn');
  if (s.kind === 'ban') return t('sanction.title.ban');
  if (s.kind === 'block') return s.ends_at ? t('sanction.title.blockUntil', { date: formatDateTime(s.ends_at, locale) }) : t('sanction.title.block');
  return label(t, 'sanction.kind.', s.kind);
}

function SanctionItem({
  s,
  linkCalls,
  onAppealed,
  onStale,
}: {
  s: Sanction;
  linkCalls: boolean;
  onAppealed: (sanctionId: string, appeal: SanctionAppeal) => void;
  onStale: () => void;
}) {
  const { t, locale } = useI18n();
  const evidence = normaliseEvidence(s.evidence);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const appeal = await api.appealSanction(s.id, text);
      onAppealed(s.id, { ...appeal, text: appeal.text ?? text, status: appeal.status ?? 'open' });
      setText('');
    } catch (err) {
      setError(apiErrorMessage(t, err));
      // Someone (another tab) appealed meanwhile, or the sanction changed: show how it is now.
      if (err instanceof ApiError && err.status === 409) onStale();
    } finally {
      setBusy(false);
    }
  }

  const appeal = s.appeal;
  return (
    <article className="panel sanction" data-testid="sanction" data-id={s.id} data-status={s.status} data-kind={s.kind}>
      <div className="sanction-head">
        <h3 data-testid="sanction-title">{sanctionTitle(t, s, locale)}</h3>
        <span className={`tag sanction-status sanction-status-${s.status}`} data-testid="sanction-status">
          {label(t, 'sanction.status.', s.status)}
        </span>
      </div>
      <dl className="facts">
        <div className="fact">
          <dt>{t('notif.reason')}</dt>
          <dd className="pre-wrap" data-testid="sanction-reason">
            {s.reason}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('sanction.since')}</dt>
          <dd>{formatDateTime(s.starts_at, locale)}</dd>
        </div>
        <div className="fact">
          <dt>{t('notif.until')}</dt>
          <dd data-testid="sanction-until">
            {s.kind === 'ban' ? t('notif.untilForever') : s.kind === 'warn' ? t('notif.untilWarn') : formatDateTime(s.ends_at, locale) || '—'}
          </dd>
        </div>
        {evidence.length > 0 && (
          <div className="fact">
            <dt>{t('notif.evidence')}</dt>
            <dd>
              <EvidenceList evidence={evidence} linkCalls={linkCalls} testId="sanction-evidence" />
            </dd>
          </div>
        )}
      </dl>

      {appeal ? (
        <div className="appeal-box">
          <h4>{t('appeal.yours')}</h4>
          <p>
            <span className={`tag appeal-status appeal-status-${appeal.status}`} data-testid="appeal-status" data-status={appeal.status}>
              {label(t, 'appeal.status.', appeal.status)}
            </span>{' '}
            <span className="muted small">{formatDateTime(appeal.created_at, locale)}</span>
          </p>
          <p className="pre-wrap small" data-testid="appeal-text-shown">
            {appeal.text}
          </p>
          {appeal.status === 'open' && <p className="muted small">{t('appeal.pending')}</p>}
          {appeal.reason && (
            <p className="small" data-testid="appeal-reason">
              <strong>{t('notif.reason')}:</strong> <span className="pre-wrap">{appeal.reason}</span>
            </p>
          )}
        </div>
      ) : s.can_appeal ? (
        <form className="form appeal-form" onSubmit={(e) => void submit(e)} data-testid="appeal-form">
          <label className="field">
            <span>{t('appeal.label')}</span>
            <textarea
              data-testid="appeal-text"
              rows={4}
              maxLength={APPEAL_MAX}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={t('appeal.placeholder')}
            />
          </label>
          <p className="muted small">
            {s.appeal_until ? t('appeal.hintUntil', { date: formatDateTime(s.appeal_until, locale) }) : t('appeal.hint')}
          </p>
          {error && (
            <p className="form-error" role="alert" data-testid="appeal-error">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="appeal-submit" disabled={busy}>
              {busy ? t('common.wait') : t('appeal.submit')}
            </button>
          </div>
        </form>
      ) : (
        <p className="muted small" data-testid="appeal-unavailable">
          {s.status === 'overturned'
            ? t('appeal.overturned')
            : s.appeal_until
              ? t('appeal.closed', { date: formatDateTime(s.appeal_until, locale) })
              : t('appeal.notPossible')}
        </p>
      )}
      {error && appeal && (
        <p className="form-error" role="alert" data-testid="appeal-error">
          {error}
        </p>
      )}
    </article>
  );
}
