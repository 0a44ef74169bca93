import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { CallActions } from '../components/CallActions';
import { VideoCallBadge } from '../components/VideoCallBadge';
import { errorText, formatWhen } from '../format';
import { useI18n } from '../i18n';
import { useRealtime, useUnread } from '../realtime';
import { useSession } from '../session';
import type { Conversation, Listing, Message } from '../types';
import { NotFoundPage } from './NotFoundPage';

const PAGE_SIZE = 50;
const MESSAGE_MAX = 4000;
const READ_DEBOUNCE_MS = 150;

/** Adds messages not seen yet, keeping chronological order. */
function mergeMessages(prev: Message[], incoming: Message[]): Message[] {
  const seen = new Set(prev.map((m) => m.id));
  const fresh = incoming.filter((m) => !seen.has(m.id));
  if (fresh.length === 0) return prev;
  const all = [...prev, ...fresh];
  // Stable sort: server order is kept for equal timestamps.
  return all
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.created_at.localeCompare(b.m.created_at) || a.i - b.i)
    .map((x) => x.m);
}

export function ConversationPage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { user } = useSession();
  const unread = useUnread();

  const [conv, setConv] = useState<Conversation | null>(null);
  const [listing, setListing] = useState<Listing | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [olderCursor, setOlderCursor] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);

  const listRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const stickToBottom = useRef(true);
  const preserveFrom = useRef<number | null>(null);
  const readTimer = useRef<number | null>(null);

  const markRead = useCallback(() => {
    if (document.visibilityState !== 'visible') return;
    if (readTimer.current !== null) window.clearTimeout(readTimer.current);
    readTimer.current = window.setTimeout(() => {
      readTimer.current = null;
      api
        .markRead(id)
        .then(() => {
          setConv((c) => (c ? { ...c, unread_count: 0 } : c));
          unread.refresh();
        })
        .catch(() => {});
    }, READ_DEBOUNCE_MS);
  }, [id, unread]);

  const reloadListing = useCallback(() => {
    if (!conv) return;
    api
      .getListing(conv.listing_id)
      .then(setListing)
      .catch(() => {});
  }, [conv]);

  const loadLatest = useCallback(async () => {
    const page = await api.listMessages(id, null, PAGE_SIZE);
    setMessages((prev) => mergeMessages(prev, page.items));
    return page;
  }, [id]);

  // Initial load.
  useEffect(() => {
    let cancelled = false;
    setConv(null);
    setListing(null);
    setMessages([]);
    setOlderCursor(null);
    setNotFound(false);
    setLoadError(null);
    stickToBottom.current = true;
    Promise.all([api.getConversation(id), api.listMessages(id, null, PAGE_SIZE)])
      .then(([c, page]) => {
        if (cancelled) return;
        setConv(c);
        setMessages(page.items);
        setOlderCursor(page.next_cursor);
        markRead();
        api
          .getListing(c.listing_id)
          .then((l) => {
            if (!cancelled) setListing(l);
          })
          .catch(() => {});
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) setNotFound(true);
        else setLoadError(errorText(t, e));
      });
    return () => {
      cancelled = true;
      if (readTimer.current !== null) window.clearTimeout(readTimer.current);
      readTimer.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  // Mark read again when the tab comes back into view.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && conv) markRead();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [conv, markRead]);

  useRealtime((ev) => {
    if (ev.type === 'message' && ev.conversation_id === id) {
      const list = listRef.current;
      stickToBottom.current =
        !list || list.scrollHeight - list.scrollTop - list.clientHeight < 80 || ev.message.sender_id === user?.id;
      setMessages((prev) => mergeMessages(prev, [ev.message]));
      if (ev.message.sender_id !== user?.id) markRead();
    } else if (ev.type === 'conversation' && ev.conversation.id === id) {
      setConv(ev.conversation);
    } else if (ev.type === 'open' && conv) {
      // Reconnected: fetch anything that arrived while the socket was down.
      loadLatest()
        .then(() => markRead())
        .catch(() => {});
      reloadListing();
    }
  });

  // Scroll: follow new messages at the bottom, keep position when older ones are prepended.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    if (preserveFrom.current !== null) {
      list.scrollTop = list.scrollHeight - preserveFrom.current;
      preserveFrom.current = null;
    } else if (stickToBottom.current) {
      list.scrollTop = list.scrollHeight;
    }
  }, [messages]);

  async function loadOlder() {
    if (!olderCursor) return;
    const list = listRef.current;
    setLoadingOlder(true);
    try {
      const page = await api.listMessages(id, olderCursor, PAGE_SIZE);
      preserveFrom.current = list ? list.scrollHeight - list.scrollTop : null;
      stickToBottom.current = false;
      setMessages((prev) => mergeMessages(prev, page.items));
      setOlderCursor(page.next_cursor);
    } catch (e) {
      setLoadError(errorText(t, e));
    } finally {
      setLoadingOlder(false);
    }
  }

  async function send(e?: FormEvent) {
    e?.preventDefault();
    const body = text.trim();
    if (!body || sending) return;
    setSending(true);
    setSendError(null);
    // The draft is cleared at once: our own message can come back over the
    // socket before the POST answers. It is given back if sending fails.
    setText('');
    try {
      const msg = await api.sendMessage(id, body);
      stickToBottom.current = true;
      setMessages((prev) => mergeMessages(prev, [msg]));
    } catch (err) {
      setText((current) => (current === '' ? body : current));
      setSendError(errorText(t, err));
    } finally {
      setSending(false);
      inputRef.current?.focus();
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  }

  if (notFound) return <NotFoundPage />;
  if (!conv) {
    return (
      <main className="page narrow">
        {loadError ? (
          <p className="form-error" role="alert">
            {loadError}
          </p>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </main>
    );
  }

  const iAmBuyer = user?.id === conv.buyer_id;
  const otherName = iAmBuyer ? conv.seller_name : conv.buyer_name;

  return (
    <main className="page narrow chat-page">
      <div className="panel chat-head" data-testid="conversation-header">
        <div>
          <Link to={`/listings/${encodeURIComponent(conv.listing_id)}`} className="row-title" data-testid="conversation-listing">
            {conv.listing_title}
          </Link>
          <div className="small">
            <span data-testid="conversation-other">{otherName}</span>{' '}
            <span className="muted">· {iAmBuyer ? t('conv.youBuy') : t('conv.youSell')}</span>
          </div>
        </div>
        {listing?.video_call_ready && <VideoCallBadge availableNow={listing.video_call_available_now} />}
      </div>

      <section className="call-actions" data-testid="call-actions" aria-live="polite">
        <CallActions conv={conv} listing={listing} userId={user?.id} onListingStale={reloadListing} />
      </section>

      <div className="panel chat">
        <div className="message-list" ref={listRef} data-testid="message-list" aria-live="polite">
          {olderCursor && (
            <div className="center">
              <button
                type="button"
                className="btn btn-small btn-ghost"
                data-testid="load-older"
                disabled={loadingOlder}
                onClick={() => void loadOlder()}
              >
                {loadingOlder ? t('common.loading') : t('chat.loadOlder')}
              </button>
            </div>
          )}
          {messages.length === 0 && (
            <p className="muted center small" data-testid="messages-empty">
              {t('chat.empty')}
            </p>
          )}
          {messages.map((m) => {
            const own = m.sender_id === user?.id;
            return (
              <div
                key={m.id}
                className={own ? 'message message-own' : 'message message-other'}
                data-testid="message-item"
                data-message-id={m.id}
                data-own={own ? 'true' : 'false'}
              >
                <div className="message-text" data-testid="message-text">
                  {m.text}
                </div>
                <div className="message-time">{formatWhen(m.created_at, locale)}</div>
              </div>
            );
          })}
        </div>

        <form className="composer" onSubmit={(e) => void send(e)}>
          <textarea
            ref={inputRef}
            data-testid="message-input"
            rows={2}
            maxLength={MESSAGE_MAX}
            placeholder={t('chat.placeholder')}
            aria-label={t('chat.placeholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
          />
          <button type="submit" className="btn btn-primary" data-testid="message-send" disabled={sending || !text.trim()}>
            {t('chat.send')}
          </button>
        </form>
        {sendError && (
          <p className="form-error" role="alert" data-testid="message-error">
            {sendError}
          </p>
        )}
      </div>
    </main>
  );
}
