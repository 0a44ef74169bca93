// Thin wrapper over fetch for the Vitrina API.
//
// Authentication is cookie based: the server sets the HttpOnly `vitrina_session`
// cookie and the readable `vitrina_csrf` cookie on login/register. Every non-GET
// request echoes the CSRF cookie in the `X-CSRF-Token` header. Nothing is kept in
// localStorage.

import type {
  AnalystCall,
  AnalystCallAnalytics,
  AnalyticsDashboard,
  AnalyticsFlag,
  AnalyticsPreview,
  AnalyticsRule,
  AuthResponse,
  CallAnalytics,
  FlagVerdict,
  RuleInput,
  Call,
  CallJoinGrant,
  Complaint,
  ComplaintInput,
  Conversation,
  DecisionInput,
  DecisionResult,
  DetectionCaseOpened,
  DishonestRow,
  ModerationCase,
  ModerationQueue,
  ModeratorState,
  NotificationPage,
  Sanction,
  SanctionAppeal,
  Listing,
  ListingInput,
  ServiceLevel,
  Message,
  Page,
  SearchHit,
  Speaker,
  Transcript,
  User,
  Vertical,
  ExportFormat,
  ExportKind,
} from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Global reactions to authentication failures, installed by the app shell. */
export interface AuthFailureHandlers {
  onUnauthorized: () => void;
  onBlocked: () => void;
}

let handlers: AuthFailureHandlers = { onUnauthorized: () => {}, onBlocked: () => {} };

export function setAuthFailureHandlers(h: AuthFailureHandlers): void {
  handlers = h;
}

export function readCookie(name: string): string | null {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(';')) {
    const c = part.trim();
    if (c.startsWith(prefix)) return decodeURIComponent(c.slice(prefix.length));
  }
  return null;
}

interface RequestOptions {
  body?: unknown;
  /** Do not trigger the global 401 → /login redirect (bootstrap, login form). */
  quietAuth?: boolean;
  headers?: Record<string, string>;
}

/** One API call: JSON in and out, the CSRF header on writes, `ApiError` on failure. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCookie('vitrina_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'network error');
  }

  if (res.status === 204) return undefined as T;

  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    const apiError = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText);
    if (!opts.quietAuth) {
      if (res.status === 401) handlers.onUnauthorized();
      else if (res.status === 403 && apiError.code === 'user_blocked') handlers.onBlocked();
    }
    throw apiError;
  }
  return data as T;
}

/** `?a=1&b=2` of the params that are set (empty, null, undefined and false are left out). */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

/** A list endpoint's items whether it answers `{items: [...]}` or a bare array. */
function itemsOf<T>(res: T[] | { items?: T[] | null } | null | undefined): T[] {
  if (Array.isArray(res)) return res;
  return res?.items ?? [];
}

export interface ListingFilters {
  video_call_ready?: boolean;
  available_now?: boolean;
  reliable_seller?: boolean;
  vertical?: Vertical | '';
  q?: string;
  seller_id?: string;
  status?: 'active' | 'archived' | 'all';
  limit?: number;
  cursor?: string | null;
}

/** Filters of GET /api/v1/search; user_id, listing_id and call_id are for moderators. */
export interface SearchFilters {
  q: string;
  speaker?: Speaker | '';
  vertical?: Vertical | '';
  /** YYYY-MM-DD or RFC 3339: calls started at or after. */
  from?: string;
  /** YYYY-MM-DD or RFC 3339: calls started at or before. */
  to?: string;
  user_id?: string;
  listing_id?: string;
  call_id?: string;
  cursor?: string | null;
  limit?: number;
}

/** The analyst's filters: UTC days (YYYY-MM-DD, `to` inclusive); empty vertical = all. */
export interface AnalystFilters {
  from: string;
  to: string;
  vertical?: string;
  /** Explorer only: a rule (flag) category. */
  category?: string;
  cursor?: string | null;
  limit?: number;
}

/**
 * The analyst's export as a same-origin URL: the session cookie authenticates the download.
 * The API filters exports by period only (no vertical).
 */
export function analyticsExportUrl(kind: ExportKind, format: ExportFormat, f: { from: string; to: string }): string {
  return `/api/v1/analytics/export${query({ kind, format, from: f.from, to: f.to })}`;
}

/** Media URLs (same origin: the session cookie authenticates them). */
export const callMedia = {
  /** The combined WebM (moderators only; Range requests supported). */
  recordingUrl: (callId: string) => `/api/v1/calls/${encodeURIComponent(callId)}/recording`,
  /** WebVTT captions with <v Buyer>/<v Seller> voice tags. */
  captionsUrl: (callId: string) => `/api/v1/calls/${encodeURIComponent(callId)}/captions.vtt`,
};

export const api = {
  register: (email: string, password: string, display_name: string) =>
    request<AuthResponse>('POST', '/api/v1/auth/register', {
      body: { email, password, display_name },
      quietAuth: true,
    }),
  login: (email: string, password: string) =>
    request<AuthResponse>('POST', '/api/v1/auth/login', { body: { email, password }, quietAuth: true }),
  logout: () => request<void>('POST', '/api/v1/auth/logout', { quietAuth: true }),
  me: () => request<User>('GET', '/api/v1/me', { quietAuth: true }),
  /** The caller's service level, recommendations in `lang` (the UI's language). */
  myServiceLevel: (lang: string) =>
    request<ServiceLevel>('GET', '/api/v1/me/service-level', { headers: { 'Accept-Language': lang } }),
  updateMe: (patch: { display_name?: string; timezone?: string }) =>
    request<User>('PATCH', '/api/v1/me', { body: patch }),

  listListings: (f: ListingFilters) =>
    request<Page<Listing>>(
      'GET',
      `/api/v1/listings${query({
        video_call_ready: f.video_call_ready ? 'true' : undefined,
        available_now: f.available_now ? 'true' : undefined,
        reliable_seller: f.reliable_seller ? 'true' : undefined,
        vertical: f.vertical,
        q: f.q,
        seller_id: f.seller_id,
        status: f.status,
        limit: f.limit,
        cursor: f.cursor,
      })}`,
    ),
  getListing: (id: string) => request<Listing>('GET', `/api/v1/listings/${enc(id)}`),
  createListing: (input: ListingInput) => request<Listing>('POST', '/api/v1/listings', { body: input }),
  updateListing: (id: string, patch: Partial<ListingInput>) =>
    request<Listing>('PATCH', `/api/v1/listings/${enc(id)}`, { body: patch }),
  archiveListing: (id: string) => request<Listing>('POST', `/api/v1/listings/${enc(id)}/archive`, { body: {} }),

  contactSeller: (listingId: string) =>
    request<Conversation>('POST', `/api/v1/listings/${enc(listingId)}/conversations`, { body: {} }),
  listConversations: (cursor?: string | null, limit = 50) =>
    request<Page<Conversation> & { unread_total: number }>(
      'GET',
      `/api/v1/conversations${query({ limit, cursor })}`,
    ),
  getConversation: (id: string) => request<Conversation>('GET', `/api/v1/conversations/${enc(id)}`),
  listMessages: (id: string, cursor?: string | null, limit = 50) =>
    request<Page<Message>>('GET', `/api/v1/conversations/${enc(id)}/messages${query({ limit, cursor })}`),
  sendMessage: (id: string, text: string) =>
    request<Message>('POST', `/api/v1/conversations/${enc(id)}/messages`, { body: { text } }),
  markRead: (id: string) => request<void>('POST', `/api/v1/conversations/${enc(id)}/read`, { body: {} }),

  // Video calls (docs/calls.md).
  /** `scheduledFor` absent/null = "call now"; otherwise an RFC 3339 time. */
  proposeCall: (conversationId: string, scheduledFor?: string | null) =>
    request<Call>('POST', `/api/v1/conversations/${enc(conversationId)}/calls`, {
      body: scheduledFor ? { scheduled_for: scheduledFor } : {},
    }),
  listCalls: (f: { conversation_id?: string; listing_id?: string; open?: boolean; cursor?: string | null; limit?: number }) =>
    request<Page<Call>>(
      'GET',
      `/api/v1/calls${query({
        conversation_id: f.conversation_id,
        listing_id: f.listing_id,
        open: f.open ? 'true' : undefined,
        cursor: f.cursor,
        limit: f.limit,
      })}`,
    ),
  getCall: (id: string) => request<Call>('GET', `/api/v1/calls/${enc(id)}`),
  acceptCall: (id: string) => request<Call>('POST', `/api/v1/calls/${enc(id)}/accept`, { body: {} }),
  declineCall: (id: string) => request<Call>('POST', `/api/v1/calls/${enc(id)}/decline`, { body: {} }),
  cancelCall: (id: string) => request<Call>('POST', `/api/v1/calls/${enc(id)}/cancel`, { body: {} }),
  /** The user has seen that the call is recorded: `consent` is always true. */
  joinCall: (id: string) =>
    request<CallJoinGrant>('POST', `/api/v1/calls/${enc(id)}/join`, { body: { consent: true } }),
  hangupCall: (id: string) => request<Call>('POST', `/api/v1/calls/${enc(id)}/hangup`, { body: {} }),
  /** The warned party's answer to a live warning (204). */
  liveWarningFeedback: (callId: string, warningId: string, answer: 'understood' | 'not_scam') =>
    request<void>('POST', `/api/v1/calls/${enc(callId)}/live-warnings/${enc(warningId)}/feedback`, { body: { answer } }),

  // Transcripts and search.
  /** 404 `transcript_not_found` while the call has none. */
  getTranscript: (id: string) => request<Transcript>('GET', `/api/v1/calls/${enc(id)}/transcript`),
  search: (f: SearchFilters) =>
    request<Page<SearchHit>>(
      'GET',
      `/api/v1/search${query({
        q: f.q,
        speaker: f.speaker,
        user_id: f.user_id,
        listing_id: f.listing_id,
        vertical: f.vertical,
        from: f.from,
        to: f.to,
        call_id: f.call_id,
        cursor: f.cursor,
        limit: f.limit,
      })}`,
    ),

  // Complaints (docs/moderation.md).
  createComplaint: (callId: string, input: ComplaintInput) =>
    request<Complaint>('POST', `/api/v1/calls/${enc(callId)}/complaints`, { body: input }),
  /** The reporter's edit while the complaint is `open` (409 complaint_locked after). */
  updateComplaint: (id: string, patch: Partial<ComplaintInput>) =>
    request<Complaint>('PATCH', `/api/v1/complaints/${enc(id)}`, { body: patch }),
  getComplaint: (id: string) => request<Complaint>('GET', `/api/v1/complaints/${enc(id)}`),
  /** A participant's own complaints on the call (a moderator: all of them). */
  listCallComplaints: async (callId: string) =>
    itemsOf(await request<Complaint[] | Page<Complaint>>('GET', `/api/v1/calls/${enc(callId)}/complaints`)),

  // Statements of reasons, sanctions and appeals (allowed for blocked accounts too).
  listNotifications: (cursor?: string | null, limit = 50) =>
    request<NotificationPage>('GET', `/api/v1/notifications${query({ cursor, limit })}`),
  markNotificationsRead: (upTo: string) => request<void>('POST', '/api/v1/notifications/read', { body: { up_to: upTo } }),
  listSanctions: async () => itemsOf(await request<Sanction[] | Page<Sanction>>('GET', '/api/v1/sanctions')),
  appealSanction: (id: string, text: string) =>
    request<SanctionAppeal>('POST', `/api/v1/sanctions/${enc(id)}/appeal`, { body: { text } }),

  // Moderators' workspace.
  moderationMe: () => request<ModeratorState>('GET', '/api/v1/moderation/me'),
  setOnShift: (onShift: boolean) => request<ModeratorState>('PUT', '/api/v1/moderation/me', { body: { on_shift: onShift } }),
  /** The next case, assigned to the caller; undefined on 204 (nothing fits). */
  moderationNext: () => request<{ case: ModerationCase } | undefined>('POST', '/api/v1/moderation/next', { body: {} }),
  moderationQueue: (cursor?: string | null, limit = 50) =>
    request<ModerationQueue>('GET', `/api/v1/moderation/queue${query({ cursor, limit })}`),
  getCase: (id: string) => request<ModerationCase>('GET', `/api/v1/moderation/cases/${enc(id)}`),
  heartbeatCase: (id: string) =>
    request<{ lease_until: string }>('POST', `/api/v1/moderation/cases/${enc(id)}/heartbeat`, { body: {} }),
  releaseCase: (id: string) => request<ModerationCase | { case: ModerationCase }>('POST', `/api/v1/moderation/cases/${enc(id)}/release`, { body: {} }),
  decideCase: (id: string, input: DecisionInput) =>
    request<DecisionResult>('POST', `/api/v1/moderation/cases/${enc(id)}/decision`, { body: input }),

  // Speech analytics (docs/API.md "Speech analytics").
  /** 409 `not_ready` until the call's analytics are computed. */
  getCallAnalytics: (callId: string) => request<CallAnalytics>('GET', `/api/v1/calls/${enc(callId)}/analytics`),
  reviewFlag: (id: string, verdict: FlagVerdict) =>
    request<AnalyticsFlag>('POST', `/api/v1/flags/${enc(id)}/review`, { body: { verdict } }),
  listRules: async () => itemsOf(await request<AnalyticsRule[] | Page<AnalyticsRule>>('GET', '/api/v1/admin/rules')),
  /** 400 `bad_rule` with a message naming what is wrong (and where in the expression). */
  createRule: (input: RuleInput) => request<AnalyticsRule>('POST', '/api/v1/admin/rules', { body: input }),
  updateRule: (id: string, patch: Partial<RuleInput>) =>
    request<AnalyticsRule>('PATCH', `/api/v1/admin/rules/${enc(id)}`, { body: patch }),
  /** RFC 3339 bounds (either may be left out); 409 `backfill_running`. */
  startBackfill: (range: { from?: string; to?: string }) =>
    request<{ job_id: string }>('POST', '/api/v1/admin/analytics/backfill', { body: range }),
  previewText: (text: string, language: 'ru' | 'en') =>
    request<AnalyticsPreview>('POST', '/api/v1/analytics/preview', { body: { text, language } }),

  // Analyst workspace (docs/API.md "Analyst workspace"): pseudonyms and masked texts only.
  /** 403 `forbidden` for anyone but analysts and admins; 400 `invalid_filter`. */
  analyticsDashboard: (f: AnalystFilters) =>
    request<AnalyticsDashboard>('GET', `/api/v1/analytics/dashboard${query({ from: f.from, to: f.to, vertical: f.vertical })}`),
  analyticsCalls: (f: AnalystFilters) =>
    request<Page<AnalystCall>>(
      'GET',
      `/api/v1/analytics/calls${query({
        from: f.from,
        to: f.to,
        vertical: f.vertical,
        category: f.category,
        cursor: f.cursor,
        limit: f.limit,
      })}`,
    ),
  /** The analyst's view of one call's analytics (409 `not_ready` until computed). */
  analystCallAnalytics: (callId: string) =>
    request<AnalystCallAnalytics>('GET', `/api/v1/calls/${enc(callId)}/analytics`),

  // --- the dishonest-user ranking (moderators: users; analysts: pseudonyms) ---
  dishonest: (cursor?: string | null, limit?: number) =>
    request<Page<DishonestRow>>('GET', `/api/v1/analytics/dishonest${query({ cursor, limit })}`),
  /** Moderators: open (or join) the user's case from their row. */
  openDishonestCase: (userId: string) =>
    request<DetectionCaseOpened>('POST', `/api/v1/analytics/dishonest/${enc(userId)}/case`, { body: {} }),
};
