import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, api } from '../api';
import { DishonestReasons } from '../components/DishonestReasons';
import { canSeeDishonest, evidenceHref, points, rowKey } from '../dishonest';
import { apiErrorMessage, errorText } from '../format';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { isModerator } from '../transcripts';
import type { DishonestRow } from '../types';

const PAGE_SIZE = 50;

/**
 * /analytics/dishonest: the dishonest-user ranking (GET /analytics/dishonest) — a score 0–100
 * per user with its reasons, their points and evidence. Moderators see users and open a case
 * from a row ("Open case": POST /analytics/dishonest/{user_id}/case, then the case page);
 * analysts see pseudonyms only and no button. Others are told the page is not theirs.
 */
export function DishonestPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();
  const allowed = canSeeDishonest(user);
  const moderator = isModerator(user);
  const [rows, setRows] = useState<DishonestRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<{ message: string; forbidden: boolean } | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const requestId = useRef(0);

  const fail = (e: unknown) => setError({ message: errorText(t, e), forbidden: e instanceof ApiError && e.status === 403 });

  useEffect(() => {
    if (!allowed) return undefined;
    const id = ++requestId.current;
    setLoading(true);
    setError(null);
    api
      .dishonest(null, PAGE_SIZE)
      .then((page) => {
        if (id !== requestId.current) return;
        setRows(page.items ?? []);
        setCursor(page.next_cursor ?? null);
      })
      .catch((e: unknown) => {
        if (id === requestId.current) fail(e);
      })
      .finally(() => {
        if (id === requestId.current) setLoading(false);
      });
    return () => {
      requestId.current++;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [allowed]);

  async function more() {
    if (!cursor || loadingMore) return;
    const id = requestId.current;
    setLoadingMore(true);
    try {
      const page = await api.dishonest(cursor, PAGE_SIZE);
      if (id !== requestId.current) return;
      setRows((prev) => [...prev, ...(page.items ?? []).filter((r) => !prev.some((p) => rowKey(p) === rowKey(r)))]);
      setCursor(page.next_cursor ?? null);
    } catch (e) {
      if (id === requestId.current) fail(e);
    } finally {
      setLoadingMore(false);
    }
  }

  async function openCase(userId: string) {
    if (opening) return;
    setOpening(userId);
    setRowError(null);
    try {
      const res = await api.openDishonestCase(userId);
      navigate(`/moderation/cases/${encodeURIComponent(res.case_id)}`);
    } catch (e) {
      setRowError({ id: userId, message: apiErrorMessage(t, e) });
      setOpening(null);
    }
  }

  if (!allowed) {
    return (
      <main className="page narrow">
        <h1>{t('dishonest.title')}</h1>
        <p className="form-error" role="alert" data-testid="dishonest-no-access">
          {t('dishonest.noAccess')}
        </p>
      </main>
    );
  }

  return (
    <main
      className="page analytics-page dishonest-page"
      data-testid="dishonest-page"
      data-state={loading ? 'loading' : error ? 'error' : 'loaded'}
      data-view={moderator ? 'users' : 'pseudonyms'}
    >
      <h1>{t('dishonest.title')}</h1>
      <p className="muted small">{moderator ? t('dishonest.introModerator') : t('dishonest.introAnalyst')}</p>

      <section className="panel" aria-busy={loading}>
        {error && (
          <p className="form-error" role="alert" data-testid={error.forbidden ? 'dishonest-no-access' : 'dishonest-error'}>
            {error.forbidden ? t('dishonest.noAccess') : error.message}
          </p>
        )}
        {loading ? (
          <p className="muted">{t('common.loading')}</p>
        ) : rows.length === 0 && !error ? (
          <p className="muted empty" data-testid="dishonest-empty">
            {t('dishonest.empty')}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="data-table dishonest-table" data-testid="dishonest-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('dishonest.col.user')}</th>
                  <th scope="col">{t('dishonest.col.score')}</th>
                  <th scope="col">{t('dishonest.col.reasons')}</th>
                  {moderator && <th scope="col">{t('dishonest.col.case')}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => {
                  const uid = r.user?.id ?? '';
                  return (
                    <tr
                      key={rowKey(r)}
                      data-testid="dishonest-row"
                      data-user-id={uid}
                      data-pseudonym={r.pseudonym ?? ''}
                      data-score={r.score}
                      data-reasons={r.reasons.map((x) => x.code).join(' ')}
                    >
                      <td className="num dishonest-rank" data-label="#">
                        {i + 1}
                      </td>
                      <td data-label={t('dishonest.col.user')}>
                        {r.user ? (
                          <span data-testid="dishonest-user">
                            <strong>{r.user.display_name ?? `#${uid}`}</strong> <span className="muted small">#{uid}</span>
                          </span>
                        ) : (
                          <span className="pseudonym" data-testid="dishonest-pseudonym">
                            {r.pseudonym ?? '—'}
                          </span>
                        )}
                      </td>
                      <td className="num" data-label={t('dishonest.col.score')}>
                        <strong className="dishonest-score" data-testid="dishonest-score">
                          {points(r.score)}
                        </strong>
                        <div className="score-bar" aria-hidden="true">
                          <span style={{ width: `${Math.max(0, Math.min(100, r.score))}%` }} />
                        </div>
                      </td>
                      <td className="dishonest-reasons-cell" data-label={t('dishonest.col.reasons')}>
                        <DishonestReasons reasons={r.reasons} evidenceHref={(e) => evidenceHref(e, moderator)} />
                      </td>
                      {moderator && (
                        <td data-label={t('dishonest.col.case')}>
                          {uid && (
                            <button
                              type="button"
                              className="btn btn-small btn-primary"
                              data-testid="dishonest-open-case"
                              data-user-id={uid}
                              disabled={opening !== null}
                              onClick={() => void openCase(uid)}
                            >
                              {opening === uid ? t('dishonest.opening') : t('dishonest.openCase')}
                            </button>
                          )}
                          {rowError?.id === uid && (
                            <p className="form-error small" role="alert" data-testid="dishonest-open-error">
                              {rowError.message}
                            </p>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {cursor && !loading && (
          <div className="list-more">
            <button type="button" className="btn" data-testid="dishonest-more" disabled={loadingMore} onClick={() => void more()}>
              {loadingMore ? t('common.loading') : t('dishonest.more')}
            </button>
          </div>
        )}
      </section>
    </main>
  );
}
