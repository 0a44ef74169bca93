import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Header } from './components/Header';
import { useI18n } from './i18n';
import { isAdmin, isAnalyst } from './analytics';
import { BlockedPage } from './pages/BlockedPage';
import { ConversationPage } from './pages/ConversationPage';
import { ConversationsPage } from './pages/ConversationsPage';
import { FeedPage } from './pages/FeedPage';
import { ListingEditorPage } from './pages/ListingEditorPage';
import { ListingPage } from './pages/ListingPage';
import { LoginPage } from './pages/LoginPage';
import { ModerationCasePage } from './pages/ModerationCasePage';
import { ModerationPage } from './pages/ModerationPage';
import { MyListingsPage } from './pages/MyListingsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { RegisterPage } from './pages/RegisterPage';
import { SanctionsPage } from './pages/SanctionsPage';
import { SearchPage } from './pages/SearchPage';
import { ServiceLevelPage } from './pages/ServiceLevelPage';
import { canSeeThemes, isSupervisor } from './quality';
import { useSession } from './session';
import { isModerator } from './transcripts';

// The call page pulls in janus.js and the WebRTC adapter: load it only when needed.
const CallPage = lazy(() => import('./pages/CallPage').then((m) => ({ default: m.CallPage })));
// Role pages are loaded only by those who open them (the analyst's dashboard brings uPlot).
const AdminRulesPage = lazy(() => import('./pages/AdminRulesPage').then((m) => ({ default: m.AdminRulesPage })));
const AnalyticsDashboardPage = lazy(() =>
  import('./pages/AnalyticsDashboardPage').then((m) => ({ default: m.AnalyticsDashboardPage })),
);
const AnalyticsCallsPage = lazy(() => import('./pages/AnalyticsCallsPage').then((m) => ({ default: m.AnalyticsCallsPage })));
const AnalyticsCallPage = lazy(() => import('./pages/AnalyticsCallPage').then((m) => ({ default: m.AnalyticsCallPage })));
// The dishonest-user ranking: moderators (users, "Open case") and analysts (pseudonyms).
const DishonestPage = lazy(() => import('./pages/DishonestPage').then((m) => ({ default: m.DishonestPage })));
// The supervisor's moderation-quality page.
const QualityPage = lazy(() => import('./pages/QualityPage').then((m) => ({ default: m.QualityPage })));
// Complaint themes: analysts and supervisors.
const ThemesPage = lazy(() => import('./pages/ThemesPage').then((m) => ({ default: m.ThemesPage })));

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

/** The moderators' workspace: others get the not-found page (the API says 403 anyway). */
function RequireModerator({ children }: { children: ReactNode }) {
  const { user } = useSession();
  if (!isModerator(user)) return <NotFoundPage />;
  return <>{children}</>;
}

/** Admin pages: others get the not-found page (the API says 403 anyway). */
function RequireAdmin({ children }: { children: ReactNode }) {
  const { user } = useSession();
  if (!isAdmin(user)) return <NotFoundPage />;
  return <>{children}</>;
}

/** The analyst's workspace (analysts and admins): others are told they have no access. */
function RequireAnalyst({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (!isAnalyst(user)) {
    return (
      <main className="page narrow">
        <h1>{t('insights.title')}</h1>
        <p className="form-error" role="alert" data-testid="analytics-no-access">
          {t('insights.noAccess')}
        </p>
      </main>
    );
  }
  return <Suspense fallback={<PageLoading />}>{children}</Suspense>;
}

/** The supervisor's quality tools: others are told they have no access (the API says 403 anyway). */
function RequireSupervisor({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (!isSupervisor(user)) {
    return (
      <main className="page narrow">
        <h1>{t('quality.title')}</h1>
        <p className="form-error" role="alert" data-testid="quality-no-access">
          {t('quality.noAccess')}
        </p>
      </main>
    );
  }
  return <Suspense fallback={<PageLoading />}>{children}</Suspense>;
}

/** Complaint themes (analysts and supervisors): others are told they have no access (the API says 403 anyway). */
function RequireThemesReader({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (!canSeeThemes(user)) {
    return (
      <main className="page narrow">
        <h1>{t('themes.title')}</h1>
        <p className="form-error" role="alert" data-testid="themes-no-access">
          {t('themes.noAccess')}
        </p>
      </main>
    );
  }
  return <Suspense fallback={<PageLoading />}>{children}</Suspense>;
}

function PageLoading() {
  const { t } = useI18n();
  return (
    <main className="page">
      <p className="muted">{t('common.loading')}</p>
    </main>
  );
}

export function App() {
  const { t } = useI18n();
  const { loading, blocked, user } = useSession();
  const location = useLocation();
  // A blocked account sees only its blocked page, whatever the URL (without a session the
  // login and sign-up pages stay reachable).
  const authPage = location.pathname === '/login' || location.pathname === '/register';
  const showBlocked = blocked && (!!user || !authPage);

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
      ) : showBlocked ? (
        <BlockedPage />
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
            path="/service-level"
            element={
              <RequireUser>
                <ServiceLevelPage />
              </RequireUser>
            }
          />
          <Route
            path="/notifications"
            element={
              <RequireUser>
                <NotificationsPage />
              </RequireUser>
            }
          />
          <Route
            path="/sanctions"
            element={
              <RequireUser>
                <SanctionsPage />
              </RequireUser>
            }
          />
          <Route
            path="/moderation"
            element={
              <RequireUser>
                <RequireModerator>
                  <ModerationPage />
                </RequireModerator>
              </RequireUser>
            }
          />
          <Route
            path="/moderation/cases/:id"
            element={
              <RequireUser>
                <RequireModerator>
                  <ModerationCasePage />
                </RequireModerator>
              </RequireUser>
            }
          />
          <Route
            path="/admin/rules"
            element={
              <RequireUser>
                <RequireAdmin>
                  <Suspense fallback={<PageLoading />}>
                    <AdminRulesPage />
                  </Suspense>
                </RequireAdmin>
              </RequireUser>
            }
          />
          <Route
            path="/analytics"
            element={
              <RequireUser>
                <RequireAnalyst>
                  <AnalyticsDashboardPage />
                </RequireAnalyst>
              </RequireUser>
            }
          />
          <Route
            path="/analytics/calls"
            element={
              <RequireUser>
                <RequireAnalyst>
                  <AnalyticsCallsPage />
                </RequireAnalyst>
              </RequireUser>
            }
          />
          <Route
            path="/analytics/dishonest"
            element={
              <RequireUser>
                <Suspense fallback={<PageLoading />}>
                  <DishonestPage />
                </Suspense>
              </RequireUser>
            }
          />
          <Route
            path="/analytics/calls/:id"
            element={
              <RequireUser>
                <RequireAnalyst>
                  <AnalyticsCallPage />
                </RequireAnalyst>
              </RequireUser>
            }
          />
          <Route
            path="/quality"
            element={
              <RequireUser>
                <RequireSupervisor>
                  <QualityPage />
                </RequireSupervisor>
              </RequireUser>
            }
          />
          <Route
            path="/quality/themes"
            element={
              <RequireUser>
                <RequireThemesReader>
                  <ThemesPage />
                </RequireThemesReader>
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
