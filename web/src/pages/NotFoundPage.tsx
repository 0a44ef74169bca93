import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <main className="page narrow" data-testid="not-found">
      <div className="panel center">
        <h1>{t('notFound.title')}</h1>
        <p className="muted">{t('notFound.text')}</p>
        <Link to="/" className="btn btn-primary">
          {t('notFound.back')}
        </Link>
      </div>
    </main>
  );
}
