#include "store/postgres/limits.h"

namespace vitrina::store::postgres {

base::Result<std::int64_t> PgRateLimits::Count(const std::string& key, TimeMs window_start) {
  auto stmt = TRY(c_.Prepare("SELECT count FROM rate_counters WHERE key = $1 AND window_start = $2"));
  stmt.Bind(1, key).Bind(2, window_start);
  if (!TRY(stmt.Step())) return std::int64_t{0};
  return stmt.Int(0);
}

// One statement: the insert or, on a conflict, the increment of the row as it is when the
// conflicting insert committed (ON CONFLICT waits for it and updates the newest version even
// under READ COMMITTED), so adds from any number of processes each count exactly once. In
// Store::WriteClaim (READ COMMITTED) it never fails serialization.
base::Result<std::int64_t> PgRateLimits::Add(const std::string& key, TimeMs window_start,
                                             TimeMs expires_at) {
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO rate_counters (key, window_start, count, expires_at) VALUES ($1, $2, 1, $3)"
      " ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1,"
      " expires_at = GREATEST(rate_counters.expires_at, EXCLUDED.expires_at)"
      " RETURNING count"));
  stmt.Bind(1, key).Bind(2, window_start).Bind(3, expires_at);
  if (!TRY(stmt.Step())) return base::Internal("INSERT ... RETURNING gave no row");
  return stmt.Int(0);
}

base::Result<void> PgRateLimits::Reset(const std::string& key) {
  auto stmt = TRY(c_.Prepare("DELETE FROM rate_counters WHERE key = $1"));
  return stmt.Bind(1, key).Exec();
}

// SKIP LOCKED: a counter being added to right now (or taken by another process's
// housekeeping) is left for the next round instead of waited on.
base::Result<int> PgRateLimits::DeleteExpired(TimeMs now, int limit) {
  auto stmt = TRY(c_.Prepare(
      "DELETE FROM rate_counters WHERE (key, window_start) IN"
      " (SELECT key, window_start FROM rate_counters WHERE expires_at <= $1"
      "  ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)"));
  TRY(stmt.Bind(1, now).Bind(2, limit).Exec());
  return static_cast<int>(stmt.Affected());
}

}  // namespace vitrina::store::postgres
