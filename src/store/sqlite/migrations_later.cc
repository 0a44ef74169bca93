// Migrations 9 and on: the insights era (rollups, detection, rate limits, moderation quality,
// live warnings). migrations.cc holds 1-8 and joins the two lists.

#include "store/sqlite/migrations.h"

namespace vitrina::store::sqlite {
namespace {

constexpr Migration kLater[] = {
    // Daily rollups for the analysts' dashboards (docs/analytics.md "## Dashboards"): one row per
    // UTC day, vertical ('' = all verticals, '*' = not by vertical), metric and key. Triggers mark
    // a day dirty whenever something it counts changes (in the same transaction, so nothing is
    // missed); the `analytics.rollup` job recomputes dirty days from the day's own rows.
    {9, "daily_rollups", R"sql(
CREATE TABLE daily_rollups (
  day      INTEGER NOT NULL,
  vertical TEXT NOT NULL,
  metric   TEXT NOT NULL,
  key      TEXT NOT NULL,
  value    REAL NOT NULL,
  PRIMARY KEY (day, vertical, metric, key)
) WITHOUT ROWID;

-- Days whose rollup is out of date; gen counts the marks, so a recompute that raced a new mark
-- leaves the day dirty.
CREATE TABLE rollup_dirty (
  day INTEGER PRIMARY KEY,
  gen INTEGER NOT NULL
);

CREATE TABLE rollup_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  computed_at INTEGER NOT NULL
);

CREATE INDEX calls_by_day ON calls(coalesce(started_at, scheduled_for, accepted_at, created_at));
CREATE INDEX complaints_by_created ON complaints(created_at);
CREATE INDEX decisions_by_created ON decisions(created_at);
CREATE INDEX cases_by_opened ON cases(opened_at);
CREATE INDEX cases_by_decided ON cases(decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX appeals_by_decided ON appeals(decided_at) WHERE decided_at IS NOT NULL;

CREATE TRIGGER rollup_calls_insert AFTER INSERT ON calls BEGIN
  INSERT INTO rollup_dirty (day, gen)
  VALUES (coalesce(NEW.started_at, NEW.scheduled_for, NEW.accepted_at, NEW.created_at) / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_calls_update AFTER UPDATE ON calls
WHEN OLD.state IS NOT NEW.state OR OLD.no_show IS NOT NEW.no_show
  OR OLD.started_at IS NOT NEW.started_at OR OLD.ended_at IS NOT NEW.ended_at
  OR OLD.scheduled_for IS NOT NEW.scheduled_for OR OLD.accepted_at IS NOT NEW.accepted_at
  OR OLD.recording_duration_ms IS NOT NEW.recording_duration_ms OR OLD.listing_id IS NOT NEW.listing_id
BEGIN
  INSERT INTO rollup_dirty (day, gen)
  VALUES (coalesce(NEW.started_at, NEW.scheduled_for, NEW.accepted_at, NEW.created_at) / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
  INSERT INTO rollup_dirty (day, gen)
  VALUES (coalesce(OLD.started_at, OLD.scheduled_for, OLD.accepted_at, OLD.created_at) / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_analytics_insert AFTER INSERT ON call_analytics BEGIN
  INSERT INTO rollup_dirty (day, gen)
  SELECT coalesce(started_at, scheduled_for, accepted_at, created_at) / 86400000, 1 FROM calls WHERE id = NEW.call_id
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_analytics_update AFTER UPDATE ON call_analytics BEGIN
  INSERT INTO rollup_dirty (day, gen)
  SELECT coalesce(started_at, scheduled_for, accepted_at, created_at) / 86400000, 1 FROM calls WHERE id = NEW.call_id
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_analytics_delete AFTER DELETE ON call_analytics BEGIN
  INSERT INTO rollup_dirty (day, gen)
  SELECT coalesce(started_at, scheduled_for, accepted_at, created_at) / 86400000, 1 FROM calls WHERE id = OLD.call_id
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_flags_insert AFTER INSERT ON flags BEGIN
  INSERT INTO rollup_dirty (day, gen)
  SELECT coalesce(started_at, scheduled_for, accepted_at, created_at) / 86400000, 1 FROM calls WHERE id = NEW.call_id
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_flags_delete AFTER DELETE ON flags BEGIN
  INSERT INTO rollup_dirty (day, gen)
  SELECT coalesce(started_at, scheduled_for, accepted_at, created_at) / 86400000, 1 FROM calls WHERE id = OLD.call_id
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_complaints_insert AFTER INSERT ON complaints BEGIN
  INSERT INTO rollup_dirty (day, gen) VALUES (NEW.created_at / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_complaints_update AFTER UPDATE OF status, category ON complaints BEGIN
  INSERT INTO rollup_dirty (day, gen) VALUES (NEW.created_at / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_decisions_insert AFTER INSERT ON decisions BEGIN
  INSERT INTO rollup_dirty (day, gen) VALUES (NEW.created_at / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_cases_insert AFTER INSERT ON cases BEGIN
  INSERT INTO rollup_dirty (day, gen) VALUES (NEW.opened_at / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_cases_decided AFTER UPDATE ON cases
WHEN OLD.decided_at IS NOT NEW.decided_at AND NEW.decided_at IS NOT NULL BEGIN
  INSERT INTO rollup_dirty (day, gen) VALUES (NEW.decided_at / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_appeals_decided AFTER UPDATE ON appeals
WHEN OLD.decided_at IS NOT NEW.decided_at AND NEW.decided_at IS NOT NULL BEGIN
  INSERT INTO rollup_dirty (day, gen) VALUES (NEW.decided_at / 86400000, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_service_levels_insert AFTER INSERT ON service_levels BEGIN
  INSERT INTO rollup_dirty (day, gen) VALUES (NEW.day, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER rollup_service_levels_update AFTER UPDATE ON service_levels BEGIN
  INSERT INTO rollup_dirty (day, gen) VALUES (NEW.day, 1)
  ON CONFLICT (day) DO UPDATE SET gen = gen + 1;
END;

-- Everything that existed before this migration is counted once.
INSERT OR IGNORE INTO rollup_dirty (day, gen)
SELECT DISTINCT coalesce(started_at, scheduled_for, accepted_at, created_at) / 86400000, 1 FROM calls
UNION SELECT DISTINCT created_at / 86400000, 1 FROM complaints
UNION SELECT DISTINCT created_at / 86400000, 1 FROM decisions
UNION SELECT DISTINCT opened_at / 86400000, 1 FROM cases
UNION SELECT DISTINCT day, 1 FROM service_levels;
)sql"},
    // Cases opened from the dishonest-user ranking (docs/analytics.md "### Opening a case"):
    // the row a moderator acted on, as it was then (score, reasons and their evidence), one per
    // case. An item of the case like a complaint or a flag (docs/moderation.md "Case items").
    {10, "detection_case_items", R"sql(
CREATE TABLE detection_case_items (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL UNIQUE REFERENCES cases(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  opened_by   INTEGER NOT NULL REFERENCES users(id),
  score       REAL NOT NULL CHECK (score >= 0 AND score <= 100),
  reasons     TEXT NOT NULL,
  window_days INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX detection_case_items_by_user ON detection_case_items(user_id, id);
)sql"},
    // Fixed-window counters the login and registration rate limits share across processes
    // (store/limits.h; docs/postgres.md "Rate limits across processes"): keys are hashes.
    {11, "rate_limits", R"sql(
CREATE TABLE rate_counters (
  key          TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count        INTEGER NOT NULL CHECK (count >= 0),
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_by_expiry ON rate_counters(expires_at);
)sql"},
    // The moderation quality tools (docs/quality.md): the supervisor role, honeypot test
    // cases and their invented people, and deviation tasks.
    {12, "moderation_quality", R"sql(
CREATE TABLE user_roles_v12 (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role    TEXT NOT NULL CHECK (role IN ('user', 'moderator', 'supervisor', 'analyst', 'admin')),
  PRIMARY KEY (user_id, role)
) WITHOUT ROWID;
INSERT INTO user_roles_v12 (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_v12 RENAME TO user_roles;

CREATE TABLE honeypots (
  id              INTEGER PRIMARY KEY,
  created_by      INTEGER NOT NULL REFERENCES users(id),
  source          TEXT NOT NULL CHECK (source IN ('synthetic', 'case')),
  category        TEXT NOT NULL,
  vertical        TEXT NOT NULL,
  language        TEXT NOT NULL,
  expected_action TEXT NOT NULL CHECK (expected_action IN ('dismiss', 'warn', 'block', 'ban')),
  acceptable      TEXT NOT NULL,
  content         TEXT NOT NULL,
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at      INTEGER NOT NULL
);

-- One instance of a honeypot: the case a moderator was served (never twice the same one).
CREATE TABLE honeypot_cases (
  case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
  honeypot_id  INTEGER NOT NULL REFERENCES honeypots(id),
  moderator_id INTEGER NOT NULL REFERENCES users(id),
  served_at    INTEGER NOT NULL,
  action       TEXT,
  correct      INTEGER CHECK (correct IN (0, 1)),
  decided_at   INTEGER,
  UNIQUE (honeypot_id, moderator_id)
);
CREATE INDEX honeypot_cases_by_moderator ON honeypot_cases(moderator_id, served_at);

-- Invented people: never real users, left out of everything real (the dishonest-user
-- ranking). honeypot_id: the honeypot they were invented for; NULL: the demo quality team's.
CREATE TABLE synthetic_users (
  user_id     INTEGER PRIMARY KEY REFERENCES users(id),
  honeypot_id INTEGER REFERENCES honeypots(id)
);

CREATE TABLE quality_tasks (
  id              INTEGER PRIMARY KEY,
  moderator_id    INTEGER NOT NULL REFERENCES users(id),
  period          TEXT NOT NULL CHECK (period IN ('day', 'week', 'month')),
  period_key      TEXT NOT NULL,
  metric          TEXT NOT NULL,
  value           REAL NOT NULL,
  peer_median     REAL NOT NULL,
  z               REAL NOT NULL,
  explanation     TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'closed')),
  result          TEXT,
  note            TEXT,
  opened_at       INTEGER NOT NULL,
  acknowledged_by INTEGER REFERENCES users(id),
  acknowledged_at INTEGER,
  closed_by       INTEGER REFERENCES users(id),
  closed_at       INTEGER,
  UNIQUE (moderator_id, period, period_key, metric)
);
CREATE INDEX quality_tasks_by_status ON quality_tasks(status, id);

-- Blind double review: a decided case's second decision by another moderator, and a
-- supervisor's final verdict where the two disagree.
CREATE TABLE double_reviews (
  id                  INTEGER PRIMARY KEY,
  case_id             INTEGER NOT NULL UNIQUE REFERENCES cases(id),
  first_decision_id   INTEGER NOT NULL REFERENCES decisions(id),
  first_moderator_id  INTEGER NOT NULL REFERENCES users(id),
  first_action        TEXT NOT NULL,
  category            TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('pending', 'assigned', 'agreed', 'disagreed', 'resolved')),
  second_moderator_id INTEGER REFERENCES users(id),
  assigned_at         INTEGER,
  lease_until         INTEGER,
  second_action       TEXT,
  second_decided_at   INTEGER,
  verdict             TEXT,
  verdict_reason      TEXT,
  verdict_by          INTEGER REFERENCES users(id),
  verdict_at          INTEGER,
  created_at          INTEGER NOT NULL
);
CREATE INDEX double_reviews_by_status ON double_reviews(status, id);
CREATE INDEX double_reviews_by_second ON double_reviews(second_decided_at);

-- Reporters a supervisor muted: their complaints are kept but raise no case's priority.
CREATE TABLE reporter_mutes (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id),
  until      INTEGER NOT NULL,
  reason     TEXT NOT NULL,
  muted_by   INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX complaints_by_reporter_decided ON complaints(reporter_id, updated_at);
CREATE INDEX appeals_by_time ON appeals(created_at);
)sql"},
    // Live warnings (issue 16): the warned party's answer to a live flag's warning.
    {13, "live_warning_feedback", R"sql(
ALTER TABLE flags ADD COLUMN party_feedback TEXT CHECK (party_feedback IN ('understood', 'not_scam'));
ALTER TABLE flags ADD COLUMN party_feedback_at INTEGER;
CREATE INDEX flags_live_by_rule ON flags(rule_id) WHERE live = 1;
)sql"},
};

}  // namespace

std::span<const Migration> LaterMigrations() { return kLater; }

}  // namespace vitrina::store::sqlite
