#pragma once
// Counts failures per key in a fixed window (e.g. failed logins per email and per IP).
// In-process memory: each server process limits on its own. Thread-safe.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"

namespace vitrina::accounts {

class FailureLimiter {
 public:
  FailureLimiter(int max_failures, base::TimeMs window_ms)
      : max_failures_(max_failures), window_ms_(window_ms) {}

  // 0 if `key` may try now, else milliseconds until it may.
  base::TimeMs RetryAfter(const std::string& key, base::TimeMs now);
  void RecordFailure(const std::string& key, base::TimeMs now);
  void Reset(const std::string& key);

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

}  // namespace vitrina::accounts
