import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { errorText, formatWhen } from '../format';
import { useI18n } from '../i18n';
import { useRealtime } from '../realtime';
import { useSession } from '../session';
import type { Conversation } from '../types';

const PAGE_SIZE = 50;
const REFRESH_DEBOUNCE_MS = 200;

function byActivity(a: Conversation, b: Conversation): number {
  return b.updated_at.localeCompare(a.updated_at);
}

function merge(prev: Conversation[], incoming: Conversation[]): Conversation[] {
  const map = new Map(prev.map((c) => [c.id, c]));
  for (const c of incoming) map.set(c.id, c);
  return [...map.values()].sort(byActivity);
}

export function ConversationsPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const [items, setItems] = useState<Conversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | null>(null);

  const loadFirst = useCallback(
    async (initial: boolean) => {
      try {
        const res = await api.listConversations(null, PAGE_SIZE);
        setItems((prev) => (initial ? res.items : merge(prev, res.items)));
        if (initial) setCursor(res.next_cursor);
        setError(null);
      } catch (e) {
        setError(errorText(t, e));
      } finally {
        if (initial) setLoading(false);
      }
    },
    [t],
  );

  useEffect(() => {
    void loadFirst(true);
    return () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useRealtime((ev) => {
    if (ev.type === 'conversation') {
      setItems((prev) => merge(prev, [ev.conversation]));
    }
    if (ev.type === 'message' || ev.type === 'conversation' || ev.type === 'open') {
      // Unread counts are per user; re-read them rather than guessing.
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => {
        timer.current = null;
        void loadFirst(false);
      }, REFRESH_DEBOUNCE_MS);
    }
  });

  async function loadMore() {
    if (!cursor) return;
    try {
      const res = await api.listConversations(cursor, PAGE_SIZE);
      setItems((prev) => merge(prev, res.items));
      setCursor(res.next_cursor);
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  return (
    <main className="page narrow">
      <div className="page-head">
        <h1>{t('conv.title')}</h1>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="conversations-error">
          {error}
        </p>
      )}
      {loading ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty muted" data-testid="conversations-empty">
          {t('conv.empty')}
        </p>
      ) : (
        <ul className="rows" data-testid="conversation-list">
          {items.map((c) => {
            const iAmBuyer = user?.id === c.buyer_id;
            const other = iAmBuyer ? c.seller_name : c.buyer_name;
            const last = c.last_message;
            return (
              <li key={c.id}>
                <Link
                  to={`/conversations/${encodeURIComponent(c.id)}`}
                  className={`row panel conv-row${c.unread_count > 0 ? ' conv-unread' : ''}`}
                  data-testid="conversation-item"
                  data-conversation-id={c.id}
                >
                  <div className="row-main">
                    <div className="conv-head">
                      <span className="row-title" data-testid="conversation-listing-title">
                        {c.listing_title}
                      </span>
                      {last && <span className="muted small">{formatWhen(last.created_at, locale)}</span>}
                    </div>
                    <div className="small">
                      <span data-testid="conversation-other-name">{other}</span>{' '}
                      <span className="muted">· {iAmBuyer ? t('conv.youBuy') : t('conv.youSell')}</span>
                    </div>
                    <div className="conv-last muted small" data-testid="conversation-last-message">
                      {last
                        ? last.sender_id === user?.id
                          ? t('conv.you', { text: last.text })
                          : last.text
                        : t('conv.noMessages')}
                    </div>
                  </div>
                  {c.unread_count > 0 && (
                    <span
                      className="count-badge"
                      data-testid="conversation-unread"
                      aria-label={t('nav.unread', { count: c.unread_count })}
                    >
                      {c.unread_count}
                    </span>
                  )}
                </Link>
              </li>
            );
          })}
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
