import { useI18n } from '../i18n';

export function VideoCallBadge({ availableNow }: { availableNow: boolean }) {
  const { t } = useI18n();
  return (
    <span
      className={availableNow ? 'video-badge video-badge-now' : 'video-badge'}
      data-testid="video-call-badge"
      data-available-now={availableNow ? 'true' : 'false'}
      title={availableNow ? t('badge.availableNowHint') : t('badge.videoCallHint')}
    >
      <svg className="video-badge-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path
          fill="currentColor"
          d="M4 6h10a2 2 0 0 1 2 2v1.6l4.2-2.5A.5.5 0 0 1 21 7.5v9a.5.5 0 0 1-.8.4L16 14.4V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z"
        />
      </svg>
      {availableNow ? t('badge.availableNow') : t('badge.videoCall')}
    </span>
  );
}
