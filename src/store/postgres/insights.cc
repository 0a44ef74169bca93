#include "store/postgres/insights.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

namespace vitrina::store::postgres {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// The moment a call counts on: when it started, else when it was due, accepted or proposed.
// Spelled exactly as the calls_by_day expression index (migration 9) so the planner uses it.
#define CALL_AT(c) \
  "coalesce(" c ".started_at, " c ".scheduled_for, " c ".accepted_at, " c ".created_at)"

// What a recompute statement's parameters are, in order ($1, $2, ...). PostgreSQL refuses a
// bound parameter the statement does not name, so each statement says which it takes.
enum class P { kDay, kStart, kEnd, kSnapshot };

struct Recompute {
  std::string sql;
  std::vector<P> params;
};

// The day's calls: $2 the day's first ms, $3 the first ms of the next day.
std::string DayCalls(const char* join = "") {
  return std::string(" FROM calls c JOIN listings l ON l.id = c.listing_id") + join +
         " WHERE " CALL_AT("c") " >= $2 AND " CALL_AT("c") " < $3"
         " AND c.state IN ('ended', 'missed', 'failed')";
}

constexpr const char* kAnalysed = " JOIN call_analytics a ON a.call_id = c.id";

// Each gives (day, vertical, metric, key, value).
const std::vector<Recompute>& Statements() {
  static const std::vector<Recompute> statements = {
      {std::string("SELECT $1::bigint, l.vertical, 'calls',"
                   " CASE WHEN c.no_show IS NOT NULL THEN 'no_show' ELSE c.state END, count(*)") +
           DayCalls() + " GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {std::string(
           "SELECT $1::bigint, vertical, 'duration', CASE WHEN d < 60000 THEN '0' WHEN d < 180000 THEN '60'"
           " WHEN d < 300000 THEN '180' WHEN d < 600000 THEN '300' WHEN d < 1200000 THEN '600'"
           " ELSE '1200' END, count(*) FROM (SELECT l.vertical AS vertical,"
           " coalesce(c.recording_duration_ms, c.ended_at - c.started_at, 0) AS d") +
           DayCalls() + " AND c.state = 'ended' AND c.no_show IS NULL) ended GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      // SQLite's CAST(x AS INTEGER) truncates toward zero (a PostgreSQL cast would round).
      {std::string("SELECT $1::bigint, l.vertical, 'talk_ratio',"
                   " least(9, greatest(0, trunc(a.talk_ratio_seller * 10)::bigint))::text, count(*)") +
           DayCalls(kAnalysed) + " GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {std::string("SELECT $1::bigint, l.vertical, 'tone', 'seller:' || a.tone_seller, count(*)") +
           DayCalls(kAnalysed) + " GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {std::string("SELECT $1::bigint, l.vertical, 'tone', 'buyer:' || a.tone_buyer, count(*)") +
           DayCalls(kAnalysed) + " GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {std::string("SELECT $1::bigint, l.vertical, 'flags', f.category, count(*)") +
           DayCalls(" JOIN flags f ON f.call_id = c.id AND f.live = 0") + " GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {"SELECT $1::bigint, l.vertical, 'complaints', cp.category, count(*) FROM complaints cp"
       " JOIN calls c ON c.id = cp.call_id JOIN listings l ON l.id = c.listing_id"
       " WHERE cp.created_at >= $2 AND cp.created_at < $3 GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {"SELECT $1::bigint, k.vertical, 'decisions', d.action, count(*) FROM decisions d"
       " JOIN cases k ON k.id = d.case_id"
       " WHERE d.created_at >= $2 AND d.created_at < $3 GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {"SELECT $1::bigint, vertical, 'sla', CASE WHEN decided_at <= sla_due_at THEN 'kept' ELSE 'breached' END,"
       " count(*) FROM cases WHERE decided_at >= $2 AND decided_at < $3 GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {"SELECT $1::bigint, vertical, 'queue', 'open', count(*) FROM cases"
       " WHERE opened_at <= $2 AND (decided_at IS NULL OR decided_at > $2) GROUP BY 2",
       {P::kDay, P::kSnapshot}},
      {"SELECT $1::bigint, k.vertical, 'appeals', a.status, count(*) FROM appeals a"
       " JOIN cases k ON k.id = a.case_id"
       " WHERE a.decided_at >= $2 AND a.decided_at < $3 AND a.status <> 'open' GROUP BY 2, 4",
       {P::kDay, P::kStart, P::kEnd}},
      {"SELECT $1::bigint, '*', 'service_level', zone, count(*) FROM service_levels WHERE day = $1"
       " GROUP BY zone",
       {P::kDay}},
  };
  return statements;
}

Result<std::vector<RollupRow>> ReadRows(Stmt& stmt) {
  std::vector<RollupRow> out;
  while (TRY(stmt.Step())) {
    out.push_back({stmt.Int(0), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Double(4)});
  }
  return out;
}

}  // namespace

// rollup_dirty is a log of marks (migration 9): a day is dirty while it has rows, and its
// generation is the sum of their gen. Writers only append to it, never update a row.
Result<std::vector<DirtyDay>> PgRollups::DirtyDays(int limit) {
  auto stmt = TRY(c_.Prepare(
      "SELECT day, sum(gen)::bigint FROM rollup_dirty GROUP BY day ORDER BY day LIMIT $1"));
  stmt.Bind(1, limit);
  std::vector<DirtyDay> out;
  while (TRY(stmt.Step())) out.push_back({stmt.Int(0), stmt.Int(1)});
  return out;
}

Result<std::int64_t> PgRollups::CountDirty() {
  auto stmt = TRY(c_.Prepare("SELECT count(DISTINCT day) FROM rollup_dirty"));
  TRY(stmt.Step());
  return stmt.Int(0);
}

Result<void> PgRollups::MarkDays(Day from, Day to) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO rollup_dirty (day, gen) SELECT x, 1 FROM generate_series($1::bigint, $2::bigint) x"));
  return stmt.Bind(1, from).Bind(2, to).Exec();
}

Result<std::vector<RollupRow>> PgRollups::ComputeDay(Day day, TimeMs now) {
  const TimeMs start = day * kDayMs;
  const TimeMs end = start + kDayMs;
  const TimeMs snapshot = std::clamp(now, start, end);
  std::vector<RollupRow> rows;
  std::map<std::pair<std::string, std::string>, double> all;  // (metric, key) over the verticals
  for (const auto& statement : Statements()) {
    auto stmt = TRY(c_.Prepare(statement.sql));
    int i = 0;
    for (const P p : statement.params) {
      switch (p) {
        case P::kDay: stmt.Bind(++i, day); break;
        case P::kStart: stmt.Bind(++i, start); break;
        case P::kEnd: stmt.Bind(++i, end); break;
        case P::kSnapshot: stmt.Bind(++i, snapshot); break;
      }
    }
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

Result<bool> PgRollups::ReplaceDay(Day day, std::int64_t gen, const std::vector<RollupRow>& rows,
                                   TimeMs now) {
  auto drop = TRY(c_.Prepare("DELETE FROM daily_rollups WHERE day = $1"));
  TRY(drop.Bind(1, day).Exec());
  auto put = TRY(c_.Prepare(
      "INSERT INTO daily_rollups (day, vertical, metric, key, value) VALUES ($1, $2, $3, $4, $5)"));
  for (const auto& r : rows) {
    TRY(put.Bind(1, day).Bind(2, r.vertical).Bind(3, r.metric).Bind(4, r.key).BindDouble(5, r.value).Exec());
  }
  // The generation check: a mark made since the read (the day's sum moved on) keeps the day
  // dirty. Rows only ever join the log (but here), so an unchanged sum is an unchanged set of
  // marks; marks of transactions not committed yet are not seen, so not deleted. (Comparing
  // ids would not do: a transaction's mark may have an older id than one committed before it.)
  auto clear = TRY(c_.Prepare(
      "DELETE FROM rollup_dirty WHERE day = $1"
      " AND (SELECT sum(gen) FROM rollup_dirty WHERE day = $1) = $2"));
  TRY(clear.Bind(1, day).Bind(2, gen).Exec());
  const bool cleared = clear.Affected() > 0;
  if (!cleared) {
    // Still dirty: its marks folded into one row of the same sum, so a day that stays busy
    // (today) does not pile up rows between recomputes. Writers only append; nothing they do
    // touches these rows.
    auto fold = TRY(c_.Prepare(
        "WITH gone AS (DELETE FROM rollup_dirty WHERE day = $1"
        "   AND (SELECT count(*) FROM rollup_dirty WHERE day = $1) > 1 RETURNING gen)"
        " INSERT INTO rollup_dirty (day, gen) SELECT $1, sum(gen) FROM gone HAVING count(*) > 0"));
    TRY(fold.Bind(1, day).Exec());
  }
  auto state = TRY(c_.Prepare(
      "INSERT INTO rollup_state (id, computed_at) VALUES (1, $1)"
      " ON CONFLICT (id) DO UPDATE SET computed_at = excluded.computed_at"));
  TRY(state.Bind(1, now).Exec());
  return cleared;
}

Result<std::optional<std::pair<Day, Day>>> PgRollups::DataDays() {
  auto stmt = TRY(c_.Prepare(
      "SELECT min(lo), max(hi) FROM ("
      " SELECT min(" CALL_AT("calls") ") / 86400000 AS lo, max(" CALL_AT("calls") ") / 86400000 AS hi"
      "   FROM calls"
      " UNION ALL SELECT min(opened_at) / 86400000, max(coalesce(decided_at, opened_at)) / 86400000 FROM cases"
      " UNION ALL SELECT min(day), max(day) FROM service_levels) spans"));
  TRY(stmt.Step());
  if (stmt.IsNull(0)) return std::optional<std::pair<Day, Day>>();
  return std::optional<std::pair<Day, Day>>(std::pair<Day, Day>(stmt.Int(0), stmt.Int(1)));
}

// Within a day the rows come in the primary key's order, as SQLite's WITHOUT ROWID table
// gives them (byte order: COLLATE "C").
Result<std::vector<RollupRow>> PgRollups::Read(Day from, Day to, const std::string& vertical) {
  auto stmt = TRY(c_.Prepare(
      "SELECT day, vertical, metric, key, value FROM daily_rollups"
      " WHERE day BETWEEN $1 AND $2 AND vertical IN ($3, '*')"
      " ORDER BY day, vertical COLLATE \"C\", metric COLLATE \"C\", key COLLATE \"C\""));
  stmt.Bind(1, from).Bind(2, to).Bind(3, vertical);
  return ReadRows(stmt);
}

Result<std::vector<RollupRow>> PgRollups::ReadByVertical(Day from, Day to,
                                                         const std::vector<std::string>& metrics) {
  boost::json::array list;
  for (const auto& m : metrics) list.emplace_back(m);
  auto stmt = TRY(c_.Prepare(
      "SELECT day, vertical, metric, key, value FROM daily_rollups"
      " WHERE day BETWEEN $1 AND $2 AND vertical NOT IN ('', '*')"
      " AND metric IN (SELECT jsonb_array_elements_text($3::jsonb))"
      " ORDER BY day, vertical COLLATE \"C\", metric COLLATE \"C\", key COLLATE \"C\""));
  stmt.Bind(1, from).Bind(2, to).Bind(3, boost::json::serialize(list));
  return ReadRows(stmt);
}

Result<std::optional<TimeMs>> PgRollups::ComputedAt() {
  auto stmt = TRY(c_.Prepare("SELECT computed_at FROM rollup_state WHERE id = 1"));
  if (!TRY(stmt.Step())) return std::optional<TimeMs>();
  return std::optional<TimeMs>(stmt.Int(0));
}

// ---- Exports ----

namespace {

// One statement per kind, columns in the order of ExportColumns(kind); $1 from, $2 to.
const char* ExportSql(ExportKind kind) {
  switch (kind) {
    case ExportKind::kCalls:
      return "SELECT c.id, " CALL_AT("c") ","
             " greatest(0, coalesce(c.recording_duration_ms, c.ended_at - c.started_at, 0)),"
             " l.vertical, CASE WHEN c.no_show IS NOT NULL THEN 'no_show' ELSE c.state END,"
             " c.buyer_id, c.seller_id, a.talk_ratio_seller, a.tone_buyer, a.tone_seller,"
             " (SELECT string_agg(DISTINCT category, ';' ORDER BY category) FROM flags"
             "   WHERE call_id = c.id),"
             " (SELECT count(*) FROM complaints WHERE call_id = c.id)"
             " FROM calls c JOIN listings l ON l.id = c.listing_id"
             " LEFT JOIN call_analytics a ON a.call_id = c.id"
             " WHERE " CALL_AT("c") " >= $1 AND " CALL_AT("c") " < $2 AND c.state IN ('ended', 'missed', 'failed')"
             " ORDER BY " CALL_AT("c") ", c.id";
    case ExportKind::kUtterances:
      return "SELECT c.id, s.speaker, CASE s.speaker WHEN 'buyer' THEN c.buyer_id ELSE c.seller_id END,"
             " s.start_ms, s.end_ms, t.language, s.text"
             " FROM calls c JOIN transcripts t ON t.call_id = c.id AND t.current = 1"
             " JOIN transcript_segments s ON s.call_id = t.call_id AND s.version = t.version"
             " WHERE " CALL_AT("c") " >= $1 AND " CALL_AT("c") " < $2 AND c.purged_at IS NULL"
             " ORDER BY " CALL_AT("c") ", c.id, s.start_ms, s.id";
    case ExportKind::kFlags:
      return "SELECT f.call_id, f.rule_id, f.category, f.severity, f.speaker, f.accused_id, f.start_ms, f.end_ms,"
             " f.text, f.live, f.review, f.created_at"
             " FROM calls c JOIN flags f ON f.call_id = c.id"
             " WHERE " CALL_AT("c") " >= $1 AND " CALL_AT("c") " < $2"
             " ORDER BY " CALL_AT("c") ", c.id, f.start_ms, f.id";
    case ExportKind::kComplaints:
      return "SELECT cp.call_id, l.vertical, cp.category, cp.status, cp.reporter_id, cp.accused_id, cp.text,"
             " cp.created_at FROM complaints cp JOIN calls c ON c.id = cp.call_id"
             " JOIN listings l ON l.id = c.listing_id"
             " WHERE cp.created_at >= $1 AND cp.created_at < $2 ORDER BY cp.created_at, cp.id";
    case ExportKind::kDecisions:
      return "SELECT d.case_id, k.vertical, k.kind, d.action, d.days, k.accused_id, d.moderator_id, d.reason,"
             " d.created_at FROM decisions d JOIN cases k ON k.id = d.case_id"
             " WHERE d.created_at >= $1 AND d.created_at < $2 ORDER BY d.created_at, d.id";
  }
  return "";
}

// libpq hands a statement's whole result over at once, so the rows come through a cursor of
// the transaction, a batch at a time: memory stays bounded however long the period.
constexpr const char* kCursor = "vitrina_export";
constexpr int kBatch = 500;

}  // namespace

Result<std::int64_t> PgExports::Export(ExportKind kind, TimeMs from, TimeMs to, const ExportSink& sink) {
  const auto columns = ExportColumns(kind);
  auto declare = TRY(c_.Prepare(std::string("DECLARE ") + kCursor + " NO SCROLL CURSOR FOR " + ExportSql(kind)));
  TRY(declare.Bind(1, from).Bind(2, to).Exec());
  auto close = [&]() -> Result<void> {
    auto stmt = TRY(c_.Prepare(std::string("CLOSE ") + kCursor));
    return stmt.Exec();
  };
  auto fetch = c_.Prepare("FETCH FORWARD " + std::to_string(kBatch) + " FROM " + kCursor);
  if (!fetch) {
    (void)close();
    return tl::unexpected(fetch.error());
  }
  std::vector<ExportValue> row(columns.size());
  std::int64_t n = 0;
  for (;;) {
    if (auto ran = fetch->Exec(); !ran) {
      (void)close();
      return tl::unexpected(ran.error());
    }
    int in_batch = 0;
    for (;;) {
      auto more = fetch->Step();
      if (!more) {
        (void)close();
        return tl::unexpected(more.error());
      }
      if (!*more) break;
      ++in_batch;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const int col = static_cast<int>(i);
        if (fetch->IsNull(col)) {
          row[i] = std::monostate{};
          continue;
        }
        switch (columns[i].type) {
          case ExportType::kInt:
          case ExportType::kTime:
          case ExportType::kUser:
            row[i] = fetch->Int(col);
            break;
          case ExportType::kReal:
            row[i] = fetch->Double(col);
            break;
          case ExportType::kText:
          case ExportType::kPrivateText:
          case ExportType::kList:
            row[i] = fetch->Text(col);
            break;
        }
      }
      if (auto sunk = sink(row); !sunk) {
        (void)close();
        return tl::unexpected(sunk.error());
      }
      ++n;
    }
    if (in_batch < kBatch) break;
  }
  TRY(close());
  return n;
}

#undef CALL_AT

}  // namespace vitrina::store::postgres
