#include "store/postgres/sellers.h"

#include <string>

namespace vitrina::store::postgres {

Result<SellerActivityRows> PgSellers::Activity(Id seller_id, TimeMs since, TimeMs now) {
  SellerActivityRows out;

  auto days = TRY(c_.Prepare(
      "SELECT day FROM seller_active_days WHERE seller_id = $1 AND day >= $2 ORDER BY day"));
  days.Bind(1, seller_id).Bind(2, since / 86'400'000 - 1);
  while (TRY(days.Step())) out.active_days.push_back(days.Int(0));

  auto listings = TRY(c_.Prepare(
      "SELECT id, created_at, updated_at, title, description, status FROM listings"
      " WHERE seller_id = $1 ORDER BY id"));
  listings.Bind(1, seller_id);
  while (TRY(listings.Step())) {
    out.listings.push_back({listings.Int(0), listings.Int(1), listings.Int(2), listings.Text(3),
                            listings.Text(4), listings.Text(5) == "active"});
  }

  auto nad = TRY(c_.Prepare(
      "SELECT created_at FROM complaints WHERE accused_id = $1 AND category = 'not_as_described'"
      " AND status = 'upheld' AND created_at >= $2 ORDER BY created_at"));
  nad.Bind(1, seller_id).Bind(2, since);
  while (TRY(nad.Step())) out.upheld_not_as_described.push_back(nad.Int(0));

  // The buyer's first message of each conversation, and the seller's first one at or after it.
  auto conv = TRY(c_.Prepare(
      "SELECT b.first_at,"
      " (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = b.id"
      "   AND m.sender_id = $1 AND m.created_at >= b.first_at)"
      " FROM (SELECT c.id,"
      "   (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id"
      "     AND m.sender_id = c.buyer_id) AS first_at"
      "   FROM conversations c WHERE c.seller_id = $1 AND c.updated_at >= $2) b"
      " WHERE b.first_at IS NOT NULL AND b.first_at >= $2 ORDER BY b.first_at"));
  conv.Bind(1, seller_id).Bind(2, since);
  while (TRY(conv.Step())) out.conversations.push_back({conv.Int(0), conv.OptInt(1)});

  auto proposals = TRY(c_.Prepare(
      "SELECT created_at, state, accepted_at FROM calls WHERE seller_id = $1"
      " AND proposed_by = buyer_id AND created_at >= $2 ORDER BY id"));
  proposals.Bind(1, seller_id).Bind(2, since);
  while (TRY(proposals.Step())) {
    out.proposals.push_back({proposals.Int(0), proposals.Text(1), proposals.OptInt(2)});
  }

  // SQLite's coalesce(no_show IN (...), 0) as an integer (no_show null: 0).
  auto due = TRY(c_.Prepare(
      "SELECT join_closes_at, CASE WHEN no_show IN ('seller', 'both') THEN 1 ELSE 0 END FROM calls"
      " WHERE seller_id = $1 AND accepted_at IS NOT NULL AND state IN ('ended', 'missed')"
      " AND join_closes_at >= $2 AND join_closes_at <= $3 ORDER BY id"));
  due.Bind(1, seller_id).Bind(2, since).Bind(3, now);
  while (TRY(due.Step())) out.due_calls.push_back({due.Int(0), due.Int(1) != 0});

  auto ended = TRY(c_.Prepare(
      "SELECT k.id, k.ended_at,"
      " (SELECT count(*) FROM complaints p WHERE p.call_id = k.id AND p.accused_id = $1"
      "   AND p.status = 'upheld' AND p.category NOT IN ('not_as_described', 'no_show')),"
      " (SELECT count(*) FROM flags f WHERE f.live = 0 AND f.call_id = k.id AND f.accused_id = $1"
      "   AND f.speaker = 'seller' AND f.severity = 'high' AND coalesce(f.review, '') <> 'wrong')"
      " FROM calls k WHERE k.seller_id = $1 AND k.state = 'ended' AND k.ended_at >= $2"
      " ORDER BY k.id"));
  ended.Bind(1, seller_id).Bind(2, since);
  while (TRY(ended.Step())) {
    out.ended_calls.push_back({ended.Int(0), ended.Int(1), static_cast<int>(ended.Int(2)),
                               static_cast<int>(ended.Int(3))});
  }

  // avg() of integers is numeric in PostgreSQL: read as a double like SQLite's REAL.
  auto badge = TRY(c_.Prepare(
      "SELECT (SELECT coalesce(avg(stars), 0)::float8 FROM call_ratings WHERE seller_id = $1),"
      " (SELECT count(*) FROM call_ratings WHERE seller_id = $1),"
      " (SELECT verified FROM users WHERE id = $1)"));
  badge.Bind(1, seller_id);
  if (TRY(badge.Step())) {
    out.rating_average = badge.Double(0);
    out.rating_count = badge.Int(1);
    out.verified = badge.Int(2) != 0;
  }
  return out;
}

Result<bool> PgSellers::RecordActiveDay(Id seller_id, std::int64_t day) {
  auto active = TRY(c_.Prepare(
      "SELECT (EXISTS (SELECT 1 FROM listings WHERE seller_id = $1 AND status = 'active'))::int"));
  active.Bind(1, seller_id);
  if (!TRY(active.Step()) || active.Int(0) == 0) return false;
  auto ins = TRY(c_.Prepare(
      "INSERT INTO seller_active_days (seller_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING"));
  TRY(ins.Bind(1, seller_id).Bind(2, day).Exec());
  return true;
}

Result<void> PgSellers::PutLevel(const ServiceLevelRow& row) {
  auto put = TRY(c_.Prepare(
      "INSERT INTO service_levels (seller_id, day, level, zone, parameters, reliable, computed_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)"
      " ON CONFLICT (seller_id, day) DO UPDATE SET level = excluded.level, zone = excluded.zone,"
      " parameters = excluded.parameters, reliable = excluded.reliable,"
      " computed_at = excluded.computed_at"));
  std::optional<std::int64_t> level;
  if (row.level) level = *row.level;
  TRY(put.Bind(1, row.seller_id).Bind(2, row.day).Bind(3, level).Bind(4, row.zone)
          .Bind(5, row.parameters).Bind(6, row.reliable).Bind(7, row.computed_at).Exec());
  auto cache = TRY(c_.Prepare("UPDATE users SET reliable_seller = $1 WHERE id = $2"));
  return cache.Bind(1, row.reliable).Bind(2, row.seller_id).Exec();
}

Result<std::vector<ServiceLevelRow>> PgSellers::Levels(Id seller_id, int limit) {
  auto stmt = TRY(c_.Prepare(
      "SELECT seller_id, day, level, zone, parameters, reliable, computed_at FROM service_levels"
      " WHERE seller_id = $1 ORDER BY day DESC LIMIT $2"));
  stmt.Bind(1, seller_id).Bind(2, limit);
  std::vector<ServiceLevelRow> out;
  while (TRY(stmt.Step())) {
    ServiceLevelRow r;
    r.seller_id = stmt.Int(0);
    r.day = stmt.Int(1);
    if (!stmt.IsNull(2)) r.level = static_cast<int>(stmt.Int(2));
    r.zone = stmt.Text(3);
    r.parameters = stmt.Text(4);
    r.reliable = stmt.Int(5) != 0;
    r.computed_at = stmt.Int(6);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Id>> PgSellers::SellersWithActiveListings(Id after, int limit) {
  auto stmt = TRY(c_.Prepare(
      "SELECT DISTINCT seller_id FROM listings WHERE status = 'active' AND seller_id > $1"
      " ORDER BY seller_id LIMIT $2"));
  stmt.Bind(1, after).Bind(2, limit);
  std::vector<Id> out;
  while (TRY(stmt.Step())) out.push_back(stmt.Int(0));
  return out;
}

Result<void> PgSellers::SetVerified(Id user_id, bool verified, TimeMs now) {
  auto stmt = TRY(c_.Prepare("UPDATE users SET verified = $1, updated_at = $2 WHERE id = $3"));
  return stmt.Bind(1, verified).Bind(2, now).Bind(3, user_id).Exec();
}

}  // namespace vitrina::store::postgres
