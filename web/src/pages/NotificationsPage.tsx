import { Link } from 'react-router-dom';
import { NotificationList } from '../components/NotificationList';
import { useI18n } from '../i18n';

/** /notifications: decisions about the user or their complaints, each with its reasons. */
export function NotificationsPage() {
  const { t } = useI18n();
  return (
    <main className="page narrow notifications-page" data-testid="notifications-page">
      <div className="page-head">
        <h1>{t('notifications.title')}</h1>
        <Link to="/sanctions" className="btn btn-small" data-testid="notifications-sanctions-link">
          {t('sanctions.title')}
        </Link>
      </div>
      <NotificationList />
    </main>
  );
}
