import { formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { label } from '../moderation';
import type { CaseStatus, SlaState } from '../types';

export function PriorityBadge({ priority, testId }: { priority: number; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className={`tag prio prio-${priority}`} data-testid={testId} data-priority={priority} title={t('moderation.priorityHint')}>
      {t('moderation.priorityN', { n: priority })}
    </span>
  );
}

export function SlaBadge({ state, dueAt, testId }: { state: SlaState; dueAt?: string | null; testId?: string }) {
  const { t, locale } = useI18n();
  return (
    <span className={`tag sla sla-${state}`} data-testid={testId} data-state={state} title={dueAt ? t('moderation.dueAt', { date: formatDateTime(dueAt, locale) }) : undefined}>
      {label(t, 'moderation.sla.', state)}
    </span>
  );
}

export function CaseStatusBadge({ status, testId }: { status: CaseStatus; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className={`tag case-status-tag case-status-${status}`} data-testid={testId} data-status={status}>
      {label(t, 'moderation.caseStatus.', status)}
    </span>
  );
}
