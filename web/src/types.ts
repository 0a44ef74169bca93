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
  created_at: string;
  updated_at: string;
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

/** Events pushed by the server over /api/v1/ws. */
export type ServerEvent =
  | { type: 'hello'; user_id: string }
  | { type: 'message'; conversation_id: string; message: Message }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'pong' };
