#include "accounts/rate_limiter.h"

namespace vitrina::accounts {

base::TimeMs FailureLimiter::RetryAfter(const std::string& key, base::TimeMs now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  const base::TimeMs end = it->second.window_start + window_ms_;
  if (now >= end) {
    entries_.erase(it);
    return 0;
  }
  return it->second.failures >= max_failures_ ? end - now : 0;
}

void FailureLimiter::RecordFailure(const std::string& key, base::TimeMs now) {
  std::lock_guard lock(mu_);
  Prune(now);
  auto& e = entries_[key];
  if (e.failures == 0 || now >= e.window_start + window_ms_) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
}

void FailureLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

void FailureLimiter::Prune(base::TimeMs now) {
  // Bounded memory under a spray of distinct keys: drop lapsed windows now and then.
  if (now - last_prune_ < window_ms_ && entries_.size() < 100'000) return;
  last_prune_ = now;
  std::erase_if(entries_, [&](const auto& kv) { return now >= kv.second.window_start + window_ms_; });
}

}  // namespace vitrina::accounts
