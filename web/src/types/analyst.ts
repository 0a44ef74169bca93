// The analyst workspace: dashboard, call list, exports.

import type { Vertical } from './common';
import type { CallAnalytics, Tone } from './analytics';
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
