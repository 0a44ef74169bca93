#pragma once
// SQLite repository for the shared fixed-window counters (store/limits.h, migration 11). One
// process per SQLite site, so the accounts component counts in memory there; this exists so
// both backends have every repository (and for a site that opts in). Used only through
// SqliteTx; each object lives for one transaction.

#include "store/limits.h"
#include "store/sqlite/db.h"

namespace vitrina::store::sqlite {

class SqliteRateLimits final : public RateLimitRepository {
 public:
  explicit SqliteRateLimits(Connection& c) : c_(c) {}
  Result<std::int64_t> Count(const std::string& key, TimeMs window_start) override;
  Result<std::int64_t> Add(const std::string& key, TimeMs window_start, TimeMs expires_at) override;
  Result<void> Reset(const std::string& key) override;
  Result<int> DeleteExpired(TimeMs now, int limit) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::sqlite
