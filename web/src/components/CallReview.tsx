import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type MouseEvent, type Ref } from 'react';
import { lineToneOf, type LineTone, type TimelineMarker } from '../analytics';
import { ApiError, api, callMedia } from '../api';
import { formatDuration } from '../calls';
import { errorText } from '../format';
import { useI18n } from '../i18n';
import { label, overlapsRange } from '../moderation';
import { displayWords, segmentAt, segmentNear, sortSegments, speakerKey } from '../transcripts';
import type { Call, MsRange, Transcript, TranscriptSegment } from '../types';

declare global {
  interface Window {
    /** Test hook: the recording player's position on the call timeline, in ms. */
    __vitrinaPlayer?: { currentTimeMs: () => number; seekMs: (ms: number) => void };
  }
}

type TranscriptLoad =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'loaded'; transcript: Transcript; segments: TranscriptSegment[] }
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

/** Scrolls `el` into the middle of its scrollable list without moving the page. */
function scrollWithin(list: HTMLElement, el: HTMLElement): void {
  if (list.scrollHeight <= list.clientHeight) return;
  // Position inside the list's scrolled content (offsetTop depends on the offsetParent).
  const top = el.getBoundingClientRect().top - list.getBoundingClientRect().top + list.scrollTop;
  const bottom = top + el.offsetHeight;
  if (top >= list.scrollTop && bottom <= list.scrollTop + list.clientHeight) return;
  list.scrollTop = Math.max(0, top - (list.clientHeight - el.offsetHeight) / 2);
}

/** What a page holding the review can ask of its player. */
export interface PlayerHandle {
  /** The player's position (or, before it loaded, where it is about to go), in ms. */
  currentTimeMs: () => number;
  seekMs: (ms: number) => void;
}

interface Props {
  call: Call;
  /** Moderators also get the recording player (GET /calls/{id}/recording is theirs only). */
  moderator: boolean;
  /** ?t= from a search hit: where to start, in ms on the call timeline. */
  initialMs: number | null;
  /** Bumping it goes to `initialMs` again (the same value included): the case page's jumps. */
  seekNonce?: number;
  /**
   * Complained-about moments (complaint ranges, quote matches): overlapping segments get
   * data-flagged="true". With neither prop the rows carry no data-flagged at all.
   */
  flaggedRanges?: readonly MsRange[];
  flaggedSegmentIds?: ReadonlySet<string>;
  /** A participant picking a line for a complaint: clicking a row hands it over. */
  onPickSegment?: (seg: TranscriptSegment) => void;
  /** The player's position and seeking, for the page (decision evidence). */
  handleRef?: Ref<PlayerHandle>;
  /**
   * Whether the page itself scrolls to the `initialMs` segment (the call page's ?t=); the
   * case page keeps its place and only the transcript box scrolls.
   */
  scrollPage?: boolean;
  /**
   * Speech analytics (the case page): marks on the player's timeline (rule flags, negative
   * tone) that seek when clicked, the timeline's length, and the tone of each line.
   */
  markers?: readonly TimelineMarker[];
  timelineMs?: number;
  tones?: ReadonlyMap<string, LineTone>;
}

/**
 * After the call: the transcript (when ready) and, for moderators, the recording with
 * captions. The transcript follows playback; clicking a segment or a word seeks there.
 */
export function CallReview({
  call,
  moderator,
  initialMs,
  seekNonce = 0,
  flaggedRanges,
  flaggedSegmentIds,
  onPickSegment,
  handleRef,
  scrollPage = true,
  markers,
  timelineMs,
  tones,
}: Props) {
  const { t, lang } = useI18n();
  const trStatus = call.transcript?.status ?? 'none';
  const recReady = call.recording?.status === 'ready';
  const showPlayer = moderator && recReady;

  const [load, setLoad] = useState<TranscriptLoad>({ kind: 'idle' });
  const [currentMs, setCurrentMs] = useState<number | null>(null);
  // A ?t= target stays highlighted until playback starts or the user seeks elsewhere.
  const [pinnedMs, setPinnedMs] = useState<number | null>(initialMs);
  const [playerError, setPlayerError] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const trackRef = useRef<HTMLTrackElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const pendingSeek = useRef<number | null>(initialMs);
  const scrolledToInitial = useRef(false);

  useEffect(() => {
    setPinnedMs(initialMs);
    pendingSeek.current = initialMs;
    scrolledToInitial.current = false;
    const v = videoRef.current;
    if (v && initialMs !== null && v.readyState >= HTMLMediaElement.HAVE_METADATA) {
      v.currentTime = initialMs / 1000;
      pendingSeek.current = null;
      setCurrentMs(initialMs);
    }
  }, [initialMs, seekNonce]);

  // The transcript, once the server says it is ready.
  useEffect(() => {
    if (trStatus !== 'ready') {
      setLoad({ kind: 'idle' });
      return undefined;
    }
    let cancelled = false;
    setLoad({ kind: 'loading' });
    api
      .getTranscript(call.id)
      .then((tr) => {
        if (!cancelled) setLoad({ kind: 'loaded', transcript: tr, segments: sortSegments(tr.segments ?? []) });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 404) setLoad({ kind: 'missing' });
        else setLoad({ kind: 'error', message: errorText(t, e) });
      });
    return () => {
      cancelled = true;
    };
    // t only formats the error text.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [call.id, trStatus]);

  const segments = load.kind === 'loaded' ? load.segments : null;

  const active = useMemo<TranscriptSegment | null>(() => {
    if (!segments) return null;
    if (pinnedMs !== null) return segmentNear(segments, pinnedMs);
    if (currentMs !== null) return segmentAt(segments, currentMs);
    return null;
  }, [segments, pinnedMs, currentMs]);
  const activeId = active ? String(active.id) : null;

  // Bring the active segment into view: the ?t= target once (page included), then, while
  // playing, only inside the transcript's own scroll box so the player stays on screen.
  useEffect(() => {
    const list = listRef.current;
    if (!list || activeId === null) return;
    const el = list.querySelector<HTMLElement>(`[data-segment-id="${CSS.escape(activeId)}"]`);
    if (!el) return;
    scrollWithin(list, el);
    if (!scrolledToInitial.current && initialMs !== null) {
      scrolledToInitial.current = true;
      if (scrollPage) el.scrollIntoView({ block: 'nearest' });
    }
  }, [activeId, initialMs, scrollPage]);

  const readTime = useCallback(() => {
    const v = videoRef.current;
    if (v) setCurrentMs(Math.round(v.currentTime * 1000));
  }, []);

  const seek = useCallback((ms: number) => {
    const v = videoRef.current;
    setPinnedMs(null);
    setCurrentMs(ms);
    if (!v) return;
    if (v.readyState >= HTMLMediaElement.HAVE_METADATA) {
      v.currentTime = ms / 1000;
      pendingSeek.current = null;
    } else {
      pendingSeek.current = ms;
    }
  }, []);

  useImperativeHandle(
    handleRef,
    () => ({
      currentTimeMs: () => {
        const v = videoRef.current;
        if (v && v.readyState >= HTMLMediaElement.HAVE_METADATA) return Math.round(v.currentTime * 1000);
        return pendingSeek.current ?? 0;
      },
      seekMs: (ms: number) => seek(ms),
    }),
    [seek],
  );

  const flagging = flaggedRanges !== undefined || flaggedSegmentIds !== undefined;
  const flaggedIds = useMemo<Set<string>>(() => {
    const out = new Set<string>();
    if (!segments || !flagging) return out;
    for (const s of segments) {
      const id = String(s.id);
      if (flaggedSegmentIds?.has(id) || flaggedRanges?.some((r) => overlapsRange(s, r))) out.add(id);
    }
    return out;
  }, [segments, flagging, flaggedRanges, flaggedSegmentIds]);

  // Test hook, live while the player is on the page.
  useEffect(() => {
    if (!showPlayer) return undefined;
    const hook = {
      currentTimeMs: () => Math.round((videoRef.current?.currentTime ?? 0) * 1000),
      seekMs: (ms: number) => seek(ms),
    };
    window.__vitrinaPlayer = hook;
    return () => {
      if (window.__vitrinaPlayer === hook) delete window.__vitrinaPlayer;
    };
  }, [showPlayer, seek]);

  // A <track> added after the video loaded is not switched on by `default` in every browser.
  const captionsLang = load.kind === 'loaded' && load.transcript.language ? load.transcript.language : lang;
  const showTrack = showPlayer && trStatus === 'ready';
  useEffect(() => {
    const tr = trackRef.current?.track;
    if (showTrack && tr && tr.mode === 'disabled') tr.mode = 'showing';
  }, [showTrack, captionsLang]);

  function onListClick(e: MouseEvent<HTMLOListElement>) {
    if (!showPlayer && !onPickSegment) return;
    const target = e.target as HTMLElement;
    const word = target.closest<HTMLElement>('[data-word-ms]');
    const row = target.closest<HTMLElement>('[data-testid="transcript-segment"]');
    if (!row || !e.currentTarget.contains(row)) return;
    if (onPickSegment && segments) {
      const seg = segments.find((s) => String(s.id) === row.dataset.segmentId);
      if (seg) onPickSegment(seg);
    }
    if (!showPlayer) return;
    const ms = Number((word ?? row).dataset[word ? 'wordMs' : 'startMs']);
    if (Number.isFinite(ms)) seek(ms);
  }

  if (!showPlayer && trStatus !== 'ready') return null;

  return (
    <section className="panel call-review" data-testid="call-review" aria-labelledby="call-review-title">
      <h2 id="call-review-title">{showPlayer ? t('review.titleRecording') : t('review.title')}</h2>

      {showPlayer && (
        <div className="recording-box">
          <video
            ref={videoRef}
            className="recording-video"
            data-testid="recording-player"
            data-current-ms={currentMs ?? 0}
            controls
            playsInline
            preload="metadata"
            src={callMedia.recordingUrl(call.id)}
            aria-label={t('review.player')}
            onLoadedMetadata={() => {
              const v = videoRef.current;
              if (v && pendingSeek.current !== null) {
                v.currentTime = pendingSeek.current / 1000;
                pendingSeek.current = null;
              }
              readTime();
            }}
            onTimeUpdate={readTime}
            onSeeked={() => {
              const v = videoRef.current;
              // Dragging the native scrubber away from a ?t= target releases it.
              if (v && pinnedMs !== null && Math.abs(v.currentTime * 1000 - pinnedMs) > 500) setPinnedMs(null);
              readTime();
            }}
            onPlay={() => setPinnedMs(null)}
            onError={() => setPlayerError(true)}
          >
            {showTrack && (
              <track
                key={`${captionsLang}:${trStatus}`}
                ref={trackRef}
                kind="captions"
                srcLang={captionsLang}
                label={t('review.captions')}
                src={callMedia.captionsUrl(call.id)}
                default
              />
            )}
          </video>
          {playerError && (
            <p className="form-error small" role="alert" data-testid="recording-error">
              {t('review.playerError')}
            </p>
          )}
          <p className="muted small">{t('review.moderatorNote')}</p>
        </div>
      )}

      {markers && typeof timelineMs === 'number' && timelineMs > 0 && (
        <Timeline markers={markers} lengthMs={timelineMs} currentMs={currentMs ?? pinnedMs} onSeek={seek} />
      )}

      {trStatus === 'ready' && (
        <div className="transcript" data-testid="transcript" data-state={load.kind}>
          <h3>{t('review.transcript')}</h3>
          {load.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}
          {load.kind === 'missing' && (
            <p className="muted" data-testid="transcript-missing">
              {t('review.transcriptMissing')}
            </p>
          )}
          {load.kind === 'error' && (
            <p className="form-error" role="alert" data-testid="transcript-error">
              {load.message}
            </p>
          )}
          {load.kind === 'loaded' && load.segments.length === 0 && (
            <p className="muted" data-testid="transcript-empty">
              {t('review.transcriptEmpty')}
            </p>
          )}
          {load.kind === 'loaded' && load.segments.length > 0 && (
            <>
              <p className="muted small" data-testid="transcript-meta">
                {t('review.auto')}
                {moderator && load.transcript.engine
                  ? ` (${[load.transcript.engine, load.transcript.model, load.transcript.version ? `v${load.transcript.version}` : '']
                      .filter(Boolean)
                      .join(', ')})`
                  : ''}
                {showPlayer ? ` ${t('review.clickToSeek')}` : ''}
                {onPickSegment ? ` ${t('review.clickToPick')}` : ''}
              </p>
              {/* Clicks are delegated: a word seeks to itself, anything else in a row to the row
                  (keyboard users have each row's time button). */}
              <ol
                ref={listRef}
                className={`transcript-list${showPlayer ? ' seekable' : ''}${onPickSegment ? ' pickable' : ''}`}
                data-testid="transcript-list"
                onClick={onListClick}
              >
                {load.segments.map((s) => (
                  <SegmentRow
                    key={s.id}
                    seg={s}
                    active={String(s.id) === activeId}
                    flagged={flagging ? flaggedIds.has(String(s.id)) : undefined}
                    seekable={showPlayer}
                    tone={lineToneOf(tones, s)}
                    onSeek={seek}
                    onPick={onPickSegment}
                  />
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function SegmentRow({
  seg,
  active,
  flagged,
  seekable,
  tone,
  onSeek,
  onPick,
}: {
  seg: TranscriptSegment;
  /** The line's tone from the call's analytics (the case page). */
  tone?: LineTone;
  active: boolean;
  /** undefined: the page flags nothing (no data-flagged attribute). */
  flagged?: boolean;
  seekable: boolean;
  onSeek: (ms: number) => void;
  onPick?: (seg: TranscriptSegment) => void;
}) {
  const { t } = useI18n();
  const words = displayWords(seg);
  const time = formatDuration(seg.start_ms);
  const speaker = t(speakerKey(seg.speaker));
  return (
    <li
      className={`tseg tseg-${seg.speaker === 'seller' ? 'seller' : 'buyer'}${active ? ' active' : ''}${flagged ? ' flagged' : ''}`}
      data-testid="transcript-segment"
      data-segment-id={seg.id}
      data-speaker={seg.speaker}
      data-start-ms={seg.start_ms}
      data-end-ms={seg.end_ms}
      data-active={active ? 'true' : 'false'}
      data-flagged={flagged === undefined ? undefined : flagged ? 'true' : 'false'}
      aria-current={active ? 'true' : undefined}
    >
      <div className="tseg-head">
        {seekable ? (
          <button
            type="button"
            className="tseg-time"
            data-testid="transcript-seek"
            aria-label={t('review.playFrom', { time, speaker })}
            onClick={(e) => {
              e.stopPropagation();
              onSeek(seg.start_ms);
            }}
          >
            {time}
          </button>
        ) : (
          <span className="tseg-time">{time}</span>
        )}
        <span className="tseg-speaker" data-testid="transcript-speaker">
          {speaker}
        </span>
        {tone && (
          <span
            className={`line-tone line-tone-${tone.tone}`}
            data-testid="line-tone"
            data-tone={tone.tone}
            data-score={tone.score}
            title={`${t('tone.title')}: ${label(t, 'tone.', tone.tone)} (${tone.score.toFixed(2)})${
              tone.loudness ? ` · ${t('tone.loudness', { level: Math.round(tone.loudness.level) })}` : ''
            }`}
          >
            {label(t, 'tone.short.', tone.tone)}
          </span>
        )}
        {flagged && (
          <span className="tseg-flag" data-testid="transcript-flag">
            {t('review.flagged')}
          </span>
        )}
        {onPick && (
          <button
            type="button"
            className="tseg-pick"
            data-testid="transcript-pick"
            aria-label={t('review.pickLine', { time: formatDuration(seg.start_ms), end: formatDuration(seg.end_ms) })}
            onClick={(e) => {
              e.stopPropagation();
              onPick(seg);
            }}
          >
            +
          </button>
        )}
      </div>
      <p className="tseg-text" data-testid="transcript-text">
        {words
          ? words.map((w, i) => (
              <span key={i}>
                {i > 0 && ' '}
                <span
                  className={w.conf < 0.5 ? 'tw tw-low' : 'tw'}
                  data-word-ms={w.start_ms}
                  title={seekable ? `${formatDuration(w.start_ms)} · ${Math.round(w.conf * 100)}%` : undefined}
                >
                  {w.w}
                </span>
              </span>
            ))
          : seg.text}
      </p>
    </li>
  );
}

/**
 * The call's timeline under the player: rule flags (upper lane, coloured by severity) and
 * negative-tone stretches (lower lane), each a button that seeks to its start; a line marks
 * the playback position.
 */
function Timeline({
  markers,
  lengthMs,
  currentMs,
  onSeek,
}: {
  markers: readonly TimelineMarker[];
  lengthMs: number;
  currentMs: number | null;
  onSeek: (ms: number) => void;
}) {
  const { t } = useI18n();
  const pos = (ms: number) => Math.max(0, Math.min(100, (ms / lengthMs) * 100));
  const flags = markers.filter((m) => m.kind === 'flag');
  const tone = markers.filter((m) => m.kind === 'negative_tone');
  function lane(list: readonly TimelineMarker[], kind: TimelineMarker['kind']) {
    return (
      <div className={`timeline-lane timeline-lane-${kind}`}>
        {list.map((m) => {
          const left = pos(m.start_ms);
          const width = Math.max(0, pos(m.end_ms) - left);
          const range = `${formatDuration(m.start_ms)}–${formatDuration(m.end_ms)}`;
          const what =
            m.kind === 'flag'
              ? `${label(t, 'rule.category.', m.category)} · ${label(t, 'severity.', m.severity)}${m.speaker ? ` · ${t(speakerKey(m.speaker))}` : ''}`
              : t('analytics.negativeTone');
          return (
            <button
              key={m.key}
              type="button"
              className={`timeline-marker timeline-marker-${m.kind}${m.severity ? ` sev-${m.severity}` : ''}`}
              style={{ left: `${left}%`, width: `${width}%` }}
              data-testid="timeline-marker"
              data-kind={m.kind}
              data-category={m.kind === 'flag' ? m.category : 'negative_tone'}
              data-severity={m.severity}
              data-flag-id={m.flagId}
              data-start-ms={m.start_ms}
              data-end-ms={m.end_ms}
              title={`${range} · ${what}${m.text ? ` · “${m.text}”` : ''}`}
              aria-label={t('analytics.markerPlay', { range, what })}
              onClick={() => onSeek(m.start_ms)}
            />
          );
        })}
      </div>
    );
  }
  return (
    <div className="timeline" data-testid="call-timeline" data-length-ms={lengthMs}>
      <div className="timeline-track">
        {lane(flags, 'flag')}
        {lane(tone, 'negative_tone')}
        {currentMs !== null && <span className="timeline-playhead" style={{ left: `${pos(currentMs)}%` }} aria-hidden="true" />}
      </div>
      <div className="timeline-legend muted small">
        <span className="timeline-ends">
          <span>{formatDuration(0)}</span>
          <span>{formatDuration(lengthMs)}</span>
        </span>
        <span className="timeline-keys">
          <span className="timeline-key sev-high">{t('severity.high')}</span>
          <span className="timeline-key sev-warn">{t('severity.warn')}</span>
          <span className="timeline-key sev-info">{t('severity.info')}</span>
          <span className="timeline-key timeline-key-tone">{t('analytics.negativeTone')}</span>
        </span>
      </div>
    </div>
  );
}
