// The chat's video-call controls: propose (now or at a time), answer, cancel, join.

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, api } from '../api';
import {
  callStatusKey,
  isJoinWindowOpen,
  isOpenCall,
  joinOpensLater,
  localInputToIso,
  newestCall,
  useCallClock,
} from '../calls';
import { errorText, formatWhen } from '../format';
import { useI18n } from '../i18n';
import { useRealtime } from '../realtime';
import type { Call, Conversation, Listing } from '../types';

/** The Join link shown in the chat and on the listing page. */
export function CallJoinLink({ call, className }: { call: Call; className?: string }) {
  const { t } = useI18n();
  return (
    <Link
      to={`/calls/${encodeURIComponent(call.id)}`}
      className={className ?? 'btn btn-primary'}
      data-testid="open-call"
      data-call-id={call.id}
    >
      <svg className="video-badge-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path
          fill="currentColor"
          d="M4 6h10a2 2 0 0 1 2 2v1.6l4.2-2.5A.5.5 0 0 1 21 7.5v9a.5.5 0 0 1-.8.4L16 14.4V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z"
        />
      </svg>
      {t('call.join')}
    </Link>
  );
}

interface Props {
  conv: Conversation;
  listing: Listing | null;
  userId: string | undefined;
  /** Re-read the listing (its "available now" flag may be stale after a 409). */
  onListingStale: () => void;
}

export function CallActions({ conv, listing, userId, onListingStale }: Props) {
  const { t, locale } = useI18n();
  const [call, setCall] = useState<Call | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [when, setWhen] = useState('');
  const now = useCallClock([call]);

  const load = useCallback(async () => {
    const page = await api.listCalls({ conversation_id: conv.id, open: true, limit: 5 });
    const open = newestCall(page.items.filter(isOpenCall));
    setCall((prev) => {
      if (open) return open;
      // Keep showing how the last call we knew of ended.
      return prev && !isOpenCall(prev) ? prev : null;
    });
    setLoaded(true);
  }, [conv.id]);

  useEffect(() => {
    setCall(null);
    setLoaded(false);
    setError(null);
    load().catch((e: unknown) => {
      setLoaded(true);
      setError(errorText(t, e));
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load]);

  useRealtime((ev) => {
    if (ev.type === 'call' && ev.call.conversation_id === conv.id) {
      const c = ev.call;
      setCall((prev) => {
        // A late update about an older call must not hide the open one.
        if (prev && prev.id !== c.id && isOpenCall(prev) && !isOpenCall(c)) return prev;
        return c;
      });
      if (!isOpenCall(c)) setError(null);
    } else if (ev.type === 'open') {
      load().catch(() => {});
    }
  });

  async function run(action: () => Promise<Call>) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setCall(await action());
    } catch (e) {
      setError(errorText(t, e));
      if (e instanceof ApiError) {
        if (e.code === 'outside_call_hours' || e.code === 'video_calls_disabled') onListingStale();
        // Someone else changed the call meanwhile: show the current one.
        if (e.status === 409 || e.status === 404) load().catch(() => {});
      }
    } finally {
      setBusy(false);
    }
  }

  function proposeScheduled(e: FormEvent) {
    e.preventDefault();
    const iso = localInputToIso(when);
    if (!iso) {
      setError(t('call.errTime'));
      return;
    }
    void run(() => api.proposeCall(conv.id, iso));
  }

  if (!loaded) return null;

  const other = userId === conv.buyer_id ? conv.seller_name : conv.buyer_name;
  const open = call && isOpenCall(call) ? call : null;
  const errorLine = error && (
    <p className="form-error" role="alert" data-testid="call-error">
      {error}
    </p>
  );

  if (open) {
    const mine = open.proposed_by === userId;
    const nobodyJoined = !open.participants?.buyer?.joined_at && !open.participants?.seller?.joined_at;
    return (
      <div className="panel call-card" data-testid="call-card" data-call-id={open.id} data-state={open.state}>
        <div className="call-card-head">
          <span className="call-card-title">{t('call.title')}</span>
          <span className={`tag call-status call-status-${open.state}`} data-testid="call-status" data-state={open.state}>
            {t(callStatusKey(open.state))}
          </span>
        </div>
        <div className="small" data-testid="call-scheduled">
          {open.scheduled_for ? t('call.scheduledFor', { time: formatWhen(open.scheduled_for, locale) }) : t('call.now')}
        </div>

        {open.state === 'proposed' &&
          (mine ? (
            <div className="call-card-row">
              <span className="muted small" data-testid="call-waiting">
                {t('call.waiting', { name: other })}
              </span>
              <button type="button" className="btn btn-danger" data-testid="cancel-call" disabled={busy} onClick={() => void run(() => api.cancelCall(open.id))}>
                {t('call.cancel')}
              </button>
            </div>
          ) : (
            <div className="call-card-row">
              <span className="small" data-testid="call-incoming">
                {t('call.incoming', { name: other })}
              </span>
              <div className="call-card-buttons">
                <button type="button" className="btn btn-primary" data-testid="accept-call" disabled={busy} onClick={() => void run(() => api.acceptCall(open.id))}>
                  {t('call.accept')}
                </button>
                <button type="button" className="btn btn-danger" data-testid="decline-call" disabled={busy} onClick={() => void run(() => api.declineCall(open.id))}>
                  {t('call.decline')}
                </button>
              </div>
            </div>
          ))}

        {(open.state === 'accepted' || open.state === 'active') && (
          <div className="call-card-row">
            {isJoinWindowOpen(open, now) ? (
              <>
                <span className="small">{open.state === 'active' ? t('call.activeNow') : t('call.readyNow')}</span>
                <CallJoinLink call={open} />
              </>
            ) : joinOpensLater(open, now) && open.join_opens_at ? (
              <span className="muted small" data-testid="call-opens-at">
                {t('call.joinFrom', { time: formatWhen(open.join_opens_at, locale) })}
              </span>
            ) : (
              <span className="muted small">{t('call.windowClosed')}</span>
            )}
            {open.state === 'accepted' && nobodyJoined && (
              <button type="button" className="btn btn-danger btn-small" data-testid="cancel-call" disabled={busy} onClick={() => void run(() => api.cancelCall(open.id))}>
                {t('call.cancel')}
              </button>
            )}
          </div>
        )}
        {errorLine}
      </div>
    );
  }

  const ready = !!listing?.video_call_ready && listing.status === 'active';
  if (!ready && !call && !error) return null;

  return (
    <div className="panel call-card" data-testid="call-card">
      {call && (
        <div className="small muted" data-testid="call-last" data-state={call.state}>
          {t('call.lastCall', { status: t(callStatusKey(call.state)).toLowerCase() })}
        </div>
      )}
      {ready && listing && (
        <>
          <p className="small muted call-hint">{t('call.proposeHint')}</p>
          <div className="call-propose">
            {listing.video_call_available_now && (
              <button
                type="button"
                className="btn btn-primary"
                data-testid="propose-call"
                disabled={busy}
                onClick={() => void run(() => api.proposeCall(conv.id, null))}
              >
                <svg className="video-badge-icon" viewBox="0 0 24 24" aria-hidden="true">
                  <path
                    fill="currentColor"
                    d="M4 6h10a2 2 0 0 1 2 2v1.6l4.2-2.5A.5.5 0 0 1 21 7.5v9a.5.5 0 0 1-.8.4L16 14.4V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z"
                  />
                </svg>
                {t('call.proposeNow')}
              </button>
            )}
            <form className="call-schedule" onSubmit={proposeScheduled}>
              <label className="field">
                <span>{listing.video_call_available_now ? t('call.proposeTime') : t('call.proposeTimeOnly')}</span>
                <input
                  type="datetime-local"
                  data-testid="propose-call-time"
                  value={when}
                  onChange={(e) => setWhen(e.target.value)}
                />
              </label>
              <button type="submit" className="btn" data-testid="propose-call-scheduled" disabled={busy || !when}>
                {t('call.proposeScheduled')}
              </button>
            </form>
          </div>
        </>
      )}
      {errorLine}
    </div>
  );
}
