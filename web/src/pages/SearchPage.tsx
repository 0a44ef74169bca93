import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, type SearchFilters } from '../api';
import { Snippet } from '../components/Snippet';
import { formatDuration } from '../calls';
import { errorText } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';
import { isModerator, parseSpeaker, speakerKey } from '../transcripts';
import { VERTICALS, type SearchHit, type Speaker, type Vertical } from '../types';

const PAGE_SIZE = 20;

function parseVertical(v: string | null): Vertical | '' {
  return v && (VERTICALS as readonly string[]).includes(v) ? (v as Vertical) : '';
}

/** YYYY-MM-DD only: what <input type="date"> holds (the API also takes RFC 3339). */
function parseDay(v: string | null): string {
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '';
}

/** When the call started: date with year (hits span years) and time. */
function formatCallDate(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

function parseId(v: string | null): string {
  return v ? v.trim().slice(0, 40) : '';
}

interface Form {
  q: string;
  speaker: Speaker | '';
  vertical: Vertical | '';
  from: string;
  to: string;
  user_id: string;
  listing_id: string;
  call_id: string;
}

/** The search as the URL states it (the moderator-only filters are dropped for others). */
function formFromParams(params: URLSearchParams, moderator: boolean): Form {
  return {
    q: (params.get('q') ?? '').slice(0, 500),
    speaker: parseSpeaker(params.get('speaker')),
    vertical: parseVertical(params.get('vertical')),
    from: parseDay(params.get('from')),
    to: parseDay(params.get('to')),
    user_id: moderator ? parseId(params.get('user_id')) : '',
    listing_id: moderator ? parseId(params.get('listing_id')) : '',
    call_id: moderator ? parseId(params.get('call_id')) : '',
  };
}

function formToParams(f: Form): URLSearchParams {
  const p = new URLSearchParams();
  const q = f.q.trim();
  if (q) p.set('q', q);
  for (const k of ['speaker', 'vertical', 'from', 'to', 'user_id', 'listing_id', 'call_id'] as const) {
    const v = f[k].trim();
    if (v) p.set(k, v);
  }
  return p;
}

function isEmptySearch(f: Form): boolean {
  return formToParams(f).toString() === '';
}

/**
 * Search over call transcripts. The URL holds the search (/search?q=…&speaker=…) so results
 * can be shared and Back returns to them; the form is local state, read from the URL on
 * first render and on back/forward, and submitting pushes a new URL.
 */
export function SearchPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const moderator = isModerator(user);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();

  const applied = useMemo(() => formFromParams(params, moderator), [params, moderator]);
  const appliedKey = formToParams(applied).toString();
  const [form, setForm] = useState<Form>(applied);

  const [items, setItems] = useState<SearchHit[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const requestId = useRef(0);

  // Back/forward or a shared link: the form shows the search in the URL.
  useEffect(() => {
    setForm(applied);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [location.key]);

  function filters(cur: string | null): SearchFilters {
    return { ...applied, q: applied.q.trim(), cursor: cur, limit: PAGE_SIZE };
  }

  useEffect(() => {
    const id = ++requestId.current;
    setItems([]);
    setCursor(null);
    setError(null);
    setDone(false);
    setLoadingMore(false);
    if (isEmptySearch(applied)) {
      setLoading(false);
      return;
    }
    setLoading(true);
    api
      .search(filters(null))
      .then((res) => {
        if (id !== requestId.current) return;
        setItems(res.items);
        setCursor(res.next_cursor ?? null);
        setDone(true);
      })
      .catch((e: unknown) => {
        if (id !== requestId.current) return;
        setError(errorText(t, e));
      })
      .finally(() => {
        if (id === requestId.current) setLoading(false);
      });
    // Every navigation here is a search (a resubmission too: it gets a new location key);
    // t only formats errors.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [location.key]);

  async function loadMore() {
    if (!cursor || loadingMore) return;
    const id = requestId.current;
    setLoadingMore(true);
    setError(null);
    try {
      const res = await api.search(filters(cursor));
      if (id !== requestId.current) return;
      setItems((prev) => {
        const seen = new Set(prev.map((h) => `${h.call_id}:${h.segment_id}`));
        return [...prev, ...res.items.filter((h) => !seen.has(`${h.call_id}:${h.segment_id}`))];
      });
      setCursor(res.next_cursor ?? null);
    } catch (e) {
      if (id === requestId.current) setError(errorText(t, e));
    } finally {
      if (id === requestId.current) setLoadingMore(false);
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const next = formToParams(form).toString();
    const url = next ? `/search?${next}` : '/search';
    // The same search again runs again (new calls may have been indexed) without a new entry.
    navigate(url, { replace: next === appliedKey });
  }

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  return (
    <main className="page narrow search-page">
      <div className="page-head">
        <h1>{t('search.title')}</h1>
      </div>

      <form className="panel search-form" role="search" onSubmit={onSubmit} aria-label={t('search.title')}>
        <div className="search-bar">
          <label className="field grow">
            <span className="visually-hidden">{t('search.query')}</span>
            <input
              type="search"
              data-testid="search-input"
              placeholder={moderator ? t('search.placeholderModerator') : t('search.placeholder')}
              value={form.q}
              maxLength={500}
              enterKeyHint="search"
              aria-describedby="search-help"
              onChange={(e) => set('q', e.target.value)}
            />
          </label>
          <button type="submit" className="btn btn-primary" data-testid="search-submit">
            {t('search.submit')}
          </button>
        </div>
        <p className="muted small search-help" id="search-help" data-testid="search-help">
          {t('search.help')}
        </p>

        <div className="search-filters">
          <label className="field">
            <span>{t('search.speaker')}</span>
            <select data-testid="search-speaker" value={form.speaker} onChange={(e) => set('speaker', parseSpeaker(e.target.value))}>
              <option value="">{t('search.speakerAny')}</option>
              <option value="buyer">{t('speaker.buyer')}</option>
              <option value="seller">{t('speaker.seller')}</option>
            </select>
          </label>
          <label className="field">
            <span>{t('search.vertical')}</span>
            <select data-testid="search-vertical" value={form.vertical} onChange={(e) => set('vertical', parseVertical(e.target.value))}>
              <option value="">{t('feed.allVerticals')}</option>
              {VERTICALS.map((v) => (
                <option key={v} value={v}>
                  {t(`vertical.${v}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('search.from')}</span>
            <input type="date" data-testid="search-from" value={form.from} max={form.to || undefined} onChange={(e) => set('from', e.target.value)} />
          </label>
          <label className="field">
            <span>{t('search.to')}</span>
            <input type="date" data-testid="search-to" value={form.to} min={form.from || undefined} onChange={(e) => set('to', e.target.value)} />
          </label>
          {moderator && (
            <>
              <label className="field">
                <span>{t('search.user')}</span>
                <input type="text" inputMode="numeric" autoComplete="off" data-testid="search-user" value={form.user_id} onChange={(e) => set('user_id', e.target.value)} />
              </label>
              <label className="field">
                <span>{t('search.listing')}</span>
                <input type="text" inputMode="numeric" autoComplete="off" data-testid="search-listing" value={form.listing_id} onChange={(e) => set('listing_id', e.target.value)} />
              </label>
              <label className="field">
                <span>{t('search.call')}</span>
                <input type="text" inputMode="numeric" autoComplete="off" data-testid="search-call" value={form.call_id} onChange={(e) => set('call_id', e.target.value)} />
              </label>
            </>
          )}
        </div>
        <p className="muted small">{moderator ? t('search.scopeModerator') : t('search.scopeUser')}</p>
      </form>

      {error && (
        <p className="form-error" role="alert" data-testid="search-error">
          {error}
        </p>
      )}

      <section aria-busy={loading} aria-label={t('search.results')} data-testid="search-results" data-loading={loading ? 'true' : 'false'}>
        <p className="visually-hidden" role="status">
          {done && !loading ? t('search.found', { count: items.length }) : ''}
        </p>
        {loading && <p className="muted">{t('common.loading')}</p>}
        {!loading && done && !error && items.length === 0 && (
          <p className="empty muted" data-testid="search-empty">
            {t('search.empty')}
          </p>
        )}
        {items.length > 0 && (
          <ol className="rows search-results">
            {items.map((h) => (
              <li key={`${h.call_id}:${h.segment_id}`}>
                <SearchResult hit={h} locale={locale} />
              </li>
            ))}
          </ol>
        )}
      </section>

      {cursor && !loading && (
        <div className="center search-more">
          <button type="button" className="btn" data-testid="search-more" onClick={() => void loadMore()} disabled={loadingMore}>
            {loadingMore ? t('common.loading') : t('search.more')}
          </button>
        </div>
      )}
    </main>
  );
}

function SearchResult({ hit, locale }: { hit: SearchHit; locale: string }) {
  const { t } = useI18n();
  const speaker = t(speakerKey(hit.speaker));
  const time = formatDuration(hit.start_ms);
  const title = hit.listing_title || (hit.listing_id ? t('search.listingN', { id: hit.listing_id }) : '');
  const when = hit.call_started_at ? formatCallDate(hit.call_started_at, locale) : '';
  return (
    <Link
      to={`/calls/${encodeURIComponent(hit.call_id)}?t=${Math.max(0, Math.floor(hit.start_ms))}`}
      className="panel search-result"
      data-testid="search-result"
      data-call-id={hit.call_id}
      data-segment-id={hit.segment_id}
      data-speaker={hit.speaker}
      data-start-ms={hit.start_ms}
    >
      <div className="search-result-head">
        <span className={`tag speaker-tag speaker-${hit.speaker === 'seller' ? 'seller' : 'buyer'}`} data-testid="search-result-speaker">
          {speaker}
        </span>
        <span className="search-result-time" data-testid="search-result-time">
          {time}
        </span>
        {when && (
          <span className="muted small search-result-date" data-testid="search-result-date">
            {when}
          </span>
        )}
      </div>
      <p className="search-snippet" data-testid="search-result-snippet">
        <Snippet html={hit.snippet} />
      </p>
      {title && (
        <div className="muted small search-result-listing" data-testid="search-result-listing">
          {title}
        </div>
      )}
    </Link>
  );
}
