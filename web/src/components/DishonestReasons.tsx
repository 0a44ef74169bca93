import { Link } from 'react-router-dom';
import { evidenceRange, points, reasonLabel } from '../dishonest';
import { useI18n } from '../i18n';
import type { DishonestEvidence, DishonestReason } from '../types';

interface Props {
  reasons: readonly DishonestReason[];
  /** Evidence as buttons (the case page seeks its player)... */
  onEvidence?: (e: DishonestEvidence) => void;
  /** ...or as links (the ranking page). */
  evidenceHref?: (e: DishonestEvidence) => string;
  /** The call in the player, marked on its evidence. */
  selectedCallId?: string | null;
}

/**
 * A score's reasons (docs/analytics.md "## Dishonest-user ranking"): each in the UI language with
 * the points it gave and its evidence — the call and the moment ([0, 0]: the whole call).
 */
export function DishonestReasons({ reasons, onEvidence, evidenceHref, selectedCallId }: Props) {
  const { t } = useI18n();
  if (reasons.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="dishonest-reasons" data-testid="dishonest-reasons">
      {reasons.map((r) => (
        <li key={r.code} className="dishonest-reason" data-testid="dishonest-reason" data-code={r.code} data-weight={r.weight}>
          <div className="dishonest-reason-head">
            <span className="dishonest-reason-label">{reasonLabel(t, r.code)}</span>
            <span className="tag dishonest-weight" title={t('dishonest.weightTitle')} aria-label={t('dishonest.weightAria', { points: points(r.weight) })}>
              +{points(r.weight)}
            </span>
          </div>
          {r.evidence.length > 0 && (
            <ul className="chips" aria-label={t('dishonest.evidence')}>
              {r.evidence.map((e, i) => {
                const text = t('evidence.item', { call: e.call_id, range: evidenceRange(t, e) });
                const common = {
                  'data-testid': 'dishonest-evidence',
                  'data-call-id': e.call_id,
                  'data-start-ms': e.start_ms,
                  'data-end-ms': e.end_ms,
                };
                return (
                  <li key={`${e.call_id}:${e.start_ms}:${i}`}>
                    {onEvidence ? (
                      <button type="button" className="chip chip-button chip-flag" {...common} onClick={() => onEvidence(e)}>
                        {text}
                        {selectedCallId === e.call_id && <span className="muted"> · {t('case.inPlayer')}</span>}
                      </button>
                    ) : evidenceHref ? (
                      <Link className="chip chip-button" to={evidenceHref(e)} {...common}>
                        {text}
                      </Link>
                    ) : (
                      <span className="chip" {...common}>
                        {text}
                      </span>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
