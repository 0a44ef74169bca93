import { useEffect, useRef } from 'react';
import { api } from '../api';
import { formatDuration, isFinalCallState } from '../calls';
import { useI18n } from '../i18n';
import { isSettledStatus, processingStatusKey, progressPercent } from '../transcripts';
import type { Call } from '../types';

const POLL_MS = 3_000;
const WAIT_MAX_MS = 30_000;
const WAIT_ATTEMPTS = 12;

/**
 * Re-reads the call while its recording or transcript is being produced (every 3 s), so the
 * page follows pending → processing → ready without a reload. Server pushes ({"type":"call"})
 * are applied by the page as well; polling covers servers or moments without them. While the
 * next stage is merely expected (the call took place but shows no recording yet, or the
 * recording is ready and the transcript has not been queued), it polls with backoff for a
 * few minutes only: speech recognition may be switched off.
 */
export function useCallProcessingPoll(call: Call | null, onCall: (c: Call) => void): void {
  const onCallRef = useRef(onCall);
  onCallRef.current = onCall;

  const id = call?.id ?? '';
  const rec = call?.recording?.status ?? 'none';
  const tr = call?.transcript?.status ?? 'none';
  const final = !!call && isFinalCallState(call.state);
  const busy = final && (!isSettledStatus(rec) || !isSettledStatus(tr));
  const expecting = final && !busy && ((rec === 'none' && !!call?.started_at) || (rec === 'ready' && tr === 'none'));

  useEffect(() => {
    if (!id || (!busy && !expecting)) return undefined;
    let cancelled = false;
    let timer: number | null = null;
    let attempt = 0;
    const schedule = () => {
      if (!busy && attempt >= WAIT_ATTEMPTS) return;
      const delay = busy ? POLL_MS : Math.min(WAIT_MAX_MS, POLL_MS * 2 ** attempt);
      attempt += 1;
      timer = window.setTimeout(() => {
        timer = null;
        api
          .getCall(id)
          .then((c) => {
            if (!cancelled) onCallRef.current(c);
          })
          .catch(() => {})
          .finally(() => {
            if (!cancelled) schedule();
          });
      }, delay);
    };
    schedule();
    return () => {
      cancelled = true;
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [id, busy, expecting]);
}

/** The after-call panel: where the recording and the transcript stand. */
export function CallProcessing({ call, moderator }: { call: Call; moderator: boolean }) {
  const { t } = useI18n();
  const rec = call.recording?.status ?? 'none';
  const tr = call.transcript?.status ?? 'none';
  const pct = tr === 'processing' ? progressPercent(call.transcript?.progress) : null;
  const trBusy = tr === 'pending' || tr === 'processing' || tr === 'recording';
  const duration = call.recording?.duration_ms;

  return (
    <section className="panel call-processing" data-testid="call-processing" aria-labelledby="call-processing-title">
      <h2 id="call-processing-title">{t('processing.title')}</h2>
      <dl className="proc-list" aria-live="polite">
        <div className="proc-row">
          <dt>{t('processing.recording')}</dt>
          <dd>
            <span className={`proc-status proc-${rec}`} data-testid="recording-status" data-status={rec}>
              {t(processingStatusKey(rec))}
            </span>
            {rec === 'ready' && typeof duration === 'number' && (
              <span className="muted small" data-testid="recording-duration">
                {' '}
                · {formatDuration(duration)}
              </span>
            )}
          </dd>
        </div>
        <div className="proc-row">
          <dt>{t('processing.transcript')}</dt>
          <dd>
            <span className={`proc-status proc-${tr}`} data-testid="transcript-status" data-status={tr}>
              {t(processingStatusKey(tr))}
              {pct !== null && ` · ${pct}%`}
            </span>
          </dd>
        </div>
      </dl>
      {trBusy && (
        <progress
          className="proc-progress"
          data-testid="transcript-progress"
          max={100}
          value={pct ?? undefined}
          aria-label={t('processing.transcriptProgress')}
        />
      )}
      {rec === 'none' && (
        <p className="muted small" data-testid="processing-note">
          {call.started_at ? t('processing.noRecording') : t('processing.notRecorded')}
        </p>
      )}
      {rec === 'failed' && (
        <p className="form-error small" data-testid="recording-failed">
          {t('processing.recordingFailed')}
          {moderator && call.recording?.error?.detail ? ` (${call.recording.error.detail})` : ''}
        </p>
      )}
      {rec !== 'failed' && tr === 'failed' && (
        <p className="form-error small" data-testid="transcript-failed">
          {t('processing.transcriptFailed')}
          {moderator && call.transcript?.error ? ` (${call.transcript.error})` : ''}
        </p>
      )}
      {rec === 'deleted' && (
        <p className="muted small" data-testid="recording-deleted">
          {t('processing.deleted')}
        </p>
      )}
      {(trBusy || (rec !== 'ready' && rec !== 'none' && rec !== 'failed' && rec !== 'deleted')) && (
        <p className="muted small">{t('processing.wait')}</p>
      )}
    </section>
  );
}
