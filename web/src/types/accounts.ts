// Accounts and the seller's service level (docs/service-level.md).
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
