#include "store/sqlite/limits.h"

namespace vitrina::store::sqlite {

Result<std::int64_t> SqliteRateLimits::Count(const std::string& key, TimeMs window_start) {
  auto stmt = TRY(c_.Prepare("SELECT count FROM rate_counters WHERE key = ? AND window_start = ?"));
  stmt.Bind(1, key).Bind(2, window_start);
  if (!TRY(stmt.Step())) return std::int64_t{0};
  return stmt.Int(0);
}

Result<std::int64_t> SqliteRateLimits::Add(const std::string& key, TimeMs window_start,
                                           TimeMs expires_at) {
  // Writes run one at a time (BEGIN IMMEDIATE), so the upsert is atomic as it stands.
  auto stmt = TRY(c_.Prepare(
      "INSERT INTO rate_counters (key, window_start, count, expires_at) VALUES (?1, ?2, 1, ?3)"
      " ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1,"
      " expires_at = max(expires_at, excluded.expires_at)"
      " RETURNING count"));
  stmt.Bind(1, key).Bind(2, window_start).Bind(3, expires_at);
  if (!TRY(stmt.Step())) return base::Internal("rate_counters: the upsert returned no row");
  const std::int64_t count = stmt.Int(0);
  while (TRY(stmt.Step())) {
  }
  return count;
}

Result<void> SqliteRateLimits::Reset(const std::string& key) {
  auto stmt = TRY(c_.Prepare("DELETE FROM rate_counters WHERE key = ?"));
  return stmt.Bind(1, key).Exec();
}

Result<int> SqliteRateLimits::DeleteExpired(TimeMs now, int limit) {
  auto stmt = TRY(c_.Prepare(
      "DELETE FROM rate_counters WHERE rowid IN"
      " (SELECT rowid FROM rate_counters WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)"));
  TRY(stmt.Bind(1, now).Bind(2, limit).Exec());
  return c_.Changes();
}

}  // namespace vitrina::store::sqlite
