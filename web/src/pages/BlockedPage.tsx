import { useState } from 'react';
import { Link } from 'react-router-dom';
import { NotificationList } from '../components/NotificationList';
import { SanctionList } from '../components/SanctionList';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { Sanction } from '../types';

/** Until when the sanctions in force block the account: null = for good, undefined = unknown. */
function blockedUntil(sanctions: readonly Sanction[]): string | null | undefined {
  let until: string | null | undefined;
  for (const s of sanctions) {
    if (s.status !== 'active' || (s.kind !== 'block' && s.kind !== 'ban')) continue;
    if (s.kind === 'ban' || !s.ends_at) return null;
    if (Date.parse(s.ends_at) <= Date.now()) continue;
    if (until === undefined || (until !== null && s.ends_at > until)) until = s.ends_at;
  }
  return until;
}

/**
 * Everything a blocked account sees, whatever the URL: the notice, its sanctions with the
 * reasons and the appeal, and its notifications. Every other endpoint answers 403
 * user_blocked, so nothing else is loaded.
 */
export function BlockedPage() {
  const { t, locale } = useI18n();
  const { user, logout } = useSession();
  const [until, setUntil] = useState<string | null | undefined>(undefined);

  return (
    <main className="page narrow blocked-page" data-testid="blocked-page">
      <div className="panel notice notice-error" role="alert" data-testid="blocked-notice">
        <h1>{t('blocked.title')}</h1>
        <p data-testid="blocked-message">{t('blocked.text')}</p>
        {until !== undefined && (
          <p data-testid="blocked-until" data-until={until ?? ''}>
            <strong>{until === null ? t('blocked.forever') : t('blocked.until', { date: formatDateTime(until, locale) })}</strong>
          </p>
        )}
        {user ? (
          <button type="button" className="btn" data-testid="blocked-logout" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        ) : (
          <Link to="/login" className="btn">
            {t('nav.login')}
          </Link>
        )}
      </div>

      {user && (
        <>
          <section className="panel" id="blocked-sanctions" aria-labelledby="blocked-sanctions-title">
            <h2 id="blocked-sanctions-title">{t('sanctions.title')}</h2>
            <p className="muted small">{t('sanctions.intro')}</p>
            <SanctionList linkCalls={false} onLoaded={(list) => setUntil(blockedUntil(list))} />
          </section>
          <section className="panel" aria-labelledby="blocked-notifications-title">
            <h2 id="blocked-notifications-title">{t('notifications.title')}</h2>
            <NotificationList linkCalls={false} appealHref="#blocked-sanctions" />
          </section>
        </>
      )}
    </main>
  );
}
