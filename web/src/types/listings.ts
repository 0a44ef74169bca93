// Listings and their video-call hours.

import type { Vertical, Weekday } from './common';
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

export interface ListingInput {
  title: string;
  description: string;
  price: number;
  vertical: Vertical;
  video_call_ready?: boolean;
  call_hours?: CallHours;
}
