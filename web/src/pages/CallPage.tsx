import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { CallSession, IDLE_SNAPSHOT, type CallProblem, type CallUiState } from '../call/CallSession';
import { CaptionsToggle, LiveCaptions, LiveWarningPanel, useLiveCall } from '../call/LiveCaptions';
import { callStatusKey, formatDuration, isFinalCallState, joinOpensLater, useCallClock } from '../calls';
import { CallProcessing, useCallProcessingPoll } from '../components/CallProcessing';
import { CallReview } from '../components/CallReview';
import { ComplaintPanel, type PickedSegment } from '../components/ComplaintPanel';
import { errorText, formatWhen, isMessageKey } from '../format';
import { useI18n, type MessageKey, type TFunction } from '../i18n';
import { useRealtime } from '../realtime';
import { useSession } from '../session';
import { isModerator, parseOffsetParam } from '../transcripts';
import { COMPLAINABLE_CALL_STATES, type Call, type Conversation, type TranscriptSegment } from '../types';
import { NotFoundPage } from './NotFoundPage';

declare global {
  interface Window {
    /** Test hook: the call page's PeerConnections (janus.js handle.webrtcStuff.pc). */
    __vitrinaCall?: { publisherPc: () => RTCPeerConnection | null; subscriberPc: () => RTCPeerConnection | null };
  }
}

const noSubscribe = () => () => {};
const idleSnapshot = () => IDLE_SNAPSHOT;

const IN_CALL: readonly CallUiState[] = ['connecting', 'connected', 'reconnecting'];

function problemText(t: TFunction, p: CallProblem | null): string | null {
  if (!p) return null;
  switch (p.kind) {
    case 'api':
      return errorText(t, p.error);
    case 'timeout':
      return t('callPage.err.timeout');
    case 'switch_camera':
      return t('callPage.err.switchCamera');
    case 'devices': {
      const key = `callPage.err.${p.name}`;
      return isMessageKey(key) ? t(key) : t('callPage.err.devices');
    }
  }
}

/** A <video> showing a MediaStream (srcObject cannot be set through a React prop). */
function StreamVideo({ stream, muted, testId, className }: { stream: MediaStream | null; muted: boolean; testId: string; className?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== stream) v.srcObject = stream;
    if (stream) v.play().catch(() => {});
  }, [stream]);
  return <video ref={ref} data-testid={testId} className={className} autoPlay playsInline muted={muted} />;
}

function CallTimer({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  return (
    <span className="call-timer" data-testid="call-timer" aria-live="off">
      {formatDuration(now - since)}
    </span>
  );
}

export function CallPage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { user } = useSession();
  const [params] = useSearchParams();
  // ?t=<ms>: a search hit's place on the call timeline.
  const initialMs = parseOffsetParam(params.get('t'));

  const [call, setCall] = useState<Call | null>(null);
  const [conv, setConv] = useState<Conversation | null>(null);
  // Moderators are not in the conversation: the listing title comes from the listing then.
  const [listingTitle, setListingTitle] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [session, setSession] = useState<CallSession | null>(null);
  const now = useCallClock([call]);
  // While the complaint form is open, clicking a transcript line adds its time range.
  const [complaintFormOpen, setComplaintFormOpen] = useState(false);
  const [picked, setPicked] = useState<PickedSegment | null>(null);
  const pickCount = useRef(0);
  const pickSegment = useCallback((seg: TranscriptSegment) => {
    pickCount.current += 1;
    setPicked({ seg, nonce: pickCount.current });
  }, []);

  // One CallSession per mounted page and call id.
  useEffect(() => {
    const s = new CallSession(id, (c) => setCall(c));
    setSession(s);
    const hook = { publisherPc: () => s.publisherPc(), subscriberPc: () => s.subscriberPc() };
    window.__vitrinaCall = hook;
    return () => {
      s.dispose();
      if (window.__vitrinaCall === hook) delete window.__vitrinaCall;
    };
  }, [id]);

  const snap = useSyncExternalStore(session?.subscribe ?? noSubscribe, session?.getSnapshot ?? idleSnapshot);
  // Live captions and scam warnings pushed over the WebSocket during the call.
  const live = useLiveCall(id);

  // The call itself and, for names and the listing title, its conversation.
  useEffect(() => {
    let cancelled = false;
    setCall(null);
    setConv(null);
    setListingTitle(null);
    setNotFound(false);
    setLoadError(null);
    api
      .getCall(id)
      .then((c) => {
        if (cancelled) return;
        setCall(c);
        api
          .getConversation(c.conversation_id)
          .then((cv) => {
            if (!cancelled) setConv(cv);
          })
          .catch(() => {
            api
              .getListing(c.listing_id)
              .then((l) => {
                if (!cancelled) setListingTitle(l.title);
              })
              .catch(() => {});
          });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) setNotFound(true);
        else setLoadError(errorText(t, e));
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  // Live call updates: the other side accepting, hanging up, the server ending the call.
  useRealtime((ev) => {
    if (ev.type === 'call' && ev.call.id === id) {
      setCall(ev.call);
      session?.applyServerCall(ev.call);
    } else if (ev.type === 'open') {
      api
        .getCall(id)
        .then((c) => {
          setCall(c);
          session?.applyServerCall(c);
        })
        .catch(() => {});
    }
  });

  // While the recording and transcript are being produced.
  useCallProcessingPoll(call, setCall);

  if (notFound) return <NotFoundPage />;
  if (!call) {
    return (
      <main className="page narrow">
        {loadError ? (
          <p className="form-error" role="alert" data-testid="call-load-error">
            {loadError}
          </p>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </main>
    );
  }

  const iAmBuyer = user?.id === call.buyer_id;
  const isParticipant = iAmBuyer || user?.id === call.seller_id;
  const moderator = isModerator(user);
  const otherName = conv ? (iAmBuyer ? conv.seller_name : conv.buyer_name) : t(iAmBuyer ? 'callPage.seller' : 'callPage.buyer');
  const finalCall = isFinalCallState(call.state);

  // What the page shows: the local session state, or the server's verdict before joining.
  let state: CallUiState = snap.state;
  if (state === 'idle' && isFinalCallState(call.state)) state = call.state === 'failed' ? 'failed' : 'ended';
  const inCall = IN_CALL.includes(snap.state);
  const serverOpen = !isFinalCallState(call.state);
  const canJoin =
    isParticipant && !inCall && serverOpen && call.state !== 'proposed' && (snap.state === 'idle' || snap.state === 'failed');
  const problem = problemText(t, snap.problem);
  const complainable = isParticipant && !inCall && COMPLAINABLE_CALL_STATES.includes(call.state);

  return (
    <main className={inCall ? 'page narrow call-page in-call' : 'page narrow call-page'} data-testid="call-page" data-call-id={call.id}>
      <div className="panel call-head">
        <div className="call-head-main">
          <h1>{t('callPage.title')}</h1>
          <div className="small">
            <span data-testid="call-other">
              {isParticipant || conv ? t('callPage.with', { name: otherName }) : t('callPage.parties')}
            </span>
            {(conv || listingTitle) && (
              <>
                {' · '}
                <Link to={`/listings/${encodeURIComponent(call.listing_id)}`} data-testid="call-listing">
                  {conv ? conv.listing_title : listingTitle}
                </Link>
              </>
            )}
          </div>
          <div className="small muted">
            <span data-testid="call-server-status" data-state={call.state}>
              {t(callStatusKey(call.state))}
            </span>
            {call.scheduled_for && (
              <span data-testid="call-scheduled"> · {t('call.scheduledFor', { time: formatWhen(call.scheduled_for, locale) })}</span>
            )}
          </div>
        </div>
        <div className="call-state-box" data-state={state}>
          <span className="call-state-label" data-testid="call-state-label">
            {t(`callPage.state.${state}` as MessageKey)}
          </span>
          <span className="call-state" data-testid="call-state">
            {state}
          </span>
        </div>
      </div>

      {inCall && (
        <div className="call-live-bar">
          <span className="rec-indicator" data-testid="recording-indicator" role="status">
            <span className="rec-dot" aria-hidden="true" />
            {t('callPage.recording')}
          </span>
          <CaptionsToggle live={live} />
          {snap.connectedAt !== null && <CallTimer since={snap.connectedAt} />}
        </div>
      )}

      <LiveWarningPanel live={live} />

      {problem && (
        <p className="form-error" role="alert" data-testid="call-error">
          {problem}
        </p>
      )}

      {inCall && (
        <section className="call-stage" aria-label={t('callPage.title')}>
          <div className="video-tile video-remote">
            <StreamVideo stream={snap.remote} muted={false} testId="remote-video" />
            {!snap.remote && (
              <div className="video-overlay" data-testid="remote-waiting">
                {snap.state === 'reconnecting' ? t('callPage.state.reconnecting') : t('callPage.waitingRemote', { name: otherName })}
              </div>
            )}
            <LiveCaptions live={live} myRole={iAmBuyer ? 'buyer' : isParticipant ? 'seller' : null} myUserId={user?.id ?? null} />
          </div>
          <div className="video-tile video-local">
            <StreamVideo
              stream={snap.local}
              muted
              testId="local-video"
              className={snap.facing === 'user' ? 'mirrored' : undefined}
            />
            {(!snap.hasVideo || !snap.camOn) && <div className="video-overlay small">{t('callPage.cameraIsOff')}</div>}
            <span className="video-label">{t('callPage.you')}</span>
          </div>
        </section>
      )}

      {inCall && session && (
        <div className="call-controls">
          <button
            type="button"
            className={snap.micOn ? 'call-btn' : 'call-btn call-btn-off'}
            data-testid="toggle-mic"
            aria-pressed={!snap.micOn}
            data-on={snap.micOn ? 'true' : 'false'}
            disabled={!snap.hasAudio}
            onClick={() => session.toggleMic()}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true" className="call-btn-icon">
              <path
                fill="currentColor"
                d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z"
              />
              {!snap.micOn && <path stroke="currentColor" strokeWidth="2" d="M4 4l16 16" />}
            </svg>
            <span>{snap.micOn ? t('callPage.micOff') : t('callPage.micOn')}</span>
          </button>
          <button
            type="button"
            className={snap.camOn ? 'call-btn' : 'call-btn call-btn-off'}
            data-testid="toggle-camera"
            aria-pressed={!snap.camOn}
            data-on={snap.camOn ? 'true' : 'false'}
            disabled={!snap.hasVideo}
            onClick={() => session.toggleCamera()}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true" className="call-btn-icon">
              <path
                fill="currentColor"
                d="M4 6h10a2 2 0 0 1 2 2v1.6l4.2-2.5A.5.5 0 0 1 21 7.5v9a.5.5 0 0 1-.8.4L16 14.4V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z"
              />
              {!snap.camOn && <path stroke="currentColor" strokeWidth="2" d="M3 3l18 18" />}
            </svg>
            <span>{snap.camOn ? t('callPage.camOff') : t('callPage.camOn')}</span>
          </button>
          <button
            type="button"
            className="call-btn"
            data-testid="switch-camera"
            data-facing={snap.facing}
            disabled={!snap.hasVideo || snap.switching}
            onClick={() => void session.switchCamera()}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true" className="call-btn-icon">
              <path
                fill="currentColor"
                d="M9 4 7.2 6H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-3.2L15 4H9zm3 4a5 5 0 0 1 4.6 3H18l-2.5 3-2.5-3h1.4A3 3 0 0 0 9.3 11.6L8 10.3A5 5 0 0 1 12 8zm-4 5.5L10.5 16H9.2a3 3 0 0 0 5.5.9l1.3 1.3A5 5 0 0 1 7.4 16H6l2-2.5z"
              />
            </svg>
            <span>{t('callPage.switchCamera')}</span>
          </button>
          <button type="button" className="call-btn call-btn-hangup" data-testid="hang-up" onClick={() => void session.hangup()}>
            <svg viewBox="0 0 24 24" aria-hidden="true" className="call-btn-icon">
              <path
                fill="currentColor"
                d="M12 9c-3.2 0-6.2.9-8.6 2.5-.6.4-.8 1.2-.4 1.8l1.6 2.4c.4.6 1.1.8 1.7.5l2.6-1.2c.5-.2.8-.7.8-1.2v-2a12 12 0 0 1 4.6 0v2c0 .5.3 1 .8 1.2l2.6 1.2c.6.3 1.3.1 1.7-.5l1.6-2.4c.4-.6.2-1.4-.4-1.8A15.6 15.6 0 0 0 12 9z"
              />
            </svg>
            <span>{t('callPage.hangUp')}</span>
          </button>
        </div>
      )}

      {!inCall && state !== 'ended' && (
        <div className="panel call-prejoin">
          {snap.state === 'failed' && (
            <p className="call-ended-text" data-testid="call-failed">
              {t('callPage.failedText')}
            </p>
          )}
          {serverOpen && (
            <>
              <div className="notice-consent" data-testid="recording-consent">
                <h3>
                  <span className="rec-dot" aria-hidden="true" /> {t('callPage.consentTitle')}
                </h3>
                <p>{t('callPage.consent')}</p>
              </div>
              {call.state === 'proposed' && <p className="muted small">{t('callPage.notAccepted')}</p>}
              {joinOpensLater(call, now) && call.join_opens_at && (
                <p className="muted small" data-testid="call-opens-at">
                  {t('call.joinFrom', { time: formatWhen(call.join_opens_at, locale) })}
                </p>
              )}
              <button
                type="button"
                className="btn btn-primary btn-block call-join"
                data-testid="join-call"
                disabled={!canJoin}
                onClick={() => void session?.join()}
              >
                {snap.state === 'failed' ? t('callPage.retry') : t('callPage.join')}
              </button>
            </>
          )}
          {!serverOpen && snap.state !== 'failed' && <p className="call-ended-text">{t('callPage.failedText')}</p>}
          {isParticipant && (
            <p className="small center">
              <Link to={`/conversations/${encodeURIComponent(call.conversation_id)}`} data-testid="back-to-chat">
                {t('callPage.backToChat')}
              </Link>
            </p>
          )}
        </div>
      )}

      {state === 'ended' && (
        <div className="panel call-prejoin" data-testid="call-ended">
          <p className="call-ended-text">{t('callPage.endedText')}</p>
          {isParticipant && (
            <p className="small center">
              <Link to={`/conversations/${encodeURIComponent(call.conversation_id)}`} className="btn btn-block" data-testid="back-to-chat">
                {t('callPage.backToChat')}
              </Link>
            </p>
          )}
        </div>
      )}

      {complainable && <ComplaintPanel call={call} picked={picked} onFormOpenChange={setComplaintFormOpen} />}
      {finalCall && <CallProcessing call={call} moderator={moderator} />}
      {finalCall && (
        <CallReview
          call={call}
          moderator={moderator}
          initialMs={initialMs}
          onPickSegment={complaintFormOpen && isParticipant ? pickSegment : undefined}
        />
      )}
    </main>
  );
}
