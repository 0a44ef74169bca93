import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';
import { formatDuration } from '../calls';
import { apiErrorMessage, formatWhen } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { callLengthMs, callTakesRanges, formatRange, isUndecidedComplaint, label, normaliseRanges, parseClock, sameRange } from '../moderation';
import { COMPLAINT_CATEGORIES, type Call, type Complaint, type ComplaintCategory, type ComplaintInput, type MsRange, type TranscriptSegment } from '../types';

const TEXT_MAX = 2000;
const QUOTE_MAX = 500;
const RANGES_MAX = 10;

/** A transcript line the participant clicked while the form is open. */
export interface PickedSegment {
  seg: TranscriptSegment;
  nonce: number;
}

type Mode = { kind: 'closed' } | { kind: 'new' } | { kind: 'edit'; complaint: Complaint };

interface FormState {
  category: ComplaintCategory | '';
  text: string;
  ranges: MsRange[];
  from: string;
  to: string;
  quote: string;
}

const EMPTY_FORM: FormState = { category: '', text: '', ranges: [], from: '', to: '', quote: '' };

function formFrom(c: Complaint): FormState {
  return {
    category: c.category,
    text: c.text,
    ranges: normaliseRanges(c.ranges),
    from: '',
    to: '',
    quote: c.quote ?? '',
  };
}

function upsert(list: readonly Complaint[], c: Complaint): Complaint[] {
  const i = list.findIndex((x) => x.id === c.id);
  if (i < 0) return [c, ...list];
  const next = [...list];
  next[i] = c;
  return next;
}

interface Props {
  call: Call;
  picked: PickedSegment | null;
  /** The page lets transcript lines be picked while the form is open. */
  onFormOpenChange: (open: boolean) => void;
}

/**
 * A participant's complaint about the other party of a call that took place (or was due):
 * their complaints on it with status, a form to file one (category, text, moments of the
 * call as mm:ss ranges, a quote) and, while a moderator has not taken it yet, editing.
 */
export function ComplaintPanel({ call, picked, onFormOpenChange }: Props) {
  const { t, locale } = useI18n();
  const [complaints, setComplaints] = useState<Complaint[]>([]);
  const [loading, setLoading] = useState(true);
  const [mode, setMode] = useState<Mode>({ kind: 'closed' });
  const [form, setForm] = useState<FormState>(EMPTY_FORM);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const fromRef = useRef<HTMLInputElement>(null);
  const takesRanges = callTakesRanges(call);
  const lengthMs = callLengthMs(call);

  const load = useCallback(async () => {
    try {
      const list = await api.listCallComplaints(call.id);
      setComplaints(list);
    } catch (e) {
      setError(apiErrorMessage(t, e));
    } finally {
      setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [call.id]);

  useEffect(() => {
    setLoading(true);
    setMode({ kind: 'closed' });
    setError(null);
    void load();
  }, [load]);

  const open = mode.kind !== 'closed';
  useEffect(() => {
    onFormOpenChange(open);
  }, [open, onFormOpenChange]);
  useEffect(() => () => onFormOpenChange(false), [onFormOpenChange]);

  // A transcript line clicked while the form is open becomes a range.
  const lastPick = useRef<number | null>(picked?.nonce ?? null);
  useEffect(() => {
    if (!picked || picked.nonce === lastPick.current) return;
    lastPick.current = picked.nonce;
    if (!open || !takesRanges) return;
    const r: MsRange = { from_ms: picked.seg.start_ms, to_ms: Math.max(picked.seg.end_ms, picked.seg.start_ms + 1) };
    if (lengthMs !== null && r.to_ms > lengthMs) r.to_ms = lengthMs;
    if (r.from_ms >= r.to_ms) return;
    setForm((f) => (f.ranges.some((x) => sameRange(x, r)) || f.ranges.length >= RANGES_MAX ? f : { ...f, ranges: [...f.ranges, r] }));
  }, [picked, open, takesRanges, lengthMs]);

  const undecided = complaints.find(isUndecidedComplaint) ?? null;

  function startNew() {
    setForm(EMPTY_FORM);
    setError(null);
    setSaved(null);
    setMode({ kind: 'new' });
  }

  function startEdit(c: Complaint) {
    setForm(formFrom(c));
    setError(null);
    setSaved(null);
    setMode({ kind: 'edit', complaint: c });
  }

  function cancel() {
    setMode({ kind: 'closed' });
    setError(null);
  }

  /** The from/to inputs as a range: null when both are empty; a string when invalid. */
  function pendingRange(f: FormState): MsRange | null | string {
    if (!f.from.trim() && !f.to.trim()) return null;
    const from = parseClock(f.from);
    const to = parseClock(f.to);
    if (from === null || to === null) return t('complaint.errTime');
    if (from >= to) return t('complaint.errOrder');
    if (lengthMs !== null && to > lengthMs) return t('complaint.errLength', { length: formatDuration(lengthMs) });
    return { from_ms: from, to_ms: to };
  }

  function addRange() {
    const r = pendingRange(form);
    if (r === null) {
      fromRef.current?.focus();
      return;
    }
    if (typeof r === 'string') {
      setError(r);
      return;
    }
    if (form.ranges.length >= RANGES_MAX && !form.ranges.some((x) => sameRange(x, r))) {
      setError(t('complaint.errTooMany', { max: RANGES_MAX }));
      return;
    }
    setError(null);
    setForm((f) => ({ ...f, from: '', to: '', ranges: f.ranges.some((x) => sameRange(x, r)) ? f.ranges : [...f.ranges, r] }));
    fromRef.current?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    let ranges = form.ranges;
    if (takesRanges) {
      // What is typed in from/to but not added yet counts too.
      const r = pendingRange(form);
      if (typeof r === 'string') {
        setError(r);
        return;
      }
      if (r && !ranges.some((x) => sameRange(x, r))) ranges = [...ranges, r];
    } else {
      ranges = [];
    }
    setBusy(true);
    setError(null);
    try {
      let c: Complaint;
      if (mode.kind === 'edit') {
        const orig = mode.complaint;
        const patch: Partial<ComplaintInput> = {};
        if (form.category !== orig.category) patch.category = form.category;
        if (form.text !== orig.text) patch.text = form.text;
        const origRanges = normaliseRanges(orig.ranges);
        if (ranges.length !== origRanges.length || ranges.some((r, i) => !origRanges[i] || !sameRange(r, origRanges[i]))) patch.ranges = ranges;
        if (form.quote !== (orig.quote ?? '')) patch.quote = form.quote;
        c = Object.keys(patch).length > 0 ? await api.updateComplaint(orig.id, patch) : orig;
      } else {
        const input: ComplaintInput = { category: form.category, text: form.text };
        if (ranges.length > 0) input.ranges = ranges;
        if (form.quote.trim()) input.quote = form.quote;
        c = await api.createComplaint(call.id, input);
      }
      setComplaints((prev) => upsert(prev, c));
      setSaved(mode.kind === 'edit' ? t('complaint.updated') : t('complaint.sent'));
      setMode({ kind: 'closed' });
      setForm(EMPTY_FORM);
    } catch (err) {
      setError(apiErrorMessage(t, err));
      // Already filed (complaint_exists) or taken by a moderator (complaint_locked): show it as it is.
      if (err instanceof ApiError && err.status === 409) {
        void load();
        if (err.code === 'complaint_locked') setMode({ kind: 'closed' });
      }
    } finally {
      setBusy(false);
    }
  }

  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  return (
    <section className="panel complaint-panel" data-testid="complaint-panel" aria-labelledby="complaint-title">
      <h2 id="complaint-title">{t('complaint.title')}</h2>

      {loading && <p className="muted small">{t('common.loading')}</p>}

      {complaints.length > 0 && (
        <ul className="rows complaint-list" data-testid="complaint-list">
          {complaints.map((c) => (
            <li key={c.id}>
              <ComplaintView
                c={c}
                locale={locale}
                editing={mode.kind === 'edit' && mode.complaint.id === c.id}
                canEdit={(c.editable === true || (c.editable === undefined && c.status === 'open')) && mode.kind === 'closed'}
                onEdit={() => startEdit(c)}
              />
            </li>
          ))}
        </ul>
      )}

      {saved && mode.kind === 'closed' && (
        <p className="notice-ok small" role="status" data-testid="complaint-saved">
          {saved}
        </p>
      )}

      {!loading && mode.kind === 'closed' && !undecided && (
        <div className="complaint-start">
          <p className="muted small">{t('complaint.intro')}</p>
          <button type="button" className="btn btn-danger" data-testid="complaint-open" onClick={startNew}>
            {t('complaint.open')}
          </button>
        </div>
      )}

      {mode.kind !== 'closed' && (
        <form className="form complaint-form" data-testid="complaint-form" data-mode={mode.kind} onSubmit={(e) => void submit(e)} noValidate>
          <h3>{mode.kind === 'edit' ? t('complaint.editTitle') : t('complaint.newTitle')}</h3>
          <label className="field">
            <span>{t('complaint.category')}</span>
            <select data-testid="complaint-category" value={form.category} onChange={(e) => set('category', e.target.value as ComplaintCategory | '')}>
              <option value="">{t('complaint.choose')}</option>
              {COMPLAINT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`complaint.category.${c}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('complaint.text')}</span>
            <textarea
              data-testid="complaint-text"
              rows={4}
              maxLength={TEXT_MAX}
              value={form.text}
              placeholder={t('complaint.textPlaceholder')}
              onChange={(e) => set('text', e.target.value)}
            />
          </label>

          <fieldset className="fieldset complaint-ranges">
            <legend>{t('complaint.ranges')}</legend>
            {takesRanges ? (
              <>
                <p className="muted small">
                  {t('complaint.rangesHint')}
                  {lengthMs !== null ? ` ${t('complaint.callLength', { length: formatDuration(lengthMs) })}` : ''}
                </p>
                {form.ranges.length > 0 && (
                  <ul className="chips" data-testid="complaint-range-list">
                    {form.ranges.map((r, i) => (
                      <li key={`${r.from_ms}-${r.to_ms}`} className="chip" data-testid="complaint-range-item" data-from-ms={r.from_ms} data-to-ms={r.to_ms}>
                        <span>{formatRange(r)}</span>
                        <button
                          type="button"
                          className="chip-remove"
                          data-testid="complaint-range-remove"
                          aria-label={t('complaint.removeRange', { range: formatRange(r) })}
                          onClick={() => set('ranges', form.ranges.filter((_, j) => j !== i))}
                        >
                          ×
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
                <div className="range-editor">
                  <label className="field">
                    <span>{t('complaint.from')}</span>
                    <input
                      ref={fromRef}
                      type="text"
                      inputMode="numeric"
                      autoComplete="off"
                      placeholder="mm:ss"
                      data-testid="complaint-range-from"
                      value={form.from}
                      onChange={(e) => set('from', e.target.value)}
                    />
                  </label>
                  <label className="field">
                    <span>{t('complaint.to')}</span>
                    <input
                      type="text"
                      inputMode="numeric"
                      autoComplete="off"
                      placeholder="mm:ss"
                      data-testid="complaint-range-to"
                      value={form.to}
                      onChange={(e) => set('to', e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') {
                          e.preventDefault();
                          addRange();
                        }
                      }}
                    />
                  </label>
                  <button type="button" className="btn" data-testid="complaint-range-add" onClick={addRange} disabled={form.ranges.length >= RANGES_MAX}>
                    {t('complaint.addRange')}
                  </button>
                </div>
              </>
            ) : (
              <p className="muted small" data-testid="complaint-no-ranges">
                {t('complaint.noRanges')}
              </p>
            )}
          </fieldset>

          <label className="field">
            <span>{t('complaint.quote')}</span>
            <textarea
              data-testid="complaint-quote"
              rows={2}
              maxLength={QUOTE_MAX}
              value={form.quote}
              placeholder={t('complaint.quotePlaceholder')}
              onChange={(e) => set('quote', e.target.value)}
            />
          </label>
          <p className="muted small">{t('complaint.privacy')}</p>

          {error && (
            <p className="form-error" role="alert" data-testid="complaint-error">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn" data-testid="complaint-cancel" onClick={cancel} disabled={busy}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" data-testid="complaint-submit" disabled={busy}>
              {busy ? t('common.wait') : mode.kind === 'edit' ? t('complaint.save') : t('complaint.submit')}
            </button>
          </div>
        </form>
      )}

      {error && mode.kind === 'closed' && (
        <p className="form-error" role="alert" data-testid="complaint-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ComplaintView({
  c,
  locale,
  editing,
  canEdit,
  onEdit,
}: {
  c: Complaint;
  locale: string;
  editing: boolean;
  canEdit: boolean;
  onEdit: () => void;
}) {
  const { t } = useI18n();
  const ranges = normaliseRanges(c.ranges);
  return (
    <article className={`complaint${editing ? ' complaint-editing' : ''}`} data-testid="complaint" data-id={c.id} data-status={c.status}>
      <div className="complaint-head">
        <strong data-testid="complaint-shown-category">{label(t, 'complaint.category.', c.category)}</strong>
        <span className={`tag complaint-status complaint-status-${c.status}`} data-testid="complaint-status" data-status={c.status}>
          {label(t, 'complaint.status.', c.status)}
        </span>
        <span className="muted small">{formatWhen(c.created_at, locale)}</span>
      </div>
      <p className="pre-wrap complaint-text" data-testid="complaint-shown-text">
        {c.text}
      </p>
      {ranges.length > 0 && (
        <ul className="chips" aria-label={t('complaint.ranges')}>
          {ranges.map((r) => (
            <li key={`${r.from_ms}-${r.to_ms}`} className="chip" data-testid="complaint-shown-range" data-from-ms={r.from_ms} data-to-ms={r.to_ms}>
              {formatRange(r)}
            </li>
          ))}
        </ul>
      )}
      {c.quote && (
        <blockquote className="quote small" data-testid="complaint-shown-quote">
          “{c.quote}”
        </blockquote>
      )}
      <p className="muted small">{label(t, 'complaint.statusHint.', c.status)}</p>
      {canEdit && (
        <button type="button" className="btn btn-small" data-testid="complaint-edit" onClick={onEdit}>
          {t('complaint.edit')}
        </button>
      )}
    </article>
  );
}
