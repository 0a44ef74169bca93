#pragma once
// Argon2id password hashing (libsodium crypto_pwhash_str), behind an admission gate.
//
// Each hash or verification takes `memlimit_bytes` and a core for tens of milliseconds, and
// runs on the shared request workers. Unbounded, a burst of bogus registrations or logins
// occupies every worker and every other route waits (measured: 32 concurrent registrations
// took GET /me from under 1 ms to 1.3 s). So at most `max_concurrent` run at once, at most
// `max_waiting` more wait (each for at most `max_wait`), and the rest are refused at once with
// 503 `busy` and Retry-After: a request never holds a worker longer than max_wait + one hash
// for want of a slot, and at most max_concurrent + max_waiting workers are ever held.
// Thread-safe; any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

#include "base/result.h"

namespace vitrina::accounts {

struct PasswordHashOptions {
  unsigned long long opslimit = 2;               // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t memlimit_bytes = 64ull << 20;      // crypto_pwhash_MEMLIMIT_INTERACTIVE
  int max_concurrent = 1;                        // hashes running at once
  int max_waiting = 2;                           // requests queued for a slot
  std::chrono::milliseconds max_wait{1000};      // how long one waits before 503 busy
};

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashOptions options) : options_(options) {}
  // 503 `busy` (retry_after_s set) when no slot frees in time.
  base::Result<std::string> Hash(std::string_view password) const;
  // true when `password` matches `hash`; 503 `busy` as for Hash.
  base::Result<bool> Verify(const std::string& hash, std::string_view password) const;
  // True when `hash` was made with weaker parameters than the current ones.
  bool NeedsRehash(const std::string& hash) const;

  // Hashes running and waiting now (for tests and metrics).
  int running() const;
  int waiting() const;
  // Hashes and verifications run since construction.
  std::uint64_t completed() const { return completed_.load(); }

 private:
  // Holds a slot for its lifetime.
  class Slot {
   public:
    explicit Slot(const PasswordHasher& h) : h_(h) {}
    ~Slot();
   private:
    const PasswordHasher& h_;
  };
  base::Result<void> Acquire() const;

  PasswordHashOptions options_;
  mutable std::mutex mu_;
  mutable std::condition_variable freed_;
  mutable int running_ = 0;
  mutable int waiting_ = 0;
  mutable std::atomic<std::uint64_t> completed_{0};
};

}  // namespace vitrina::accounts
