// The call page's live layer: captions of both speakers and the scam warnings
// sent to the viewer, as pushed over the tab's WebSocket while a call is on.
// The event rules live in ./liveEvents.ts; this file is the React glue and UI.

import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import { api } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { useRealtime } from '../realtime';
import type { Speaker } from '../types';
import {
  initialLiveView,
  isKnownWarningCategory,
  liveReducer,
  parseLiveEvent,
  type CaptionLine,
  type LiveView,
  type LiveWarning,
} from './liveEvents';

const CAPTIONS_STORAGE_KEY = 'vitrina_captions';

function readCaptionsShown(): boolean {
  try {
    return window.localStorage.getItem(CAPTIONS_STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

export type WarningAnswer = 'understood' | 'not_scam';

export interface LiveCall {
  view: LiveView;
  /** The viewer's choice to show the captions area (remembered in localStorage). */
  captionsShown: boolean;
  toggleCaptions: () => void;
  /** Sends the answer to a warning and hides it. */
  answerWarning: (warning: LiveWarning, answer: WarningAnswer) => void;
}

/** Live events of call `callId` (events of other calls are ignored) for as long as the page is mounted. */
export function useLiveCall(callId: string): LiveCall {
  const [view, dispatch] = useReducer(liveReducer, callId, initialLiveView);
  const [captionsShown, setCaptionsShown] = useState(readCaptionsShown);

  useEffect(() => dispatch({ type: 'reset', callId }), [callId]);

  useRealtime((ev) => {
    const event = parseLiveEvent(ev);
    if (event) dispatch({ type: 'event', event });
  });

  const toggleCaptions = useCallback(() => {
    setCaptionsShown((shown) => {
      try {
        window.localStorage.setItem(CAPTIONS_STORAGE_KEY, shown ? 'off' : 'on');
      } catch {
        // storage disabled: the choice lasts for this page only
      }
      return !shown;
    });
  }, []);

  const answerWarning = useCallback(
    (warning: LiveWarning, answer: WarningAnswer) => {
      dispatch({ type: 'dismiss', warningId: warning.id });
      // The answer only tunes the rules; the viewer has nothing to retry if it is lost.
      api.liveWarningFeedback(callId, warning.id, answer).catch((e: unknown) => {
        console.warn('live warning feedback failed', e);
      });
    },
    [callId],
  );

  return { view, captionsShown, toggleCaptions, answerWarning };
}

/** The switch for the captions area; it stays on screen when the captions are hidden. */
export function CaptionsToggle({ live }: { live: LiveCall }) {
  const { t } = useI18n();
  const shown = live.captionsShown;
  return (
    <button
      type="button"
      className={shown ? 'captions-toggle is-on' : 'captions-toggle'}
      data-testid="captions-toggle"
      aria-pressed={shown}
      title={shown ? t('callLive.captionsHide') : t('callLive.captionsShow')}
      onClick={live.toggleCaptions}
    >
      <span className="captions-toggle-icon" aria-hidden="true">
        CC
      </span>
      {t('callLive.captionsToggle')}
    </button>
  );
}

function speakerLabel(line: CaptionLine, myRole: Speaker | null, myUserId: string | null): MessageKey {
  const mine = myRole ? line.speaker === myRole : !!myUserId && line.userId === myUserId;
  if (mine) return 'callLive.you';
  return line.speaker === 'buyer' ? 'callLive.speaker.buyer' : 'callLive.speaker.seller';
}

/**
 * The captions area at the bottom of the remote video: the last lines of both
 * speakers, partials lighter, scrolled to the newest unless the viewer scrolled up.
 * Renders nothing when the viewer has hidden the captions.
 */
export function LiveCaptions({ live, myRole, myUserId }: { live: LiveCall; myRole: Speaker | null; myUserId: string | null }) {
  const { t } = useI18n();
  const listRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const { lines, status } = live.view;

  // A freshly shown area starts at the newest line.
  useLayoutEffect(() => {
    stick.current = true;
  }, [live.captionsShown]);

  useLayoutEffect(() => {
    const el = listRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines, status, live.captionsShown]);

  if (!live.captionsShown) return null;

  const note = status === 'unavailable' ? t('callLive.unavailable') : status === 'off' ? t('callLive.off') : null;

  return (
    <div
      ref={listRef}
      className="live-captions"
      data-testid="captions"
      data-status={status ?? 'none'}
      role="log"
      aria-label={t('callLive.captions')}
      // The call's audio is heard anyway: announcing every partial would only be noise.
      aria-live="off"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {lines.length === 0 && !note && <p className="live-captions-note">{t('callLive.placeholder')}</p>}
      {lines.map((line) => {
        const label = speakerLabel(line, myRole, myUserId);
        return (
          <p
            key={line.key}
            className={line.final ? 'caption-line' : 'caption-line is-partial'}
            data-testid="caption-line"
            data-speaker={line.speaker}
            data-final={line.final ? 'true' : 'false'}
            data-mine={label === 'callLive.you' ? 'true' : 'false'}
          >
            <span className="caption-who">{t(label)}:</span> {line.text}
          </p>
        );
      })}
      {/* After the lines: the newest thing in the area, where the auto-scroll keeps the eye. */}
      {note && (
        <p className="live-captions-note" data-testid="captions-status">
          {note}
        </p>
      )}
    </div>
  );
}

/** The newest unanswered warning for the viewer, with its advice and the two answers. */
export function LiveWarningPanel({ live }: { live: LiveCall }) {
  const { t } = useI18n();
  const warning = live.view.warning;
  if (!warning) return null;
  const key: MessageKey = isKnownWarningCategory(warning.category)
    ? `callLive.warning.${warning.category}`
    : 'callLive.warning.generic';
  return (
    <div
      className="live-warning"
      data-testid="live-warning"
      data-warning-id={warning.id}
      data-category={warning.category}
      role="alert"
    >
      <div className="live-warning-text">
        <strong className="live-warning-title">
          <span aria-hidden="true">⚠ </span>
          {t('callLive.warningTitle')}
        </strong>
        <p>{t(key)}</p>
      </div>
      <div className="live-warning-actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="live-warning-ack"
          onClick={() => live.answerWarning(warning, 'understood')}
        >
          {t('callLive.warningAck')}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="live-warning-not-scam"
          onClick={() => live.answerWarning(warning, 'not_scam')}
        >
          {t('callLive.warningNotScam')}
        </button>
      </div>
    </div>
  );
}
