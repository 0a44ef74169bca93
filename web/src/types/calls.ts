// Video calls, their recordings and what the browser needs to join (docs/calls.md).
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

// Live captions and warnings during a call, pushed over /api/v1/ws (docs/calls.md).
// The web side normalises and merges them in src/call/liveEvents.ts.

/** One recognised utterance of a speaker: partials (final=false) of the same `utterance` replace each other. */
export interface LiveCaptionEvent {
  type: 'caption';
  call_id: string;
  speaker: 'buyer' | 'seller';
  user_id: string;
  utterance: string;
  final: boolean;
  text: string;
  start_ms: number;
  end_ms: number;
  language?: string;
}

/** Sent only to the party being targeted by a high-severity scam rule match. */
export interface LiveWarningEvent {
  type: 'live_warning';
  call_id: string;
  warning: { id: string; category: string; severity: string };
  at_ms: number;
}

/** `unavailable`: the live path is full or failed; the call goes on without captions. */
export interface LiveStatusEvent {
  type: 'live_status';
  call_id: string;
  state: 'on' | 'unavailable' | 'off';
}
