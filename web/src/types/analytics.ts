// Speech analytics: per-call metrics, tone, phrase rules and their flags (docs/API.md "Speech analytics").

import type { Speaker } from './transcripts';
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
  // Live warnings the rule raised, and how many the warned party answered "not a scam".
  live_feedback?: { warnings: number; not_scam: number };
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
