// The dishonest-user ranking and the cases opened from it.
/** The dishonest-user ranking (docs/API.md "Analyst workspace", docs/analytics.md). */
export type DishonestReasonCode =
  | 'upheld_sanction'
  | 'complaints_distinct_reporters'
  | 'flags_high_severity'
  | 'flags_warn_severity'
  | 'repeated_phrase_across_counterparts'
  | 'new_account_flagged'
  | 'no_shows';

/** A place in a call; [0, 0] is the whole call. */
export interface DishonestEvidence {
  call_id: string;
  start_ms: number;
  end_ms: number;
}

export interface DishonestReason {
  code: DishonestReasonCode | string;
  /** The points this signal gave (they add up to the score). */
  weight: number;
  evidence: DishonestEvidence[];
}

/** A row: `user` for moderators, only `pseudonym` for analysts. */
export interface DishonestRow {
  user?: { id: string; display_name: string | null };
  pseudonym?: string;
  score: number;
  reasons: DishonestReason[];
}

/** A case item from the ranking: the row a moderator opened the case from, as it was then. */
export interface DetectionCaseItem {
  source: 'detection';
  id: string;
  case_id: string;
  user_id: string;
  opened_by: string;
  score: number;
  reasons: DishonestReason[];
  window_days: number;
  created_at: string;
}

/** POST /analytics/dishonest/{user_id}/case: 201 created, 200 when the case already held it. */
export interface DetectionCaseOpened {
  case_id: string;
  created: boolean;
  case_opened: boolean;
  case_status: string;
  priority: number;
  item: DetectionCaseItem;
}
