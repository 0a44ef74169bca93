// Shapes of the objects returned by the Vitrina HTTP API (see docs/API.md).

export type Vertical = 'goods' | 'realty' | 'auto' | 'jobs';
export const VERTICALS: readonly Vertical[] = ['goods', 'realty', 'auto', 'jobs'];

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface User {
  id: string;
  email: string;
  display_name: string;
  roles: string[];
  status: 'active' | 'blocked';
  timezone?: string;
  verified?: boolean;
}

export interface AuthResponse {
  token: string;
  csrf_token?: string;
  user: User;
}

export interface CallHoursSlot {
  day: Weekday;
  from: string; // HH:MM
  to: string; // HH:MM
}

export interface CallHours {
  timezone: string;
  weekly: CallHoursSlot[];
}

export interface Listing {
  id: string;
  seller_id: string;
  seller_name: string;
  title: string;
  description: string;
  price: number;
  currency: string;
  vertical: Vertical;
  status: 'active' | 'archived';
  video_call_ready: boolean;
  call_hours?: CallHours | null;
  video_call_available_now: boolean;
  /** `reliable_seller` when the seller holds the badge. */
  seller_badges?: string[];
  created_at: string;
  updated_at: string;
}

export type ServiceLevelCode =
  | 'listing_freshness'
  | 'description_truthful'
  | 'answers_messages'
  | 'answers_calls'
  | 'call_attendance'
  | 'call_conduct'
  | 'no_duplicates';

export interface ServiceLevelParameter {
  code: ServiceLevelCode;
  score: number | null;
  applicable: boolean;
  weak?: boolean;
  sample?: number;
  events?: number;
  recommendation: string | null;
}

/** GET /api/v1/me/service-level (docs/service-level.md). */
export interface ServiceLevel {
  level: number | null;
  zone: 'green' | 'red';
  weakest?: ServiceLevelCode | null;
  window: { from: string; to: string; active_days?: number };
  parameters: ServiceLevelParameter[];
  duplicates?: { listing_id: string; original_id: string }[];
  badge: {
    reliable: boolean;
    missing: string[];
    rating?: { average: number; count: number };
    verified?: boolean;
  };
}

export interface ListingInput {
  title: string;
  description: string;
  price: number;
  vertical: Vertical;
  video_call_ready?: boolean;
  call_hours?: CallHours;
}

export interface Message {
  id: string;
  conversation_id: string;
  sender_id: string;
  text: string;
  created_at: string;
}

export interface Conversation {
  id: string;
  listing_id: string;
  listing_title: string;
  buyer_id: string;
  buyer_name: string;
  seller_id: string;
  seller_name: string;
  last_message: Message | null;
  unread_count: number;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// ---------- video calls (docs/calls.md) ----------

export type CallStatus = 'proposed' | 'accepted' | 'active' | 'ended' | 'declined' | 'cancelled' | 'missed' | 'failed';
export const OPEN_CALL_STATES: readonly CallStatus[] = ['proposed', 'accepted', 'active'];

export type CallEndReason = 'hangup' | 'left' | 'no_show' | 'declined' | 'cancelled' | 'media_failed';

/** `deleted`: retention removed the recording and transcript (docs/moderation.md#retention). */
export type ProcessingStatus = 'none' | 'recording' | 'pending' | 'processing' | 'ready' | 'failed' | 'deleted';

export interface CallParticipant {
  consent_at: string | null;
  joined_at: string | null;
  left_at: string | null;
}

export interface Call {
  id: string;
  conversation_id: string;
  listing_id: string;
  buyer_id: string;
  seller_id: string;
  proposed_by: string;
  state: CallStatus;
  scheduled_for: string | null;
  created_at: string;
  accepted_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  end_reason: CallEndReason | null;
  no_show: 'buyer' | 'seller' | 'both' | null;
  join_opens_at: string | null;
  join_closes_at: string | null;
  participants?: {
    buyer?: CallParticipant | null;
    seller?: CallParticipant | null;
  };
  recording?: CallRecordingInfo;
  transcript?: CallTranscriptInfo;
  /** When retention deleted the recording and transcript. */
  purged_at?: string | null;
  /** In a moderation case's `calls`. */
  listing_title?: string | null;
}

/** One stored part of a call's recording (moderators only). */
export interface RecordingFile {
  participant: string;
  kind: string;
  bytes: number;
  duration_ms: number | null;
  offset_ms: number | null;
  sha256: string;
}

/**
 * Why post-processing failed or nothing was recorded. `detail` (server paths, tool output) is
 * sent to moderators only.
 */
export interface CallRecordingError {
  code: 'processing_failed' | 'nothing_recorded' | string;
  message: string;
  detail?: string;
}

export interface CallRecordingInfo {
  status: ProcessingStatus;
  duration_ms: number | null;
  error?: CallRecordingError | null;
  attempts?: number;
  /** Moderators only. */
  files?: RecordingFile[];
}

export interface CallTranscriptInfo {
  status: ProcessingStatus;
  /** Percent done (0–100) while processing, when the server knows it. */
  progress?: number | null;
  error?: string | null;
}

// ---------- transcripts and search (docs/API.md) ----------

export type Speaker = 'buyer' | 'seller';
export const SPEAKERS: readonly Speaker[] = ['buyer', 'seller'];

export interface TranscriptWord {
  w: string;
  start_ms: number;
  end_ms: number;
  /** 0..1 */
  conf: number;
}

export interface TranscriptSegment {
  id: string;
  speaker: Speaker;
  start_ms: number;
  end_ms: number;
  text: string;
  /** 0..1 */
  confidence?: number;
  words?: TranscriptWord[];
}

export interface Transcript {
  call_id: string;
  version?: number;
  engine?: string;
  model?: string;
  language?: string;
  segments: TranscriptSegment[];
}

export interface SearchHit {
  call_id: string;
  segment_id: string;
  speaker: Speaker;
  start_ms: number;
  end_ms: number;
  /** HTML-escaped segment text with the matches wrapped in <mark>. */
  snippet: string;
  call_started_at: string | null;
  listing_id: string | null;
  listing_title: string | null;
}

/** What the browser needs to connect to the media server; valid for this user and call only. */
export interface CallMedia {
  janus_url: string;
  room: number;
  pin: string;
  token: string;
  participant_id: number;
  display: 'buyer' | 'seller';
  ice_servers: RTCIceServer[];
  bitrate: number;
}

export interface CallJoinGrant {
  call: Call;
  media: CallMedia;
}

/** Events pushed by the server over /api/v1/ws. */
export type ServerEvent =
  | { type: 'hello'; user_id: string }
  | { type: 'message'; conversation_id: string; message: Message }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'call'; call: Call }
  | { type: 'notification'; notification?: AppNotification }
  | { type: 'pong' };

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

// ---------- speech analytics (docs/API.md "Speech analytics") ----------

export type Tone = 'positive' | 'neutral' | 'negative';
export const TONES: readonly Tone[] = ['positive', 'neutral', 'negative'];

export type RuleCategory =
  | 'prepayment'
  | 'off_platform_payment'
  | 'contact_exchange'
  | 'card_or_code_request'
  | 'fake_link'
  | 'fake_payment_confirmation'
  | 'pressure'
  | 'insult';
export const RULE_CATEGORIES: readonly RuleCategory[] = [
  'prepayment',
  'off_platform_payment',
  'contact_exchange',
  'card_or_code_request',
  'fake_link',
  'fake_payment_confirmation',
  'pressure',
  'insult',
];

export type Severity = 'info' | 'warn' | 'high';
export const SEVERITIES: readonly Severity[] = ['info', 'warn', 'high'];
export type RuleAction = 'tag' | 'case';
export const RULE_ACTIONS: readonly RuleAction[] = ['tag', 'case'];
export type RuleLanguage = 'ru' | 'en' | 'any';
export const RULE_LANGUAGES: readonly RuleLanguage[] = ['any', 'ru', 'en'];
export type RuleSpeaker = 'buyer' | 'seller' | 'any';
export const RULE_SPEAKERS: readonly RuleSpeaker[] = ['any', 'buyer', 'seller'];
export type FlagVerdict = 'correct' | 'wrong';

export interface ToneScore {
  label: Tone;
  score: number;
}

export interface SpeakerMetrics {
  talk_ms: number;
  talk_ratio: number;
  words: number;
  wpm: number;
  turns: number;
  longest_monologue_ms: number;
  questions: number;
  interruptions: number;
}

export interface MsSpan {
  start_ms: number;
  end_ms: number;
}

export interface Utterance {
  segment_id: string;
  speaker: Speaker;
  start_ms: number;
  end_ms: number;
  text: string;
  tone: Tone;
  tone_score: number;
  loudness: { dbfs: number; level: number } | null;
}

/** A phrase rule's hit in a call. */
export interface AnalyticsFlag {
  id: string;
  rule_id: string;
  call_id?: string;
  category: RuleCategory | string;
  severity: Severity | string;
  speaker: Speaker;
  start_ms: number;
  end_ms: number;
  text: string;
  live: boolean;
  case_id: string | null;
  review: FlagVerdict | null;
  reviewed_at?: string | null;
  created_at?: string;
}

export interface CallAnalytics {
  call_id: string;
  transcript_version: number;
  duration_ms: number;
  speakers: { buyer: SpeakerMetrics; seller: SpeakerMetrics };
  switches: number;
  switches_per_minute: number;
  silence: { count: number; total_ms: number; longest_ms: number; ratio: number };
  overlaps: { count: number; total_ms: number };
  tone: {
    buyer: ToneScore;
    seller: ToneScore;
    quarters?: { buyer: ToneScore[]; seller: ToneScore[] };
  };
  utterances: Utterance[];
  markers?: {
    negative_tone: MsSpan[];
    silences: MsSpan[];
    overlaps: (MsSpan & { started_by: Speaker | null })[];
  };
  flags: AnalyticsFlag[];
  masked: boolean;
}

export type CaseItem = (Complaint & { source: 'complaint' }) | (AnalyticsFlag & { source: 'auto' });

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

export interface AnalyticsRule {
  id: string;
  category: RuleCategory | string;
  language: RuleLanguage;
  speaker: RuleSpeaker;
  expression: string;
  severity: Severity;
  action: RuleAction;
  enabled: boolean;
  live: boolean;
  builtin: boolean;
  precision: { correct: number; wrong: number; value: number | null };
  created_at: string;
  updated_at: string;
}

export interface RuleInput {
  category: string;
  language: RuleLanguage;
  speaker: RuleSpeaker;
  expression: string;
  severity: Severity;
  action: RuleAction;
  enabled: boolean;
  live: boolean;
}

export interface PreviewHit {
  rule_id: string;
  category: RuleCategory | string;
  severity: Severity | string;
  /** Offsets in Unicode code points of the text sent. */
  start: number;
  end: number;
}

export interface AnalyticsPreview {
  tone: ToneScore;
  hits: PreviewHit[];
  masked: string;
}

// ---- Analyst workspace (docs/API.md "Analyst workspace"): pseudonyms only, masked texts.

/** A user as analysts see them: a stable pseudonym ("u_" + 16 hex digits), nothing else. */
export interface Pseudonym {
  pseudonym: string;
}

export type CallOutcome = 'ended' | 'missed' | 'failed' | 'no_show';
export const CALL_OUTCOMES: readonly CallOutcome[] = ['ended', 'missed', 'failed', 'no_show'];

export type ToneCounts = Partial<Record<Tone, number>>;

/** GET /api/v1/analytics/dashboard: days are UTC dates (YYYY-MM-DD), `to` inclusive. */
export interface AnalyticsDashboard {
  period: { from: string; to: string; days: number };
  vertical: Vertical | string | null;
  verticals?: string[];
  /** When the rollups were computed (epoch ms; an RFC 3339 string is accepted too). */
  computed_at?: number | string | null;
  /** Days of the period the daily rollups have not reached yet. */
  pending_days?: number;
  series: {
    calls_per_day?: { day: string; n: number; by_outcome?: Record<string, number>; by_vertical?: Record<string, number> }[];
    call_length?: { bucket: string; from_s: number; to_s: number | null; n: number }[];
    /** `per_1000` is null when there were no calls. */
    complaints_per_1000_calls?: { category: string; n: number; per_1000: number | null }[];
    flags_per_1000_calls?: Record<string, { day: string; n: number; per_1000: number | null }[]>;
    flags_totals?: { category: string; n: number; per_1000: number | null }[];
    decisions?: {
      total: number;
      by_action?: Record<string, number>;
      appeals?: { decided: number; overturned: number; overturned_share: number | null };
    };
    sla?: {
      kept: number;
      breached: number;
      kept_share: number | null;
      queue_size: number;
      queue_per_day?: { day: string; open: number }[];
    };
    talk_ratio?: {
      histogram?: { bucket: string; from: number; to: number; n: number }[];
      by_vertical?: Record<string, number[]>;
    };
    tone?: {
      seller?: ToneCounts;
      buyer?: ToneCounts;
      by_vertical?: Record<string, { seller?: ToneCounts; buyer?: ToneCounts }>;
    };
    service_level?: {
      green_share: number | null;
      red_share: number | null;
      green?: number;
      red?: number;
      day?: string | null;
    };
  };
}

/** One row of GET /api/v1/analytics/calls. */
export interface AnalystCall {
  call_id: string;
  started_at: string;
  duration_ms: number | null;
  vertical: string | null;
  outcome: CallOutcome | string;
  buyer: Pseudonym | null;
  seller: Pseudonym | null;
  /** 0..1, null when not analysed. */
  talk_ratio_seller: number | null;
  tone_seller: Tone | string | null;
  flags: string[];
  complaints: number;
}

export type ExportKind = 'calls' | 'utterances' | 'flags' | 'complaints' | 'decisions';
export const EXPORT_KINDS: readonly ExportKind[] = ['calls', 'utterances', 'flags', 'complaints', 'decisions'];
export type ExportFormat = 'csv' | 'jsonl';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'jsonl'];

/** GET /api/v1/calls/{id}/analytics as an analyst gets it: texts masked, participants as pseudonyms. */
export type AnalystCallAnalytics = CallAnalytics & {
  buyer?: Pseudonym | null;
  seller?: Pseudonym | null;
};
