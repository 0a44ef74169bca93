import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, api } from '../api';
import { errorText } from '../format';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { safeNext } from './authNext';

export function LoginPage() {
  const { t } = useI18n();
  const { user, signedIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(location.search);

  if (user) return <Navigate to={next} replace />;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError(t('auth.fillAll'));
      return;
    }
    setBusy(true);
    try {
      const res = await api.login(email.trim(), password);
      signedIn(res.user);
      navigate(next, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('error.invalid_credentials'));
      else setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="page narrow">
      <form className="panel form" onSubmit={onSubmit} noValidate>
        <h1>{t('auth.loginTitle')}</h1>
        <label className="field">
          <span>{t('auth.email')}</span>
          <input
            type="email"
            autoComplete="email"
            data-testid="login-email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input
            type="password"
            autoComplete="current-password"
            data-testid="login-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" data-testid="login-submit" disabled={busy}>
          {busy ? t('common.wait') : t('auth.loginSubmit')}
        </button>
        <p className="muted center">
          {t('auth.noAccount')}{' '}
          <Link to={`/register${location.search}`} data-testid="login-to-register">
            {t('auth.registerLink')}
          </Link>
        </p>
      </form>
    </main>
  );
}
