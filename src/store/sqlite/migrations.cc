#include "store/sqlite/migrations.h"

#include <iterator>
#include <vector>

namespace vitrina::store::sqlite {
namespace {

constexpr Migration kMigrations[] = {
    {1, "accounts_listings_chat", R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
  blocked_until INTEGER,
  timezone      TEXT NOT NULL DEFAULT 'UTC',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role    TEXT NOT NULL CHECK (role IN ('user', 'moderator', 'analyst', 'admin')),
  PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

-- Moderator skills as "vertical:<goods|realty|auto|jobs>" or "lang:<ru|en|...>".
CREATE TABLE moderator_skills (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  skill   TEXT NOT NULL,
  PRIMARY KEY (user_id, skill)
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

CREATE TABLE listings (
  id               INTEGER PRIMARY KEY,
  seller_id        INTEGER NOT NULL REFERENCES users(id),
  title            TEXT NOT NULL,
  description      TEXT NOT NULL,
  price            INTEGER NOT NULL CHECK (price >= 0),
  currency         TEXT NOT NULL DEFAULT 'RUB',
  vertical         TEXT NOT NULL CHECK (vertical IN ('goods', 'realty', 'auto', 'jobs')),
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  video_call_ready INTEGER NOT NULL DEFAULT 0,
  call_hours       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX listings_feed ON listings(status, id DESC);
CREATE INDEX listings_feed_video ON listings(status, video_call_ready, id DESC);
CREATE INDEX listings_by_seller ON listings(seller_id, id DESC);

CREATE TABLE conversations (
  id                  INTEGER PRIMARY KEY,
  listing_id          INTEGER NOT NULL REFERENCES listings(id),
  buyer_id            INTEGER NOT NULL REFERENCES users(id),
  seller_id           INTEGER NOT NULL REFERENCES users(id),
  last_message_id     INTEGER,
  buyer_last_read_id  INTEGER NOT NULL DEFAULT 0,
  seller_last_read_id INTEGER NOT NULL DEFAULT 0,
  buyer_unread        INTEGER NOT NULL DEFAULT 0,  -- kept in step by InsertMessage/MarkRead
  seller_unread       INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (listing_id, buyer_id),
  CHECK (buyer_id <> seller_id)
);
CREATE INDEX conversations_by_buyer ON conversations(buyer_id, updated_at DESC, id DESC);
CREATE INDEX conversations_by_seller ON conversations(seller_id, updated_at DESC, id DESC);

CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  sender_id       INTEGER NOT NULL REFERENCES users(id),
  text            TEXT NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
)sql"},
    {2, "calls_recordings_jobs", R"sql(
CREATE TABLE calls (
  id                 INTEGER PRIMARY KEY,
  conversation_id    INTEGER NOT NULL REFERENCES conversations(id),
  listing_id         INTEGER NOT NULL REFERENCES listings(id),
  buyer_id           INTEGER NOT NULL REFERENCES users(id),
  seller_id          INTEGER NOT NULL REFERENCES users(id),
  proposed_by        INTEGER NOT NULL REFERENCES users(id),
  state              TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'active', 'ended',
                                                    'declined', 'cancelled', 'missed', 'failed')),
  scheduled_for      INTEGER,
  join_opens_at      INTEGER NOT NULL,
  join_closes_at     INTEGER NOT NULL,
  created_at         INTEGER NOT NULL,
  accepted_at        INTEGER,
  started_at         INTEGER,
  ended_at           INTEGER,
  end_reason         TEXT,
  ended_by           INTEGER REFERENCES users(id),
  no_show            TEXT CHECK (no_show IN ('buyer', 'seller', 'both')),
  media_node         TEXT NOT NULL DEFAULT '',
  room               INTEGER,
  room_pin           TEXT NOT NULL DEFAULT '',
  room_secret        TEXT NOT NULL DEFAULT '',
  buyer_media_id     INTEGER NOT NULL DEFAULT 0,
  buyer_room_token   TEXT NOT NULL DEFAULT '',
  buyer_consent_at   INTEGER,
  buyer_joined_at    INTEGER,
  buyer_left_at      INTEGER,
  seller_media_id    INTEGER NOT NULL DEFAULT 0,
  seller_room_token  TEXT NOT NULL DEFAULT '',
  seller_consent_at  INTEGER,
  seller_joined_at   INTEGER,
  seller_left_at     INTEGER,
  recording_status   TEXT NOT NULL DEFAULT 'none'
                     CHECK (recording_status IN ('none', 'recording', 'pending', 'processing',
                                                 'ready', 'failed')),
  recording_error    TEXT,
  recording_attempts INTEGER NOT NULL DEFAULT 0,
  recording_duration_ms INTEGER,
  recording_timeline_start_us INTEGER,
  updated_at         INTEGER NOT NULL,
  CHECK (buyer_id <> seller_id)
);
CREATE INDEX calls_by_buyer ON calls(buyer_id, id DESC);
CREATE INDEX calls_by_seller ON calls(seller_id, id DESC);
CREATE INDEX calls_by_conversation ON calls(conversation_id, id DESC);
-- At most one open call per conversation.
CREATE UNIQUE INDEX calls_one_open ON calls(conversation_id)
  WHERE state IN ('proposed', 'accepted', 'active');
CREATE INDEX calls_open_by_deadline ON calls(join_closes_at)
  WHERE state IN ('proposed', 'accepted', 'active');
CREATE INDEX calls_by_state ON calls(state, id);
CREATE UNIQUE INDEX calls_by_room ON calls(room) WHERE room IS NOT NULL;

CREATE TABLE recording_files (
  call_id     INTEGER NOT NULL REFERENCES calls(id),
  participant TEXT NOT NULL,
  kind        TEXT NOT NULL,
  path        TEXT NOT NULL,
  bytes       INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  offset_ms   INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (call_id, path)
) WITHOUT ROWID;

CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  payload      TEXT NOT NULL,
  dedupe_key   TEXT,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_after    INTEGER NOT NULL,
  lease_owner  TEXT,
  lease_until  INTEGER,
  last_error   TEXT,
  progress     TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX jobs_live_key ON jobs(dedupe_key)
  WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running');
CREATE INDEX jobs_due ON jobs(run_after) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs(lease_until) WHERE state = 'running';
CREATE INDEX jobs_by_state ON jobs(state, id DESC);
)sql"},
    // Transcripts and their full-text index (docs/search.md). Segment ids are
    // (call start in seconds << 24 | n): ids ascend with time, so a date range is an id range
    // and id order is recency. The FTS rows are written by the application in the same
    // transaction (no triggers) and only the current version is indexed; `fts_source` lists
    // exactly what the index should hold, so `INSERT INTO segments_fts(segments_fts)
    // VALUES ('rebuild')` can recreate it (e.g. after a stemmer upgrade).
    {3, "transcripts_search", R"sql(
ALTER TABLE calls ADD COLUMN transcript_status TEXT NOT NULL DEFAULT 'none'
  CHECK (transcript_status IN ('none', 'recording', 'pending', 'processing', 'ready', 'failed'));
ALTER TABLE calls ADD COLUMN transcript_error TEXT;
ALTER TABLE calls ADD COLUMN transcript_progress INTEGER;

CREATE TABLE transcripts (
  call_id       INTEGER NOT NULL REFERENCES calls(id),
  version       INTEGER NOT NULL,
  engine        TEXT NOT NULL,
  model         TEXT NOT NULL,
  language      TEXT NOT NULL,
  current       INTEGER NOT NULL CHECK (current IN (0, 1)),
  segment_count INTEGER NOT NULL,
  -- The filter tags of this version's index rows but the speaker's, as indexed (an index
  -- delete must repeat the indexed values exactly, whatever happened to the call since).
  fts_tags      TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (call_id, version)
) WITHOUT ROWID;
CREATE UNIQUE INDEX transcripts_one_current ON transcripts(call_id) WHERE current = 1;

CREATE TABLE transcript_segments (
  id         INTEGER PRIMARY KEY,
  call_id    INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  speaker    TEXT NOT NULL CHECK (speaker IN ('buyer', 'seller')),
  start_ms   INTEGER NOT NULL,
  end_ms     INTEGER NOT NULL,
  text       TEXT NOT NULL,
  confidence REAL NOT NULL,
  words      TEXT NOT NULL,  -- [["word", start_ms, end_ms, conf], ...]
  FOREIGN KEY (call_id, version) REFERENCES transcripts(call_id, version)
);
CREATE INDEX transcript_segments_by_call ON transcript_segments(call_id, version, start_ms);

CREATE VIEW fts_source AS
  SELECT s.id AS id, s.text AS text, t.fts_tags || ' _s' || s.speaker AS tags
  FROM transcripts t CROSS JOIN transcript_segments s
    ON s.call_id = t.call_id AND s.version = t.version
  WHERE t.current = 1;

CREATE VIRTUAL TABLE segments_fts USING fts5(
  text, tags, content = 'fts_source', content_rowid = 'id', tokenize = 'vitrina');
)sql"},
    {4, "audit_log", R"sql(
-- Append-only and hash-chained (docs/audit.md): each row's hash covers the previous row's.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor_id    INTEGER,
  action      TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id   TEXT NOT NULL,
  details     TEXT NOT NULL,
  evidence    TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_by_object ON audit_log(object_type, object_id, id DESC);
CREATE INDEX audit_by_action ON audit_log(action, id DESC);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql"},
    // Moderation (docs/moderation.md): complaints gather into one undecided case per accused
    // user; `next` takes the head of cases_queue for the moderator's verticals.
    {5, "moderation", R"sql(
ALTER TABLE calls ADD COLUMN purged_at INTEGER;
CREATE INDEX calls_retention ON calls(ended_at) WHERE purged_at IS NULL AND ended_at IS NOT NULL;

CREATE TABLE moderator_state (
  user_id      INTEGER PRIMARY KEY REFERENCES users(id),
  on_shift     INTEGER NOT NULL CHECK (on_shift IN (0, 1)),
  capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100),
  last_seen_at INTEGER,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE cases (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('complaints', 'appeal')),
  accused_id   INTEGER NOT NULL REFERENCES users(id),
  status       TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'decided')),
  priority     INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 3),
  sla_due_at   INTEGER NOT NULL,
  vertical     TEXT NOT NULL,
  language     TEXT NOT NULL,
  complainants INTEGER NOT NULL DEFAULT 0,
  assignee_id  INTEGER REFERENCES users(id),
  assigned_at  INTEGER,
  lease_until  INTEGER,
  excluded_moderator_id INTEGER REFERENCES users(id),
  appeal_id    INTEGER,
  opened_at    INTEGER NOT NULL,
  decided_at   INTEGER,
  updated_at   INTEGER NOT NULL,
  CHECK ((status = 'assigned') = (assignee_id IS NOT NULL AND lease_until IS NOT NULL))
);
CREATE UNIQUE INDEX cases_one_open_per_accused ON cases(accused_id)
  WHERE kind = 'complaints' AND status <> 'decided';
CREATE INDEX cases_queue ON cases(vertical, priority, sla_due_at, id) WHERE status = 'open';
CREATE INDEX cases_undecided ON cases(priority, sla_due_at, id) WHERE status <> 'decided';
CREATE INDEX cases_leases ON cases(lease_until) WHERE status = 'assigned';
CREATE INDEX cases_by_assignee ON cases(assignee_id) WHERE status = 'assigned';
CREATE INDEX cases_by_accused ON cases(accused_id, id DESC);

CREATE TABLE case_calls (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  call_id INTEGER NOT NULL REFERENCES calls(id),
  PRIMARY KEY (case_id, call_id)
) WITHOUT ROWID;
CREATE INDEX case_calls_by_call ON case_calls(call_id, case_id);

CREATE TABLE complaints (
  id          INTEGER PRIMARY KEY,
  call_id     INTEGER NOT NULL REFERENCES calls(id),
  reporter_id INTEGER NOT NULL REFERENCES users(id),
  accused_id  INTEGER NOT NULL REFERENCES users(id),
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  category    TEXT NOT NULL CHECK (category IN ('fraud', 'prepayment_request', 'rude',
                                                'not_as_described', 'no_show', 'other')),
  text        TEXT NOT NULL,
  ranges      TEXT NOT NULL,
  quote       TEXT,
  quote_match TEXT,
  status      TEXT NOT NULL CHECK (status IN ('open', 'in_review', 'upheld', 'dismissed')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  CHECK (reporter_id <> accused_id)
);
CREATE UNIQUE INDEX complaints_one_undecided ON complaints(call_id, reporter_id)
  WHERE status IN ('open', 'in_review');
CREATE INDEX complaints_by_case ON complaints(case_id, id);
CREATE INDEX complaints_by_reporter ON complaints(reporter_id, id DESC);
CREATE INDEX complaints_by_accused ON complaints(accused_id, id DESC);
CREATE INDEX complaints_by_call ON complaints(call_id, id DESC);

CREATE TABLE decisions (
  id           INTEGER PRIMARY KEY,
  case_id      INTEGER NOT NULL REFERENCES cases(id),
  moderator_id INTEGER NOT NULL REFERENCES users(id),
  action       TEXT NOT NULL CHECK (action IN ('dismiss', 'warn', 'block', 'ban', 'uphold', 'overturn')),
  days         INTEGER,
  reason       TEXT NOT NULL,
  evidence     TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX decisions_by_case ON decisions(case_id, id);

-- The calls a decision cites (from its evidence): they stay while the sanction is appealable.
CREATE TABLE decision_calls (
  decision_id INTEGER NOT NULL REFERENCES decisions(id),
  call_id     INTEGER NOT NULL REFERENCES calls(id),
  PRIMARY KEY (decision_id, call_id)
) WITHOUT ROWID;
CREATE INDEX decision_calls_by_call ON decision_calls(call_id, decision_id);

CREATE TABLE sanctions (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  decision_id  INTEGER NOT NULL REFERENCES decisions(id),
  case_id      INTEGER NOT NULL REFERENCES cases(id),
  kind         TEXT NOT NULL CHECK (kind IN ('warn', 'block', 'ban')),
  reason       TEXT NOT NULL,
  starts_at    INTEGER NOT NULL,
  ends_at      INTEGER,
  status       TEXT NOT NULL CHECK (status IN ('active', 'overturned')),
  appeal_until INTEGER NOT NULL,
  lifted_at    INTEGER,
  created_at   INTEGER NOT NULL
);
CREATE INDEX sanctions_by_user ON sanctions(user_id, id DESC);
CREATE INDEX sanctions_by_decision ON sanctions(decision_id);

CREATE TABLE appeals (
  id          INTEGER PRIMARY KEY,
  sanction_id INTEGER NOT NULL UNIQUE REFERENCES sanctions(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  text        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'overturned')),
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  decision_id INTEGER REFERENCES decisions(id),
  created_at  INTEGER NOT NULL,
  decided_at  INTEGER
);

-- Append-only ledger.
CREATE TABLE rewards (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  decision_id  INTEGER NOT NULL REFERENCES decisions(id),
  complaint_id INTEGER REFERENCES complaints(id),
  amount       INTEGER NOT NULL CHECK (amount > 0),
  currency     TEXT NOT NULL,
  reason       TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX rewards_by_user ON rewards(user_id, id DESC);
CREATE TRIGGER rewards_no_update BEFORE UPDATE ON rewards
  BEGIN SELECT RAISE(ABORT, 'the reward ledger is append-only'); END;
CREATE TRIGGER rewards_no_delete BEFORE DELETE ON rewards
  BEGIN SELECT RAISE(ABORT, 'the reward ledger is append-only'); END;

CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  kind       TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  read_at    INTEGER
);
CREATE INDEX notifications_by_user ON notifications(user_id, id DESC);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
)sql"},
    // Speech analytics (docs/analytics.md): phrase rules, one analytics row per call (its
    // newest transcript version) and the rules' hits (flags), which may be items of cases.
    {6, "speech_analytics", R"sql(
ALTER TABLE transcript_segments ADD COLUMN loudness_dbfs REAL;
ALTER TABLE cases ADD COLUMN auto_flags INTEGER NOT NULL DEFAULT 0;

CREATE TABLE analytics_rules (
  id         INTEGER PRIMARY KEY,
  category   TEXT NOT NULL CHECK (category IN ('prepayment', 'off_platform_payment',
               'contact_exchange', 'card_or_code_request', 'fake_link',
               'fake_payment_confirmation', 'pressure', 'insult')),
  language   TEXT NOT NULL CHECK (language IN ('ru', 'en', 'any')),
  speaker    TEXT NOT NULL CHECK (speaker IN ('buyer', 'seller', 'any')),
  expression TEXT NOT NULL,
  severity   TEXT NOT NULL CHECK (severity IN ('info', 'warn', 'high')),
  action     TEXT NOT NULL CHECK (action IN ('tag', 'case')),
  enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  live       INTEGER NOT NULL CHECK (live IN (0, 1)),
  builtin    INTEGER NOT NULL CHECK (builtin IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE call_analytics (
  call_id            INTEGER PRIMARY KEY REFERENCES calls(id),
  transcript_version INTEGER NOT NULL,
  duration_ms        INTEGER NOT NULL,
  talk_ratio_seller  REAL NOT NULL,
  tone_buyer         TEXT NOT NULL,
  tone_seller        TEXT NOT NULL,
  result             TEXT NOT NULL,
  computed_at        INTEGER NOT NULL
);

CREATE TABLE flags (
  id                 INTEGER PRIMARY KEY,
  call_id            INTEGER NOT NULL REFERENCES calls(id),
  transcript_version INTEGER NOT NULL,
  rule_id            INTEGER NOT NULL REFERENCES analytics_rules(id),
  category           TEXT NOT NULL,
  severity           TEXT NOT NULL,
  speaker            TEXT NOT NULL CHECK (speaker IN ('buyer', 'seller')),
  accused_id         INTEGER NOT NULL REFERENCES users(id),
  segment_id         INTEGER,
  start_ms           INTEGER NOT NULL,
  end_ms             INTEGER NOT NULL,
  text               TEXT NOT NULL,
  live               INTEGER NOT NULL CHECK (live IN (0, 1)),
  case_id            INTEGER REFERENCES cases(id),
  review             TEXT CHECK (review IN ('correct', 'wrong')),
  reviewed_by        INTEGER REFERENCES users(id),
  reviewed_at        INTEGER,
  created_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX flags_one_per_hit ON flags(call_id, transcript_version, rule_id, start_ms, live);
CREATE INDEX flags_by_case ON flags(case_id, start_ms) WHERE case_id IS NOT NULL;
CREATE INDEX flags_by_rule ON flags(rule_id) WHERE review IS NOT NULL;
)sql"},
    // Buyers' ratings of sellers after a call (docs/calls.md "Rating"), once per call.
    {7, "call_ratings", R"sql(
CREATE TABLE call_ratings (
  call_id    INTEGER PRIMARY KEY REFERENCES calls(id),
  buyer_id   INTEGER NOT NULL REFERENCES users(id),
  seller_id  INTEGER NOT NULL REFERENCES users(id),
  stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment    TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX call_ratings_by_seller ON call_ratings(seller_id, stars);
)sql"},
    // The seller service level (docs/service-level.md "Wiring"): the verified profile flag, the
    // reliable-seller badge cached on the user (listings show it and the feed filters on it
    // without computing anything), the daily record of days with an active listing, and the
    // computed level per seller and day (history, upserted).
    {8, "service_levels", R"sql(
ALTER TABLE users ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN reliable_seller INTEGER NOT NULL DEFAULT 0;

CREATE TABLE seller_active_days (
  seller_id INTEGER NOT NULL REFERENCES users(id),
  day       INTEGER NOT NULL,
  PRIMARY KEY (seller_id, day)
) WITHOUT ROWID;

CREATE TABLE service_levels (
  seller_id   INTEGER NOT NULL REFERENCES users(id),
  day         INTEGER NOT NULL,
  level       INTEGER CHECK (level BETWEEN 0 AND 100),
  zone        TEXT NOT NULL CHECK (zone IN ('green', 'red')),
  parameters  TEXT NOT NULL,
  reliable    INTEGER NOT NULL CHECK (reliable IN (0, 1)),
  computed_at INTEGER NOT NULL,
  PRIMARY KEY (seller_id, day)
) WITHOUT ROWID;
CREATE INDEX service_levels_by_day ON service_levels(day, zone);
CREATE INDEX listings_active_sellers ON listings(seller_id) WHERE status = 'active';
)sql"},
};

}  // namespace

std::span<const Migration> Migrations() {
  // Built once: the early migrations, then the later ones (migrations_later.cc).
  static const std::vector<Migration> all = [] {
    std::vector<Migration> v(std::begin(kMigrations), std::end(kMigrations));
    for (const auto& m : LaterMigrations()) v.push_back(m);
    return v;
  }();
  return all;
}

}  // namespace vitrina::store::sqlite
