#include "store/sqlite/insights.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

namespace vitrina::store::sqlite {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// The moment a call counts on: when it started, else when it was due, accepted or proposed.
// Spelled exactly as the calls_by_day index (migration 9) so the planner uses it.
#define CALL_AT(c) \
  "coalesce(" c ".started_at, " c ".scheduled_for, " c ".accepted_at, " c ".created_at)"

// The day's statements, each giving (day, vertical, metric, key, value): ?1 day, ?2 its first
// ms, ?3 the first ms of the next day, ?4 the end of the queue snapshot (the day's end, or now
// for today).
std::string DayCalls(const char* join = "") {
  return std::string(
             " FROM calls c INDEXED BY calls_by_day JOIN listings l ON l.id = c.listing_id") +
         join +
         " WHERE " CALL_AT("c") " >= ?2 AND " CALL_AT(
             "c") " < ?3 AND c.state IN ('ended', 'missed', 'failed')";
}

constexpr const char* kAnalysed = " JOIN call_analytics a ON a.call_id = c.id";

const std::string kRecompute[] = {
    std::string("SELECT ?1, l.vertical, 'calls',"
                " CASE WHEN c.no_show IS NOT NULL THEN 'no_show' ELSE c.state END, count(*)") +
        DayCalls() + " GROUP BY 2, 4",
    std::string(
        "SELECT ?1, vertical, 'duration', CASE WHEN d < 60000 THEN '0' WHEN d < 180000 THEN '60'"
        " WHEN d < 300000 THEN '180' WHEN d < 600000 THEN '300' WHEN d < 1200000 THEN '600'"
        " ELSE '1200' END, count(*) FROM (SELECT l.vertical AS vertical,"
        " coalesce(c.recording_duration_ms, c.ended_at - c.started_at, 0) AS d") +
        DayCalls() + " AND c.state = 'ended' AND c.no_show IS NULL) GROUP BY 2, 4",
    std::string(
        "SELECT ?1, l.vertical, 'talk_ratio',"
        " CAST(min(9, max(0, CAST(a.talk_ratio_seller * 10 AS INTEGER))) AS TEXT), count(*)") +
        DayCalls(kAnalysed) + " GROUP BY 2, 4",
    std::string("SELECT ?1, l.vertical, 'tone', 'seller:' || a.tone_seller, count(*)") +
        DayCalls(kAnalysed) + " GROUP BY 2, 4",
    std::string("SELECT ?1, l.vertical, 'tone', 'buyer:' || a.tone_buyer, count(*)") +
        DayCalls(kAnalysed) + " GROUP BY 2, 4",
    std::string("SELECT ?1, l.vertical, 'flags', f.category, count(*)") +
        DayCalls(" JOIN flags f ON f.call_id = c.id AND f.live = 0") + " GROUP BY 2, 4",
    "SELECT ?1, l.vertical, 'complaints', cp.category, count(*) FROM complaints cp"
    " JOIN calls c ON c.id = cp.call_id JOIN listings l ON l.id = c.listing_id"
    " WHERE cp.created_at >= ?2 AND cp.created_at < ?3 GROUP BY 2, 4",
    "SELECT ?1, k.vertical, 'decisions', d.action, count(*) FROM decisions d JOIN cases k ON k.id "
    "= d.case_id"
    " WHERE d.created_at >= ?2 AND d.created_at < ?3 GROUP BY 2, 4",
    "SELECT ?1, vertical, 'sla', CASE WHEN decided_at <= sla_due_at THEN 'kept' ELSE 'breached' "
    "END, count(*)"
    " FROM cases WHERE decided_at >= ?2 AND decided_at < ?3 GROUP BY 2, 4",
    "SELECT ?1, vertical, 'queue', 'open', count(*) FROM cases"
    " WHERE opened_at <= ?4 AND (decided_at IS NULL OR decided_at > ?4) GROUP BY 2",
    "SELECT ?1, k.vertical, 'appeals', a.status, count(*) FROM appeals a JOIN cases k ON k.id = "
    "a.case_id"
    " WHERE a.decided_at >= ?2 AND a.decided_at < ?3 AND a.status <> 'open' GROUP BY 2, 4",
    "SELECT ?1, '*', 'service_level', zone, count(*) FROM service_levels WHERE day = ?1 GROUP BY "
    "zone",
};

Result<std::vector<RollupRow>> ReadRows(Stmt& stmt) {
  std::vector<RollupRow> out;
  while (TRY(stmt.Step())) {
    out.push_back({stmt.Int(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Double(4)});
  }
  return out;
}

}  // namespace

Result<std::vector<DirtyDay>> SqliteRollups::DirtyDays(int limit) {
  auto stmt = TRY(c_.Prepare("SELECT day, gen FROM rollup_dirty ORDER BY day LIMIT ?1"));
  stmt.Bind(1, limit);
  std::vector<DirtyDay> out;
  while (TRY(stmt.Step())) out.push_back({stmt.Int(0), stmt.Int(1)});
  return out;
}

Result<std::int64_t> SqliteRollups::CountDirty() {
  auto stmt = TRY(c_.Prepare("SELECT count(*) FROM rollup_dirty"));
  TRY(stmt.Step());
  return stmt.Int(0);
}

Result<void> SqliteRollups::MarkDays(Day from, Day to) {
  auto stmt =
      TRY(c_.Prepare("WITH RECURSIVE d(x) AS (SELECT ?1 UNION ALL SELECT x + 1 FROM d WHERE x < ?2)"
                     " INSERT INTO rollup_dirty (day, gen) SELECT x, 1 FROM d WHERE true"
                     " ON CONFLICT (day) DO UPDATE SET gen = gen + 1"));
  return stmt.Bind(1, from).Bind(2, to).Exec();
}

Result<std::vector<RollupRow>> SqliteRollups::ComputeDay(Day day, TimeMs now) {
  const TimeMs start = day * kDayMs;
  const TimeMs end = start + kDayMs;
  const TimeMs snapshot = std::clamp(now, start, end);
  std::vector<RollupRow> rows;
  std::map<std::pair<std::string, std::string>, double> all;  // (metric, key) over the verticals
  for (const auto& sql : kRecompute) {
    auto stmt = TRY(c_.Prepare(sql));
    // Every statement names ?1; the others only some: binding an absent index is a no-op.
    stmt.Bind(1, day).Bind(2, start).Bind(3, end).Bind(4, snapshot);
    while (TRY(stmt.Step())) {
      RollupRow r{day, stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Double(4)};
      if (r.vertical != kNotByVertical) all[{r.metric, r.key}] += r.value;
      rows.push_back(std::move(r));
    }
  }
  // Every vertical together, so a dashboard over all of them reads one row per key and day.
  for (const auto& [mk, value] : all)
    rows.push_back({day, kAllVerticals, mk.first, mk.second, value});
  return rows;
}

Result<bool> SqliteRollups::ReplaceDay(Day day, std::int64_t gen,
                                       const std::vector<RollupRow>& rows, TimeMs now) {
  auto drop = TRY(c_.Prepare("DELETE FROM daily_rollups WHERE day = ?1"));
  TRY(drop.Bind(1, day).Exec());
  for (const auto& r : rows) {
    // Prepared per row (from the connection's cache): a Stmt resets when it goes out of scope,
    // and a statement that ran must be reset before it can be bound again.
    auto put = TRY(c_.Prepare(
        "INSERT INTO daily_rollups (day, vertical, metric, key, value) VALUES (?1, ?2, ?3, ?4, ?5)"));
    TRY(put.Bind(1, day).Bind(2, r.vertical).Bind(3, r.metric).Bind(4, r.key).BindDouble(5, r.value).Exec());
  }
  auto clear = TRY(c_.Prepare("DELETE FROM rollup_dirty WHERE day = ?1 AND gen = ?2"));
  TRY(clear.Bind(1, day).Bind(2, gen).Exec());
  const bool cleared = c_.Changes() > 0;
  auto state =
      TRY(c_.Prepare("INSERT INTO rollup_state (id, computed_at) VALUES (1, ?1)"
                     " ON CONFLICT (id) DO UPDATE SET computed_at = excluded.computed_at"));
  TRY(state.Bind(1, now).Exec());
  return cleared;
}

Result<std::optional<std::pair<Day, Day>>> SqliteRollups::DataDays() {
  auto stmt =
      TRY(c_.Prepare("SELECT min(lo), max(hi) FROM ("
                     " SELECT min(" CALL_AT("calls") ") / 86400000 AS lo, max(" CALL_AT(
                         "calls") ") / 86400000 AS hi FROM calls"
                                  " UNION ALL SELECT min(opened_at) / 86400000, "
                                  "max(coalesce(decided_at, opened_at)) / 86400000 FROM cases"
                                  " UNION ALL SELECT min(day), max(day) FROM service_levels)"));
  TRY(stmt.Step());
  if (stmt.IsNull(0)) return std::optional<std::pair<Day, Day>>();
  return std::optional<std::pair<Day, Day>>(std::pair<Day, Day>(stmt.Int(0), stmt.Int(1)));
}

Result<std::vector<RollupRow>> SqliteRollups::Read(Day from, Day to, const std::string& vertical) {
  auto stmt =
      TRY(c_.Prepare("SELECT day, vertical, metric, key, value FROM daily_rollups"
                     " WHERE day BETWEEN ?1 AND ?2 AND vertical IN (?3, '*') ORDER BY day"));
  stmt.Bind(1, from).Bind(2, to).Bind(3, vertical);
  return ReadRows(stmt);
}

Result<std::vector<RollupRow>> SqliteRollups::ReadByVertical(
    Day from, Day to, const std::vector<std::string>& metrics) {
  boost::json::array list;
  for (const auto& m : metrics) list.emplace_back(m);
  auto stmt =
      TRY(c_.Prepare("SELECT day, vertical, metric, key, value FROM daily_rollups"
                     " WHERE day BETWEEN ?1 AND ?2 AND vertical NOT IN ('', '*')"
                     " AND metric IN (SELECT value FROM json_each(?3)) ORDER BY day"));
  stmt.Bind(1, from).Bind(2, to).Bind(3, boost::json::serialize(list));
  return ReadRows(stmt);
}

Result<std::optional<TimeMs>> SqliteRollups::ComputedAt() {
  auto stmt = TRY(c_.Prepare("SELECT computed_at FROM rollup_state WHERE id = 1"));
  if (!TRY(stmt.Step())) return std::optional<TimeMs>();
  return std::optional<TimeMs>(stmt.Int(0));
}

// ---- Exports ----

namespace {

// One statement per kind, columns in the order of ExportColumns(kind); ?1 from, ?2 to.
const char* ExportSql(ExportKind kind) {
  switch (kind) {
    case ExportKind::kCalls:
      return "SELECT c.id, " CALL_AT("c") ", max(0, coalesce(c.recording_duration_ms, c.ended_at - c.started_at, 0)),"
             " l.vertical, CASE WHEN c.no_show IS NOT NULL THEN 'no_show' ELSE c.state END,"
             " c.buyer_id, c.seller_id, a.talk_ratio_seller, a.tone_buyer, a.tone_seller,"
             " (SELECT group_concat(category, ';') FROM (SELECT DISTINCT category FROM flags"
             "   WHERE call_id = c.id ORDER BY category)),"
             " (SELECT count(*) FROM complaints WHERE call_id = c.id)"
             " FROM calls c INDEXED BY calls_by_day JOIN listings l ON l.id = c.listing_id"
             " LEFT JOIN call_analytics a ON a.call_id = c.id"
             " WHERE " CALL_AT("c") " >= ?1 AND " CALL_AT("c") " < ?2 AND c.state IN ('ended', 'missed', 'failed')"
             " ORDER BY " CALL_AT("c") ", c.id";
    case ExportKind::kUtterances:
      return "SELECT c.id, s.speaker, CASE s.speaker WHEN 'buyer' THEN c.buyer_id ELSE c.seller_id END,"
             " s.start_ms, s.end_ms, t.language, s.text"
             " FROM calls c INDEXED BY calls_by_day JOIN transcripts t ON t.call_id = c.id AND t.current = 1"
             " JOIN transcript_segments s ON s.call_id = t.call_id AND s.version = t.version"
             " WHERE " CALL_AT("c") " >= ?1 AND " CALL_AT("c") " < ?2 AND c.purged_at IS NULL"
             " ORDER BY " CALL_AT("c") ", c.id, s.start_ms, s.id";
    case ExportKind::kFlags:
      return "SELECT f.call_id, f.rule_id, f.category, f.severity, f.speaker, f.accused_id, f.start_ms, f.end_ms,"
             " f.text, f.live, f.review, f.created_at"
             " FROM calls c INDEXED BY calls_by_day JOIN flags f ON f.call_id = c.id"
             " WHERE " CALL_AT("c") " >= ?1 AND " CALL_AT("c") " < ?2"
             " ORDER BY " CALL_AT("c") ", c.id, f.start_ms, f.id";
    case ExportKind::kComplaints:
      return "SELECT cp.call_id, l.vertical, cp.category, cp.status, cp.reporter_id, "
             "cp.accused_id, cp.text,"
             " cp.created_at FROM complaints cp JOIN calls c ON c.id = cp.call_id"
             " JOIN listings l ON l.id = c.listing_id"
             " WHERE cp.created_at >= ?1 AND cp.created_at < ?2 ORDER BY cp.created_at, cp.id";
    case ExportKind::kDecisions:
      return "SELECT d.case_id, k.vertical, k.kind, d.action, d.days, k.accused_id, "
             "d.moderator_id, d.reason,"
             " d.created_at FROM decisions d JOIN cases k ON k.id = d.case_id"
             " WHERE d.created_at >= ?1 AND d.created_at < ?2 ORDER BY d.created_at, d.id";
  }
  return "";
}

}  // namespace

Result<std::int64_t> SqliteExports::Export(ExportKind kind, TimeMs from, TimeMs to,
                                           const ExportSink& sink) {
  const auto columns = ExportColumns(kind);
  auto stmt = TRY(c_.Prepare(ExportSql(kind)));
  stmt.Bind(1, from).Bind(2, to);
  std::vector<ExportValue> row(columns.size());
  std::int64_t n = 0;
  while (TRY(stmt.Step())) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const int col = static_cast<int>(i);
      if (stmt.IsNull(col)) {
        row[i] = std::monostate{};
        continue;
      }
      switch (columns[i].type) {
        case ExportType::kInt:
        case ExportType::kTime:
        case ExportType::kUser:
          row[i] = stmt.Int(col);
          break;
        case ExportType::kReal:
          row[i] = stmt.Double(col);
          break;
        case ExportType::kText:
        case ExportType::kPrivateText:
        case ExportType::kList:
          row[i] = stmt.Text(col);
          break;
      }
    }
    TRY(sink(row));
    ++n;
  }
  return n;
}

#undef CALL_AT

}  // namespace vitrina::store::sqlite
