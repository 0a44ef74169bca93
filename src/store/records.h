#pragma once
// Rows as the domain sees them. Plain values, no behaviour; backends fill them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "search/query.h"

namespace vitrina::store {

using Id = std::int64_t;
using base::TimeMs;

struct User {
  Id id = 0;
  std::string email;  // lower-cased
  std::string display_name;
  std::string password_hash;  // Argon2id, libsodium crypto_pwhash_str format
  std::vector<std::string> roles;  // always contains "user"
  std::vector<std::string> skills;  // moderators: "vertical:goods", "lang:ru", ...
  std::string status = "active";   // active | blocked
  std::optional<TimeMs> blocked_until;  // null with status=blocked: blocked for good
  std::string timezone = "UTC";
  // A verified profile (set by admins or the marketplace integration; the reliable-seller
  // badge needs it, docs/service-level.md).
  bool verified = false;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

struct NewUser {
  std::string email;
  std::string display_name;
  std::string password_hash;
  std::vector<std::string> roles;
  std::string timezone = "UTC";
};

struct Session {
  std::string token_hash;  // SHA-256 hex of the bearer token; the token itself is never stored
  Id user_id = 0;
  std::string csrf_token;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
};

struct Listing {
  Id id = 0;
  Id seller_id = 0;
  std::string seller_name;
  std::string title;
  std::string description;
  std::int64_t price = 0;
  std::string currency = "RUB";
  std::string vertical;  // goods | realty | auto | jobs
  std::string status = "active";  // active | archived
  bool video_call_ready = false;
  std::string call_hours_json;  // {"timezone": "...", "weekly": [...]}, owned by listings::
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  // The buyers' ratings of the seller's calls, read with the listing (0 and 0: none).
  double seller_rating = 0;
  std::int64_t seller_ratings = 0;
  // The seller's account state, read with the listing (blocked sellers' listings are hidden).
  std::string seller_status = "active";
  std::optional<TimeMs> seller_blocked_until;
  // The seller holds the reliable-seller badge (cached by the service-level computation).
  bool seller_reliable = false;
};

struct ListingFilter {
  std::optional<bool> video_call_ready;
  std::optional<std::string> vertical;
  std::optional<Id> seller_id;
  std::vector<std::string> statuses = {"active"};
  std::optional<std::string> text;       // substring of the title or description
  bool only_active_sellers = true;       // hide listings of blocked sellers
  std::optional<bool> reliable_seller;   // sellers with (true) or without the badge
  std::optional<Id> before_id;           // cursor: listings with id < before_id
  int limit = 20;
};

struct Message {
  Id id = 0;
  Id conversation_id = 0;
  Id sender_id = 0;
  std::string text;
  TimeMs created_at = 0;
};

struct Conversation {
  Id id = 0;
  Id listing_id = 0;
  std::string listing_title;
  Id buyer_id = 0;
  std::string buyer_name;
  Id seller_id = 0;
  std::string seller_name;
  std::optional<Message> last_message;
  std::int64_t unread_count = 0;  // for the viewer the row was read for
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// Cursor for lists ordered by (updated_at DESC, id DESC).
struct TimeCursor {
  TimeMs updated_at = 0;
  Id id = 0;
};


// A video call between a conversation's buyer and seller. States and rules: docs/calls.md.
struct CallParticipant {
  std::optional<TimeMs> consent_at;  // when they agreed to be recorded (at join)
  std::optional<TimeMs> joined_at;   // first time their media joined the room
  std::optional<TimeMs> left_at;     // last time their media left
  std::int64_t media_id = 0;         // their participant (feed) id in the media room
  std::string room_token;            // their entry in the room's allowed list
};

struct Call {
  Id id = 0;
  Id conversation_id = 0;
  Id listing_id = 0;
  Id buyer_id = 0;
  Id seller_id = 0;
  Id proposed_by = 0;
  std::string state = "proposed";
  std::optional<TimeMs> scheduled_for;
  TimeMs join_opens_at = 0;
  TimeMs join_closes_at = 0;
  TimeMs created_at = 0;
  std::optional<TimeMs> accepted_at;
  std::optional<TimeMs> started_at;
  std::optional<TimeMs> ended_at;
  std::optional<std::string> end_reason;
  std::optional<Id> ended_by;
  std::optional<std::string> no_show;  // buyer | seller | both
  // Media room, set when the call becomes active.
  std::string media_node;  // which media server (index into the configured nodes)
  std::int64_t room = 0;
  std::string room_pin;
  std::string room_secret;
  CallParticipant buyer;
  CallParticipant seller;
  // Recording post-processing.
  std::string recording_status = "none";
  std::optional<std::string> recording_error;
  std::int64_t recording_attempts = 0;
  std::optional<std::int64_t> recording_duration_ms;
  std::optional<std::int64_t> recording_timeline_start_us;  // wall clock of offset 0
  // Transcription (none | pending | processing | ready | failed), as for the recording.
  std::string transcript_status = "none";
  std::optional<std::string> transcript_error;
  std::optional<std::int64_t> transcript_progress;  // percent while processing
  // When retention deleted the recording and transcript (docs/moderation.md#retention).
  std::optional<TimeMs> purged_at;
  TimeMs updated_at = 0;
};

struct CallFilter {
  Id user_id = 0;  // calls where this user is buyer or seller
  std::optional<Id> conversation_id;
  std::optional<Id> listing_id;
  bool only_open = false;       // proposed | accepted | active
  std::optional<Id> before_id;  // cursor
  int limit = 20;
};

// One processed recording file of a call.
struct RecordingFile {
  Id call_id = 0;
  std::string participant;  // buyer | seller | unknown | combined
  std::string kind;         // audio | muxed | combined
  std::string path;         // relative to the recordings root
  std::int64_t bytes = 0;
  std::int64_t duration_ms = 0;
  std::int64_t offset_ms = 0;  // where it starts on the call timeline
  std::string sha256;
  TimeMs created_at = 0;
};

// Transcripts (docs/transcripts.md). Times are on the call's timeline (ms from its offset 0).
struct TranscriptWord {
  std::string w;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  double conf = 0;  // 0..1
};

struct TranscriptSegment {
  Id id = 0;  // assigned by the store; ascends with the call's start time
  Id call_id = 0;
  std::int64_t version = 0;
  std::string speaker;  // buyer | seller
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;
  double confidence = 0;  // 0..1
  std::vector<TranscriptWord> words;
  // RMS level of the segment's audio in dBFS (null: not measured, e.g. older versions).
  std::optional<double> loudness_dbfs;
};

// One version of a call's transcript: a run of one engine/model over the call's audio.
struct Transcript {
  Id call_id = 0;
  std::int64_t version = 0;  // 1, 2, ... per call
  std::string engine;        // e.g. pocketsphinx, openai-http
  std::string model;         // e.g. en-us, whisper-large-v3
  std::string language;      // en | ru | ...
  bool current = false;      // the version that is served and searchable
  TimeMs created_at = 0;
  std::vector<TranscriptSegment> segments;  // by start_ms (empty in version lists)
};

struct NewTranscript {
  std::string engine;
  std::string model;
  std::string language;
  std::vector<TranscriptSegment> segments;  // id/call_id/version ignored
};

// A ranked search over current transcript segments. The query is the parsed, backend-neutral
// tree (search::ParseQuery); each backend renders it for its own index.
struct SearchQuery {
  search::QueryNode query;
  std::optional<std::string> speaker;  // buyer | seller
  std::optional<Id> user_id;           // calls where this user is buyer or seller
  std::optional<Id> listing_id;
  std::optional<std::string> vertical;
  std::optional<TimeMs> from;  // call started at or after
  std::optional<TimeMs> to;    // call started at or before
  std::optional<Id> call_id;
  std::optional<Id> visible_to;  // access: only calls where this user is a party (non-moderators)
  // The `next` of the previous page, as the backend gave it out (opaque: its format is the
  // backend's; InvalidArgument "invalid_cursor" for anything else).
  std::optional<std::string> after;
  int limit = 20;
};

struct SearchHit {
  Id call_id = 0;
  Id segment_id = 0;
  std::string speaker;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;  // the whole segment text (the caller makes the snippet)
  double score = 0;  // bm25, lower is better (as SQLite returns it)
  TimeMs call_started_at = 0;
};

struct SearchPage {
  std::vector<SearchHit> hits;
  std::optional<std::string> next;  // opaque cursor of the next page (URL-safe characters)
};

// One entry of the append-only, hash-chained audit log (docs/audit.md).
struct AuditEntry {
  Id id = 0;  // 1, 2, ... in the order entries were appended
  TimeMs at = 0;
  std::optional<Id> actor_id;  // null: the system (retention, jobs)
  std::string action;          // e.g. recording.accessed, transcript.accessed, user.roles_changed
  std::string object_type;     // call | user | ...
  std::string object_id;
  std::string details = "{}";   // JSON object
  std::string evidence = "[]";  // JSON array of the files involved: [{"path", "sha256"}]
  std::string prev_hash;        // hash of the entry before ("" for the first)
  std::string hash;             // AuditEntryHash(this entry)
};

struct NewAuditEntry {
  std::optional<Id> actor_id;
  std::string action;
  std::string object_type;
  std::string object_id;
  std::string details = "{}";
  std::string evidence = "[]";
};

struct AuditFilter {
  std::optional<std::string> action;
  std::optional<std::string> object_type;
  std::optional<std::string> object_id;
  std::optional<Id> actor_id;
  std::optional<Id> before_id;  // cursor: entries with id < before_id, newest first
  int limit = 50;
};

// Moderation (docs/moderation.md). JSON columns are kept as text; moderation:: owns their shape.

// A moderator's routing state (their skills are User::skills).
struct ModeratorState {
  Id user_id = 0;
  bool on_shift = true;
  int capacity = 3;  // cases held at once
  std::optional<TimeMs> last_seen_at;
  TimeMs updated_at = 0;
};

// A unit of moderators' work: every open complaint against one user ("complaints"), or one
// appeal against a sanction ("appeal").
struct Case {
  Id id = 0;
  std::string kind = "complaints";  // complaints | appeal
  Id accused_id = 0;
  std::string status = "open";      // open | assigned | decided
  int priority = 3;                 // 1 most urgent .. 3
  TimeMs sla_due_at = 0;
  std::string vertical;             // routing: goods | realty | auto | jobs
  std::string language;             // routing: en | ru | ...
  int complainants = 0;             // distinct reporters
  int auto_flags = 0;               // automatic flags (speech-analytics rules) in the case
  std::optional<Id> assignee_id;
  std::optional<TimeMs> assigned_at;
  std::optional<TimeMs> lease_until;  // back to the queue when the assignee is idle past this
  std::optional<Id> excluded_moderator_id;  // appeals: who decided the sanction
  std::optional<Id> appeal_id;
  TimeMs opened_at = 0;
  std::optional<TimeMs> decided_at;
  TimeMs updated_at = 0;
};

// Who `next` may hand a case to. Empty skill lists mean "any".
struct CaseEligibility {
  Id moderator_id = 0;
  std::vector<std::string> verticals;
  std::vector<std::string> languages;
};

struct CaseFilter {
  std::vector<std::string> statuses;  // empty: any
  std::optional<Id> assignee_id;
  std::optional<Id> accused_id;
  std::optional<Id> before_id;        // cursor, newest first
  int limit = 50;
};

// Keyset position in the urgency order (priority, sla_due_at, id).
struct QueueCursor {
  int priority = 0;
  TimeMs sla_due_at = 0;
  Id id = 0;
};

struct QueueCounts {
  int open = 0;
  int assigned = 0;
  int breached = 0;  // due before now
  int at_risk = 0;   // not breached, due within the priority's at-risk window
};

struct Complaint {
  Id id = 0;
  Id call_id = 0;
  Id reporter_id = 0;
  Id accused_id = 0;
  Id case_id = 0;
  std::string category;  // fraud | prepayment_request | rude | not_as_described | no_show | other
  std::string text;
  std::string ranges = "[]";  // JSON [{"from_ms", "to_ms"}]
  std::optional<std::string> quote;
  std::optional<std::string> quote_match;  // JSON {"segment_ids", "from_ms", "to_ms"}; null: not found
  std::string status = "open";  // open | in_review | upheld | dismissed
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

struct ComplaintFilter {
  std::optional<Id> case_id;
  std::optional<Id> reporter_id;
  std::optional<Id> accused_id;
  std::optional<Id> call_id;
  std::optional<Id> before_id;
  int limit = 50;
};

struct Decision {
  Id id = 0;
  Id case_id = 0;
  Id moderator_id = 0;
  std::string action;  // dismiss | warn | block | ban (complaints); uphold | overturn (appeals)
  std::optional<std::int64_t> days;
  std::string reason;
  std::string evidence = "[]";  // JSON [{"call_id", "from_ms", "to_ms"}]
  std::vector<Id> cited_calls;  // the distinct calls of `evidence` (held by retention)
  TimeMs created_at = 0;
};

struct Sanction {
  Id id = 0;
  Id user_id = 0;
  Id decision_id = 0;
  Id case_id = 0;
  std::string kind;  // warn | block | ban
  std::string reason;
  TimeMs starts_at = 0;
  std::optional<TimeMs> ends_at;  // block: end; ban and warn: null
  std::string status = "active";  // active | overturned
  TimeMs appeal_until = 0;
  std::optional<TimeMs> lifted_at;
  TimeMs created_at = 0;
};

struct Appeal {
  Id id = 0;
  Id sanction_id = 0;
  Id user_id = 0;
  std::string text;
  std::string status = "open";  // open | upheld | overturned
  Id case_id = 0;
  std::optional<Id> decision_id;
  TimeMs created_at = 0;
  std::optional<TimeMs> decided_at;
};

// One entry of the reward ledger (never edited; a correction is another entry).
struct Reward {
  Id id = 0;
  Id user_id = 0;
  Id decision_id = 0;
  std::optional<Id> complaint_id;
  std::int64_t amount = 0;  // minor units of `currency`
  std::string currency = "RUB";
  std::string reason;
  TimeMs created_at = 0;
};

struct Notification {
  Id id = 0;
  Id user_id = 0;
  std::string kind;  // decision | complaint_decided | appeal_decided | ...
  std::string payload = "{}";  // JSON, the statement of reasons
  TimeMs created_at = 0;
  std::optional<TimeMs> read_at;
};

// A durable background job (docs/jobs.md).
struct Job {
  Id id = 0;
  std::string kind;
  std::string payload;  // JSON
  std::string state = "queued";  // queued | running | done | failed
  std::int64_t attempts = 0;
  std::int64_t max_attempts = 5;
  TimeMs run_after = 0;
  std::optional<std::string> lease_owner;
  std::optional<TimeMs> lease_until;
  std::optional<std::string> last_error;
  std::optional<std::string> progress;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// Speech analytics (docs/analytics.md). A phrase rule (tracker) managed by admins.
struct AnalyticsRule {
  Id id = 0;
  std::string category;            // prepayment | off_platform_payment | ... (API.md)
  std::string language = "any";    // ru | en | any
  std::string speaker = "any";     // buyer | seller | any
  std::string expression;          // the rule language (docs/analytics.md "Phrase rules")
  std::string severity = "warn";   // info | warn | high
  std::string action = "tag";      // tag | case
  bool enabled = true;
  bool live = false;               // also evaluated during the call (live warnings)
  bool builtin = false;            // shipped with the product (seeded once)
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  // Filled by reads: the moderators' verdicts on this rule's flags.
  std::int64_t correct = 0;
  std::int64_t wrong = 0;
  // Filled by reads: live warnings this rule raised, and how many the warned party answered
  // "this is not a scam" (their feedback on the rule's precision).
  std::int64_t live_warnings = 0;
  std::int64_t live_not_scam = 0;
};

// The result of analysing one transcript version of a call (one row per call: a newer
// version replaces it). `result` is the JSON the API serves, without flags.
struct CallAnalytics {
  Id call_id = 0;
  std::int64_t transcript_version = 0;
  std::int64_t duration_ms = 0;
  double talk_ratio_seller = 0;
  std::string tone_buyer = "neutral";
  std::string tone_seller = "neutral";
  std::string result = "{}";
  TimeMs computed_at = 0;
};

// One hit of a rule in a call: a tag, or (action `case`) an item of the speaker's case.
struct Flag {
  Id id = 0;
  Id call_id = 0;
  std::int64_t transcript_version = 0;  // 0: raised live, during the call
  Id rule_id = 0;
  std::string category;
  std::string severity;
  std::string speaker;  // buyer | seller
  Id accused_id = 0;    // the speaker's user
  std::optional<Id> segment_id;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;  // the words that matched (original; masked where analysts read it)
  bool live = false;
  std::optional<Id> case_id;
  std::optional<std::string> review;  // correct | wrong
  std::optional<Id> reviewed_by;
  std::optional<TimeMs> reviewed_at;
  TimeMs created_at = 0;
  // Live flags: the warned party's answer to the warning (understood | not_scam), once.
  std::optional<std::string> party_feedback;
  std::optional<TimeMs> party_feedback_at;
};

struct FlagFilter {
  std::optional<Id> call_id;
  std::optional<Id> case_id;
  int limit = 1000;
};

// One call as the analysts' call explorer lists it (ids of users are for pseudonymising only;
// they never leave the server).
struct AnalystCallRow {
  Id call_id = 0;
  TimeMs at = 0;  // started, else scheduled, accepted or created
  std::int64_t duration_ms = 0;
  std::string vertical;
  std::string state;  // ended | missed | failed
  std::optional<std::string> no_show;
  Id buyer_id = 0;
  Id seller_id = 0;
  std::optional<double> talk_ratio_seller;  // null until analysed
  std::optional<std::string> tone_seller;
  std::vector<std::string> flag_categories;  // distinct, sorted
  std::int64_t complaints = 0;
};

struct AnalystCallFilter {
  TimeMs from = 0;
  TimeMs to = 0;
  std::optional<std::string> vertical;
  std::optional<std::string> category;  // calls with a flag of this category
  std::optional<std::pair<TimeMs, Id>> before;  // keyset: (at, call_id) strictly before
  int limit = 50;
};

// A buyer's rating of the seller after an ended call (once per call).
struct CallRating {
  Id call_id = 0;
  Id buyer_id = 0;
  Id seller_id = 0;
  int stars = 0;  // 1..5
  std::optional<std::string> comment;
  TimeMs created_at = 0;
};

struct NewJob {
  std::string kind;
  std::string payload = "{}";
  // At most one queued or running job per key (null: no limit).
  std::optional<std::string> dedupe_key;
  std::int64_t max_attempts = 5;
  TimeMs run_after = 0;
};

}  // namespace vitrina::store
