#pragma once
// PostgreSQL repository for the fixed-window counters every process shares (store/limits.h,
// migration 11): what the login and registration rate limits count in when a site runs
// several processes (docs/postgres.md "Rate limits across processes"). Used only through
// PgTx; each object lives for one transaction.

#include "store/limits.h"
#include "store/postgres/pg.h"

namespace vitrina::store::postgres {

class PgRateLimits final : public RateLimitRepository {
 public:
  explicit PgRateLimits(Connection& c) : c_(c) {}
  base::Result<std::int64_t> Count(const std::string& key, TimeMs window_start) override;
  base::Result<std::int64_t> Add(const std::string& key, TimeMs window_start, TimeMs expires_at) override;
  base::Result<void> Reset(const std::string& key) override;
  base::Result<int> DeleteExpired(TimeMs now, int limit) override;

 private:
  Connection& c_;
};

}  // namespace vitrina::store::postgres
