import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';
import { formatRange } from '../moderation';
import type { Evidence } from '../types';

/**
 * Cited moments of calls: "Call #3, 01:01–01:08", each a link to the call page at that time
 * (`linkCalls` false on the blocked page, where the call page is not available).
 */
export function EvidenceList({ evidence, linkCalls = true, testId = 'evidence' }: { evidence: readonly Evidence[]; linkCalls?: boolean; testId?: string }) {
  const { t } = useI18n();
  if (evidence.length === 0) return null;
  return (
    <ul className="evidence-list">
      {evidence.map((e, i) => {
        const text = t('evidence.item', { call: e.call_id, range: formatRange(e) });
        return (
          <li key={`${e.call_id}:${e.from_ms}:${e.to_ms}:${i}`}>
            {linkCalls ? (
              <Link
                to={`/calls/${encodeURIComponent(e.call_id)}?t=${Math.max(0, Math.floor(e.from_ms))}`}
                data-testid={testId}
                data-call-id={e.call_id}
                data-from-ms={e.from_ms}
                data-to-ms={e.to_ms}
              >
                {text}
              </Link>
            ) : (
              <span data-testid={testId} data-call-id={e.call_id} data-from-ms={e.from_ms} data-to-ms={e.to_ms}>
                {text}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
