import { Link } from 'react-router-dom';
import { SanctionList } from '../components/SanctionList';
import { useI18n } from '../i18n';

/** /sanctions: the user's sanctions with the reasons, and the one appeal each allows. */
export function SanctionsPage() {
  const { t } = useI18n();
  return (
    <main className="page narrow sanctions-page" data-testid="sanctions-page">
      <div className="page-head">
        <h1>{t('sanctions.title')}</h1>
        <Link to="/notifications" className="btn btn-small" data-testid="sanctions-notifications-link">
          {t('notifications.title')}
        </Link>
      </div>
      <p className="muted small">{t('sanctions.intro')}</p>
      <SanctionList />
    </main>
  );
}
