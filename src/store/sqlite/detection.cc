#include "store/sqlite/detection.h"

#include <map>
#include <string>

namespace vitrina::store::sqlite {

Result<std::vector<DetectionUserRows>> SqliteDetection::Signals(TimeMs since, TimeMs now) {
  std::map<Id, DetectionUserRows> users;
  auto user = [&](Id id) -> DetectionUserRows& {
    auto& u = users[id];
    u.user_id = id;
    return u;
  };

  auto sanctions = TRY(c_.Prepare(
      "SELECT s.user_id, s.kind, s.status, s.created_at,"
      " (SELECT group_concat(call_id) FROM decision_calls d WHERE d.decision_id = s.decision_id)"
      " FROM sanctions s WHERE s.created_at >= ?1 AND s.created_at <= ?2 ORDER BY s.id"));
  sanctions.Bind(1, since).Bind(2, now);
  while (TRY(sanctions.Step())) {
    DetectionSanctionRow row{sanctions.Text(1), sanctions.Text(2), sanctions.Int(3), {}};
    const auto calls = sanctions.Text(4);
    for (std::size_t at = 0; at < calls.size();) {
      auto comma = calls.find(',', at);
      if (comma == std::string::npos) comma = calls.size();
      row.call_ids.push_back(std::stoll(calls.substr(at, comma - at)));
      at = comma + 1;
    }
    user(sanctions.Int(0)).sanctions.push_back(std::move(row));
  }

  // The first range, else the quote's match, else the whole call.
  auto complaints = TRY(c_.Prepare(
      "SELECT accused_id, reporter_id, category, status, call_id,"
      " coalesce(json_extract(ranges, '$[0].from_ms'), json_extract(quote_match, '$.from_ms'), 0),"
      " coalesce(json_extract(ranges, '$[0].to_ms'), json_extract(quote_match, '$.to_ms'), 0)"
      " FROM complaints WHERE created_at >= ?1 AND created_at <= ?2 ORDER BY id"));
  complaints.Bind(1, since).Bind(2, now);
  while (TRY(complaints.Step())) {
    user(complaints.Int(0)).complaints.push_back({complaints.Int(1), complaints.Text(2), complaints.Text(3),
                                                   complaints.Int(4), complaints.Int(5), complaints.Int(6)});
  }

  auto flags = TRY(c_.Prepare(
      "SELECT f.accused_id, f.rule_id, f.category, f.severity, coalesce(f.review, ''),"
      " CASE WHEN f.accused_id = k.seller_id THEN k.buyer_id ELSE k.seller_id END,"
      " f.call_id, f.start_ms, f.end_ms"
      " FROM flags f JOIN calls k ON k.id = f.call_id"
      " WHERE coalesce(k.started_at, k.created_at) >= ?1 AND coalesce(k.started_at, k.created_at) <= ?2"
      " ORDER BY f.call_id, f.start_ms, f.id"));
  flags.Bind(1, since).Bind(2, now);
  while (TRY(flags.Step())) {
    user(flags.Int(0)).flags.push_back({flags.Int(1), flags.Text(2), flags.Text(3), flags.Text(4), flags.Int(5),
                                        flags.Int(6), flags.Int(7), flags.Int(8)});
  }

  auto no_shows = TRY(c_.Prepare(
      "SELECT id, buyer_id, seller_id, no_show FROM calls WHERE no_show IS NOT NULL"
      " AND join_closes_at >= ?1 AND join_closes_at <= ?2 ORDER BY id"));
  no_shows.Bind(1, since).Bind(2, now);
  while (TRY(no_shows.Step())) {
    const auto who = no_shows.Text(3);
    if (who == "buyer" || who == "both") user(no_shows.Int(1)).no_show_call_ids.push_back(no_shows.Int(0));
    if (who == "seller" || who == "both") user(no_shows.Int(2)).no_show_call_ids.push_back(no_shows.Int(0));
  }

  std::vector<DetectionUserRows> out;
  out.reserve(users.size());
  for (auto& [id, u] : users) {
    auto account = TRY(c_.Prepare(
        "SELECT created_at,"
        " (SELECT count(*) FROM calls WHERE (buyer_id = ?1 OR seller_id = ?1) AND state = 'ended'"
        "   AND coalesce(started_at, created_at) >= ?2 AND coalesce(started_at, created_at) <= ?3)"
        " FROM users WHERE id = ?1"));
    account.Bind(1, id).Bind(2, since).Bind(3, now);
    if (!TRY(account.Step())) continue;  // no such user (cannot happen: foreign keys)
    u.created_at = account.Int(0);
    u.calls = account.Int(1);
    auto first = TRY(c_.Prepare(
        "SELECT id FROM calls WHERE (buyer_id = ?1 OR seller_id = ?1) AND state = 'ended'"
        " ORDER BY coalesce(started_at, created_at), id LIMIT 5"));
    first.Bind(1, id);
    while (TRY(first.Step())) u.first_call_ids.push_back(first.Int(0));
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace vitrina::store::sqlite
