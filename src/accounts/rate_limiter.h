#pragma once
// Counts failures per key in a window (e.g. failed logins per email and per IP) and says how
// long a key must wait once it has `max_failures`. Two ways of counting behind one interface:
//  - InMemoryFailureLimiter: in-process memory, the window starting at a key's first failure.
//    Each process limits on its own, so it is for a site of one process (SQLite): no database
//    write per failed login.
//  - SharedFailureLimiter: fixed windows (aligned to multiples of the window since the epoch)
//    counted in the store (store::RateLimitRepository), so every process on one database
//    draws on one budget (docs/postgres.md "Rate limits across processes"). Keys are stored
//    only as SHA-256 of "<name>:<key>".
// Both are thread-safe.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"
#include "base/result.h"

namespace vitrina::store {
class Store;
}

namespace vitrina::accounts {

class FailureLimiter {
 public:
  virtual ~FailureLimiter() = default;
  // 0 if `key` may try now, else milliseconds until it may.
  virtual base::Result<base::TimeMs> RetryAfter(const std::string& key, base::TimeMs now) = 0;
  virtual base::Result<void> RecordFailure(const std::string& key, base::TimeMs now) = 0;
  virtual base::Result<void> Reset(const std::string& key) = 0;
};

class InMemoryFailureLimiter final : public FailureLimiter {
 public:
  InMemoryFailureLimiter(int max_failures, base::TimeMs window_ms)
      : max_failures_(max_failures), window_ms_(window_ms) {}

  base::Result<base::TimeMs> RetryAfter(const std::string& key, base::TimeMs now) override;
  base::Result<void> RecordFailure(const std::string& key, base::TimeMs now) override;
  base::Result<void> Reset(const std::string& key) override;

 private:
  struct Entry {
    int failures = 0;
    base::TimeMs window_start = 0;
  };
  void Prune(base::TimeMs now);

  const int max_failures_;
  const base::TimeMs window_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  base::TimeMs last_prune_ = 0;
};

class SharedFailureLimiter final : public FailureLimiter {
 public:
  // `name` tells this limiter's counters apart from other limiters' with the same keys.
  SharedFailureLimiter(store::Store& store, std::string name, int max_failures, base::TimeMs window_ms)
      : store_(store), name_(std::move(name)), max_failures_(max_failures), window_ms_(window_ms) {}

  // One read of the current window's counter.
  base::Result<base::TimeMs> RetryAfter(const std::string& key, base::TimeMs now) override;
  // One atomic upsert (Store::WriteClaim).
  base::Result<void> RecordFailure(const std::string& key, base::TimeMs now) override;
  base::Result<void> Reset(const std::string& key) override;

  // The key as stored: SHA-256 (hex) of "<name>:<key>".
  std::string StoredKey(const std::string& key) const;

 private:
  base::TimeMs WindowStart(base::TimeMs now) const;

  store::Store& store_;
  const std::string name_;
  const int max_failures_;
  const base::TimeMs window_ms_;
};

}  // namespace vitrina::accounts
