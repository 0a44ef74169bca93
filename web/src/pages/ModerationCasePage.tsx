import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { caseItems, lineTones, timelineLength, timelineMarkers } from '../analytics';
import { ApiError, api } from '../api';
import { callStatusKey, formatDuration } from '../calls';
import { CallAnalyticsPanel, type AnalyticsLoad } from '../components/CallAnalyticsPanel';
import { CallReview, type PlayerHandle } from '../components/CallReview';
import { CaseStatusBadge, PriorityBadge, SlaBadge } from '../components/CaseBadges';
import { CaseDecisionPanel } from '../components/CaseDecisionPanel';
import { CaseDetectionItems } from '../components/CaseDetectionItems';
import { CaseHistoryPanel } from '../components/CaseHistoryPanel';
import { CaseSearchPanel } from '../components/CaseSearchPanel';
import { apiErrorMessage, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { callLengthMs, firstComplainedMoment, formatRange, label, normaliseEvidence, normaliseRanges } from '../moderation';
import { processingStatusKey } from '../transcripts';
import { useSession } from '../session';
import { speakerKey } from '../transcripts';
import type { AnalyticsFlag, Call, Complaint, DecisionResult, Evidence, FlagVerdict, ModerationCase, MsRange, SearchHit } from '../types';
import { NotFoundPage } from './NotFoundPage';

const HEARTBEAT_MS = 60_000;
/** How often a call whose analytics are not computed yet is asked again. */
const ANALYTICS_RETRY_MS = 10_000;

interface Selection {
  callId: string | null;
  ms: number | null;
  nonce: number;
}

function unwrapCase(res: ModerationCase | { case: ModerationCase }): ModerationCase {
  return 'case' in res && res.case && typeof res.case === 'object' ? res.case : (res as ModerationCase);
}

/**
 * /moderation/cases/{id}: everything a moderator needs to decide one case — the complaints
 * (their moments and quotes jump the player), the calls' recording with the transcript
 * following playback and the complained-about lines flagged, search over this call or all the
 * accused's calls, the accused's history, and the decision. While the case is assigned to the
 * viewer the page keeps its lease (heartbeat every minute).
 */
export function ModerationCasePage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { user } = useSession();

  const [kase, setKase] = useState<ModerationCase | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [leaseLost, setLeaseLost] = useState(false);
  const [released, setReleased] = useState(false);
  const [releaseBusy, setReleaseBusy] = useState(false);
  // Calls outside the case opened from a search over the accused's calls.
  const [extraCalls, setExtraCalls] = useState<Call[]>([]);
  const [sel, setSel] = useState<Selection>({ callId: null, ms: null, nonce: 0 });
  // Speech analytics per call id (loaded for every call shown).
  const [analytics, setAnalytics] = useState<Record<string, AnalyticsLoad>>({});
  const analyticsAsked = useRef<Set<string>>(new Set());
  const playerRef = useRef<PlayerHandle>(null);
  const playerBoxRef = useRef<HTMLDivElement>(null);
  const scrollToPlayer = useRef(false);
  const initialised = useRef<string | null>(null);
  const loadGen = useRef(0);

  const load = useCallback(async () => {
    const gen = ++loadGen.current;
    try {
      const c = await api.getCase(id);
      if (gen !== loadGen.current) return;
      setKase(c);
      setLoadError(null);
    } catch (e) {
      if (gen !== loadGen.current) return;
      if (e instanceof ApiError && e.status === 404) setNotFound(true);
      else setLoadError(apiErrorMessage(t, e));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  useEffect(() => {
    setKase(null);
    setNotFound(false);
    setLoadError(null);
    setActionError(null);
    setLeaseLost(false);
    setReleased(false);
    setExtraCalls([]);
    setSel({ callId: null, ms: null, nonce: 0 });
    setAnalytics({});
    analyticsAsked.current = new Set();
    initialised.current = null;
    void load();
    return () => {
      loadGen.current++;
    };
  }, [load]);

  // On open: the first complained-about moment (first range, else the quote's match).
  useEffect(() => {
    if (!kase || initialised.current === kase.id) return;
    initialised.current = kase.id;
    const appealEvidence = normaliseEvidence(kase.appeal?.decision?.evidence);
    const calls = kase.calls ?? [];
    // Else the first automatic flag filed into the case.
    const firstFlag = [...(kase.flags ?? [])]
      .filter((f) => f.call_id && calls.some((c) => String(c.id) === String(f.call_id)))
      .sort((a, b) => a.start_ms - b.start_ms)[0];
    const first =
      firstComplainedMoment(kase.complaints ?? [], appealEvidence) ??
      (firstFlag ? { call_id: String(firstFlag.call_id), from_ms: firstFlag.start_ms, to_ms: firstFlag.end_ms } : null);
    if (first && calls.some((c) => String(c.id) === first.call_id)) {
      setSel((s) => ({ callId: first.call_id, ms: first.from_ms, nonce: s.nonce + 1 }));
    } else {
      const c0 = calls[0];
      setSel((s) => ({ callId: c0 ? String(c0.id) : null, ms: null, nonce: s.nonce + 1 }));
    }
  }, [kase]);

  const assignedToMe = !!kase && !!user && kase.status === 'assigned' && String(kase.assignee_id ?? '') === String(user.id);

  // Keep the lease while the page is open.
  useEffect(() => {
    if (!assignedToMe) return undefined;
    let stopped = false;
    const timer = window.setInterval(() => {
      api
        .heartbeatCase(id)
        .then((res) => {
          if (!stopped && res?.lease_until) setKase((k) => (k ? { ...k, lease_until: res.lease_until } : k));
        })
        .catch((e: unknown) => {
          if (stopped) return;
          if (e instanceof ApiError && (e.status === 403 || e.status === 409)) {
            setLeaseLost(true);
            void load();
          }
        });
    }, HEARTBEAT_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [assignedToMe, id, load]);

  const allCalls = useMemo(() => {
    const list = [...(kase?.calls ?? [])];
    for (const c of extraCalls) if (!list.some((x) => String(x.id) === String(c.id))) list.push(c);
    return list;
  }, [kase, extraCalls]);
  const caseCallIds = useMemo(() => new Set((kase?.calls ?? []).map((c) => String(c.id))), [kase]);
  const current = allCalls.find((c) => String(c.id) === sel.callId) ?? null;

  const loadAnalytics = useCallback(async (call: Call) => {
    const cid = String(call.id);
    const tr = call.transcript?.status ?? 'none';
    if (tr === 'none' || tr === 'failed' || tr === 'deleted') {
      setAnalytics((m) => ({ ...m, [cid]: { kind: 'unavailable' } }));
      return;
    }
    setAnalytics((m) => (m[cid]?.kind === 'loaded' || m[cid]?.kind === 'pending' ? m : { ...m, [cid]: { kind: 'loading' } }));
    let next: AnalyticsLoad;
    try {
      next = { kind: 'loaded', data: await api.getCallAnalytics(cid) };
    } catch (e) {
      next = e instanceof ApiError && e.status === 409 ? { kind: 'pending' } : { kind: 'error', message: apiErrorMessage(t, e) };
    }
    setAnalytics((m) => ({ ...m, [cid]: next }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Every call of the case (and any other call opened here): its analytics, once.
  useEffect(() => {
    for (const c of allCalls) {
      const cid = String(c.id);
      if (analyticsAsked.current.has(cid)) continue;
      analyticsAsked.current.add(cid);
      void loadAnalytics(c);
    }
  }, [allCalls, loadAnalytics]);

  // Calls whose analytics are still being computed: ask again now and then.
  const pendingIds = useMemo(
    () => Object.entries(analytics).filter(([, v]) => v.kind === 'pending').map(([k]) => k).sort().join(','),
    [analytics],
  );
  useEffect(() => {
    if (!pendingIds) return undefined;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'hidden') return;
      for (const cid of pendingIds.split(',')) {
        const c = allCalls.find((x) => String(x.id) === cid);
        if (c) void loadAnalytics(c);
      }
    }, ANALYTICS_RETRY_MS);
    return () => window.clearInterval(timer);
  }, [pendingIds, allCalls, loadAnalytics]);

  const reviewFlag = useCallback(async (flag: AnalyticsFlag, verdict: FlagVerdict) => {
    const res = await api.reviewFlag(String(flag.id), verdict);
    const review = (res?.review ?? verdict) as FlagVerdict;
    const patch = <T extends AnalyticsFlag>(f: T): T => (String(f.id) === String(flag.id) ? { ...f, review, reviewed_at: res?.reviewed_at ?? f.reviewed_at } : f);
    setAnalytics((m) => {
      const out: Record<string, AnalyticsLoad> = {};
      for (const [k, v] of Object.entries(m)) {
        out[k] = v.kind === 'loaded' ? { kind: 'loaded', data: { ...v.data, flags: (v.data.flags ?? []).map(patch) } } : v;
      }
      return out;
    });
    setKase((k) =>
      k
        ? {
            ...k,
            flags: k.flags?.map(patch),
            items: k.items?.map((i) => (i.source === 'auto' ? patch(i) : i)),
          }
        : k,
    );
  }, []);

  const currentAnalytics = current ? analytics[String(current.id)] : undefined;
  const currentData = currentAnalytics?.kind === 'loaded' ? currentAnalytics.data : null;
  const markers = useMemo(() => timelineMarkers(currentData), [currentData]);
  const tones = useMemo(() => lineTones(currentData), [currentData]);
  const markerLength = currentData ? timelineLength(currentData, current?.recording?.duration_ms, markers) : 0;

  // Bring the player into view after a jump the moderator asked for (not on open).
  useEffect(() => {
    if (!scrollToPlayer.current) return;
    scrollToPlayer.current = false;
    const box = playerBoxRef.current;
    if (!box) return;
    window.requestAnimationFrame(() => {
      // The player itself, just below the sticky top bar (two rows on a phone).
      const el = box.querySelector<HTMLElement>('[data-testid="call-review"]') ?? box;
      const bar = document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0;
      const top = el.getBoundingClientRect().top + window.scrollY - bar - 8;
      if (Math.abs(top - window.scrollY) > 4) window.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
    });
  }, [sel.nonce]);

  const jump = useCallback(
    async (callId: string, ms: number) => {
      setActionError(null);
      const known = allCalls.some((c) => String(c.id) === callId);
      if (!known) {
        try {
          const c = await api.getCall(callId);
          setExtraCalls((prev) => (prev.some((x) => String(x.id) === callId) ? prev : [...prev, c]));
        } catch (e) {
          setActionError(apiErrorMessage(t, e));
          return;
        }
      }
      scrollToPlayer.current = true;
      setSel((s) => ({ callId, ms: Math.max(0, Math.floor(ms)), nonce: s.nonce + 1 }));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [allCalls],
  );

  function selectCall(callId: string) {
    if (callId === sel.callId) return;
    setSel((s) => ({ callId, ms: null, nonce: s.nonce + 1 }));
  }

  // What the complaints point at in the current call: flagged in the transcript.
  const flags = useMemo(() => {
    const ranges: MsRange[] = [];
    const ids = new Set<string>();
    if (!kase || !sel.callId) return { ranges, ids };
    for (const c of kase.complaints ?? []) {
      if (String(c.call_id) !== sel.callId) continue;
      ranges.push(...normaliseRanges(c.ranges));
      const m = c.quote_match;
      if (m) {
        if (m.segment_ids && m.segment_ids.length > 0) for (const s of m.segment_ids) ids.add(String(s));
        else ranges.push({ from_ms: m.from_ms, to_ms: m.to_ms });
      }
    }
    for (const e of normaliseEvidence(kase.appeal?.decision?.evidence)) if (e.call_id === sel.callId) ranges.push(e);
    return { ranges, ids };
  }, [kase, sel.callId]);

  async function release() {
    if (releaseBusy) return;
    setReleaseBusy(true);
    setActionError(null);
    try {
      const res = await api.releaseCase(id);
      setKase((k) => (k ? { ...k, ...unwrapCase(res) } : unwrapCase(res)));
      setReleased(true);
    } catch (e) {
      setActionError(apiErrorMessage(t, e));
      if (e instanceof ApiError && (e.status === 403 || e.status === 409)) void load();
    } finally {
      setReleaseBusy(false);
    }
  }

  const onDecided = useCallback((res: DecisionResult) => {
    if (res.case) setKase((k) => (k ? { ...k, ...res.case } : res.case));
    else setKase((k) => (k ? { ...k, status: 'decided' } : k));
  }, []);

  const currentMs = useCallback(() => playerRef.current?.currentTimeMs() ?? sel.ms ?? 0, [sel.ms]);

  if (notFound) return <NotFoundPage />;
  if (!kase) {
    return (
      <main className="page narrow">
        {loadError ? (
          <p className="form-error" role="alert" data-testid="case-load-error">
            {loadError}
          </p>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </main>
    );
  }

  const accused = kase.accused;
  const complaints = kase.complaints ?? [];
  const decisions = kase.decisions ?? [];
  const items = caseItems(kase);
  const autoCount = typeof kase.auto_flags === 'number' ? kase.auto_flags : items.filter((i) => i.source === 'auto').length;

  return (
    <main className="page case-page" data-testid="case-page" data-case-id={kase.id} data-kind={kase.kind}>
      <p className="crumbs small">
        <Link to="/moderation" data-testid="case-back">
          ← {t('moderation.title')}
        </Link>
      </p>

      <section className="panel case-head" aria-labelledby="case-title">
        <div className="case-head-main">
          <h1 id="case-title">
            {t('moderation.caseN', { id: kase.id })} <span className="muted case-kind">{label(t, 'moderation.kind.', kase.kind)}</span>
          </h1>
          <div className="case-badges">
            <PriorityBadge priority={kase.priority} testId="case-priority" />
            <SlaBadge state={kase.sla_state} dueAt={kase.sla_due_at} testId="case-sla" />
            <CaseStatusBadge status={kase.status} testId="case-status" />
          </div>
          <dl className="facts case-facts">
            <div className="fact">
              <dt>{t('case.accused')}</dt>
              <dd data-testid="case-accused" data-user-id={accused?.id ?? ''} data-status={accused?.status ?? ''}>
                <strong>{accused?.display_name ?? `#${accused?.id ?? ''}`}</strong>{' '}
                <span className={`tag user-status user-status-${accused?.status ?? 'active'}`} data-testid="case-accused-status">
                  {label(t, 'case.userStatus.', accused?.status ?? 'active')}
                </span>
                {accused?.blocked_until && (
                  <span className="muted small"> {t('case.blockedUntil', { date: formatDateTime(accused.blocked_until, locale) })}</span>
                )}
              </dd>
            </div>
            <div className="fact">
              <dt>{t('case.sla')}</dt>
              <dd>{t('moderation.dueAt', { date: formatDateTime(kase.sla_due_at, locale) })}</dd>
            </div>
            <div className="fact">
              <dt>{t('case.opened')}</dt>
              <dd>{formatDateTime(kase.opened_at, locale)}</dd>
            </div>
            {typeof kase.complainants === 'number' && (
              <div className="fact">
                <dt>{t('case.complainants')}</dt>
                <dd>{kase.complainants}</dd>
              </div>
            )}
            {autoCount > 0 && (
              <div className="fact">
                <dt>{t('case.autoFlags')}</dt>
                <dd data-testid="case-auto-flags" data-count={autoCount}>
                  {autoCount}
                </dd>
              </div>
            )}
            {(kase.vertical || kase.language) && (
              <div className="fact">
                <dt>{t('case.routing')}</dt>
                <dd>{[kase.vertical ? label(t, 'vertical.', kase.vertical) : '', kase.language ?? ''].filter(Boolean).join(' · ')}</dd>
              </div>
            )}
            <div className="fact">
              <dt>{t('case.assignee')}</dt>
              <dd data-testid="case-assignee" data-assignee-id={kase.assignee_id ?? ''}>
                {kase.status !== 'assigned' || !kase.assignee_id
                  ? t('case.unassigned')
                  : assignedToMe
                    ? t('moderation.assignedToMe')
                    : t('moderation.assignedTo', { name: kase.assignee_name || `#${kase.assignee_id}` })}
                {kase.status === 'assigned' && kase.lease_until && (
                  <span className="muted small"> {t('case.leaseUntil', { date: formatDateTime(kase.lease_until, locale) })}</span>
                )}
              </dd>
            </div>
          </dl>
        </div>
        {assignedToMe && (
          <div className="case-head-actions">
            <button type="button" className="btn" data-testid="case-release" disabled={releaseBusy} onClick={() => void release()}>
              {t('case.release')}
            </button>
          </div>
        )}
        {leaseLost && (
          <p className="form-error" role="alert" data-testid="case-lease-lost">
            {t('case.leaseLost')}
          </p>
        )}
        {released && (
          <p className="muted small" role="status" data-testid="case-released">
            {t('case.released')}
          </p>
        )}
        {actionError && (
          <p className="form-error" role="alert" data-testid="case-error">
            {actionError}
          </p>
        )}
      </section>

      {kase.appeal && <AppealPanel kase={kase} onJump={(c, ms) => void jump(c, ms)} />}

      <div className="case-layout">
        <div className="case-main" ref={playerBoxRef}>
          <section className="panel case-calls" aria-labelledby="case-calls-title">
            <h2 id="case-calls-title">{t('case.calls')}</h2>
            {allCalls.length === 0 ? (
              <p className="muted small" data-testid="case-no-calls">
                {t('case.noCalls')}
              </p>
            ) : (
              <div className="case-call-tabs" role="tablist" aria-label={t('case.calls')}>
                {allCalls.map((c) => {
                  const cid = String(c.id);
                  const selected = cid === sel.callId;
                  return (
                    <button
                      key={cid}
                      type="button"
                      role="tab"
                      aria-selected={selected}
                      className={`case-call${selected ? ' selected' : ''}`}
                      data-testid="case-call"
                      data-call-id={cid}
                      data-selected={selected ? 'true' : 'false'}
                      data-in-case={caseCallIds.has(cid) ? 'true' : 'false'}
                      data-analysis={analytics[cid]?.kind ?? 'loading'}
                      onClick={() => selectCall(cid)}
                    >
                      <span className="case-call-title">
                        {t('case.callN', { id: cid })}
                        {!caseCallIds.has(cid) && <span className="muted"> · {t('case.otherCall')}</span>}
                      </span>
                      <span className="muted small case-call-meta">
                        {[c.listing_title, c.started_at ? formatDateTime(c.started_at, locale) : t(callStatusKey(c.state))].filter(Boolean).join(' · ')}
                      </span>
                      <CallAnalysisNote load={analytics[cid]} />
                    </button>
                  );
                })}
              </div>
            )}
            {current && (
              <p className="muted small case-call-status" data-testid="case-call-status" data-recording={current.recording?.status ?? 'none'} data-transcript={current.transcript?.status ?? 'none'}>
                {t('processing.recording')}: {t(processingStatusKey(current.recording?.status ?? 'none'))}
                {typeof current.recording?.duration_ms === 'number' && current.recording.status === 'ready'
                  ? ` (${formatDuration(current.recording.duration_ms)})`
                  : ''}
                {' · '}
                {t('processing.transcript')}: {t(processingStatusKey(current.transcript?.status ?? 'none'))}
                {' · '}
                <Link to={`/calls/${encodeURIComponent(String(current.id))}`} data-testid="case-call-page">
                  {t('case.openCallPage')}
                </Link>
              </p>
            )}
          </section>
          {current && (
            <CallReview
              key={String(current.id)}
              call={current}
              moderator
              initialMs={sel.ms}
              seekNonce={sel.nonce}
              flaggedRanges={flags.ranges}
              flaggedSegmentIds={flags.ids}
              handleRef={playerRef}
              scrollPage={false}
              markers={currentData ? markers : undefined}
              timelineMs={markerLength}
              tones={currentData ? tones : undefined}
            />
          )}
          {current && (
            <CallAnalyticsPanel
              key={`analytics:${String(current.id)}`}
              load={currentAnalytics}
              caseId={kase.id}
              onJump={(ms) => void jump(String(current.id), ms)}
              onReview={reviewFlag}
            />
          )}
        </div>

        <div className="case-side">
          <section className="panel case-complaints" data-testid="case-items" aria-labelledby="case-complaints-title">
            <h2 id="case-complaints-title">
              {t('case.items')} <span className="muted small">({items.length})</span>
            </h2>
            <p className="muted small" data-testid="case-items-summary">
              {t('case.itemsSummary', { complaints: complaints.length, auto: autoCount })}
            </p>
            <CaseDetectionItems kase={kase} selectedCallId={sel.callId} onJump={(cid, ms) => void jump(cid, ms)} />
            {items.length === 0 ? (
              <p className="muted small">{t('case.noComplaints')}</p>
            ) : (
              <ul className="rows">
                {items.map((item) => (
                  <li
                    key={`${item.source}:${item.id}`}
                    className={`case-item case-item-${item.source}`}
                    data-testid="case-item"
                    data-source={item.source}
                    data-id={item.id}
                    data-call-id={String(item.call_id ?? '')}
                  >
                    <span className={`tag case-item-source source-${item.source}`} data-testid="case-item-source">
                      {item.source === 'auto' ? t('case.sourceAuto') : t('case.sourceComplaint')}
                    </span>
                    {item.source === 'complaint' ? (
                      <CaseComplaint c={item} selectedCallId={sel.callId} onJump={(cid, ms) => void jump(cid, ms)} />
                    ) : (
                      <CaseAutoItem f={item} selectedCallId={sel.callId} onJump={(cid, ms) => void jump(cid, ms)} />
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>

          {decisions.length > 0 && (
            <section className="panel case-decisions" aria-labelledby="case-decisions-title">
              <h2 id="case-decisions-title">{t('case.decisions')}</h2>
              <ul className="rows">
                {decisions.map((d) => (
                  <li key={d.id} className="case-decision" data-testid="case-decision" data-action={d.action}>
                    <div className="history-line-head">
                      <strong>{label(t, 'action.', d.action)}</strong>
                      {d.action === 'block' && d.days ? <span className="tag">{t('notif.days', { days: d.days })}</span> : null}
                      <span className="muted small">{formatDateTime(d.created_at, locale)}</span>
                    </div>
                    <p className="pre-wrap small">{d.reason}</p>
                    <EvidenceChips evidence={normaliseEvidence(d.evidence)} onJump={(cid, ms) => void jump(cid, ms)} testId="case-decision-evidence" />
                  </li>
                ))}
              </ul>
            </section>
          )}

          <CaseSearchPanel
            caseId={kase.id}
            callId={sel.callId}
            accusedId={String(accused?.id ?? kase.accused_id ?? '')}
            onOpen={(h: SearchHit) => void jump(String(h.call_id), h.start_ms)}
          />

          <CaseDecisionPanel
            kase={kase}
            assignedToMe={assignedToMe}
            currentCallId={sel.callId}
            currentCallLengthMs={current ? callLengthMs(current) : null}
            currentMs={currentMs}
            onJump={(cid, ms) => void jump(cid, ms)}
            onDecided={onDecided}
            onStale={() => void load()}
          />

          <CaseHistoryPanel kase={kase} />
        </div>
      </div>
    </main>
  );
}

function EvidenceChips({ evidence, onJump, testId }: { evidence: readonly Evidence[]; onJump: (callId: string, ms: number) => void; testId: string }) {
  const { t } = useI18n();
  if (evidence.length === 0) return null;
  return (
    <ul className="chips">
      {evidence.map((e, i) => (
        <li key={`${e.call_id}:${e.from_ms}:${i}`}>
          <button
            type="button"
            className="chip chip-button"
            data-testid={testId}
            data-call-id={e.call_id}
            data-from-ms={e.from_ms}
            data-to-ms={e.to_ms}
            onClick={() => onJump(e.call_id, e.from_ms)}
          >
            {t('evidence.item', { call: e.call_id, range: formatRange(e) })}
          </button>
        </li>
      ))}
    </ul>
  );
}

function CaseComplaint({ c, selectedCallId, onJump }: { c: Complaint; selectedCallId: string | null; onJump: (callId: string, ms: number) => void }) {
  const { t, locale } = useI18n();
  const ranges = normaliseRanges(c.ranges);
  const callId = String(c.call_id);
  return (
    <article className="case-complaint" data-testid="case-complaint" data-id={c.id} data-status={c.status} data-category={c.category} data-call-id={callId}>
      <div className="history-line-head">
        <strong data-testid="case-complaint-category">{label(t, 'complaint.category.', c.category)}</strong>
        <span className={`tag complaint-status complaint-status-${c.status}`}>{label(t, 'complaint.status.', c.status)}</span>
        <span className="muted small">{formatDateTime(c.created_at, locale)}</span>
      </div>
      <div className="muted small">
        {t('case.reporter', { id: c.reporter_id })} ·{' '}
        <button type="button" className="link-button" data-testid="case-complaint-call" onClick={() => onJump(callId, ranges[0]?.from_ms ?? c.quote_match?.from_ms ?? 0)}>
          {t('case.callN', { id: callId })}
        </button>
        {selectedCallId === callId && <span> · {t('case.inPlayer')}</span>}
      </div>
      <p className="pre-wrap case-complaint-text" data-testid="case-complaint-text">
        {c.text}
      </p>
      {ranges.length > 0 && (
        <ul className="chips" aria-label={t('complaint.ranges')}>
          {ranges.map((r) => (
            <li key={`${r.from_ms}-${r.to_ms}`}>
              <button
                type="button"
                className="chip chip-button chip-flag"
                data-testid="complaint-range"
                data-call-id={callId}
                data-from-ms={r.from_ms}
                data-to-ms={r.to_ms}
                aria-label={t('case.playRange', { range: formatRange(r) })}
                onClick={() => onJump(callId, r.from_ms)}
              >
                {formatRange(r)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {c.quote && (
        <div className="case-quote">
          <blockquote className="quote small" data-testid="complaint-quote">
            “{c.quote}”
          </blockquote>
          {c.quote_match ? (
            <button
              type="button"
              className="chip chip-button chip-flag"
              data-testid="complaint-quote-match"
              data-call-id={callId}
              data-from-ms={c.quote_match.from_ms}
              data-to-ms={c.quote_match.to_ms}
              onClick={() => onJump(callId, c.quote_match?.from_ms ?? 0)}
            >
              {t('case.quoteFound', { range: formatRange(c.quote_match) })}
            </button>
          ) : (
            <p className="muted small" data-testid="complaint-quote-nomatch">
              {t('case.quoteNotFound')}
            </p>
          )}
        </div>
      )}
    </article>
  );
}

/** A call tab's line about its analytics: pending, or how many flags. */
function CallAnalysisNote({ load }: { load: AnalyticsLoad | undefined }) {
  const { t } = useI18n();
  if (!load || load.kind === 'loading' || load.kind === 'unavailable' || load.kind === 'error') return null;
  if (load.kind === 'pending') {
    return (
      <span className="small case-call-analysis" data-testid="case-call-analysis" data-state="pending">
        {t('analytics.pendingShort')}
      </span>
    );
  }
  const n = load.data.flags?.length ?? 0;
  return (
    <span className={`small case-call-analysis${n > 0 ? ' has-flags' : ''}`} data-testid="case-call-analysis" data-state="loaded" data-flags={n}>
      {t('analytics.flagsN', { n })}
    </span>
  );
}

/** A rule's flag filed into the case: what, who, the words, the moment; the verdict is given below the player. */
function CaseAutoItem({ f, selectedCallId, onJump }: { f: AnalyticsFlag; selectedCallId: string | null; onJump: (callId: string, ms: number) => void }) {
  const { t } = useI18n();
  const callId = String(f.call_id ?? '');
  const range = { from_ms: f.start_ms, to_ms: f.end_ms };
  return (
    <article className={`case-auto flag-item-compact sev-border-${f.severity}`} data-category={f.category} data-severity={f.severity} data-review={f.review ?? ''}>
      <div className="history-line-head">
        <strong>{label(t, 'rule.category.', f.category)}</strong>
        <span className={`tag sev-tag sev-${f.severity}`}>{label(t, 'severity.', f.severity)}</span>
        <span className="muted small">{t(speakerKey(f.speaker))}</span>
        {f.review && (
          <span className={`tag verdict-tag verdict-${f.review}`} data-testid="case-item-review" data-review={f.review}>
            {label(t, 'flags.verdict.', f.review)}
          </span>
        )}
      </div>
      <blockquote className="quote small">“{f.text}”</blockquote>
      <div className="muted small">
        {callId && (
          <button
            type="button"
            className="chip chip-button chip-flag"
            data-testid="case-item-moment"
            data-call-id={callId}
            data-from-ms={f.start_ms}
            data-to-ms={f.end_ms}
            aria-label={t('case.playRange', { range: formatRange(range) })}
            onClick={() => onJump(callId, f.start_ms)}
          >
            {t('case.callN', { id: callId })} · {formatRange(range)}
          </button>
        )}
        {selectedCallId === callId && <span> · {t('case.inPlayer')}</span>}
      </div>
    </article>
  );
}

function AppealPanel({ kase, onJump }: { kase: ModerationCase; onJump: (callId: string, ms: number) => void }) {
  const { t, locale } = useI18n();
  const a = kase.appeal;
  if (!a) return null;
  const s = a.sanction;
  const d = a.decision;
  return (
    <section className="panel case-appeal" data-testid="case-appeal" data-appeal-id={a.id} data-status={a.status} aria-labelledby="case-appeal-title">
      <h2 id="case-appeal-title">{t('case.appeal')}</h2>
      <p className="muted small">
        {formatDateTime(a.created_at, locale)} · <span data-testid="case-appeal-status">{label(t, 'appeal.status.', a.status)}</span>
      </p>
      <blockquote className="quote pre-wrap" data-testid="case-appeal-text">
        {a.text}
      </blockquote>
      <div className="appeal-grid">
        {s && (
          <div className="appeal-what" data-testid="case-appeal-sanction" data-sanction-id={s.id} data-kind={s.kind} data-status={s.status}>
            <h3>{t('case.appealedSanction')}</h3>
            <p>
              <strong>{label(t, 'sanction.kind.', s.kind)}</strong> · {label(t, 'sanction.status.', s.status)}
            </p>
            <p className="small">
              {formatDateTime(s.starts_at, locale)}
              {' → '}
              {s.kind === 'ban' ? t('notif.untilForever') : s.kind === 'warn' ? t('notif.untilWarn') : formatDateTime(s.ends_at, locale) || '—'}
            </p>
            <p className="pre-wrap small">{s.reason}</p>
          </div>
        )}
        {d && (
          <div className="appeal-what" data-testid="case-appeal-decision" data-action={d.action}>
            <h3>{t('case.appealedDecision')}</h3>
            <p>
              <strong>{label(t, 'action.', d.action)}</strong>
              {d.action === 'block' && d.days ? ` · ${t('notif.days', { days: d.days })}` : ''} ·{' '}
              <span className="muted small">{formatDateTime(d.created_at, locale)}</span>
            </p>
            <p className="pre-wrap small">{d.reason}</p>
            <EvidenceChips evidence={normaliseEvidence(d.evidence)} onJump={onJump} testId="appeal-evidence" />
          </div>
        )}
      </div>
    </section>
  );
}
