import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { dayToRfc3339, highlightPieces, maxSeverity, precisionText } from '../analytics';
import { ApiError, api } from '../api';
import { apiErrorMessage, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import {
  RULE_ACTIONS,
  RULE_CATEGORIES,
  RULE_LANGUAGES,
  RULE_SPEAKERS,
  SEVERITIES,
  type AnalyticsPreview,
  type AnalyticsRule,
  type RuleInput,
} from '../types';

const EMPTY_RULE: RuleInput = {
  category: 'prepayment',
  language: 'any',
  speaker: 'any',
  expression: '',
  severity: 'warn',
  action: 'tag',
  enabled: true,
  live: false,
};

function inputOf(r: AnalyticsRule): RuleInput {
  return {
    category: r.category,
    language: r.language,
    speaker: r.speaker,
    expression: r.expression,
    severity: r.severity,
    action: r.action,
    enabled: r.enabled,
    live: r.live,
  };
}

/** "… at 12" in a bad_rule message: the 1-based character position in the expression. */
function errorPosition(message: string): number | null {
  const m = / at (\d+)\b/.exec(message);
  return m ? Number(m[1]) : null;
}

/** UTF-16 index of the code point at `cp` (0-based) in `s`, for setSelectionRange. */
function utf16Index(s: string, cp: number): number {
  return Array.from(s).slice(0, Math.max(0, cp)).join('').length;
}

/**
 * /admin/rules: the phrase rules that flag calls (table, add, edit inline), a box to try a text
 * against them (/analytics/preview: hits highlighted, tone, masked text), and re-evaluating the
 * calls of a period with the current rules (backfill).
 */
export function AdminRulesPage() {
  const { t } = useI18n();
  const [rules, setRules] = useState<AnalyticsRule[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [highlightRuleId, setHighlightRuleId] = useState<string | null>(null);
  const [filterCategory, setFilterCategory] = useState('');
  const [filterText, setFilterText] = useState('');

  const load = useCallback(async () => {
    try {
      setRules(await api.listRules());
      setLoadError(null);
    } catch (e) {
      setLoadError(apiErrorMessage(t, e));
    } finally {
      setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const shown = useMemo(() => {
    const q = filterText.trim().toLowerCase();
    return rules.filter(
      (r) =>
        (!filterCategory || r.category === filterCategory) &&
        (!q || r.expression.toLowerCase().includes(q) || String(r.id) === q),
    );
  }, [rules, filterCategory, filterText]);

  function onSaved(rule: AnalyticsRule, mode: 'new' | 'edit') {
    setRules((prev) => (mode === 'new' ? [...prev, rule] : prev.map((r) => (String(r.id) === String(rule.id) ? rule : r))));
    if (mode === 'edit') setEditingId(null);
  }

  function showRule(id: string) {
    setFilterCategory('');
    setFilterText('');
    setHighlightRuleId(id);
    window.requestAnimationFrame(() => {
      document.querySelector(`[data-testid="rule-row"][data-rule-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    });
  }

  const categories = useMemo(() => {
    const set = new Set<string>(RULE_CATEGORIES);
    for (const r of rules) set.add(r.category);
    return [...set];
  }, [rules]);

  return (
    <main className="page rules-page" data-testid="rules-page">
      <div className="page-head">
        <h1>{t('rules.title')}</h1>
        <button type="button" className="btn btn-small" data-testid="rules-refresh" onClick={() => void load()}>
          {t('moderation.refresh')}
        </button>
      </div>
      <p className="muted small">{t('rules.intro')}</p>

      <div className="rules-tools">
        <PreviewBox onShowRule={showRule} />
        <BackfillForm />
      </div>

      <section className="panel" aria-labelledby="rule-new-title">
        <h2 id="rule-new-title">{t('rules.add')}</h2>
        {editingId === null ? (
          <RuleForm mode="new" initial={EMPTY_RULE} categories={categories} onSaved={(r) => onSaved(r, 'new')} />
        ) : (
          <p className="muted small" data-testid="rule-form-busy">
            {t('rules.finishEditing')}
          </p>
        )}
      </section>

      <section className="panel rules-list" aria-labelledby="rules-list-title">
        <div className="page-head">
          <h2 id="rules-list-title">
            {t('rules.list')} <span className="muted small">({shown.length}/{rules.length})</span>
          </h2>
          <div className="rules-filter">
            <label className="field">
              <span className="visually-hidden">{t('rules.category')}</span>
              <select data-testid="rules-filter-category" value={filterCategory} onChange={(e) => setFilterCategory(e.target.value)}>
                <option value="">{t('rules.allCategories')}</option>
                {categories.map((c) => (
                  <option key={c} value={c}>
                    {label(t, 'rule.category.', c)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="visually-hidden">{t('rules.filter')}</span>
              <input
                type="search"
                data-testid="rules-filter-text"
                placeholder={t('rules.filter')}
                value={filterText}
                onChange={(e) => setFilterText(e.target.value)}
              />
            </label>
          </div>
        </div>
        {loadError && (
          <p className="form-error" role="alert" data-testid="rules-error">
            {loadError}
          </p>
        )}
        {loading ? (
          <p className="muted">{t('common.loading')}</p>
        ) : rules.length === 0 && !loadError ? (
          <p className="muted empty" data-testid="rules-empty">
            {t('rules.empty')}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="rules-table" data-testid="rules-table">
              <thead>
                <tr>
                  <th scope="col">{t('rules.category')}</th>
                  <th scope="col">{t('rules.language')}</th>
                  <th scope="col">{t('rules.speaker')}</th>
                  <th scope="col">{t('rules.expression')}</th>
                  <th scope="col">{t('rules.severity')}</th>
                  <th scope="col">{t('rules.action')}</th>
                  <th scope="col">{t('rules.enabled')}</th>
                  <th scope="col">{t('rules.live')}</th>
                  <th scope="col">{t('rules.precision')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('rules.edit')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) =>
                  editingId === String(r.id) ? (
                    <tr key={r.id} className="rule-edit-row" data-testid="rule-row" data-rule-id={r.id} data-editing="true">
                      <td colSpan={10}>
                        <RuleForm
                          mode="edit"
                          ruleId={String(r.id)}
                          initial={inputOf(r)}
                          categories={categories}
                          onSaved={(saved) => onSaved(saved, 'edit')}
                          onCancel={() => setEditingId(null)}
                        />
                      </td>
                    </tr>
                  ) : (
                    <RuleRow
                      key={r.id}
                      r={r}
                      highlighted={highlightRuleId === String(r.id)}
                      canEdit={editingId === null}
                      onEdit={() => {
                        setEditingId(String(r.id));
                        setHighlightRuleId(null);
                      }}
                    />
                  ),
                )}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}

function RuleRow({ r, highlighted, canEdit, onEdit }: { r: AnalyticsRule; highlighted: boolean; canEdit: boolean; onEdit: () => void }) {
  const { t, locale } = useI18n();
  return (
    <tr
      className={`rule-row${r.enabled ? '' : ' rule-disabled'}${highlighted ? ' rule-highlighted' : ''}`}
      data-testid="rule-row"
      data-rule-id={r.id}
      data-category={r.category}
      data-enabled={r.enabled ? 'true' : 'false'}
      data-live={r.live ? 'true' : 'false'}
      data-builtin={r.builtin ? 'true' : 'false'}
      data-severity={r.severity}
      data-action={r.action}
    >
      <td data-label={t('rules.category')} data-testid="rule-category-cell">
        <strong>{label(t, 'rule.category.', r.category)}</strong>
        <span className="muted small rule-id">
          {' '}#{r.id}
          {r.builtin ? ` · ${t('rules.builtin')}` : ''}
        </span>
      </td>
      <td data-label={t('rules.language')}>{label(t, 'rules.language.', r.language)}</td>
      <td data-label={t('rules.speaker')}>{label(t, 'rules.speaker.', r.speaker)}</td>
      <td data-label={t('rules.expression')} className="rule-expr-cell">
        <code className="rule-expr" data-testid="rule-expression-text" title={t('rules.updated', { date: formatDateTime(r.updated_at, locale) })}>
          {r.expression}
        </code>
      </td>
      <td data-label={t('rules.severity')}>
        <span className={`tag sev-tag sev-${r.severity}`}>{label(t, 'severity.', r.severity)}</span>
      </td>
      <td data-label={t('rules.action')}>{label(t, 'rules.action.', r.action)}</td>
      <td data-label={t('rules.enabled')} data-testid="rule-enabled-cell">
        {r.enabled ? t('rules.yes') : t('rules.no')}
      </td>
      <td data-label={t('rules.live')} data-testid="rule-live-cell">
        {r.live ? t('rules.yes') : t('rules.no')}
        {r.live_feedback && r.live_feedback.warnings > 0 && (
          <div className="muted" data-testid="rule-live-feedback" data-warnings={r.live_feedback.warnings} data-not-scam={r.live_feedback.not_scam}>
            {t('rules.liveFeedback', { warnings: r.live_feedback.warnings, notScam: r.live_feedback.not_scam })}
          </div>
        )}
      </td>
      <td data-label={t('rules.precision')} data-testid="rule-precision" data-correct={r.precision?.correct ?? 0} data-wrong={r.precision?.wrong ?? 0}>
        {precisionText(r.precision)}
      </td>
      <td className="rule-actions">
        <button type="button" className="btn btn-small" data-testid="rule-edit" disabled={!canEdit} onClick={onEdit}>
          {t('rules.edit')}
        </button>
      </td>
    </tr>
  );
}

function RuleForm({
  mode,
  ruleId,
  initial,
  categories,
  onSaved,
  onCancel,
}: {
  mode: 'new' | 'edit';
  ruleId?: string;
  initial: RuleInput;
  categories: readonly string[];
  onSaved: (rule: AnalyticsRule) => void;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const [v, setV] = useState<RuleInput>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string; position: number | null } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const exprRef = useRef<HTMLTextAreaElement>(null);
  const idp = mode === 'new' ? 'rule-new' : `rule-${ruleId}`;

  function set<K extends keyof RuleInput>(k: K, value: RuleInput[K]) {
    setV((prev) => ({ ...prev, [k]: value }));
    setSaved(null);
    if (k === 'expression') setError(null);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!v.expression.trim()) {
      setError({ code: 'required', message: t('rules.expressionRequired'), position: null });
      exprRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const rule = mode === 'new' ? await api.createRule(v) : await api.updateRule(ruleId ?? '', v);
      onSaved(rule);
      if (mode === 'new') {
        setV((prev) => ({ ...prev, expression: '' }));
        setSaved(String(rule.id));
      }
    } catch (err) {
      const message = apiErrorMessage(t, err);
      const code = err instanceof ApiError ? err.code : 'error';
      const position = code === 'bad_rule' ? errorPosition(message) : null;
      setError({ code, message, position });
      const ta = exprRef.current;
      if (ta && position !== null) {
        const at = utf16Index(v.expression, position - 1);
        ta.focus();
        ta.setSelectionRange(at, Math.min(v.expression.length, utf16Index(v.expression, position)));
      }
    } finally {
      setBusy(false);
    }
  }

  const cps = error?.position !== null && error?.position !== undefined ? Array.from(v.expression) : null;

  return (
    <form className={`form rule-form rule-form-${mode}`} data-testid="rule-form" data-mode={mode} data-rule-id={ruleId} onSubmit={(e) => void submit(e)} noValidate>
      <div className="rule-form-grid">
        <label className="field">
          <span>{t('rules.category')}</span>
          <select data-testid="rule-category" value={v.category} onChange={(e) => set('category', e.target.value)}>
            {categories.map((c) => (
              <option key={c} value={c}>
                {label(t, 'rule.category.', c)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('rules.language')}</span>
          <select data-testid="rule-language" value={v.language} onChange={(e) => set('language', e.target.value as RuleInput['language'])}>
            {RULE_LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {label(t, 'rules.language.', l)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('rules.speaker')}</span>
          <select data-testid="rule-speaker" value={v.speaker} onChange={(e) => set('speaker', e.target.value as RuleInput['speaker'])}>
            {RULE_SPEAKERS.map((s) => (
              <option key={s} value={s}>
                {label(t, 'rules.speaker.', s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('rules.severity')}</span>
          <select data-testid="rule-severity" value={v.severity} onChange={(e) => set('severity', e.target.value as RuleInput['severity'])}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {label(t, 'severity.', s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('rules.action')}</span>
          <select data-testid="rule-action" value={v.action} onChange={(e) => set('action', e.target.value as RuleInput['action'])}>
            {RULE_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {label(t, 'rules.action.', a)}
              </option>
            ))}
          </select>
        </label>
        <div className="rule-checks">
          <label className="check">
            <input type="checkbox" data-testid="rule-enabled" checked={v.enabled} onChange={(e) => set('enabled', e.target.checked)} />
            <span>{t('rules.enabled')}</span>
          </label>
          <label className="check">
            <input type="checkbox" data-testid="rule-live" checked={v.live} onChange={(e) => set('live', e.target.checked)} />
            <span>{t('rules.liveLong')}</span>
          </label>
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${idp}-expr`} className="field-label">
          {t('rules.expression')}
        </label>
        <textarea
          id={`${idp}-expr`}
          ref={exprRef}
          className="rule-expr-input"
          data-testid="rule-expression"
          rows={3}
          spellCheck={false}
          value={v.expression}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${idp}-expr-help${error ? ` ${idp}-expr-error` : ''}`}
          onChange={(e) => set('expression', e.target.value)}
        />
        {error && (
          <div id={`${idp}-expr-error`} className="form-error small" role="alert" data-testid="rule-error" data-code={error.code} data-position={error.position ?? undefined}>
            <p>{error.message}</p>
            {cps && error.position !== null && (
              <code className="rule-error-where" data-testid="rule-error-position">
                {cps.slice(Math.max(0, error.position - 31), error.position - 1).join('')}
                <mark>{cps[error.position - 1] ?? ' '}</mark>
                {cps.slice(error.position, error.position + 30).join('')}
              </code>
            )}
          </div>
        )}
        <p id={`${idp}-expr-help`} className="muted small">
          {t('rules.expressionHelp')}
        </p>
      </div>
      <div className="form-actions">
        {saved && (
          <span className="muted small" role="status" data-testid="rule-saved" data-rule-id={saved}>
            {t('rules.saved', { id: saved })}
          </span>
        )}
        {onCancel && (
          <button type="button" className="btn" data-testid="rule-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="btn btn-primary" data-testid="rule-save" disabled={busy}>
          {busy ? t('common.wait') : mode === 'new' ? t('rules.create') : t('rules.save')}
        </button>
      </div>
    </form>
  );
}

/** "Try it": a text against the current rules, its hits highlighted by character offsets. */
function PreviewBox({ onShowRule }: { onShowRule: (ruleId: string) => void }) {
  const { t, lang } = useI18n();
  const [text, setText] = useState('');
  const [language, setLanguage] = useState<'ru' | 'en'>(lang === 'en' ? 'en' : 'ru');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ text: string; preview: AnalyticsPreview } | null>(null);

  async function run(e: FormEvent) {
    e.preventDefault();
    if (busy || !text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const preview = await api.previewText(text, language);
      setResult({ text, preview });
    } catch (err) {
      setError(apiErrorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  const pieces = result ? highlightPieces(result.text, result.preview.hits ?? []) : [];
  const hits = result?.preview.hits ?? [];
  const cps = result ? Array.from(result.text) : [];

  return (
    <section className="panel preview-box" data-testid="rules-preview" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('rules.tryIt')}</h2>
      <form className="form" onSubmit={(e) => void run(e)}>
        <label className="field">
          <span>{t('rules.previewText')}</span>
          <textarea data-testid="preview-text" rows={4} value={text} maxLength={10000} onChange={(e) => setText(e.target.value)} />
        </label>
        <div className="preview-controls">
          <label className="field">
            <span>{t('rules.previewLanguage')}</span>
            <select data-testid="preview-language" value={language} onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'ru')}>
              <option value="ru">{t('rules.language.ru')}</option>
              <option value="en">{t('rules.language.en')}</option>
            </select>
          </label>
          <button type="submit" className="btn btn-primary" data-testid="preview-run" disabled={busy || !text.trim()}>
            {busy ? t('common.wait') : t('rules.previewRun')}
          </button>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert" data-testid="preview-error">
          {error}
        </p>
      )}
      {result && (
        <div className="preview-result" data-testid="preview-result" data-hits={hits.length}>
          <p className="preview-tone">
            {t('rules.previewTone')}{' '}
            <span
              className={`line-tone line-tone-${result.preview.tone?.label ?? 'neutral'}`}
              data-testid="preview-tone"
              data-tone={result.preview.tone?.label ?? ''}
              data-score={result.preview.tone?.score ?? ''}
            >
              {label(t, 'tone.', result.preview.tone?.label)} ({(result.preview.tone?.score ?? 0).toFixed(2)})
            </span>
          </p>
          <h3>{t('rules.previewHighlighted', { n: hits.length })}</h3>
          <p className="preview-text pre-wrap" data-testid="preview-hits" data-count={hits.length}>
            {pieces.map((p) =>
              p.hits.length === 0 ? (
                <span key={p.start}>{p.text}</span>
              ) : (
                <mark
                  key={p.start}
                  className={`hit sev-${p.hits.reduce((s, h) => maxSeverity(s, h.severity), 'info')}`}
                  data-testid="preview-mark"
                  data-start={p.start}
                  data-end={p.end}
                  data-category={[...new Set(p.hits.map((h) => h.category))].join(' ')}
                  data-rule-ids={p.hits.map((h) => h.rule_id).join(' ')}
                  title={p.hits.map((h) => `${label(t, 'rule.category.', h.category)} (#${h.rule_id})`).join(', ')}
                >
                  {p.text}
                </mark>
              ),
            )}
          </p>
          {hits.length === 0 ? (
            <p className="muted small" data-testid="preview-no-hits">
              {t('rules.previewNoHits')}
            </p>
          ) : (
            <ul className="preview-hit-list">
              {hits.map((h, i) => (
                <li
                  key={`${h.rule_id}:${h.start}:${i}`}
                  data-testid="preview-hit"
                  data-rule-id={h.rule_id}
                  data-category={h.category}
                  data-severity={h.severity}
                  data-start={h.start}
                  data-end={h.end}
                >
                  <span className={`tag sev-tag sev-${h.severity}`}>{label(t, 'severity.', h.severity)}</span>{' '}
                  <strong>{label(t, 'rule.category.', h.category)}</strong>{' '}
                  <q className="small">{cps.slice(h.start, h.end).join('')}</q>{' '}
                  <button type="button" className="link-button small" data-testid="preview-hit-rule" onClick={() => onShowRule(String(h.rule_id))}>
                    {t('rules.ruleN', { id: h.rule_id })}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <h3>{t('rules.previewMasked')}</h3>
          <p className="preview-masked pre-wrap" data-testid="preview-masked">
            {result.preview.masked}
          </p>
        </div>
      )}
    </section>
  );
}

/** Re-evaluate the calls of a period with the current rules (one backfill at a time). */
function BackfillForm() {
  const { t } = useI18n();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'started'; jobId: string } | { kind: 'error'; code: string; message: string } | null>(null);

  async function run(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const fromIso = from ? dayToRfc3339(from) : undefined;
    const toIso = to ? dayToRfc3339(to, true) : undefined;
    if ((from && !fromIso) || (to && !toIso) || (fromIso && toIso && fromIso > toIso)) {
      setResult({ kind: 'error', code: 'invalid_range', message: t('rules.backfillBadRange') });
      return;
    }
    setBusy(true);
    setResult(null);
    try {
      const body: { from?: string; to?: string } = {};
      if (fromIso) body.from = fromIso;
      if (toIso) body.to = toIso;
      const res = await api.startBackfill(body);
      setResult({ kind: 'started', jobId: String(res.job_id) });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'error';
      setResult({ kind: 'error', code, message: code === 'backfill_running' ? t('rules.backfillRunning') : apiErrorMessage(t, err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel backfill-box" data-testid="backfill" aria-labelledby="backfill-title">
      <h2 id="backfill-title">{t('rules.backfill')}</h2>
      <p className="muted small">{t('rules.backfillHint')}</p>
      <form className="form" onSubmit={(e) => void run(e)}>
        <div className="field-row">
          <label className="field">
            <span>{t('rules.backfillFrom')}</span>
            <input type="date" data-testid="backfill-from" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('rules.backfillTo')}</span>
            <input type="date" data-testid="backfill-to" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
          </label>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="backfill-run" disabled={busy}>
            {busy ? t('common.wait') : t('rules.backfillRun')}
          </button>
        </div>
      </form>
      {result?.kind === 'started' && (
        <p className="muted small" role="status" data-testid="backfill-job" data-job-id={result.jobId}>
          {t('rules.backfillStarted', { id: result.jobId })}
        </p>
      )}
      {result?.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="backfill-error" data-code={result.code}>
          {result.message}
        </p>
      )}
    </section>
  );
}
