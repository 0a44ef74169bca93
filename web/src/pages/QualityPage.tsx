import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { percent } from '../analytics';
import { ApiError } from '../api';
import { DisagreementsPanel, ReportersPanel } from '../components/QualityReviewsPanels';
import { errorText, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import {
  DECISION_ACTIONS,
  HONEYPOT_CATEGORIES,
  QUALITY_DAYS,
  TASK_STATUSES,
  accuracyText,
  deviationSummary,
  honeypotText,
  metricLabel,
  minutesText,
  periodLabel,
  qualityApi,
  qualityDaysOf,
  qualityFrom,
  replaceTask,
  taskStatusKey,
  zText,
  type DecisionAction,
  type Honeypot,
  type HoneypotCategory,
  type ModeratorQuality,
  type QualityReport,
  type QualityTask,
  type TaskStatus,
} from '../quality';

type Load<T> = { kind: 'loading' } | { kind: 'loaded'; data: T } | { kind: 'error'; message: string; forbidden: boolean };

function failure(t: Parameters<typeof errorText>[0], e: unknown): { kind: 'error'; message: string; forbidden: boolean } {
  return { kind: 'error', message: errorText(t, e), forbidden: e instanceof ApiError && e.status === 403 };
}

type TaskFilter = TaskStatus | 'all';

/**
 * /quality: the supervisor's view of the moderators' work (docs/API.md "Moderation quality").
 * A period (last day, 7 or 30 days, in the URL as ?days=) gives each moderator's figures
 * against their peers with the deviations highlighted; asking for them opens a deviation task
 * per new deviation, so the task list loads after them. Tasks are acknowledged and closed with
 * a result in place. Below, the honeypots (test cases with a known answer) and a form to write
 * a synthetic one.
 */
export function QualityPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const days = qualityDaysOf(params.get('days'));

  const [report, setReport] = useState<Load<QualityReport>>({ kind: 'loading' });
  const [busy, setBusy] = useState(true);
  // Names of every moderator seen in any period: tasks may be about an earlier one.
  const [names, setNames] = useState<Record<string, string>>({});
  // Bumped when the report has loaded (new tasks may have been opened): the task list reloads.
  const [reportGen, setReportGen] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setBusy(true);
    qualityApi
      .moderators({ from: qualityFrom(days) })
      .then((data) => {
        if (cancelled) return;
        setReport({ kind: 'loaded', data });
        setNames((prev) => {
          const next = { ...prev };
          for (const m of data.items ?? []) next[m.moderator_id] = m.moderator?.display_name || next[m.moderator_id] || '';
          return next;
        });
      })
      .catch((e: unknown) => {
        if (!cancelled) setReport(failure(t, e));
      })
      .finally(() => {
        if (!cancelled) {
          setBusy(false);
          setReportGen((g) => g + 1);
        }
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [days]);

  function pickDays(n: number) {
    const next = new URLSearchParams(params);
    next.set('days', String(n));
    setParams(next, { replace: true });
  }

  const data = report.kind === 'loaded' ? report.data : null;
  const forbidden = report.kind === 'error' && report.forbidden;

  if (forbidden) {
    return (
      <main className="page narrow">
        <h1>{t('quality.title')}</h1>
        <p className="form-error" role="alert" data-testid="quality-no-access">
          {t('quality.noAccess')}
        </p>
      </main>
    );
  }

  return (
    <main className="page analytics-page quality-page" data-testid="quality-page" data-state={busy ? 'loading' : report.kind}>
      <h1>{t('quality.title')}</h1>
      <p className="muted small">{t('quality.intro')}</p>
      <p className="small">
        <Link to="/quality/themes" data-testid="quality-themes-link">
          {t('quality.themesLink')}
        </Link>
      </p>

      <section className="panel" aria-labelledby="quality-moderators-title">
        <div className="quality-head">
          <h2 id="quality-moderators-title">{t('quality.moderators')}</h2>
          <div className="quick-ranges" role="group" aria-label={t('quality.periodPicker')}>
            {QUALITY_DAYS.map((n) => (
              <button
                key={n}
                type="button"
                className={`btn btn-small${days === n ? ' is-on' : ''}`}
                data-testid={`quality-range-${n}`}
                aria-pressed={days === n}
                onClick={() => pickDays(n)}
              >
                {n === 1 ? t('quality.lastDay') : n === 7 ? t('quality.lastWeek') : t('quality.lastDays', { n })}
              </button>
            ))}
          </div>
        </div>
        {data && (
          <p className="muted small" data-testid="quality-period" data-period={data.period}>
            {t('quality.periodShown', {
              from: formatDateTime(data.from, locale),
              to: formatDateTime(data.to, locale),
              period: periodLabel(t, data.period),
            })}
          </p>
        )}
        {data && data.tasks_opened > 0 && (
          <p className="notice-warn small" role="status" data-testid="quality-tasks-opened" data-count={data.tasks_opened}>
            {t('quality.tasksOpened', { n: data.tasks_opened })}
          </p>
        )}
        {report.kind === 'error' && (
          <p className="form-error" role="alert" data-testid="quality-error">
            {report.message}
          </p>
        )}
        {report.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}
        {data &&
          (data.items.length === 0 ? (
            <p className="muted empty" data-testid="quality-empty">
              {t('quality.empty')}
            </p>
          ) : (
            <ModeratorsTable items={data.items} busy={busy} />
          ))}
      </section>

      <TasksPanel names={names} reportGen={reportGen} />

      <HoneypotsPanel />

      <DisagreementsPanel names={names} />

      <ReportersPanel />
    </main>
  );
}

function ModeratorsTable({ items, busy }: { items: readonly ModeratorQuality[]; busy: boolean }) {
  const { t, locale } = useI18n();
  return (
    <div className="table-scroll" aria-busy={busy}>
      <table className="data-table quality-table" data-testid="quality-moderators">
        <thead>
          <tr>
            <th scope="col">{t('quality.col.moderator')}</th>
            <th scope="col">{t('quality.col.decided')}</th>
            <th scope="col">{t('quality.col.handling')}</th>
            <th scope="col">{t('quality.col.honeypot')}</th>
            <th scope="col">{t('quality.col.overturned')}</th>
            <th scope="col">{t('quality.col.sla')}</th>
            <th scope="col">{t('quality.col.deviations')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((m) => {
            const deviations = m.deviations ?? [];
            const overturned = percent(m.overturned_on_appeal);
            return (
              <tr
                key={m.moderator_id}
                className={deviations.length > 0 ? 'quality-row-deviant' : undefined}
                data-testid="quality-moderator"
                data-moderator-id={m.moderator_id}
                data-deviations={deviations.length}
              >
                <th scope="row" title={m.skills?.length ? t('quality.skills', { skills: m.skills.join(', ') }) : undefined}>
                  <span data-testid="quality-moderator-name">{m.moderator?.display_name || `#${m.moderator_id}`}</span>
                </th>
                <td className="num" data-testid="quality-decided">
                  {m.decided}
                </td>
                <td className="num" data-testid="quality-handling">
                  {minutesText(t, m.handling_time_p50_s, locale)}
                </td>
                <td className="num" data-testid="quality-honeypot" title={t('quality.honeypotHint', { correct: m.honeypot?.correct ?? 0, n: m.honeypot?.n ?? 0 })}>
                  {accuracyText(m.honeypot)}
                </td>
                <td className="num" data-testid="quality-overturned">
                  {overturned ? t('quality.ofAppealed', { share: overturned, n: m.appealed }) : '—'}
                </td>
                <td className="num" data-testid="quality-sla">
                  {m.sla_breaches}
                </td>
                <td className="quality-deviations-cell">
                  {deviations.length === 0 ? (
                    <span className="muted">{t('quality.noDeviations')}</span>
                  ) : (
                    <ul className="quality-deviations">
                      {deviations.map((d) => (
                        <li key={d.metric} data-testid="quality-deviation" data-metric={d.metric} data-z={d.z}>
                          <span>{d.explanation || deviationSummary(t, d, locale)}</span>
                          {d.explanation && <span className="muted small quality-deviation-figures">{deviationSummary(t, d, locale)}</span>}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function TasksPanel({ names, reportGen }: { names: Readonly<Record<string, string>>; reportGen: number }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<TaskFilter>('open');
  const [tasks, setTasks] = useState<Load<QualityTask[]>>({ kind: 'loading' });
  // The filter the list on screen is for (the last list stays while another one loads).
  const [shown, setShown] = useState<TaskFilter | null>(null);
  const gen = useRef(0);

  useEffect(() => {
    // Wait for the report: asking for it is what opens new tasks.
    if (reportGen === 0) return undefined;
    const id = ++gen.current;
    setTasks((prev) => (prev.kind === 'loaded' ? prev : { kind: 'loading' }));
    qualityApi
      .tasks(filter === 'all' ? null : filter)
      .then((res) => {
        if (id !== gen.current) return;
        setTasks({ kind: 'loaded', data: res.items ?? [] });
        setShown(filter);
      })
      .catch((e: unknown) => {
        if (id === gen.current) setTasks(failure(t, e));
      });
    return () => {
      gen.current++;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter, reportGen]);

  const list = tasks.kind === 'loaded' ? tasks.data : [];

  return (
    <section className="panel" aria-labelledby="quality-tasks-title" data-testid="quality-tasks" data-state={tasks.kind} data-filter={shown ?? ''}>
      <div className="quality-head">
        <h2 id="quality-tasks-title">{t('quality.tasks')}</h2>
        <label className="field quality-filter">
          <span>{t('quality.taskFilter')}</span>
          <select data-testid="task-status-filter" value={filter} onChange={(e) => setFilter(e.target.value as TaskFilter)}>
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(taskStatusKey(s))}
              </option>
            ))}
            <option value="all">{t('quality.taskFilterAll')}</option>
          </select>
        </label>
      </div>
      <p className="muted small">{t('quality.tasksIntro')}</p>
      {tasks.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="quality-tasks-error">
          {tasks.message}
        </p>
      )}
      {tasks.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}
      {tasks.kind === 'loaded' && list.length === 0 && (
        <p className="muted empty" data-testid="quality-tasks-empty">
          {t('quality.tasksEmpty')}
        </p>
      )}
      {list.length > 0 && (
        <ol className="rows quality-tasks">
          {list.map((task) => (
            <TaskCard
              key={task.id}
              task={task}
              name={names[task.moderator_id] || `#${task.moderator_id}`}
              onChange={(next) => setTasks((prev) => (prev.kind === 'loaded' ? { kind: 'loaded', data: replaceTask(prev.data, next) } : prev))}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function TaskCard({ task, name, onChange }: { task: QualityTask; name: string; onChange: (t: QualityTask) => void }) {
  const { t, locale } = useI18n();
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState<'acknowledge' | 'close' | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(kind: 'acknowledge' | 'close') {
    if (busy) return;
    setBusy(kind);
    setError(null);
    try {
      const next = kind === 'acknowledge' ? await qualityApi.acknowledgeTask(task.id) : await qualityApi.closeTask(task.id, result.trim());
      onChange(next);
      if (kind === 'close') setResult('');
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <li
      className={`panel quality-task quality-task-${task.status}`}
      data-testid="deviation-task"
      data-task-id={task.id}
      data-status={task.status}
      data-moderator-id={task.moderator_id}
      data-metric={task.metric}
    >
      <div className="quality-task-head">
        <strong data-testid="task-moderator">{name}</strong>
        <span className={`tag quality-status quality-status-${task.status}`} data-testid="task-status" data-status={task.status}>
          {t(taskStatusKey(task.status))}
        </span>
      </div>
      <p className="quality-task-explanation" data-testid="task-explanation">
        {task.explanation}
      </p>
      <dl className="quality-task-facts small">
        <div>
          <dt>{t('quality.task.metric')}</dt>
          <dd data-testid="task-metric">{metricLabel(t, task.metric)}</dd>
        </div>
        <div>
          <dt>z</dt>
          <dd data-testid="task-z">{zText(task.z, locale)}</dd>
        </div>
        <div>
          <dt>{t('quality.task.period')}</dt>
          <dd data-testid="task-period">
            {periodLabel(t, task.period)} {task.period_key}
          </dd>
        </div>
        <div>
          <dt>{t('quality.task.opened')}</dt>
          <dd>{formatDateTime(task.opened_at, locale)}</dd>
        </div>
      </dl>
      <p className="muted small">{deviationSummary(t, task, locale)}</p>
      {task.acknowledged_at && (
        <p className="muted small" data-testid="task-acknowledged">
          {t('quality.task.acknowledgedAt', { when: formatDateTime(task.acknowledged_at, locale) })}
        </p>
      )}
      {task.note && (
        <p className="small" data-testid="task-note">
          {t('quality.task.note', { note: task.note })}
        </p>
      )}
      {task.status === 'closed' ? (
        <div className="notice-ok small" data-testid="task-closed">
          <p>{t('quality.task.closedAt', { when: formatDateTime(task.closed_at ?? '', locale) })}</p>
          <p data-testid="task-result-text">{task.result}</p>
        </div>
      ) : (
        <div className="quality-task-actions">
          {task.status === 'open' && (
            <button
              type="button"
              className="btn btn-small"
              data-testid="task-acknowledge"
              disabled={busy !== null}
              onClick={() => void act('acknowledge')}
            >
              {busy === 'acknowledge' ? t('common.wait') : t('quality.task.acknowledge')}
            </button>
          )}
          <label className="field quality-task-result">
            <span>{t('quality.task.result')}</span>
            <textarea
              data-testid="task-result"
              rows={2}
              maxLength={4000}
              value={result}
              placeholder={t('quality.task.resultPlaceholder')}
              onChange={(e) => setResult(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="task-close"
            disabled={busy !== null || result.trim() === ''}
            onClick={() => void act('close')}
          >
            {busy === 'close' ? t('common.wait') : t('quality.task.close')}
          </button>
        </div>
      )}
      {error && (
        <p className="form-error small" role="alert" data-testid="task-error">
          {error}
        </p>
      )}
    </li>
  );
}

function HoneypotsPanel() {
  const { t, locale } = useI18n();
  const [list, setList] = useState<Load<Honeypot[]>>({ kind: 'loading' });
  const [category, setCategory] = useState<HoneypotCategory>('fraud');
  const [text, setText] = useState('');
  const [expected, setExpected] = useState<DecisionAction>('block');
  const [acceptable, setAcceptable] = useState<DecisionAction[]>([]);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    qualityApi
      .honeypots()
      .then((res) => {
        if (!cancelled) setList({ kind: 'loaded', data: res.items ?? [] });
      })
      .catch((e: unknown) => {
        if (!cancelled) setList(failure(t, e));
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function toggleAcceptable(a: DecisionAction, on: boolean) {
    setAcceptable((prev) => (on ? [...prev.filter((x) => x !== a), a] : prev.filter((x) => x !== a)));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (saving || !text.trim()) return;
    setSaving(true);
    setFormError(null);
    setCreated(null);
    try {
      const h = await qualityApi.createHoneypot({
        synthetic: { category, text: text.trim() },
        expected: { action: expected, acceptable: acceptable.filter((a) => a !== expected) },
      });
      setList((prev) => (prev.kind === 'loaded' ? { kind: 'loaded', data: [h, ...prev.data.filter((x) => x.id !== h.id)] } : { kind: 'loaded', data: [h] }));
      setCreated(h.id);
      setText('');
      setAcceptable([]);
    } catch (err) {
      setFormError(errorText(t, err));
    } finally {
      setSaving(false);
    }
  }

  const items = list.kind === 'loaded' ? list.data : [];

  return (
    <section className="panel" aria-labelledby="quality-honeypots-title" data-testid="quality-honeypots" data-state={list.kind}>
      <h2 id="quality-honeypots-title">{t('quality.honeypots')}</h2>
      <p className="muted small">{t('quality.honeypotsIntro')}</p>
      {list.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="honeypots-error">
          {list.message}
        </p>
      )}
      {list.kind === 'loading' && <p className="muted">{t('common.loading')}</p>}
      {list.kind === 'loaded' && items.length === 0 && (
        <p className="muted" data-testid="honeypots-empty">
          {t('quality.honeypotsEmpty')}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-scroll">
          <table className="data-table quality-honeypots-table" data-testid="honeypot-list">
            <thead>
              <tr>
                <th scope="col">{t('quality.hp.case')}</th>
                <th scope="col">{t('quality.hp.expected')}</th>
                <th scope="col">{t('quality.hp.served')}</th>
                <th scope="col">{t('quality.hp.decided')}</th>
                <th scope="col">{t('quality.hp.correct')}</th>
                <th scope="col">{t('quality.hp.created')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((h) => (
                <tr
                  key={h.id}
                  className={created === h.id ? 'quality-row-new' : undefined}
                  data-testid="honeypot-row"
                  data-honeypot-id={h.id}
                  data-active={h.active ? 'true' : 'false'}
                >
                  <td className="quality-honeypot-case">
                    <span className="tag">{label(t, 'complaint.category.', h.category)}</span>{' '}
                    <span className="muted small">{h.source === 'case' ? t('quality.hp.fromCase') : t('quality.hp.synthetic')}</span>
                    {!h.active && <span className="tag tag-muted">{t('quality.hp.inactive')}</span>}
                    <div className="quality-honeypot-text">{honeypotText(h)}</div>
                  </td>
                  <td>
                    {label(t, 'action.', h.expected?.action)}
                    {(h.expected?.acceptable ?? []).length > 0 && (
                      <div className="muted small">
                        {t('quality.hp.alsoAcceptable', { actions: (h.expected.acceptable ?? []).map((a) => label(t, 'action.', a)).join(', ') })}
                      </div>
                    )}
                  </td>
                  <td className="num">{h.served}</td>
                  <td className="num">{h.decided}</td>
                  <td className="num">
                    {h.correct}
                    {h.decided > 0 && <span className="muted small"> ({percent(h.correct / h.decided)})</span>}
                  </td>
                  <td>{formatDateTime(h.created_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <form className="form quality-honeypot-form" onSubmit={(e) => void submit(e)} data-testid="honeypot-form">
        <h3>{t('quality.hp.new')}</h3>
        <div className="field-row">
          <label className="field">
            <span>{t('quality.hp.category')}</span>
            <select data-testid="honeypot-category" value={category} onChange={(e) => setCategory(e.target.value as HoneypotCategory)}>
              {HONEYPOT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {label(t, 'complaint.category.', c)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('quality.hp.expectedAction')}</span>
            <select
              data-testid="honeypot-expected"
              value={expected}
              onChange={(e) => {
                const a = e.target.value as DecisionAction;
                setExpected(a);
                setAcceptable((prev) => prev.filter((x) => x !== a));
              }}
            >
              {DECISION_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {label(t, 'action.', a)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="field">
          <span>{t('quality.hp.text')}</span>
          <textarea
            data-testid="honeypot-text"
            rows={3}
            maxLength={4000}
            required
            value={text}
            placeholder={t('quality.hp.textPlaceholder')}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <fieldset className="fieldset">
          <legend>{t('quality.hp.acceptable')}</legend>
          <div className="quality-checks">
            {DECISION_ACTIONS.filter((a) => a !== expected).map((a) => (
              <label key={a} className="check">
                <input
                  type="checkbox"
                  data-testid={`honeypot-acceptable-${a}`}
                  checked={acceptable.includes(a)}
                  onChange={(e) => toggleAcceptable(a, e.target.checked)}
                />
                <span>{label(t, 'action.', a)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {formError && (
          <p className="form-error" role="alert" data-testid="honeypot-error">
            {formError}
          </p>
        )}
        {created && (
          <p className="notice-ok small" role="status" data-testid="honeypot-created">
            {t('quality.hp.createdOk')}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="honeypot-create" disabled={saving || !text.trim()}>
            {saving ? t('common.wait') : t('quality.hp.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
