#include "store/postgres/detection.h"

#include <map>
#include <string>

namespace vitrina::store::postgres {

Result<std::vector<DetectionUserRows>> PgDetection::Signals(TimeMs since, TimeMs now) {
  return Read(since, now, std::nullopt);
}

Result<std::optional<DetectionUserRows>> PgDetection::SignalsOf(Id user_id, TimeMs since, TimeMs now) {
  auto rows = TRY(Read(since, now, user_id));
  if (rows.empty()) return std::optional<DetectionUserRows>();
  return std::optional<DetectionUserRows>(std::move(rows.front()));
}

// Every query takes $3: null for everyone, else the one user.
Result<std::vector<DetectionUserRows>> PgDetection::Read(TimeMs since, TimeMs now, std::optional<Id> only) {
  std::map<Id, DetectionUserRows> users;
  auto user = [&](Id id) -> DetectionUserRows& {
    auto& u = users[id];
    u.user_id = id;
    return u;
  };

  auto sanctions = TRY(c_.Prepare(
      "SELECT s.user_id, s.kind, s.status, s.created_at,"
      " (SELECT string_agg(d.call_id::text, ',' ORDER BY d.call_id) FROM decision_calls d"
      "   WHERE d.decision_id = s.decision_id)"
      " FROM sanctions s WHERE s.created_at >= $1 AND s.created_at <= $2"
      " AND ($3::bigint IS NULL OR s.user_id = $3)"
      " AND s.user_id NOT IN (SELECT user_id FROM synthetic_users)"  // honeypots' invented people
      " ORDER BY s.id"));
  sanctions.Bind(1, since).Bind(2, now).Bind(3, only);
  while (TRY(sanctions.Step())) {
    DetectionSanctionRow row{sanctions.Text(1), sanctions.Text(2), sanctions.Int(3), {}};
    const auto calls = sanctions.Text(4);  // "" when null
    for (std::size_t at = 0; at < calls.size();) {
      auto comma = calls.find(',', at);
      if (comma == std::string::npos) comma = calls.size();
      row.call_ids.push_back(std::stoll(calls.substr(at, comma - at)));
      at = comma + 1;
    }
    user(sanctions.Int(0)).sanctions.push_back(std::move(row));
  }

  // The first range, else the quote's match, else the whole call. SQLite's json_extract as
  // jsonb operators (the columns hold JSON text; ::jsonb also takes a jsonb column as is), and
  // truncated to an integer like SQLite's column read.
  auto complaints = TRY(c_.Prepare(
      "SELECT accused_id, reporter_id, category, status, call_id,"
      " coalesce(trunc((ranges::jsonb -> 0 ->> 'from_ms')::numeric)::bigint,"
      "   trunc((quote_match::jsonb ->> 'from_ms')::numeric)::bigint, 0),"
      " coalesce(trunc((ranges::jsonb -> 0 ->> 'to_ms')::numeric)::bigint,"
      "   trunc((quote_match::jsonb ->> 'to_ms')::numeric)::bigint, 0)"
      " FROM complaints WHERE created_at >= $1 AND created_at <= $2"
      " AND ($3::bigint IS NULL OR accused_id = $3)"
      " AND accused_id NOT IN (SELECT user_id FROM synthetic_users)"
      " ORDER BY id"));
  complaints.Bind(1, since).Bind(2, now).Bind(3, only);
  while (TRY(complaints.Step())) {
    user(complaints.Int(0)).complaints.push_back({complaints.Int(1), complaints.Text(2), complaints.Text(3),
                                                   complaints.Int(4), complaints.Int(5), complaints.Int(6)});
  }

  auto flags = TRY(c_.Prepare(
      "SELECT f.accused_id, f.rule_id, f.category, f.severity, coalesce(f.review, ''),"
      " CASE WHEN f.accused_id = k.seller_id THEN k.buyer_id ELSE k.seller_id END,"
      " f.call_id, f.start_ms, f.end_ms"
      // The recording's analysis only: a live flag repeats a hit the analysis finds again.
      " FROM flags f JOIN calls k ON k.id = f.call_id AND f.live = 0"
      " WHERE coalesce(k.started_at, k.created_at) >= $1 AND coalesce(k.started_at, k.created_at) <= $2"
      " AND ($3::bigint IS NULL OR f.accused_id = $3)"
      " ORDER BY f.call_id, f.start_ms, f.id"));
  flags.Bind(1, since).Bind(2, now).Bind(3, only);
  while (TRY(flags.Step())) {
    user(flags.Int(0)).flags.push_back({flags.Int(1), flags.Text(2), flags.Text(3), flags.Text(4), flags.Int(5),
                                        flags.Int(6), flags.Int(7), flags.Int(8)});
  }

  auto no_shows = TRY(c_.Prepare(
      "SELECT id, buyer_id, seller_id, no_show FROM calls WHERE no_show IS NOT NULL"
      " AND join_closes_at >= $1 AND join_closes_at <= $2"
      " AND ($3::bigint IS NULL OR buyer_id = $3 OR seller_id = $3)"
      " ORDER BY id"));
  no_shows.Bind(1, since).Bind(2, now).Bind(3, only);
  const auto wanted = [&](Id id) { return !only || *only == id; };
  while (TRY(no_shows.Step())) {
    const auto who = no_shows.Text(3);
    const auto buyer = no_shows.Int(1), seller = no_shows.Int(2);
    if ((who == "buyer" || who == "both") && wanted(buyer)) user(buyer).no_show_call_ids.push_back(no_shows.Int(0));
    if ((who == "seller" || who == "both") && wanted(seller)) user(seller).no_show_call_ids.push_back(no_shows.Int(0));
  }

  std::vector<DetectionUserRows> out;
  out.reserve(users.size());
  for (auto& [id, u] : users) {
    auto account = TRY(c_.Prepare(
        "SELECT created_at,"
        " (SELECT count(*) FROM calls WHERE (buyer_id = $1 OR seller_id = $1) AND state = 'ended'"
        "   AND coalesce(started_at, created_at) >= $2 AND coalesce(started_at, created_at) <= $3)"
        " FROM users WHERE id = $1"));
    account.Bind(1, id).Bind(2, since).Bind(3, now);
    if (!TRY(account.Step())) continue;  // no such user (cannot happen: foreign keys)
    u.created_at = account.Int(0);
    u.calls = account.Int(1);
    auto first = TRY(c_.Prepare(
        "SELECT id FROM calls WHERE (buyer_id = $1 OR seller_id = $1) AND state = 'ended'"
        " ORDER BY coalesce(started_at, created_at), id LIMIT 5"));
    first.Bind(1, id);
    while (TRY(first.Step())) u.first_call_ids.push_back(first.Int(0));
    out.push_back(std::move(u));
  }
  return out;
}

namespace {

constexpr const char* kItemColumns = "id, case_id, user_id, opened_by, score, reasons, window_days, created_at";

DetectionCaseItem ReadItem(const Stmt& s) {
  return {s.Int(0), s.Int(1), s.Int(2), s.Int(3), s.Double(4), s.Text(5), static_cast<int>(s.Int(6)), s.Int(7)};
}

}  // namespace

Result<DetectionCaseItem> PgDetection::InsertCaseItem(const DetectionCaseItem& item) {
  // ON CONFLICT on the one-item-per-case key instead of catching the unique violation: the
  // transaction stays usable (a failed statement aborts a PostgreSQL transaction), and no
  // constraint name is matched. Any other violation still fails as constraint_violation.
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO detection_case_items (case_id, user_id, opened_by, score, reasons, window_days, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id) DO NOTHING RETURNING id"));
  stmt.Bind(1, item.case_id).Bind(2, item.user_id).Bind(3, item.opened_by).BindDouble(4, item.score);
  stmt.Bind(5, item.reasons).Bind(6, item.window_days).Bind(7, item.created_at);
  if (!TRY(stmt.Step())) {
    return base::Conflict("detection_item_exists", "The case already holds an item from the ranking");
  }
  DetectionCaseItem out = item;
  out.id = stmt.Int(0);
  return out;
}

Result<std::vector<DetectionCaseItem>> PgDetection::CaseItems(Id case_id) {
  auto stmt = TRY(c_.Prepare(std::string("SELECT ") + kItemColumns +
                             " FROM detection_case_items WHERE case_id = $1 ORDER BY id"));
  stmt.Bind(1, case_id);
  std::vector<DetectionCaseItem> out;
  while (TRY(stmt.Step())) out.push_back(ReadItem(stmt));
  return out;
}

}  // namespace vitrina::store::postgres
