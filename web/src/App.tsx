import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Header } from './components/Header';
import { useI18n } from './i18n';
import { ConversationPage } from './pages/ConversationPage';
import { ConversationsPage } from './pages/ConversationsPage';
import { FeedPage } from './pages/FeedPage';
import { ListingEditorPage } from './pages/ListingEditorPage';
import { ListingPage } from './pages/ListingPage';
import { LoginPage } from './pages/LoginPage';
import { MyListingsPage } from './pages/MyListingsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RegisterPage } from './pages/RegisterPage';
import { SearchPage } from './pages/SearchPage';
import { useSession } from './session';

// The call page pulls in janus.js and the WebRTC adapter: load it only when needed.
const CallPage = lazy(() => import('./pages/CallPage').then((m) => ({ default: m.CallPage })));

/** Pages that need a logged-in user send anonymous visitors to /login?next=… */
function RequireUser({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}

function PageLoading() {
  const { t } = useI18n();
  return (
    <main className="page">
      <p className="muted">{t('common.loading')}</p>
    </main>
  );
}

function BlockedScreen() {
  const { t } = useI18n();
  const { logout, user } = useSession();
  return (
    <main className="page narrow">
      <div className="panel notice notice-error" role="alert" data-testid="blocked-message">
        <h1>{t('blocked.title')}</h1>
        <p>{t('blocked.text')}</p>
        {user && (
          <button type="button" className="btn" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        )}
      </div>
    </main>
  );
}

export function App() {
  const { t } = useI18n();
  const { loading, blocked } = useSession();
  const location = useLocation();

  useEffect(() => {
    window.scrollTo(0, 0);
  }, [location.pathname]);

  useEffect(() => {
    document.title = t('app.name');
  }, [t]);

  return (
    <div className="app">
      <Header />
      {loading ? (
        <main className="page">
          <p className="muted" data-testid="app-loading">
            {t('common.loading')}
          </p>
        </main>
      ) : blocked ? (
        <BlockedScreen />
      ) : (
        <Routes>
          <Route path="/" element={<FeedPage />} />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/register" element={<RegisterPage />} />
          <Route
            path="/listings/new"
            element={
              <RequireUser>
                <ListingEditorPage />
              </RequireUser>
            }
          />
          <Route path="/listings/:id" element={<ListingPage />} />
          <Route
            path="/listings/:id/edit"
            element={
              <RequireUser>
                <ListingEditorPage />
              </RequireUser>
            }
          />
          <Route
            path="/my/listings"
            element={
              <RequireUser>
                <MyListingsPage />
              </RequireUser>
            }
          />
          <Route
            path="/conversations"
            element={
              <RequireUser>
                <ConversationsPage />
              </RequireUser>
            }
          />
          <Route
            path="/conversations/:id"
            element={
              <RequireUser>
                <ConversationPage />
              </RequireUser>
            }
          />
          <Route
            path="/search"
            element={
              <RequireUser>
                <SearchPage />
              </RequireUser>
            }
          />
          <Route
            path="/calls/:id"
            element={
              <RequireUser>
                <Suspense fallback={<PageLoading />}>
                  <CallPage />
                </Suspense>
              </RequireUser>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      )}
    </div>
  );
}
