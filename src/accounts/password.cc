#include "accounts/password.h"

#include <sodium.h>

namespace vitrina::accounts {

namespace {
base::Error Busy() {
  return base::Error{base::ErrorKind::kUnavailable, "busy",
                     "The server is busy checking passwords; try again in a moment", 1};
}
}  // namespace

base::Result<void> PasswordHasher::Acquire() const {
  std::unique_lock lock(mu_);
  if (running_ < options_.max_concurrent) {
    ++running_;
    return {};
  }
  if (waiting_ >= options_.max_waiting) return tl::unexpected(Busy());
  ++waiting_;
  const bool got = freed_.wait_for(lock, options_.max_wait,
                                   [this] { return running_ < options_.max_concurrent; });
  --waiting_;
  if (!got) return tl::unexpected(Busy());
  ++running_;
  return {};
}

PasswordHasher::Slot::~Slot() {
  ++h_.completed_;
  {
    std::lock_guard lock(h_.mu_);
    --h_.running_;
  }
  h_.freed_.notify_one();
}

int PasswordHasher::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

int PasswordHasher::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

base::Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  TRY(Acquire());
  Slot slot(*this);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), options_.opslimit,
                            options_.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return base::Fail(base::ErrorKind::kUnavailable, "out_of_memory",
                      "Not enough memory to hash the password");
  }
  return std::string(out);
}

base::Result<bool> PasswordHasher::Verify(const std::string& hash, std::string_view password) const {
  TRY(Acquire());
  Slot slot(*this);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(const std::string& hash) const {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), options_.opslimit,
                                        options_.memlimit_bytes) != 0;
}

}  // namespace vitrina::accounts
