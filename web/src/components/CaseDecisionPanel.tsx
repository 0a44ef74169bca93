import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';
import { apiErrorMessage, formatDateTime, formatMinorUnits } from '../format';
import { useI18n } from '../i18n';
import { evidenceFromComplaints, formatRange, label, rangeAround, sameRange } from '../moderation';
import {
  APPEAL_ACTIONS,
  COMPLAINT_ACTIONS,
  type CaseAction,
  type DecisionInput,
  type DecisionResult,
  type Evidence,
  type ModerationCase,
} from '../types';

const EVIDENCE_MAX = 20;
const REASON_MAX = 4000;

interface Props {
  kase: ModerationCase;
  assignedToMe: boolean;
  /** The call in the player and its length (for "add the current moment"). */
  currentCallId: string | null;
  currentCallLengthMs: number | null;
  /** The player's position on the current call, ms. */
  currentMs: () => number;
  onJump: (callId: string, ms: number) => void;
  onDecided: (res: DecisionResult) => void;
  /** 403 not_assignee / 409 case_decided: the page re-reads the case. */
  onStale: () => void;
}

/**
 * The decision: action (dismiss/warn/block/ban, or uphold/overturn for an appeal), days for a
 * block, the reason, the evidence (prefilled from the complaints' ranges; the player's moment
 * ±5 s can be added) and an optional reward for the complainants.
 */
export function CaseDecisionPanel({ kase, assignedToMe, currentCallId, currentCallLengthMs, currentMs, onJump, onDecided, onStale }: Props) {
  const { t, locale } = useI18n();
  const appealCase = kase.kind === 'appeal';
  const actions = appealCase ? APPEAL_ACTIONS : COMPLAINT_ACTIONS;

  const [action, setAction] = useState<CaseAction | ''>('');
  const [days, setDays] = useState('');
  const [reason, setReason] = useState('');
  const [evidence, setEvidence] = useState<Evidence[]>(() => (appealCase ? [] : evidenceFromComplaints(kase.complaints ?? [], EVIDENCE_MAX)));
  const [reward, setReward] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<DecisionResult | null>(null);

  // Another case on the same page instance: start over.
  useEffect(() => {
    setAction('');
    setDays('');
    setReason('');
    setReward('');
    setError(null);
    setResult(null);
    setEvidence(kase.kind === 'appeal' ? [] : evidenceFromComplaints(kase.complaints ?? [], EVIDENCE_MAX));
    // Only when the case itself changes, not on every re-read of it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kase.id]);

  function addCurrent() {
    if (!currentCallId) return;
    const r = rangeAround(currentMs(), currentCallLengthMs);
    const e: Evidence = { call_id: currentCallId, ...r };
    setEvidence((prev) => (prev.some((x) => x.call_id === e.call_id && sameRange(x, e)) || prev.length >= EVIDENCE_MAX ? prev : [...prev, e]));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const input: DecisionInput = { action: action as CaseAction, reason };
    if (action === 'block') {
      const d = days.trim();
      if (d) {
        if (!/^\d+$/.test(d)) {
          setError(t('decision.errDays'));
          return;
        }
        input.days = Number(d);
      }
    }
    if (!appealCase) {
      if (evidence.length > 0) input.evidence = evidence;
      const r = reward.trim();
      if (r && action !== 'dismiss') {
        if (!/^\d+$/.test(r)) {
          setError(t('decision.errReward'));
          return;
        }
        input.reward = { amount: Number(r) };
      }
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api.decideCase(kase.id, input);
      setResult(res);
      onDecided(res);
    } catch (err) {
      setError(apiErrorMessage(t, err));
      if (err instanceof ApiError && (err.code === 'not_assignee' || err.code === 'case_decided')) onStale();
    } finally {
      setBusy(false);
    }
  }

  const decided = kase.status === 'decided';

  return (
    <section className="panel case-decision-panel" data-testid="decision-panel" aria-labelledby="decision-title">
      <h2 id="decision-title">{t('decision.title')}</h2>

      {result && <DecisionResultView res={result} locale={locale} />}

      {error && decided && (
        <p className="form-error" role="alert" data-testid="decision-error">
          {error}
        </p>
      )}

      {decided ? (
        !result && (
          <p className="muted small" data-testid="decision-done">
            {t('decision.alreadyDecided')}
          </p>
        )
      ) : !assignedToMe ? (
        <p className="muted small" data-testid="decision-not-assignee">
          {t('decision.notAssignee')}
        </p>
      ) : (
        <form className="form decision-form" onSubmit={(e) => void submit(e)} noValidate>
          <label className="field">
            <span>{t('decision.action')}</span>
            <select data-testid="decision-action" value={action} onChange={(e) => setAction(e.target.value as CaseAction | '')}>
              <option value="">{t('complaint.choose')}</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {label(t, 'action.', a)}
                </option>
              ))}
            </select>
          </label>
          {action === 'block' && (
            <label className="field">
              <span>{t('decision.days')}</span>
              <input
                type="number"
                min={1}
                max={3650}
                step={1}
                inputMode="numeric"
                data-testid="decision-days"
                value={days}
                onChange={(e) => setDays(e.target.value)}
              />
            </label>
          )}
          <label className="field">
            <span>{t('decision.reason')}</span>
            <textarea
              data-testid="decision-reason"
              rows={4}
              maxLength={REASON_MAX}
              value={reason}
              placeholder={t('decision.reasonPlaceholder')}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <p className="muted small">{t('decision.reasonHint')}</p>

          {!appealCase && (
            <fieldset className="fieldset">
              <legend>{t('decision.evidence')}</legend>
              {evidence.length === 0 ? (
                <p className="muted small" data-testid="decision-evidence-empty">
                  {t('decision.evidenceEmpty')}
                </p>
              ) : (
                <ul className="chips" data-testid="decision-evidence-list">
                  {evidence.map((ev, i) => (
                    <li
                      key={`${ev.call_id}:${ev.from_ms}:${ev.to_ms}`}
                      className="chip"
                      data-testid="decision-evidence"
                      data-call-id={ev.call_id}
                      data-from-ms={ev.from_ms}
                      data-to-ms={ev.to_ms}
                    >
                      <button type="button" className="chip-main" onClick={() => onJump(ev.call_id, ev.from_ms)}>
                        {t('evidence.item', { call: ev.call_id, range: formatRange(ev) })}
                      </button>
                      <button
                        type="button"
                        className="chip-remove"
                        data-testid="decision-evidence-remove"
                        aria-label={t('decision.removeEvidence', { range: formatRange(ev) })}
                        onClick={() => setEvidence((prev) => prev.filter((_, j) => j !== i))}
                      >
                        ×
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <button
                type="button"
                className="btn btn-small"
                data-testid="decision-add-evidence"
                disabled={!currentCallId || evidence.length >= EVIDENCE_MAX}
                onClick={addCurrent}
              >
                {t('decision.addEvidence')}
              </button>
            </fieldset>
          )}

          {!appealCase && (
            <label className="field">
              <span>{t('decision.reward')}</span>
              <input
                type="number"
                min={1}
                max={1000000}
                step={1}
                inputMode="numeric"
                data-testid="decision-reward"
                value={reward}
                disabled={action === 'dismiss'}
                placeholder={t('decision.rewardPlaceholder')}
                onChange={(e) => setReward(e.target.value)}
              />
              <span className="muted small field-hint">{t('decision.rewardHint')}</span>
            </label>
          )}

          {error && (
            <p className="form-error" role="alert" data-testid="decision-error">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="decision-submit" disabled={busy}>
              {busy ? t('common.wait') : t('decision.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function DecisionResultView({ res, locale }: { res: DecisionResult; locale: string }) {
  const { t } = useI18n();
  const d = res.decision;
  const s = res.sanction;
  const rewards = res.rewards ?? [];
  return (
    <div className="notice-ok decision-result" role="status" data-testid="decision-result" data-action={d?.action ?? ''}>
      <p>
        <strong>{t('decision.done', { action: label(t, 'action.', d?.action) })}</strong>
      </p>
      {s && (
        <p className="small" data-testid="decision-result-sanction" data-sanction-id={s.id} data-kind={s.kind}>
          {t('decision.sanctionMade', {
            kind: label(t, 'sanction.kind.', s.kind),
            until: s.kind === 'ban' ? t('notif.untilForever') : s.ends_at ? formatDateTime(s.ends_at, locale) : '—',
          })}
        </p>
      )}
      {rewards.length > 0 && (
        <p className="small" data-testid="decision-result-rewards" data-count={rewards.length}>
          {t('decision.rewardsPaid', {
            n: rewards.length,
            amount: formatMinorUnits(rewards[0]?.amount ?? 0, rewards[0]?.currency, locale),
          })}
        </p>
      )}
      <p className="muted small">{t('decision.notified')}</p>
    </div>
  );
}
