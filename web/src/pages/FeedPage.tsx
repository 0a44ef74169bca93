import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigationType, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { ListingCard } from '../components/ListingCard';
import { errorText } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { VERTICALS, type Listing, type Vertical } from '../types';

const PAGE_SIZE = 24;
const SEARCH_DEBOUNCE_MS = 300;

function parseVertical(v: string | null): Vertical | '' {
  return v && (VERTICALS as readonly string[]).includes(v) ? (v as Vertical) : '';
}

/** The public feed. Filters live in the URL (?q=&vertical=&video=1) so it can be shared. */
export function FeedPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigationType = useNavigationType();

  // The filters are local state, written to the URL as they change; the URL is read
  // back on first render and on back/forward/links. (Router navigations run as
  // transitions, so controls driven straight from the URL would lag behind clicks.)
  const [q, setQ] = useState(() => params.get('q') ?? '');
  const [qInput, setQInput] = useState(q);
  const [vertical, setVertical] = useState<Vertical | ''>(() => parseVertical(params.get('vertical')));
  const [videoOnly, setVideoOnly] = useState(() => params.get('video') === '1');
  const [nowOnly, setNowOnly] = useState(() => params.get('now') === '1');
  const [reliableOnly, setReliableOnly] = useState(() => params.get('reliable') === '1');
  const [items, setItems] = useState<Listing[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const requestId = useRef(0);

  // Back/forward or a link to the feed: take the filters from the URL. (Our own
  // writes below are REPLACE navigations.)
  useEffect(() => {
    if (navigationType === 'REPLACE') return;
    const urlQ = params.get('q') ?? '';
    setQ(urlQ);
    setQInput(urlQ);
    setVertical(parseVertical(params.get('vertical')));
    setVideoOnly(params.get('video') === '1');
    setNowOnly(params.get('now') === '1');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [location.key]);

  // Filters → URL (replace, so typing does not flood the history).
  useEffect(() => {
    const next = new URLSearchParams();
    if (q) next.set('q', q);
    if (vertical) next.set('vertical', vertical);
    if (videoOnly) next.set('video', '1');
    if (nowOnly) next.set('now', '1');
    if (reliableOnly) next.set('reliable', '1');
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q, vertical, videoOnly, nowOnly, reliableOnly]);

  // Debounce typing into the query.
  useEffect(() => {
    const trimmed = qInput.trim();
    if (trimmed === q) return undefined;
    const id = window.setTimeout(() => setQ(trimmed), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(id);
  }, [qInput, q]);

  useEffect(() => {
    const id = ++requestId.current;
    setLoading(true);
    setError(null);
    api
      .listListings({ q, vertical, video_call_ready: videoOnly, available_now: nowOnly, reliable_seller: reliableOnly, limit: PAGE_SIZE })
      .then((res) => {
        if (id !== requestId.current) return;
        setItems(res.items);
        setCursor(res.next_cursor);
      })
      .catch((e: unknown) => {
        if (id !== requestId.current) return;
        setItems([]);
        setCursor(null);
        setError(errorText(t, e));
      })
      .finally(() => {
        if (id === requestId.current) setLoading(false);
      });
    // t is only used for error text; refetching on language change is unnecessary.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q, vertical, videoOnly, nowOnly, reliableOnly]);

  async function loadMore() {
    if (!cursor) return;
    const id = requestId.current;
    setLoadingMore(true);
    try {
      const res = await api.listListings({ q, vertical, video_call_ready: videoOnly, available_now: nowOnly, reliable_seller: reliableOnly, limit: PAGE_SIZE, cursor });
      if (id !== requestId.current) return;
      setItems((prev) => {
        const seen = new Set(prev.map((l) => l.id));
        return [...prev, ...res.items.filter((l) => !seen.has(l.id))];
      });
      setCursor(res.next_cursor);
    } catch (e) {
      if (id === requestId.current) setError(errorText(t, e));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <main className="page">
      <div className="page-head">
        <h1>{t('feed.title')}</h1>
      </div>
      <form
        className="filters panel"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(qInput.trim());
        }}
      >
        <label className="field grow">
          <span className="visually-hidden">{t('feed.search')}</span>
          <input
            type="search"
            data-testid="filter-q"
            placeholder={t('feed.searchPlaceholder')}
            value={qInput}
            onChange={(e) => setQInput(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="visually-hidden">{t('feed.vertical')}</span>
          <select
            data-testid="filter-vertical"
            value={vertical}
            onChange={(e) => setVertical(parseVertical(e.target.value))}
          >
            <option value="">{t('feed.allVerticals')}</option>
            {VERTICALS.map((v) => (
              <option key={v} value={v}>
                {t(`vertical.${v}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="filter-video-call"
            checked={videoOnly}
            onChange={(e) => setVideoOnly(e.target.checked)}
          />
          <span>{t('feed.videoOnly')}</span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="filter-available-now"
            checked={nowOnly}
            onChange={(e) => setNowOnly(e.target.checked)}
          />
          <span>{t('feed.availableNow')}</span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="filter-reliable-seller"
            checked={reliableOnly}
            onChange={(e) => setReliableOnly(e.target.checked)}
          />
          <span>{t('feed.reliableSeller')}</span>
        </label>
      </form>

      {error && (
        <p className="form-error" role="alert" data-testid="feed-error">
          {error}
        </p>
      )}

      <section
        className="grid"
        data-testid="listing-grid"
        aria-busy={loading}
        data-loading={loading ? 'true' : 'false'}
      >
        {items.map((l) => (
          <ListingCard key={l.id} listing={l} />
        ))}
      </section>

      {!loading && !error && items.length === 0 && (
        <p className="empty muted" data-testid="feed-empty">
          {t('feed.empty')}
        </p>
      )}
      {loading && <p className="muted">{t('common.loading')}</p>}

      {cursor && !loading && (
        <div className="center">
          <button
            type="button"
            className="btn"
            data-testid="load-more"
            onClick={() => void loadMore()}
            disabled={loadingMore}
          >
            {loadingMore ? t('common.loading') : t('feed.loadMore')}
          </button>
        </div>
      )}
    </main>
  );
}
