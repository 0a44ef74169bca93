#include "accounts/rate_limiter.h"

#include <algorithm>

#include "base/random.h"
#include "store/store.h"

namespace vitrina::accounts {

base::Result<base::TimeMs> InMemoryFailureLimiter::RetryAfter(const std::string& key, base::TimeMs now) {
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

base::Result<void> InMemoryFailureLimiter::RecordFailure(const std::string& key, base::TimeMs now) {
  std::lock_guard lock(mu_);
  Prune(now);
  auto& e = entries_[key];
  if (e.failures == 0 || now >= e.window_start + window_ms_) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
  return {};
}

base::Result<void> InMemoryFailureLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
  return {};
}

void InMemoryFailureLimiter::Prune(base::TimeMs now) {
  // Bounded memory under a spray of distinct keys: drop lapsed windows now and then.
  if (now - last_prune_ < window_ms_ && entries_.size() < 100'000) return;
  last_prune_ = now;
  std::erase_if(entries_, [&](const auto& kv) { return now >= kv.second.window_start + window_ms_; });
}

std::string SharedFailureLimiter::StoredKey(const std::string& key) const {
  return base::Sha256Hex(name_ + ":" + key);
}

base::TimeMs SharedFailureLimiter::WindowStart(base::TimeMs now) const {
  const base::TimeMs window = std::max<base::TimeMs>(window_ms_, 1);
  const base::TimeMs r = now % window;
  return now - (r < 0 ? r + window : r);
}

base::Result<base::TimeMs> SharedFailureLimiter::RetryAfter(const std::string& key, base::TimeMs now) {
  const auto start = WindowStart(now);
  const auto stored = StoredKey(key);
  const auto count = TRY(store_.Read([&](store::Tx& tx) { return tx.limits().Count(stored, start); }));
  return count >= max_failures_ ? start + window_ms_ - now : 0;
}

base::Result<void> SharedFailureLimiter::RecordFailure(const std::string& key, base::TimeMs now) {
  const auto start = WindowStart(now);
  const auto stored = StoredKey(key);
  // READ COMMITTED: the upsert is one statement, so failures recorded at the same moment by
  // any number of processes each count once and never fail serialization over each other.
  TRY(store_.WriteClaim([&](store::Tx& tx) { return tx.limits().Add(stored, start, start + window_ms_); }));
  return {};
}

base::Result<void> SharedFailureLimiter::Reset(const std::string& key) {
  const auto stored = StoredKey(key);
  return store_.WriteClaim([&](store::Tx& tx) { return tx.limits().Reset(stored); });
}

}  // namespace vitrina::accounts
