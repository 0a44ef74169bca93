import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api } from '../api';
import { errorText } from '../format';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { safeNext } from './authNext';

const MIN_PASSWORD = 8;

export function RegisterPage() {
  const { t } = useI18n();
  const { user, signedIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(location.search);

  if (user) return <Navigate to={next} replace />;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password || !name.trim()) {
      setError(t('auth.fillAll'));
      return;
    }
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      setError(t('auth.badEmail'));
      return;
    }
    if (password.length < MIN_PASSWORD) {
      setError(t('auth.shortPassword', { min: MIN_PASSWORD }));
      return;
    }
    setBusy(true);
    try {
      const res = await api.register(email.trim(), password, name.trim());
      signedIn(res.user);
      navigate(next, { replace: true });
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="page narrow">
      <form className="panel form" onSubmit={onSubmit} noValidate>
        <h1>{t('auth.registerTitle')}</h1>
        <label className="field">
          <span>{t('auth.name')}</span>
          <input
            type="text"
            autoComplete="name"
            data-testid="register-name"
            value={name}
            maxLength={80}
            onChange={(e) => setName(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('auth.email')}</span>
          <input
            type="email"
            autoComplete="email"
            data-testid="register-email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input
            type="password"
            autoComplete="new-password"
            data-testid="register-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={MIN_PASSWORD}
          />
          <small className="muted">{t('auth.passwordHint', { min: MIN_PASSWORD })}</small>
        </label>
        {error && (
          <p className="form-error" role="alert" data-testid="register-error">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" data-testid="register-submit" disabled={busy}>
          {busy ? t('common.wait') : t('auth.registerSubmit')}
        </button>
        <p className="muted center">
          {t('auth.haveAccount')}{' '}
          <Link to={`/login${location.search}`} data-testid="register-to-login">
            {t('auth.loginLink')}
          </Link>
        </p>
      </form>
    </main>
  );
}
