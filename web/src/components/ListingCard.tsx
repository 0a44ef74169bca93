import { Link } from 'react-router-dom';
import { formatPrice } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import type { Listing } from '../types';
import { ReliableSellerBadge } from './ReliableSellerBadge';
import { VideoCallBadge } from './VideoCallBadge';

export function ListingCard({ listing }: { listing: Listing }) {
  const { t, locale } = useI18n();
  return (
    <article className="card listing-card" data-testid="listing-card" data-listing-id={listing.id}>
      <Link to={`/listings/${encodeURIComponent(listing.id)}`} className="card-link">
        <div className="card-top">
          <span className="tag" data-testid="card-vertical">
            {t(`vertical.${listing.vertical}` as MessageKey)}
          </span>
          {listing.video_call_ready && <VideoCallBadge availableNow={listing.video_call_available_now} />}
        </div>
        <h3 className="card-title" data-testid="card-title">
          {listing.title}
        </h3>
        <div className="card-price" data-testid="card-price">
          {formatPrice(listing.price, listing.currency, locale)}
        </div>
        <div className="card-meta muted small">
          {listing.seller_name} <ReliableSellerBadge listing={listing} />
        </div>
      </Link>
    </article>
  );
}
