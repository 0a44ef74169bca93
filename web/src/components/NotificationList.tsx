import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { apiErrorMessage, formatDateTime, formatMinorUnits, formatWhen } from '../format';
import { useI18n } from '../i18n';
import { label, normaliseEvidence, num, str } from '../moderation';
import { useNotificationsUnread } from '../notifications';
import { useRealtime } from '../realtime';
import type { AppNotification } from '../types';
import { EvidenceList } from './EvidenceList';

const PAGE_SIZE = 30;

function maxId(items: readonly AppNotification[]): string | null {
  let best: string | null = null;
  for (const n of items) {
    const id = String(n.id);
    if (best === null) best = id;
    else if (/^\d+$/.test(id) && /^\d+$/.test(best) ? BigInt(id) > BigInt(best) : id > best) best = id;
  }
  return best;
}

interface Props {
  /** Evidence and calls as links to the call page (not on the blocked page). */
  linkCalls?: boolean;
  /** Where "how to appeal" points: the sanctions page, or a section of the blocked page. */
  appealHref?: string;
}

/**
 * The user's notifications, newest first, each a statement of reasons. Showing them marks
 * them read (POST /notifications/read up to the newest shown).
 */
export function NotificationList({ linkCalls = true, appealHref = '/sanctions' }: Props) {
  const { t } = useI18n();
  const { setUnread, refresh } = useNotificationsUnread();
  const [items, setItems] = useState<AppNotification[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Unread when first shown: highlighted as new even after they were marked read.
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const generation = useRef(0);

  const markRead = useCallback(
    async (list: readonly AppNotification[], unread: number) => {
      const upTo = maxId(list);
      if (upTo === null || !list.some((n) => !n.read)) {
        setUnread(unread);
        return;
      }
      try {
        await api.markNotificationsRead(upTo);
        setUnread(0);
      } catch {
        // The badge stays as the server says; the next visit tries again.
      }
      refresh();
    },
    [setUnread, refresh],
  );

  const load = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const res = await api.listNotifications(null, PAGE_SIZE);
      if (gen !== generation.current) return;
      const list = res.items ?? [];
      setItems(list);
      setCursor(res.next_cursor ?? null);
      setError(null);
      setFresh((prev) => {
        const next = new Set(prev);
        for (const n of list) if (!n.read) next.add(String(n.id));
        return next;
      });
      await markRead(list, typeof res.unread === 'number' ? res.unread : 0);
    } catch (e) {
      if (gen === generation.current) setError(apiErrorMessage(t, e));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
    // t only formats errors.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [markRead]);

  useEffect(() => {
    void load();
    return () => {
      generation.current++;
    };
  }, [load]);

  // A new decision while the page is open.
  useRealtime((ev) => {
    if (ev.type === 'notification') void load();
  });

  async function loadMore() {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const res = await api.listNotifications(cursor, PAGE_SIZE);
      setItems((prev) => {
        const seen = new Set(prev.map((n) => String(n.id)));
        return [...prev, ...(res.items ?? []).filter((n) => !seen.has(String(n.id)))];
      });
      setCursor(res.next_cursor ?? null);
    } catch (e) {
      setError(apiErrorMessage(t, e));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <div className="notification-list-box" data-testid="notification-list" data-loading={loading ? 'true' : 'false'}>
      {error && (
        <p className="form-error" role="alert" data-testid="notifications-error">
          {error}
        </p>
      )}
      {loading ? (
        <p className="muted">{t('common.loading')}</p>
      ) : items.length === 0 && !error ? (
        <p className="empty muted" data-testid="notifications-empty">
          {t('notifications.empty')}
        </p>
      ) : (
        <ul className="rows">
          {items.map((n) => (
            <li key={n.id}>
              <NotificationItem n={n} fresh={fresh.has(String(n.id))} linkCalls={linkCalls} appealHref={appealHref} />
            </li>
          ))}
        </ul>
      )}
      {cursor && !loading && (
        <div className="center list-more">
          <button type="button" className="btn" data-testid="notifications-more" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? t('common.loading') : t('notifications.more')}
          </button>
        </div>
      )}
    </div>
  );
}

function AppealLink({ href, children }: { href: string; children: ReactNode }) {
  return href.startsWith('#') ? (
    <a href={href} data-testid="notification-appeal-link">
      {children}
    </a>
  ) : (
    <Link to={href} data-testid="notification-appeal-link">
      {children}
    </Link>
  );
}

function Fact({ name, testId, children }: { name: string; testId: string; children: ReactNode }) {
  return (
    <div className="fact" data-testid={testId}>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function NotificationItem({ n, fresh, linkCalls, appealHref }: { n: AppNotification; fresh: boolean; linkCalls: boolean; appealHref: string }) {
  const { t, locale } = useI18n();
  const p = (n.payload ?? {}) as Record<string, unknown>;
  const reason = str(p.reason);
  const caseId = str(p.case_id);
  let title: string;
  const facts: ReactNode[] = [];
  // The moderator's reason, as every kind shows it.
  const pushReason = () => {
    if (reason)
      facts.push(
        <Fact key="reason" name={t('notif.reason')} testId="notification-reason">
          <span className="pre-wrap">{reason}</span>
        </Fact>,
      );
  };

  if (n.kind === 'sanction' || n.kind === 'decision') {
    const action = str(p.action);
    const days = num(p.days);
    const endsAt = str(p.ends_at);
    const appealUntil = str(p.appeal_until);
    const categories = Array.isArray(p.categories) ? p.categories.map(str).filter(Boolean) : [];
    const evidence = normaliseEvidence(p.evidence);
    if (action === 'warn') title = t('notif.sanction.warn');
    else if (action === 'block')
      title = days !== null ? t('notif.sanction.blockDays', { days }) : t('notif.sanction.block');
    else if (action === 'ban') title = t('notif.sanction.ban');
    else title = t('notif.sanction.other', { action: label(t, 'action.', action) });
    facts.push(
      <Fact key="decision" name={t('notif.decision')} testId="notification-decision">
        {label(t, 'action.', action)}
        {action === 'block' && days !== null ? ` · ${t('notif.days', { days })}` : ''}
      </Fact>,
    );
    pushReason();
    if (categories.length > 0)
      facts.push(
        <Fact key="categories" name={t('notif.categories')} testId="notification-categories">
          {categories.map((c) => label(t, 'complaint.category.', c)).join(', ')}
        </Fact>,
      );
    if (evidence.length > 0)
      facts.push(
        <Fact key="evidence" name={t('notif.evidence')} testId="notification-evidence">
          <EvidenceList evidence={evidence} linkCalls={linkCalls} testId="notification-evidence-link" />
        </Fact>,
      );
    facts.push(
      <Fact key="until" name={t('notif.until')} testId="notification-until">
        {action === 'ban'
          ? t('notif.untilForever')
          : action === 'warn'
            ? t('notif.untilWarn')
            : endsAt
              ? formatDateTime(endsAt, locale)
              : '—'}
      </Fact>,
    );
    facts.push(
      <Fact key="appeal" name={t('notif.howToAppeal')} testId="notification-appeal">
        {appealUntil ? t('notif.appealUntil', { date: formatDateTime(appealUntil, locale) }) : t('notif.appealOnce')}{' '}
        <AppealLink href={appealHref}>{t('notif.appealLink')}</AppealLink>
      </Fact>,
    );
  } else if (n.kind === 'complaint_dismissed_against_you') {
    title = t('notif.dismissedAgainst');
    facts.push(
      <Fact key="decision" name={t('notif.decision')} testId="notification-decision">
        {t('notif.noAction')}
      </Fact>,
    );
    pushReason();
  } else if (n.kind === 'complaint_decided') {
    const outcome = str(p.outcome);
    const action = str(p.action);
    const callIds = Array.isArray(p.call_ids) ? p.call_ids.map(str).filter(Boolean) : [];
    const reward = p.reward && typeof p.reward === 'object' ? (p.reward as Record<string, unknown>) : null;
    const amount = reward ? num(reward.amount) : null;
    title = outcome === 'upheld' ? t('notif.complaintUpheld') : t('notif.complaintDismissed');
    facts.push(
      <Fact key="decision" name={t('notif.decision')} testId="notification-decision">
        {action && action !== 'dismiss' ? t('notif.actionTaken', { action: label(t, 'action.', action) }) : t('notif.noActionOther')}
      </Fact>,
    );
    pushReason();
    if (callIds.length > 0)
      facts.push(
        <Fact key="calls" name={t('notif.calls')} testId="notification-calls">
          {callIds.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              {linkCalls ? (
                <Link to={`/calls/${encodeURIComponent(id)}`} data-testid="notification-call-link" data-call-id={id}>
                  {t('notif.callN', { id })}
                </Link>
              ) : (
                t('notif.callN', { id })
              )}
            </span>
          ))}
        </Fact>,
      );
    if (amount !== null && amount > 0)
      facts.push(
        <Fact key="reward" name={t('notif.reward')} testId="notification-reward">
          <span data-amount={amount} data-currency={str(reward?.currency)}>
            {formatMinorUnits(amount, str(reward?.currency), locale)}
          </span>
        </Fact>,
      );
  } else if (n.kind === 'appeal_decided') {
    const outcome = str(p.outcome);
    title = outcome === 'overturned' ? t('notif.appealOverturned') : t('notif.appealUpheld');
    facts.push(
      <Fact key="decision" name={t('notif.decision')} testId="notification-decision">
        {outcome === 'overturned' ? t('notif.sanctionLifted') : t('notif.sanctionStays')}
      </Fact>,
    );
    pushReason();
    facts.push(
      <Fact key="sanctions" name={t('notif.details')} testId="notification-appeal">
        <AppealLink href={appealHref}>{t('notif.sanctionsLink')}</AppealLink>
      </Fact>,
    );
  } else {
    title = t('notif.generic');
    pushReason();
  }

  return (
    <article
      className={`panel notification${fresh ? ' notification-new' : ''}`}
      data-testid="notification"
      data-kind={n.kind}
      data-id={n.id}
      data-read={n.read ? 'true' : 'false'}
      data-new={fresh ? 'true' : 'false'}
    >
      <div className="notification-head">
        <h3 data-testid="notification-title">{title}</h3>
        <span className="muted small">{formatWhen(n.created_at, locale)}</span>
      </div>
      <dl className="facts">{facts}</dl>
      {caseId && <p className="muted small notification-case">{t('notif.caseN', { id: caseId })}</p>}
    </article>
  );
}
