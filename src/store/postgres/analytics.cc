#include "store/postgres/analytics.h"

#include <algorithm>
#include <string>

namespace vitrina::store::postgres {
namespace {

constexpr const char* kRuleColumns =
    "id, category, language, speaker, expression, severity, action, enabled, live, builtin,"
    " created_at, updated_at";

AnalyticsRule ReadRule(const Stmt& s) {
  AnalyticsRule r;
  r.id = s.Int(0);
  r.category = s.Text(1);
  r.language = s.Text(2);
  r.speaker = s.Text(3);
  r.expression = s.Text(4);
  r.severity = s.Text(5);
  r.action = s.Text(6);
  r.enabled = s.Int(7) != 0;
  r.live = s.Int(8) != 0;
  r.builtin = s.Int(9) != 0;
  r.created_at = s.Int(10);
  r.updated_at = s.Int(11);
  return r;
}

void BindRule(Stmt& s, const AnalyticsRule& r) {
  s.Bind(1, r.category).Bind(2, r.language).Bind(3, r.speaker).Bind(4, r.expression)
      .Bind(5, r.severity).Bind(6, r.action).Bind(7, r.enabled).Bind(8, r.live).Bind(9, r.builtin)
      .Bind(10, r.created_at).Bind(11, r.updated_at);
}

constexpr const char* kFlagColumns =
    "id, call_id, transcript_version, rule_id, category, severity, speaker, accused_id, segment_id,"
    " start_ms, end_ms, text, live, case_id, review, reviewed_by, reviewed_at, created_at,"
    " party_feedback, party_feedback_at";

Flag ReadFlag(const Stmt& s) {
  Flag f;
  f.id = s.Int(0);
  f.call_id = s.Int(1);
  f.transcript_version = s.Int(2);
  f.rule_id = s.Int(3);
  f.category = s.Text(4);
  f.severity = s.Text(5);
  f.speaker = s.Text(6);
  f.accused_id = s.Int(7);
  f.segment_id = s.OptInt(8);
  f.start_ms = s.Int(9);
  f.end_ms = s.Int(10);
  f.text = s.Text(11);
  f.live = s.Int(12) != 0;
  f.case_id = s.OptInt(13);
  if (!s.IsNull(14)) f.review = s.Text(14);
  f.reviewed_by = s.OptInt(15);
  f.reviewed_at = s.OptInt(16);
  f.created_at = s.Int(17);
  if (!s.IsNull(18)) f.party_feedback = s.Text(18);
  f.party_feedback_at = s.OptInt(19);
  return f;
}

// A PostgreSQL array literal of ids ("{1,2,3}"), bound as $n::bigint[].
std::string IdArray(const std::vector<Id>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "}";
}

// The moment a call counts on (as in the rollups and the calls_by_day index).
#define CALL_AT "coalesce(c.started_at, c.scheduled_for, c.accepted_at, c.created_at)"

}  // namespace

Result<AnalyticsRule> PgAnalytics::InsertRule(const AnalyticsRule& rule) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO analytics_rules (category, language, speaker, expression, severity, action,"
      " enabled, live, builtin, created_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"));
  BindRule(stmt, rule);
  if (!TRY(stmt.Step())) return base::Internal("INSERT ... RETURNING gave no row");
  AnalyticsRule out = rule;
  out.id = stmt.Int(0);
  return out;
}

Result<void> PgAnalytics::UpdateRule(const AnalyticsRule& rule) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE analytics_rules SET category = $1, language = $2, speaker = $3, expression = $4,"
      " severity = $5, action = $6, enabled = $7, live = $8, builtin = $9, created_at = $10,"
      " updated_at = $11 WHERE id = $12"));
  BindRule(stmt, rule);
  stmt.Bind(12, rule.id);
  return stmt.Exec();
}

Result<std::optional<AnalyticsRule>> PgAnalytics::FindRule(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kRuleColumns + " FROM analytics_rules WHERE id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<AnalyticsRule>();
  auto rule = ReadRule(stmt);
  auto counts = TRY(c_.Prepare(
      "SELECT count(*) FILTER (WHERE review = 'correct'), count(*) FILTER (WHERE review = 'wrong')"
      " FROM flags WHERE rule_id = $1 AND review IS NOT NULL"));
  counts.Bind(1, id);
  if (TRY(counts.Step())) {
    rule.correct = counts.Int(0);
    rule.wrong = counts.Int(1);
  }
  auto live = TRY(c_.Prepare(
      "SELECT count(*), count(*) FILTER (WHERE party_feedback = 'not_scam')"
      " FROM flags WHERE rule_id = $1 AND live = 1 AND severity = 'high'"));
  live.Bind(1, id);
  if (TRY(live.Step())) {
    rule.live_warnings = live.Int(0);
    rule.live_not_scam = live.Int(1);
  }
  return std::optional<AnalyticsRule>(std::move(rule));
}

Result<std::vector<AnalyticsRule>> PgAnalytics::ListRules() {
  auto stmt = TRY(c_.Prepare(
      "SELECT r.id, r.category, r.language, r.speaker, r.expression, r.severity, r.action, r.enabled,"
      " r.live, r.builtin, r.created_at, r.updated_at, coalesce(v.correct, 0), coalesce(v.wrong, 0),"
      " coalesce(l.warnings, 0), coalesce(l.not_scam, 0)"
      " FROM analytics_rules r LEFT JOIN (SELECT rule_id,"
      "   count(*) FILTER (WHERE review = 'correct') AS correct,"
      "   count(*) FILTER (WHERE review = 'wrong') AS wrong"
      "   FROM flags WHERE review IS NOT NULL GROUP BY rule_id) v ON v.rule_id = r.id"
      " LEFT JOIN (SELECT rule_id, count(*) AS warnings,"
      "   count(*) FILTER (WHERE party_feedback = 'not_scam') AS not_scam"
      "   FROM flags WHERE live = 1 AND severity = 'high' GROUP BY rule_id) l ON l.rule_id = r.id"
      " ORDER BY r.id"));
  std::vector<AnalyticsRule> out;
  while (TRY(stmt.Step())) {
    auto r = ReadRule(stmt);
    r.correct = stmt.Int(12);
    r.wrong = stmt.Int(13);
    r.live_warnings = stmt.Int(14);
    r.live_not_scam = stmt.Int(15);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::pair<Id, TimeMs>> PgAnalytics::RulesStamp() {
  auto stmt = TRY(c_.Prepare(
      "SELECT coalesce(max(id), 0), coalesce(max(updated_at), 0), count(*) FROM analytics_rules"));
  TRY(stmt.Step());
  return std::make_pair(stmt.Int(0) * 1'000'003 + stmt.Int(2), stmt.Int(1));
}

Result<void> PgAnalytics::PutCallAnalytics(const CallAnalytics& a) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO call_analytics (call_id, transcript_version, duration_ms, talk_ratio_seller,"
      " tone_buyer, tone_seller, result, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      " ON CONFLICT (call_id) DO UPDATE SET transcript_version = excluded.transcript_version,"
      " duration_ms = excluded.duration_ms, talk_ratio_seller = excluded.talk_ratio_seller,"
      " tone_buyer = excluded.tone_buyer, tone_seller = excluded.tone_seller,"
      " result = excluded.result, computed_at = excluded.computed_at"));
  stmt.Bind(1, a.call_id).Bind(2, a.transcript_version).Bind(3, a.duration_ms)
      .BindDouble(4, a.talk_ratio_seller).Bind(5, a.tone_buyer).Bind(6, a.tone_seller)
      .Bind(7, a.result).Bind(8, a.computed_at);
  return stmt.Exec();
}

Result<std::optional<CallAnalytics>> PgAnalytics::FindCallAnalytics(Id call_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT call_id, transcript_version, duration_ms, talk_ratio_seller, tone_buyer, tone_seller,"
      " result, computed_at FROM call_analytics WHERE call_id = $1"));
  stmt.Bind(1, call_id);
  if (!TRY(stmt.Step())) return std::optional<CallAnalytics>();
  CallAnalytics a;
  a.call_id = stmt.Int(0);
  a.transcript_version = stmt.Int(1);
  a.duration_ms = stmt.Int(2);
  a.talk_ratio_seller = stmt.Double(3);
  a.tone_buyer = stmt.Text(4);
  a.tone_seller = stmt.Text(5);
  a.result = stmt.Text(6);
  a.computed_at = stmt.Int(7);
  return std::optional<CallAnalytics>(std::move(a));
}

Result<std::pair<Flag, bool>> PgAnalytics::InsertFlag(const Flag& f) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO flags (call_id, transcript_version, rule_id, category, severity, speaker,"
      " accused_id, segment_id, start_ms, end_ms, text, live, case_id, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
      " ON CONFLICT (call_id, transcript_version, rule_id, start_ms, live) DO NOTHING"));
  stmt.Bind(1, f.call_id).Bind(2, f.transcript_version).Bind(3, f.rule_id).Bind(4, f.category)
      .Bind(5, f.severity).Bind(6, f.speaker).Bind(7, f.accused_id).Bind(8, f.segment_id)
      .Bind(9, f.start_ms).Bind(10, f.end_ms).Bind(11, f.text).Bind(12, f.live).Bind(13, f.case_id)
      .Bind(14, f.created_at);
  TRY(stmt.Exec());
  const bool inserted = stmt.Affected() > 0;
  auto find = TRY(c_.Prepare(std::string("SELECT ") + kFlagColumns +
                             " FROM flags WHERE call_id = $1 AND transcript_version = $2 AND rule_id = $3"
                             " AND start_ms = $4 AND live = $5"));
  find.Bind(1, f.call_id).Bind(2, f.transcript_version).Bind(3, f.rule_id).Bind(4, f.start_ms).Bind(5, f.live);
  if (!TRY(find.Step())) return base::Internal("flag vanished after insert");
  return std::make_pair(ReadFlag(find), inserted);
}

Result<std::optional<Flag>> PgAnalytics::FindFlag(Id id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kFlagColumns + " FROM flags WHERE id = $1"));
  stmt.Bind(1, id);
  if (!TRY(stmt.Step())) return std::optional<Flag>();
  return std::optional<Flag>(ReadFlag(stmt));
}

Result<std::vector<Flag>> PgAnalytics::ListFlags(const FlagFilter& f) {
  // Only the filters given are in the SQL (PostgreSQL refuses a bound parameter the
  // statement does not name), numbered in order.
  std::string sql = std::string("SELECT ") + kFlagColumns + " FROM flags WHERE true";
  int n = 0;
  if (f.call_id) sql += " AND call_id = $" + std::to_string(++n);
  if (f.case_id) sql += " AND case_id = $" + std::to_string(++n);
  sql += " ORDER BY start_ms, id LIMIT $" + std::to_string(++n);
  auto stmt = TRY(c_.Prepare(sql));
  n = 0;
  if (f.call_id) stmt.Bind(++n, *f.call_id);
  if (f.case_id) stmt.Bind(++n, *f.case_id);
  stmt.Bind(++n, f.limit);
  std::vector<Flag> out;
  while (TRY(stmt.Step())) out.push_back(ReadFlag(stmt));
  return out;
}

Result<void> PgAnalytics::SetFlagCase(Id flag_id, Id case_id) {
  auto stmt = TRY(c_.Prepare("UPDATE flags SET case_id = $2 WHERE id = $1"));
  return stmt.Bind(1, flag_id).Bind(2, case_id).Exec();
}

Result<std::pair<int, std::optional<int>>> PgAnalytics::CaseFlagStats(Id case_id) {
  auto stmt = TRY(c_.Prepare(
      "SELECT count(*), min(CASE severity WHEN 'high' THEN 1 WHEN 'warn' THEN 2 ELSE 3 END)"
      " FILTER (WHERE review IS NULL OR review <> 'wrong') FROM flags WHERE case_id = $1"));
  stmt.Bind(1, case_id);
  TRY(stmt.Step());
  return std::make_pair(static_cast<int>(stmt.Int(0)),
                        stmt.IsNull(1) ? std::optional<int>() : std::optional<int>(stmt.Int(1)));
}

Result<void> PgAnalytics::ReviewFlag(Id flag_id, const std::string& review, Id by, TimeMs at) {
  auto stmt = TRY(c_.Prepare("UPDATE flags SET review = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $1"));
  return stmt.Bind(1, flag_id).Bind(2, review).Bind(3, by).Bind(4, at).Exec();
}

Result<bool> PgAnalytics::SetPartyFeedback(Id flag_id, const std::string& answer, TimeMs at) {
  auto stmt = TRY(c_.Prepare(
      "UPDATE flags SET party_feedback = $2, party_feedback_at = $3"
      " WHERE id = $1 AND live = 1 AND party_feedback IS NULL"));
  TRY(stmt.Bind(1, flag_id).Bind(2, answer).Bind(3, at).Exec());
  return stmt.Affected() > 0;
}

Result<int> PgAnalytics::DeleteStaleFlags(Id call_id, const std::vector<Id>& keep) {
  auto stmt = TRY(c_.Prepare(
      "DELETE FROM flags WHERE call_id = $1 AND live = 0 AND review IS NULL AND case_id IS NULL"
      " AND id <> ALL ($2::bigint[])"));
  TRY(stmt.Bind(1, call_id).Bind(2, IdArray(keep)).Exec());
  return static_cast<int>(stmt.Affected());
}

Result<std::vector<Id>> PgAnalytics::CallsWithTranscript(TimeMs from, TimeMs to, Id after, int limit) {
  auto stmt = TRY(c_.Prepare(
      "SELECT c.id FROM calls c JOIN transcripts t ON t.call_id = c.id AND t.current = 1"
      " WHERE c.id > $3 AND c.started_at BETWEEN $1 AND $2 AND c.purged_at IS NULL"
      " ORDER BY c.id LIMIT $4"));
  stmt.Bind(1, from).Bind(2, to).Bind(3, after).Bind(4, limit);
  std::vector<Id> out;
  while (TRY(stmt.Step())) out.push_back(stmt.Int(0));
  return out;
}

Result<void> PgAnalytics::PurgeCall(Id call_id) {
  auto del = TRY(c_.Prepare("DELETE FROM call_analytics WHERE call_id = $1"));
  TRY(del.Bind(1, call_id).Exec());
  auto words = TRY(c_.Prepare("UPDATE flags SET text = '' WHERE call_id = $1"));
  return words.Bind(1, call_id).Exec();
}

Result<std::vector<AnalystCallRow>> PgAnalytics::ListAnalystCalls(const AnalystCallFilter& f) {
  // SQLite names the select list's `at` in WHERE; PostgreSQL does not, so it is spelled out.
  auto stmt = TRY(c_.Prepare(
      "SELECT c.id, " CALL_AT " AS at,"
      " coalesce(c.recording_duration_ms, c.ended_at - c.started_at, 0), l.vertical, c.state, c.no_show,"
      " c.buyer_id, c.seller_id, a.talk_ratio_seller, a.tone_seller,"
      " (SELECT string_agg(DISTINCT category, ',' ORDER BY category) FROM flags WHERE call_id = c.id),"
      " (SELECT count(*) FROM complaints WHERE call_id = c.id)"
      " FROM calls c JOIN listings l ON l.id = c.listing_id"
      " LEFT JOIN call_analytics a ON a.call_id = c.id"
      " WHERE c.state IN ('ended', 'missed', 'failed')"
      " AND " CALL_AT " BETWEEN $1 AND $2"
      " AND ($3::text IS NULL OR l.vertical = $3)"
      " AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM flags WHERE call_id = c.id AND category = $4))"
      " AND ($5::bigint IS NULL OR " CALL_AT " < $5 OR (" CALL_AT " = $5 AND c.id < $6::bigint))"
      " ORDER BY 2 DESC, c.id DESC LIMIT $7"));
  stmt.Bind(1, f.from).Bind(2, f.to).Bind(3, f.vertical).Bind(4, f.category);
  if (f.before) {
    stmt.Bind(5, f.before->first).Bind(6, f.before->second);
  } else {
    stmt.BindNull(5).BindNull(6);
  }
  stmt.Bind(7, f.limit);
  std::vector<AnalystCallRow> out;
  while (TRY(stmt.Step())) {
    AnalystCallRow r;
    r.call_id = stmt.Int(0);
    r.at = stmt.Int(1);
    r.duration_ms = std::max<std::int64_t>(0, stmt.Int(2));
    r.vertical = stmt.Text(3);
    r.state = stmt.Text(4);
    if (!stmt.IsNull(5)) r.no_show = stmt.Text(5);
    r.buyer_id = stmt.Int(6);
    r.seller_id = stmt.Int(7);
    if (!stmt.IsNull(8)) r.talk_ratio_seller = stmt.Double(8);
    if (!stmt.IsNull(9)) r.tone_seller = stmt.Text(9);
    if (!stmt.IsNull(10)) {
      std::string cats = stmt.Text(10);
      for (std::size_t at = 0; at <= cats.size();) {
        const auto comma = cats.find(',', at);
        const auto end = comma == std::string::npos ? cats.size() : comma;
        if (end > at) r.flag_categories.push_back(cats.substr(at, end - at));
        at = end + 1;
      }
    }
    r.complaints = stmt.Int(11);
    out.push_back(std::move(r));
  }
  return out;
}

#undef CALL_AT

}  // namespace vitrina::store::postgres
