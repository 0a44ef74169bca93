#pragma once
// Fixed-window counters shared by every process on the database (migration 11, table
// rate_counters): what the login and registration rate limits count in when a site runs
// several processes (accounts::SharedFailureLimiter, docs/postgres.md "Rate limits across
// processes"). A counter is (key, window_start) -> count; callers hash their keys (no raw
// emails or addresses here) and choose the window.

#include <cstdint>
#include <string>

#include "base/result.h"
#include "store/records.h"

namespace vitrina::store {

class RateLimitRepository {
 public:
  virtual ~RateLimitRepository() = default;
  // The count of `key` in the window starting at `window_start` (0 when there is none).
  virtual base::Result<std::int64_t> Count(const std::string& key, TimeMs window_start) = 0;
  // Adds one to the counter, creating it (expiring at `expires_at`) if missing; returns the
  // new count. One atomic upsert: run it in Store::WriteClaim, and concurrent adds from any
  // number of processes each count once, without serialization failures.
  virtual base::Result<std::int64_t> Add(const std::string& key, TimeMs window_start,
                                         TimeMs expires_at) = 0;
  // Forgets every window of `key`.
  virtual base::Result<void> Reset(const std::string& key) = 0;
  // Deletes up to `limit` counters with expires_at <= now; how many. PostgreSQL skips rows
  // another transaction holds, so housekeeping on several processes never waits on itself.
  virtual base::Result<int> DeleteExpired(TimeMs now, int limit) = 0;
};

}  // namespace vitrina::store
