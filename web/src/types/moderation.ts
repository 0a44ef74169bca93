// Complaints, cases, sanctions, appeals and notifications (docs/moderation.md).

import type { Call, CallStatus } from './calls';
import type { Page } from './common';
import type { AnalyticsFlag } from './analytics';
import type { DetectionCaseItem } from './dishonest';
// ---------- moderation (docs/moderation.md) ----------

export type ComplaintCategory = 'fraud' | 'prepayment_request' | 'rude' | 'not_as_described' | 'no_show' | 'other';
export const COMPLAINT_CATEGORIES: readonly ComplaintCategory[] = [
  'fraud',
  'prepayment_request',
  'rude',
  'not_as_described',
  'no_show',
  'other',
];

/** Call states a participant may complain about (others: 409 call_not_complainable). */
export const COMPLAINABLE_CALL_STATES: readonly CallStatus[] = ['ended', 'missed', 'failed', 'active'];

export interface MsRange {
  from_ms: number;
  to_ms: number;
}

export interface QuoteMatch {
  segment_ids: string[];
  from_ms: number;
  to_ms: number;
}

export type ComplaintStatus = 'open' | 'in_review' | 'upheld' | 'dismissed';

export interface Complaint {
  id: string;
  call_id: string;
  reporter_id: string;
  accused_id: string;
  case_id: string;
  category: ComplaintCategory;
  text: string;
  ranges: MsRange[];
  quote: string | null;
  quote_match: QuoteMatch | null;
  status: ComplaintStatus;
  editable: boolean;
  created_at: string;
  updated_at: string;
}

export interface ComplaintInput {
  category: ComplaintCategory | '';
  text: string;
  ranges?: MsRange[];
  quote?: string;
}

export interface Evidence {
  call_id: string;
  from_ms: number;
  to_ms: number;
}

export type SanctionKind = 'warn' | 'block' | 'ban';
export type CaseAction = 'dismiss' | 'warn' | 'block' | 'ban' | 'uphold' | 'overturn';
export const COMPLAINT_ACTIONS: readonly CaseAction[] = ['dismiss', 'warn', 'block', 'ban'];
export const APPEAL_ACTIONS: readonly CaseAction[] = ['uphold', 'overturn'];

export interface SanctionAppeal {
  id: string;
  sanction_id?: string;
  text: string;
  status: 'open' | 'upheld' | 'overturned';
  created_at: string;
  decided_at?: string | null;
  reason?: string | null;
}

export interface Sanction {
  id: string;
  user_id: string;
  kind: SanctionKind;
  reason: string;
  starts_at: string;
  ends_at: string | null;
  status: 'active' | 'overturned' | string;
  appeal_until: string | null;
  can_appeal: boolean;
  evidence: Evidence[];
  appeal: SanctionAppeal | null;
}

export interface Decision {
  id: string;
  action: CaseAction;
  days: number | null;
  reason: string;
  evidence: Evidence[];
  moderator_id?: string;
  created_at: string;
}

export interface Reward {
  id?: string;
  user_id?: string;
  amount: number;
  currency?: string;
}

export type SlaState = 'on_time' | 'at_risk' | 'breached';
export type CaseStatus = 'open' | 'assigned' | 'decided';

export interface CaseAccused {
  id: string;
  display_name: string;
  status: 'active' | 'blocked' | string;
  blocked_until: string | null;
}

export interface CaseHistoryEntry {
  id: string;
  kind: 'complaints' | 'appeal';
  status: CaseStatus;
  priority: number;
  opened_at: string;
  decided_at: string | null;
  action: CaseAction | null;
}

export interface CaseAppeal {
  id: string;
  text: string;
  status: 'open' | 'upheld' | 'overturned';
  created_at: string;
  sanction: Sanction | null;
  decision: Decision | null;
}

/** A case as listed (queue, my assigned cases); the full case has more. */
export interface CaseSummary {
  id: string;
  kind: 'complaints' | 'appeal';
  status: CaseStatus;
  priority: number;
  sla_due_at: string;
  sla_state: SlaState;
  opened_at: string;
  decided_at?: string | null;
  vertical?: string;
  language?: string;
  complainants?: number;
  /** Flags raised by phrase rules filed into this case. */
  auto_flags?: number;
  assignee_id?: string | null;
  assignee_name?: string | null;
  lease_until?: string | null;
  accused?: CaseAccused | null;
  accused_id?: string;
}

export interface ModerationCase extends CaseSummary {
  accused: CaseAccused;
  complaints: Complaint[];
  /** The rules' flags filed into this case. */
  flags?: AnalyticsFlag[];
  /** Complaints, flags and ranking rows together, each saying where it came from. */
  items?: (CaseItem | DetectionCaseItem)[];
  calls: Call[];
  decisions: Decision[];
  appeal: CaseAppeal | null;
  history: {
    cases: CaseHistoryEntry[];
    sanctions: Sanction[];
    complaints_against: Complaint[];
    complaints_by: Complaint[];
  };
}

export interface DecisionInput {
  action: CaseAction;
  days?: number;
  reason: string;
  evidence?: Evidence[];
  reward?: { amount: number };
}

export interface DecisionResult {
  case: ModerationCase;
  decision: Decision;
  sanction: Sanction | null;
  rewards: Reward[];
}

export interface ModeratorState {
  user_id: string;
  on_shift: boolean;
  capacity: number;
  skills: string[];
  assigned: CaseSummary[];
}

export interface QueueSummary {
  open: number;
  assigned: number;
  breached: number;
  at_risk: number;
}

export interface ModerationQueue extends Page<CaseSummary> {
  summary?: QueueSummary;
}

export type NotificationKind =
  | 'sanction'
  | 'complaint_dismissed_against_you'
  | 'complaint_decided'
  | 'appeal_decided'
  | string;

export interface AppNotification {
  id: string;
  kind: NotificationKind;
  created_at: string;
  read: boolean;
  payload: Record<string, unknown>;
}

export interface NotificationPage extends Page<AppNotification> {
  unread: number;
}

export type CaseItem = (Complaint & { source: 'complaint' }) | (AnalyticsFlag & { source: 'auto' });
