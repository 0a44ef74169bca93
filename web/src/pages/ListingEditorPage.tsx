import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { errorText } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';
import { VERTICALS, WEEKDAYS, type CallHoursSlot, type ListingInput, type Vertical, type Weekday } from '../types';
import { NotFoundPage } from './NotFoundPage';

interface Row extends CallHoursSlot {
  key: number;
}

const TIME_RE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 10_000;
const PRICE_MAX = 1_000_000_000_000;
/** The server accepts at most this many weekly ranges. */
const MAX_ROWS = 28;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function allTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** Create (/listings/new) or edit (/listings/:id/edit) a listing. */
export function ListingEditorPage() {
  const { id } = useParams();
  const editing = id !== undefined;
  const { t } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();

  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [price, setPrice] = useState('');
  const [vertical, setVertical] = useState<Vertical>('goods');
  const [ready, setReady] = useState(false);
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [rows, setRows] = useState<Row[]>([]);
  const nextKey = useRef(1);

  const [loading, setLoading] = useState(editing);
  const [notFound, setNotFound] = useState(false);
  const [notOwner, setNotOwner] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const zones = useMemo(allTimeZones, []);

  useEffect(() => {
    if (!editing || !id) return undefined;
    let cancelled = false;
    setLoading(true);
    api
      .getListing(id)
      .then((l) => {
        if (cancelled) return;
        if (user && l.seller_id !== user.id) {
          setNotOwner(true);
          return;
        }
        setTitle(l.title);
        setDescription(l.description);
        setPrice(String(l.price));
        setVertical(l.vertical);
        setReady(l.video_call_ready);
        if (l.call_hours?.timezone) setTimezone(l.call_hours.timezone);
        setRows((l.call_hours?.weekly ?? []).map((s) => ({ ...s, key: nextKey.current++ })));
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 404) setNotFound(true);
        else setError(errorText(t, e));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing, id, user?.id]);

  function addRow() {
    // Suggest the first day that has no slot yet.
    const used = new Set(rows.map((r) => r.day));
    const day: Weekday = WEEKDAYS.find((d) => !used.has(d)) ?? 'mon';
    setRows((prev) => [...prev, { key: nextKey.current++, day, from: '09:00', to: '18:00' }]);
  }

  function updateRow(key: number, patch: Partial<CallHoursSlot>) {
    setRows((prev) => prev.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  }

  function removeRow(key: number) {
    setRows((prev) => prev.filter((r) => r.key !== key));
  }

  function validate(): { input: ListingInput } | { error: string } {
    const cleanTitle = title.trim();
    if (!cleanTitle) return { error: t('editor.errTitle') };
    if (cleanTitle.length > TITLE_MAX) return { error: t('editor.errTitleLong', { max: TITLE_MAX }) };
    if (description.length > DESCRIPTION_MAX) return { error: t('editor.errDescriptionLong', { max: DESCRIPTION_MAX }) };
    const priceText = price.trim();
    if (!/^\d+$/.test(priceText) || Number(priceText) > PRICE_MAX) return { error: t('editor.errPrice') };
    const tz = timezone.trim();
    if (!isValidTimeZone(tz)) return { error: t('editor.errTimezone') };
    for (const r of rows) {
      if (!TIME_RE.test(r.from) || !TIME_RE.test(r.to)) return { error: t('editor.errTime') };
      // to < from is an overnight range (ends the next day); only empty ranges are invalid.
      if (r.from === r.to) return { error: t('editor.errRange', { day: t(`day.${r.day}` as MessageKey) }) };
    }
    return {
      input: {
        title: cleanTitle,
        description: description.trim(),
        price: Number(priceText),
        vertical,
        video_call_ready: ready,
        call_hours: {
          timezone: tz,
          weekly: rows.map(({ day, from, to }) => ({ day, from, to })),
        },
      },
    };
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const v = validate();
    if ('error' in v) {
      setError(v.error);
      return;
    }
    setSaving(true);
    try {
      const saved = editing && id ? await api.updateListing(id, v.input) : await api.createListing(v.input);
      navigate(`/listings/${encodeURIComponent(saved.id)}`);
    } catch (err) {
      setError(errorText(t, err));
      setSaving(false);
    }
  }

  if (notFound) return <NotFoundPage />;
  if (notOwner) {
    return (
      <main className="page narrow">
        <p className="form-error" role="alert" data-testid="listing-error">
          {t('editor.notOwner')}
        </p>
      </main>
    );
  }
  if (loading) {
    return (
      <main className="page narrow">
        <p className="muted">{t('common.loading')}</p>
      </main>
    );
  }

  return (
    <main className="page narrow">
      <form className="panel form" onSubmit={onSubmit} noValidate data-testid="listing-form">
        <h1>{editing ? t('editor.editTitle') : t('editor.newTitle')}</h1>
        <label className="field">
          <span>{t('editor.title')}</span>
          <input
            type="text"
            data-testid="listing-title"
            value={title}
            maxLength={TITLE_MAX}
            onChange={(e) => setTitle(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('editor.description')}</span>
          <textarea
            data-testid="listing-description"
            rows={6}
            value={description}
            maxLength={DESCRIPTION_MAX}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <div className="field-row">
          <label className="field">
            <span>{t('editor.price')}</span>
            <input
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              data-testid="listing-price"
              value={price}
              onChange={(e) => setPrice(e.target.value)}
              required
            />
          </label>
          <label className="field">
            <span>{t('editor.vertical')}</span>
            <select
              data-testid="listing-vertical"
              value={vertical}
              onChange={(e) => setVertical(e.target.value as Vertical)}
            >
              {VERTICALS.map((v) => (
                <option key={v} value={v}>
                  {t(`vertical.${v}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        </div>

        <fieldset className="fieldset">
          <legend>{t('editor.videoSection')}</legend>
          <label className="check">
            <input
              type="checkbox"
              data-testid="listing-video-call-ready"
              checked={ready}
              onChange={(e) => setReady(e.target.checked)}
            />
            <span>{t('editor.videoReady')}</span>
          </label>
          <p className="muted small">{t('editor.videoHint')}</p>

          <div className={ready ? 'call-hours-editor' : 'call-hours-editor is-disabled'} data-testid="call-hours-editor">
            <label className="field">
              <span>{t('editor.timezone')}</span>
              <input
                type="text"
                list="vitrina-timezones"
                data-testid="listing-timezone"
                value={timezone}
                onChange={(e) => setTimezone(e.target.value)}
                autoComplete="off"
                spellCheck={false}
              />
              <datalist id="vitrina-timezones">
                {zones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
            </label>

            {rows.length === 0 ? (
              <p className="muted small" data-testid="call-hours-empty">
                {t('editor.hoursEmpty')}
              </p>
            ) : (
              <ul className="hours-rows">
                {rows.map((r) => (
                  <li key={r.key} className="hours-row" data-testid="call-hours-row">
                    <select
                      aria-label={t('editor.day')}
                      data-testid="call-hours-day"
                      value={r.day}
                      onChange={(e) => updateRow(r.key, { day: e.target.value as Weekday })}
                    >
                      {WEEKDAYS.map((d) => (
                        <option key={d} value={d}>
                          {t(`day.${d}` as MessageKey)}
                        </option>
                      ))}
                    </select>
                    <input
                      type="time"
                      aria-label={t('editor.from')}
                      data-testid="call-hours-from"
                      value={r.from}
                      onChange={(e) => updateRow(r.key, { from: e.target.value })}
                    />
                    <span aria-hidden="true">–</span>
                    <input
                      type="time"
                      aria-label={t('editor.to')}
                      data-testid="call-hours-to"
                      value={r.to}
                      onChange={(e) => updateRow(r.key, { to: e.target.value })}
                    />
                    <span className="muted small hours-next-day">
                      {r.to < r.from ? t('listing.nextDay') : ''}
                    </span>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      data-testid="call-hours-remove"
                      aria-label={t('editor.removeRow')}
                      title={t('editor.removeRow')}
                      onClick={() => removeRow(r.key)}
                    >
                      ✕
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <button
              type="button"
              className="btn btn-small"
              data-testid="call-hours-add"
              onClick={addRow}
              disabled={rows.length >= MAX_ROWS}
            >
              {t('editor.addRow')}
            </button>
          </div>
        </fieldset>

        {error && (
          <p className="form-error" role="alert" data-testid="listing-error">
            {error}
          </p>
        )}
        <div className="form-actions">
          <Link to={editing && id ? `/listings/${encodeURIComponent(id)}` : '/my/listings'} className="btn btn-ghost">
            {t('common.cancel')}
          </Link>
          <button type="submit" className="btn btn-primary" data-testid="listing-save" disabled={saving}>
            {saving ? t('common.wait') : t('editor.save')}
          </button>
        </div>
      </form>
    </main>
  );
}
