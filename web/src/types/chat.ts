// Conversations, messages and the events pushed over /api/v1/ws.

import type { Call, LiveCaptionEvent, LiveStatusEvent, LiveWarningEvent } from './calls';
import type { AppNotification } from './moderation';
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

/** Events pushed by the server over /api/v1/ws. */
export type ServerEvent =
  | { type: 'hello'; user_id: string }
  | { type: 'message'; conversation_id: string; message: Message }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'call'; call: Call }
  | { type: 'notification'; notification?: AppNotification }
  | LiveCaptionEvent
  | LiveWarningEvent
  | LiveStatusEvent
  | { type: 'pong' };
