import { Link, NavLink } from 'react-router-dom';
import { LANGS, useI18n, type Lang } from '../i18n';
import { useNotificationsUnread } from '../notifications';
import { useUnread } from '../realtime';
import { useSession } from '../session';
import { isAdmin, isAnalyst } from '../analytics';
import { canSeeDishonest } from '../dishonest';
import { canSeeThemes, isSupervisor } from '../quality';
import { isModerator } from '../transcripts';

export function Header() {
  const { t, lang, setLang } = useI18n();
  const { user, blocked, logout } = useSession();
  const { total } = useUnread();
  const { unread: unreadNotifications } = useNotificationsUnread();
  // A blocked account only has its blocked page (sanctions, appeal, notifications).
  const full = !!user && !blocked;

  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to="/" className="brand" aria-label={t('app.name')}>
          <span className="brand-mark" aria-hidden="true">
            V
          </span>
          <span className="brand-name">{t('app.name')}</span>
        </Link>
        <nav className="nav" aria-label={t('nav.label')}>
          {!blocked && (
            <NavLink to="/" end data-testid="nav-feed">
              {t('nav.feed')}
            </NavLink>
          )}
          {full && (
            <NavLink to="/my/listings" data-testid="nav-my-listings">
              {t('nav.myListings')}
            </NavLink>
          )}
          {full && (
            <NavLink to="/conversations" data-testid="nav-conversations">
              {t('nav.conversations')}
              {total > 0 && (
                <span className="count-badge" data-testid="nav-unread" aria-label={t('nav.unread', { count: total })}>
                  {total}
                </span>
              )}
            </NavLink>
          )}
          {full && (
            <NavLink to="/service-level" data-testid="nav-service-level">
              {t('nav.serviceLevel')}
            </NavLink>
          )}
          {full && (
            <NavLink to="/search" data-testid="nav-search">
              {t('nav.search')}
            </NavLink>
          )}
          {user && (
            <NavLink to="/notifications" data-testid="nav-notifications">
              {t('nav.notifications')}
              {unreadNotifications > 0 && (
                <span
                  className="count-badge"
                  data-testid="notifications-unread"
                  data-count={unreadNotifications}
                  aria-label={t('nav.notificationsUnread', { count: unreadNotifications })}
                >
                  {unreadNotifications}
                </span>
              )}
            </NavLink>
          )}
          {full && isModerator(user) && (
            <NavLink to="/moderation" data-testid="nav-moderation">
              {t('nav.moderation')}
            </NavLink>
          )}
          {full && isSupervisor(user) && (
            <NavLink to="/quality" end data-testid="nav-quality">
              {t('nav.quality')}
            </NavLink>
          )}
          {full && isAnalyst(user) && (
            <NavLink to="/analytics" data-testid="nav-analytics">
              {t('nav.analytics')}
            </NavLink>
          )}
          {full && canSeeThemes(user) && (
            <NavLink to="/quality/themes" data-testid="nav-themes">
              {t('nav.themes')}
            </NavLink>
          )}
          {full && canSeeDishonest(user) && (
            <NavLink to="/analytics/dishonest" data-testid="nav-dishonest">
              {t('nav.dishonest')}
            </NavLink>
          )}
          {full && isAdmin(user) && (
            <NavLink to="/admin/rules" data-testid="nav-admin-rules">
              {t('nav.rules')}
            </NavLink>
          )}
        </nav>
        <div className="topbar-right">
          <label className="lang">
            <span className="visually-hidden">{t('nav.language')}</span>
            <select
              data-testid="lang-switch"
              value={lang}
              onChange={(e) => setLang(e.target.value as Lang)}
            >
              {LANGS.map((l) => (
                <option key={l} value={l}>
                  {l.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
          {user ? (
            <>
              <span className="user-name" data-testid="nav-user-name" title={user.email}>
                {user.display_name}
              </span>
              <button type="button" className="btn btn-ghost" data-testid="nav-logout" onClick={() => void logout()}>
                {t('nav.logout')}
              </button>
            </>
          ) : (
            <>
              <NavLink to="/login" data-testid="nav-login" className="btn btn-ghost">
                {t('nav.login')}
              </NavLink>
              <NavLink to="/register" data-testid="nav-register" className="btn btn-primary">
                {t('nav.register')}
              </NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
