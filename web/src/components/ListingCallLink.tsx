// On a listing page: the signed-in buyer's or seller's open call about this listing.

import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { callStatusKey, isJoinWindowOpen, isOpenCall, useCallClock } from '../calls';
import { formatWhen } from '../format';
import { useI18n } from '../i18n';
import { useRealtime } from '../realtime';
import type { Call } from '../types';
import { CallJoinLink } from './CallActions';

export function ListingCallLink({ listingId }: { listingId: string }) {
  const { t, locale } = useI18n();
  const [calls, setCalls] = useState<Call[]>([]);
  const now = useCallClock(calls);

  const load = useCallback(async () => {
    const page = await api.listCalls({ listing_id: listingId, open: true, limit: 20 });
    setCalls(page.items.filter(isOpenCall));
  }, [listingId]);

  useEffect(() => {
    setCalls([]);
    load().catch(() => {});
  }, [load]);

  useRealtime((ev) => {
    if ((ev.type === 'call' && ev.call.listing_id === listingId) || ev.type === 'open') load().catch(() => {});
  });

  if (calls.length === 0) return null;
  const joinable = calls.find((c) => isJoinWindowOpen(c, now));
  const upcoming = joinable ?? calls[0];
  if (!upcoming) return null;

  return (
    <div className="listing-call" data-testid="listing-call" data-call-id={upcoming.id} data-state={upcoming.state}>
      <div className="small">
        <strong>{t('call.title')}</strong>
        {' · '}
        <span data-testid="listing-call-status">{t(callStatusKey(upcoming.state))}</span>
        {upcoming.scheduled_for && <span className="muted"> · {formatWhen(upcoming.scheduled_for, locale)}</span>}
      </div>
      {joinable ? (
        <CallJoinLink call={joinable} className="btn btn-primary btn-block" />
      ) : (
        <Link to={`/conversations/${encodeURIComponent(upcoming.conversation_id)}`} className="btn btn-block" data-testid="listing-call-chat">
          {t('call.openChat')}
        </Link>
      )}
    </div>
  );
}
