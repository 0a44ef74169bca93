import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { ListingCard } from '../components/ListingCard';
import { errorText } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { VERTICALS, type Listing, type Vertical } from '../types';

const PAGE_SIZE = 24;
const SEARCH_DEBOUNCE_MS = 300;

/** The public feed. Filters live in the URL (?q=&vertical=&video=1) so it can be shared. */
export function FeedPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const verticalParam = params.get('vertical') ?? '';
  const vertical: Vertical | '' = (VERTICALS as readonly string[]).includes(verticalParam)
    ? (verticalParam as Vertical)
    : '';
  const videoOnly = params.get('video') === '1';

  const [qInput, setQInput] = useState(q);
  const [items, setItems] = useState<Listing[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const requestId = useRef(0);

  function updateParam(name: string, value: string | null) {
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        if (value) p.set(name, value);
        else p.delete(name);
        return p;
      },
      { replace: true },
    );
  }

  // Keep the text box in sync when the URL changes (back/forward).
  useEffect(() => setQInput((cur) => (cur.trim() === q ? cur : q)), [q]);

  // Debounce typing into the URL.
  useEffect(() => {
    if (qInput.trim() === q) return undefined;
    const id = window.setTimeout(() => updateParam('q', qInput.trim() || null), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [qInput, q]);

  useEffect(() => {
    const id = ++requestId.current;
    setLoading(true);
    setError(null);
    api
      .listListings({ q, vertical, video_call_ready: videoOnly, limit: PAGE_SIZE })
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
  }, [q, vertical, videoOnly]);

  async function loadMore() {
    if (!cursor) return;
    const id = requestId.current;
    setLoadingMore(true);
    try {
      const res = await api.listListings({ q, vertical, video_call_ready: videoOnly, limit: PAGE_SIZE, cursor });
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
          updateParam('q', qInput.trim() || null);
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
            onChange={(e) => updateParam('vertical', e.target.value || null)}
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
            onChange={(e) => updateParam('video', e.target.checked ? '1' : null)}
          />
          <span>{t('feed.videoOnly')}</span>
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
