import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { CallHoursView } from '../components/CallHoursView';
import { ListingCallLink } from '../components/ListingCallLink';
import { ReliableSellerBadge } from '../components/ReliableSellerBadge';
import { VideoCallBadge } from '../components/VideoCallBadge';
import { errorText, formatDate, formatPrice } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';
import type { Listing } from '../types';
import { NotFoundPage } from './NotFoundPage';

export function ListingPage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [listing, setListing] = useState<Listing | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [contacting, setContacting] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setListing(null);
    setNotFound(false);
    setError(null);
    api
      .getListing(id)
      .then((l) => {
        if (!cancelled) setListing(l);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 404) setNotFound(true);
        else setError(errorText(t, e));
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  async function contactSeller() {
    if (!listing) return;
    if (!user) {
      navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
      return;
    }
    setContacting(true);
    setError(null);
    try {
      const conv = await api.contactSeller(listing.id);
      navigate(`/conversations/${encodeURIComponent(conv.id)}`);
    } catch (e) {
      setError(errorText(t, e));
      setContacting(false);
    }
  }

  if (notFound) return <NotFoundPage />;
  if (!listing) {
    return (
      <main className="page">
        {error ? (
          <p className="form-error" role="alert" data-testid="listing-load-error">
            {error}
          </p>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </main>
    );
  }

  const isSeller = !!user && user.id === listing.seller_id;

  return (
    <main className="page">
      <p className="crumbs small">
        <Link to="/">{t('nav.feed')}</Link> / {t(`vertical.${listing.vertical}` as MessageKey)}
      </p>
      <div className="listing-layout">
        <article className="panel listing-main" data-testid="listing-view" data-listing-id={listing.id}>
          <div className="card-top">
            <span className="tag" data-testid="listing-view-vertical">
              {t(`vertical.${listing.vertical}` as MessageKey)}
            </span>
            {listing.status === 'archived' && (
              <span className="tag tag-muted" data-testid="listing-archived">
                {t('listing.status.archived')}
              </span>
            )}
          </div>
          <h1 data-testid="listing-view-title">{listing.title}</h1>
          <div className="listing-price" data-testid="listing-view-price">
            {formatPrice(listing.price, listing.currency, locale)}
          </div>
          <div className="listing-description" data-testid="listing-view-description">
            {listing.description || <span className="muted">{t('listing.noDescription')}</span>}
          </div>
          <p className="muted small">{t('listing.published', { date: formatDate(listing.created_at, locale) })}</p>
        </article>

        <aside className="listing-side">
          <div className="panel">
            <div className="muted small">{t('listing.seller')}</div>
            <div className="seller-name" data-testid="listing-view-seller">
              {listing.seller_name}
            </div>
            <ReliableSellerBadge listing={listing} />
            {error && (
              <p className="form-error" role="alert" data-testid="contact-error">
                {error}
              </p>
            )}
            {isSeller ? (
              <Link
                to={`/listings/${encodeURIComponent(listing.id)}/edit`}
                className="btn btn-block"
                data-testid="edit-listing"
              >
                {t('listing.edit')}
              </Link>
            ) : (
              listing.status === 'active' && (
                <button
                  type="button"
                  className="btn btn-primary btn-block"
                  data-testid="contact-seller"
                  onClick={() => void contactSeller()}
                  disabled={contacting}
                >
                  {t('listing.contactSeller')}
                </button>
              )
            )}
            {user && <ListingCallLink listingId={listing.id} />}
          </div>

          <div className="panel">
            {listing.video_call_ready ? (
              <>
                <VideoCallBadge availableNow={listing.video_call_available_now} />
                <p className="small muted">
                  {listing.video_call_available_now ? t('listing.videoNowText') : t('listing.videoReadyText')}
                </p>
                <CallHoursView hours={listing.call_hours} />
              </>
            ) : (
              <p className="muted small" data-testid="no-video-call">
                {t('listing.noVideoCall')}
              </p>
            )}
          </div>
        </aside>
      </div>
    </main>
  );
}
