// Call transcripts and transcript search (docs/API.md).
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
