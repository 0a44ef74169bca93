import { detectionItems, points } from '../dishonest';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n';
import type { ModerationCase } from '../types';
import { DishonestReasons } from './DishonestReasons';

interface Props {
  kase: ModerationCase;
  selectedCallId: string | null;
  /** Seeks the case's player to a moment (as the flag markers and complaint ranges do). */
  onJump: (callId: string, ms: number) => void;
}

/**
 * The case's items from the dishonest-user ranking (`source: "detection"`): the row a moderator
 * opened the case from, as it was then — the score, why (reasons with their points) and where to
 * look (each piece of evidence seeks the player; [0, 0] starts the call from the beginning).
 */
export function CaseDetectionItems({ kase, selectedCallId, onJump }: Props) {
  const { t, locale } = useI18n();
  const items = detectionItems(kase);
  if (items.length === 0) return null;
  return (
    <ul className="rows case-detection-items">
      {items.map((d) => (
        <li
          key={`detection:${d.id}`}
          className="case-item case-item-detection"
          data-testid="case-item"
          data-source="detection"
          data-id={d.id}
          data-score={d.score}
        >
          <span className="tag case-item-source source-detection" data-testid="case-item-source">
            {t('case.sourceDetection')}
          </span>
          <article className="case-detection" data-testid="case-detection">
            <div className="history-line-head">
              <strong data-testid="case-detection-score">{t('case.detectionScore', { score: points(d.score) })}</strong>
              <span className="muted small">{formatDateTime(d.created_at, locale)}</span>
            </div>
            <div className="score-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(0, Math.min(100, d.score))}%` }} />
            </div>
            <p className="muted small">{t('case.detectionWhy', { days: d.window_days })}</p>
            <DishonestReasons reasons={d.reasons} selectedCallId={selectedCallId} onEvidence={(e) => onJump(e.call_id, Math.max(0, e.start_ms))} />
          </article>
        </li>
      ))}
    </ul>
  );
}
