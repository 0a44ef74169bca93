// Migrations 9 and on: the insights era (rollups, detection, rate limits, moderation quality,
// live warnings). migrations.cc holds 1-8 and joins the two lists.

#include "store/postgres/migrations.h"

namespace vitrina::store::postgres {
namespace {

constexpr Migration kLater[] = {
    // Daily rollups for the analysts' dashboards (docs/analytics.md "## Dashboards"): one row per
    // UTC day, vertical ('' = all verticals, '*' = not by vertical), metric and key. Triggers mark
    // a day dirty whenever something it counts changes (in the same transaction, so nothing is
    // missed); the `analytics.rollup` job recomputes dirty days from the day's own rows.
    // Unlike SQLite's, the marks are a log that writers only append to (see rollup_dirty).
    {9, "daily_rollups", R"sql(
CREATE TABLE daily_rollups (
  day      BIGINT NOT NULL,
  vertical TEXT NOT NULL,
  metric   TEXT NOT NULL,
  key      TEXT NOT NULL,
  value    DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (day, vertical, metric, key)
);

-- Days whose rollup is out of date, as a log of marks: a change appends a row (its day, gen 1)
-- and never updates one, so writers on the same day, on any number of processes, do not fail
-- SERIALIZABLE over a shared row (SQLite's one row per day, gen + 1, would make every two
-- writes of a day conflict). A day is dirty while it has rows; its generation is the sum of
-- their gen (the marks so far). A recompute deletes the day's rows only if that sum is still
-- the one it read, so a recompute that raced a new mark leaves the day dirty; otherwise it folds
-- them into one row of the same sum. Same name and columns as SQLite's table: a site copied from
-- SQLite keeps its dirty days, one row each with its gen.
CREATE TABLE rollup_dirty (
  day BIGINT NOT NULL,
  gen BIGINT NOT NULL DEFAULT 1 CHECK (gen > 0)
);
CREATE INDEX rollup_dirty_by_day ON rollup_dirty(day);

CREATE TABLE rollup_state (
  id          BIGINT PRIMARY KEY CHECK (id = 1),
  computed_at BIGINT NOT NULL
);

CREATE INDEX calls_by_day ON calls(coalesce(started_at, scheduled_for, accepted_at, created_at));
CREATE INDEX complaints_by_created ON complaints(created_at);
CREATE INDEX decisions_by_created ON decisions(created_at);
CREATE INDEX cases_by_opened ON cases(opened_at);
CREATE INDEX cases_by_decided ON cases(decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX appeals_by_decided ON appeals(decided_at) WHERE decided_at IS NOT NULL;

-- Days are UTC days of ms timestamps by integer division (truncating, as SQLite's `/` on
-- integers). SQLite's `IS NOT` is `IS DISTINCT FROM`. Each trigger below is one of SQLite's,
-- under the same name, but per statement (transition tables new_rows/old_rows; an UPDATE's
-- old and new rows are paired by key): a statement marks each day it touched once, however
-- many rows it wrote (a bulk insert of a day's rows appends one mark, not one per row); an
-- update moving a call marks the day it left and the day it moved to.
CREATE FUNCTION rollup_mark_day(d BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF d IS NULL THEN RETURN; END IF;
  INSERT INTO rollup_dirty (day, gen) VALUES (d, 1);
END;
$$;

-- calls: the new rows' days; on an update, the new and the old day of each row whose counted
-- columns changed.
CREATE FUNCTION rollup_calls_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rollup_dirty (day, gen)
    SELECT DISTINCT coalesce(started_at, scheduled_for, accepted_at, created_at) / 86400000, 1
      FROM new_rows WHERE coalesce(started_at, scheduled_for, accepted_at, created_at) IS NOT NULL;
  ELSE
    INSERT INTO rollup_dirty (day, gen)
    SELECT DISTINCT x.day, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES
        (coalesce(n.started_at, n.scheduled_for, n.accepted_at, n.created_at) / 86400000),
        (coalesce(o.started_at, o.scheduled_for, o.accepted_at, o.created_at) / 86400000)) x(day)
     WHERE x.day IS NOT NULL
       AND (o.state IS DISTINCT FROM n.state OR o.no_show IS DISTINCT FROM n.no_show
         OR o.started_at IS DISTINCT FROM n.started_at OR o.ended_at IS DISTINCT FROM n.ended_at
         OR o.scheduled_for IS DISTINCT FROM n.scheduled_for OR o.accepted_at IS DISTINCT FROM n.accepted_at
         OR o.recording_duration_ms IS DISTINCT FROM n.recording_duration_ms
         OR o.listing_id IS DISTINCT FROM n.listing_id);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER rollup_calls_insert AFTER INSERT ON calls REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_calls_mark();
CREATE TRIGGER rollup_calls_update AFTER UPDATE ON calls
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_calls_mark();

-- call_analytics and flags: the days of their calls (nothing when the call is not there).
CREATE FUNCTION rollup_call_rows_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO rollup_dirty (day, gen)
    SELECT DISTINCT coalesce(c.started_at, c.scheduled_for, c.accepted_at, c.created_at) / 86400000, 1
      FROM calls c WHERE c.id IN (SELECT call_id FROM old_rows);
  ELSE
    INSERT INTO rollup_dirty (day, gen)
    SELECT DISTINCT coalesce(c.started_at, c.scheduled_for, c.accepted_at, c.created_at) / 86400000, 1
      FROM calls c WHERE c.id IN (SELECT call_id FROM new_rows);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER rollup_analytics_insert AFTER INSERT ON call_analytics REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_call_rows_mark();
CREATE TRIGGER rollup_analytics_update AFTER UPDATE ON call_analytics REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_call_rows_mark();
CREATE TRIGGER rollup_analytics_delete AFTER DELETE ON call_analytics REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_call_rows_mark();
CREATE TRIGGER rollup_flags_insert AFTER INSERT ON flags REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_call_rows_mark();
CREATE TRIGGER rollup_flags_delete AFTER DELETE ON flags REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_call_rows_mark();

-- complaints and decisions: the days they were made. A complaint's update marks per row (an
-- UPDATE OF trigger, as SQLite's, cannot have transition tables; complaints change one at a
-- time).
CREATE FUNCTION rollup_created_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty (day, gen) SELECT DISTINCT created_at / 86400000, 1 FROM new_rows;
  RETURN NULL;
END;
$$;
CREATE FUNCTION rollup_created_row_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rollup_mark_day(NEW.created_at / 86400000);
  RETURN NULL;
END;
$$;
CREATE TRIGGER rollup_complaints_insert AFTER INSERT ON complaints REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_created_mark();
CREATE TRIGGER rollup_complaints_update AFTER UPDATE OF status, category ON complaints
  FOR EACH ROW EXECUTE FUNCTION rollup_created_row_mark();
CREATE TRIGGER rollup_decisions_insert AFTER INSERT ON decisions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_created_mark();

-- cases: the days opened; cases and appeals: the day decided, when it is set or changes.
CREATE FUNCTION rollup_opened_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty (day, gen) SELECT DISTINCT opened_at / 86400000, 1 FROM new_rows;
  RETURN NULL;
END;
$$;
CREATE TRIGGER rollup_cases_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_opened_mark();
CREATE FUNCTION rollup_decided_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty (day, gen)
  SELECT DISTINCT n.decided_at / 86400000, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
   WHERE o.decided_at IS DISTINCT FROM n.decided_at AND n.decided_at IS NOT NULL;
  RETURN NULL;
END;
$$;
CREATE TRIGGER rollup_cases_decided AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_decided_mark();
CREATE TRIGGER rollup_appeals_decided AFTER UPDATE ON appeals
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_decided_mark();

-- service_levels: their own days (an upsert's update too).
CREATE FUNCTION rollup_service_level_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty (day, gen) SELECT DISTINCT day, 1 FROM new_rows;
  RETURN NULL;
END;
$$;
CREATE TRIGGER rollup_service_levels_insert AFTER INSERT ON service_levels REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_service_level_mark();
CREATE TRIGGER rollup_service_levels_update AFTER UPDATE ON service_levels REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_service_level_mark();

-- Everything that existed before this migration is counted once.
INSERT INTO rollup_dirty (day, gen)
SELECT coalesce(started_at, scheduled_for, accepted_at, created_at) / 86400000, 1 FROM calls
UNION SELECT created_at / 86400000, 1 FROM complaints
UNION SELECT created_at / 86400000, 1 FROM decisions
UNION SELECT opened_at / 86400000, 1 FROM cases
UNION SELECT day, 1 FROM service_levels;
)sql"},
    // Cases opened from the dishonest-user ranking (docs/analytics.md "### Opening a case"):
    // the row a moderator acted on, as it was then (score, reasons and their evidence), one per
    // case. An item of the case like a complaint or a flag (docs/moderation.md "Case items").
    {10, "detection_case_items", R"sql(
CREATE TABLE detection_case_items (
  id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id     BIGINT NOT NULL UNIQUE REFERENCES cases(id),
  user_id     BIGINT NOT NULL REFERENCES users(id),
  opened_by   BIGINT NOT NULL REFERENCES users(id),
  score       DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 100),
  reasons     TEXT NOT NULL,
  window_days BIGINT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX detection_case_items_by_user ON detection_case_items(user_id, id);
)sql"},
    // Fixed-window counters the login and registration rate limits share across processes
    // (store/limits.h; docs/postgres.md "Rate limits across processes"): keys are hashes.
    {11, "rate_limits", R"sql(
CREATE TABLE rate_counters (
  key          TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  count        BIGINT NOT NULL CHECK (count >= 0),
  expires_at   BIGINT NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_by_expiry ON rate_counters(expires_at);
)sql"},
    // The moderation quality tools (docs/quality.md): the supervisor role, honeypot test
    // cases and their invented people, and deviation tasks.
    {12, "moderation_quality", R"sql(
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
  CHECK (role IN ('user', 'moderator', 'supervisor', 'analyst', 'admin'));

CREATE TABLE honeypots (
  id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  created_by      BIGINT NOT NULL REFERENCES users(id),
  source          TEXT NOT NULL CHECK (source IN ('synthetic', 'case')),
  category        TEXT NOT NULL,
  vertical        TEXT NOT NULL,
  language        TEXT NOT NULL,
  expected_action TEXT NOT NULL CHECK (expected_action IN ('dismiss', 'warn', 'block', 'ban')),
  acceptable      TEXT NOT NULL,
  content         TEXT NOT NULL,
  active          BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at      BIGINT NOT NULL
);

-- One instance of a honeypot: the case a moderator was served (never twice the same one).
CREATE TABLE honeypot_cases (
  case_id      BIGINT PRIMARY KEY REFERENCES cases(id),
  honeypot_id  BIGINT NOT NULL REFERENCES honeypots(id),
  moderator_id BIGINT NOT NULL REFERENCES users(id),
  served_at    BIGINT NOT NULL,
  action       TEXT,
  correct      BIGINT CHECK (correct IN (0, 1)),
  decided_at   BIGINT,
  UNIQUE (honeypot_id, moderator_id)
);
CREATE INDEX honeypot_cases_by_moderator ON honeypot_cases(moderator_id, served_at);

-- Invented people: never real users, left out of everything real (the dishonest-user
-- ranking). honeypot_id: the honeypot they were invented for; NULL: the demo quality team's.
CREATE TABLE synthetic_users (
  user_id     BIGINT PRIMARY KEY REFERENCES users(id),
  honeypot_id BIGINT REFERENCES honeypots(id)
);

CREATE TABLE quality_tasks (
  id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  moderator_id    BIGINT NOT NULL REFERENCES users(id),
  period          TEXT NOT NULL CHECK (period IN ('day', 'week', 'month')),
  period_key      TEXT NOT NULL,
  metric          TEXT NOT NULL,
  value           DOUBLE PRECISION NOT NULL,
  peer_median     DOUBLE PRECISION NOT NULL,
  z               DOUBLE PRECISION NOT NULL,
  explanation     TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'closed')),
  result          TEXT,
  note            TEXT,
  opened_at       BIGINT NOT NULL,
  acknowledged_by BIGINT REFERENCES users(id),
  acknowledged_at BIGINT,
  closed_by       BIGINT REFERENCES users(id),
  closed_at       BIGINT,
  UNIQUE (moderator_id, period, period_key, metric)
);
CREATE INDEX quality_tasks_by_status ON quality_tasks(status, id);

-- Blind double review: a decided case's second decision by another moderator, and a
-- supervisor's final verdict where the two disagree.
CREATE TABLE double_reviews (
  id                  BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id             BIGINT NOT NULL UNIQUE REFERENCES cases(id),
  first_decision_id   BIGINT NOT NULL REFERENCES decisions(id),
  first_moderator_id  BIGINT NOT NULL REFERENCES users(id),
  first_action        TEXT NOT NULL,
  category            TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('pending', 'assigned', 'agreed', 'disagreed', 'resolved')),
  second_moderator_id BIGINT REFERENCES users(id),
  assigned_at         BIGINT,
  lease_until         BIGINT,
  second_action       TEXT,
  second_decided_at   BIGINT,
  verdict             TEXT,
  verdict_reason      TEXT,
  verdict_by          BIGINT REFERENCES users(id),
  verdict_at          BIGINT,
  created_at          BIGINT NOT NULL
);
CREATE INDEX double_reviews_by_status ON double_reviews(status, id);
CREATE INDEX double_reviews_by_second ON double_reviews(second_decided_at);

-- Reporters a supervisor muted: their complaints are kept but raise no case's priority.
CREATE TABLE reporter_mutes (
  user_id    BIGINT PRIMARY KEY REFERENCES users(id),
  until      BIGINT NOT NULL,
  reason     TEXT NOT NULL,
  muted_by   BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX complaints_by_reporter_decided ON complaints(reporter_id, updated_at);
CREATE INDEX appeals_by_time ON appeals(created_at);
)sql"},
    // Live warnings (issue 16): the warned party's answer to a live flag's warning.
    {13, "live_warning_feedback", R"sql(
ALTER TABLE flags ADD COLUMN party_feedback TEXT CHECK (party_feedback IN ('understood', 'not_scam'));
ALTER TABLE flags ADD COLUMN party_feedback_at BIGINT;
CREATE INDEX flags_live_by_rule ON flags(rule_id) WHERE live = 1;
)sql"},
};

}  // namespace

std::span<const Migration> LaterMigrations() { return kLater; }

}  // namespace vitrina::store::postgres
