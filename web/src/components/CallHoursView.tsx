import { useI18n, type MessageKey } from '../i18n';
import { WEEKDAYS, type CallHours } from '../types';

/** Read-only call hours of a video-call-ready listing. */
export function CallHoursView({ hours }: { hours: CallHours | null | undefined }) {
  const { t } = useI18n();
  const weekly = hours?.weekly ?? [];
  const sorted = [...weekly].sort(
    (a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day) || a.from.localeCompare(b.from),
  );
  return (
    <div className="call-hours" data-testid="call-hours">
      <h3>{t('listing.callHours')}</h3>
      {sorted.length === 0 ? (
        <p data-testid="call-hours-any">{t('listing.callHoursAny')}</p>
      ) : (
        <ul className="call-hours-list">
          {sorted.map((s, i) => (
            <li key={`${s.day}-${s.from}-${i}`} data-testid="call-hours-slot">
              <span className="call-hours-day">{t(`day.${s.day}` as MessageKey)}</span>
              <span>
                {s.from}–{s.to}
                {s.to <= s.from && s.to !== '00:00' && <span className="muted small"> {t('listing.nextDay')}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
      {hours?.timezone && (
        <p className="muted small" data-testid="call-hours-timezone">
          {t('listing.timezoneNote', { tz: hours.timezone })}
        </p>
      )}
    </div>
  );
}
