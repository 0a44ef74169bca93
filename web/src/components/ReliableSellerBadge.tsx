import { useI18n } from '../i18n';
import type { Listing } from '../types';

/** The reliable-seller badge (docs/service-level.md), when the listing's seller holds it. */
export function ReliableSellerBadge({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  if (!listing.seller_badges?.includes('reliable_seller')) return null;
  return (
    <span className="reliable-badge" data-testid="badge-reliable-seller" title={t('badge.reliableSellerHint')}>
      <svg className="reliable-badge-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path fill="currentColor" d="M12 2l8 3v6c0 5-3.4 9.3-8 11-4.6-1.7-8-6-8-11V5l8-3zm-1.2 13.6l6-6-1.4-1.4-4.6 4.6-2.2-2.2-1.4 1.4 3.6 3.6z" />
      </svg>
      {t('badge.reliableSeller')}
    </span>
  );
}
