import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { VideoCallBadge } from '../components/VideoCallBadge';
import { errorText, formatPrice } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';
import type { Listing } from '../types';

const PAGE_SIZE = 50;

export function MyListingsPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const [items, setItems] = useState<Listing[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const userId = user?.id ?? '';

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    api
      .listListings({ seller_id: userId, status: 'all', limit: PAGE_SIZE })
      .then((res) => {
        if (cancelled) return;
        setItems(res.items);
        setCursor(res.next_cursor);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(errorText(t, e));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId]);

  async function loadMore() {
    if (!cursor) return;
    try {
      const res = await api.listListings({ seller_id: userId, status: 'all', limit: PAGE_SIZE, cursor });
      setItems((prev) => {
        const seen = new Set(prev.map((l) => l.id));
        return [...prev, ...res.items.filter((l) => !seen.has(l.id))];
      });
      setCursor(res.next_cursor);
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  async function archive(id: string) {
    setBusyId(id);
    setError(null);
    try {
      const updated = await api.archiveListing(id);
      setItems((prev) => prev.map((l) => (l.id === id ? updated : l)));
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusyId(null);
    }
  }

  return (
    <main className="page">
      <div className="page-head">
        <h1>{t('my.title')}</h1>
        <Link to="/listings/new" className="btn btn-primary" data-testid="new-listing">
          {t('my.new')}
        </Link>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="my-listings-error">
          {error}
        </p>
      )}
      {loading ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty muted" data-testid="my-listings-empty">
          {t('my.empty')}
        </p>
      ) : (
        <ul className="rows">
          {items.map((l) => (
            <li
              key={l.id}
              className={`row panel${l.status === 'archived' ? ' row-archived' : ''}`}
              data-testid="my-listing-item"
              data-listing-id={l.id}
              data-status={l.status}
            >
              <div className="row-main">
                <Link to={`/listings/${encodeURIComponent(l.id)}`} className="row-title">
                  {l.title}
                </Link>
                <div className="row-meta small">
                  <span>{formatPrice(l.price, l.currency, locale)}</span>
                  <span className="tag">{t(`vertical.${l.vertical}` as MessageKey)}</span>
                  <span className={l.status === 'active' ? 'tag tag-ok' : 'tag tag-muted'} data-testid="my-listing-status">
                    {t(`listing.status.${l.status}` as MessageKey)}
                  </span>
                  {l.video_call_ready && <VideoCallBadge availableNow={l.video_call_available_now} />}
                </div>
              </div>
              <div className="row-actions">
                <Link to={`/listings/${encodeURIComponent(l.id)}/edit`} className="btn btn-small" data-testid="my-listing-edit">
                  {t('listing.edit')}
                </Link>
                {l.status === 'active' && (
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    data-testid="archive-listing"
                    disabled={busyId === l.id}
                    onClick={() => void archive(l.id)}
                  >
                    {t('my.archive')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {cursor && !loading && (
        <div className="center">
          <button type="button" className="btn" data-testid="load-more" onClick={() => void loadMore()}>
            {t('feed.loadMore')}
          </button>
        </div>
      )}
    </main>
  );
}
