import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type SearchFilters } from '../api';
import { formatDuration } from '../calls';
import { apiErrorMessage } from '../format';
import { useI18n } from '../i18n';
import { speakerKey } from '../transcripts';
import type { SearchHit } from '../types';
import { Snippet } from './Snippet';

const PAGE_SIZE = 20;

type Scope = 'call' | 'accused';

interface Props {
  caseId: string;
  /** The call shown in the player ("this call"). */
  callId: string | null;
  accusedId: string;
  /** Switches the player to the hit's call and time. */
  onOpen: (hit: SearchHit) => void;
}

/** Searching the transcripts from a case: the call in the player, or every call of the accused. */
export function CaseSearchPanel({ caseId, callId, accusedId, onOpen }: Props) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [scope, setScope] = useState<Scope>('call');
  const [items, setItems] = useState<SearchHit[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [filters, setFilters] = useState<SearchFilters | null>(null);
  const [loading, setLoading] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const requestId = useRef(0);

  useEffect(() => {
    requestId.current++;
    setItems([]);
    setCursor(null);
    setDone(false);
    setError(null);
    setFilters(null);
  }, [caseId]);

  async function run(f: SearchFilters, more: boolean) {
    const id = ++requestId.current;
    setLoading(true);
    setError(null);
    try {
      const res = await api.search(f);
      if (id !== requestId.current) return;
      setItems((prev) => {
        if (!more) return res.items;
        const seen = new Set(prev.map((h) => `${h.call_id}:${h.segment_id}`));
        return [...prev, ...res.items.filter((h) => !seen.has(`${h.call_id}:${h.segment_id}`))];
      });
      setCursor(res.next_cursor ?? null);
      setDone(true);
    } catch (e) {
      if (id === requestId.current) {
        setError(apiErrorMessage(t, e));
        if (!more) setItems([]);
      }
    } finally {
      if (id === requestId.current) setLoading(false);
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const query = q.trim();
    if (!query) return;
    const f: SearchFilters =
      scope === 'call' && callId ? { q: query, call_id: callId, limit: PAGE_SIZE } : { q: query, user_id: accusedId, limit: PAGE_SIZE };
    setFilters(f);
    void run(f, false);
  }

  return (
    <section className="panel case-search" data-testid="case-search" aria-labelledby="case-search-title">
      <h2 id="case-search-title">{t('case.search')}</h2>
      <form className="case-search-form" role="search" onSubmit={onSubmit}>
        <label className="field grow">
          <span className="visually-hidden">{t('search.query')}</span>
          <input
            type="search"
            data-testid="case-search-input"
            placeholder={t('case.searchPlaceholder')}
            value={q}
            maxLength={500}
            enterKeyHint="search"
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="visually-hidden">{t('case.searchScope')}</span>
          <select data-testid="case-search-scope" value={scope} onChange={(e) => setScope(e.target.value === 'accused' ? 'accused' : 'call')}>
            <option value="call" disabled={!callId}>
              {t('case.scopeCall')}
            </option>
            <option value="accused">{t('case.scopeAccused')}</option>
          </select>
        </label>
        <button type="submit" className="btn btn-primary" data-testid="case-search-submit" disabled={loading}>
          {t('search.submit')}
        </button>
      </form>
      <p className="muted small">{t('search.help')}</p>

      {error && (
        <p className="form-error" role="alert" data-testid="case-search-error">
          {error}
        </p>
      )}
      <div data-testid="case-search-results" data-loading={loading ? 'true' : 'false'} aria-busy={loading}>
        {loading && items.length === 0 && <p className="muted small">{t('common.loading')}</p>}
        {done && !loading && !error && items.length === 0 && (
          <p className="muted small" data-testid="case-search-empty">
            {t('search.empty')}
          </p>
        )}
        {items.length > 0 && (
          <ol className="case-search-list">
            {items.map((h) => (
              <li key={`${h.call_id}:${h.segment_id}`}>
                <button
                  type="button"
                  className="case-search-result"
                  data-testid="case-search-result"
                  data-call-id={h.call_id}
                  data-segment-id={h.segment_id}
                  data-speaker={h.speaker}
                  data-start-ms={h.start_ms}
                  onClick={() => onOpen(h)}
                >
                  <span className="case-search-result-head">
                    <span className={`tag speaker-tag speaker-${h.speaker === 'seller' ? 'seller' : 'buyer'}`}>{t(speakerKey(h.speaker))}</span>
                    <span className="search-result-time">{formatDuration(h.start_ms)}</span>
                    <span className="muted small">
                      {t('case.callN', { id: h.call_id })}
                      {h.listing_title ? ` · ${h.listing_title}` : ''}
                    </span>
                  </span>
                  <span className="search-snippet" data-testid="case-search-snippet">
                    <Snippet html={h.snippet} />
                  </span>
                </button>
              </li>
            ))}
          </ol>
        )}
        {cursor && filters && !loading && (
          <div className="center list-more">
            <button type="button" className="btn btn-small" data-testid="case-search-more" onClick={() => void run({ ...filters, cursor }, true)}>
              {t('search.more')}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
