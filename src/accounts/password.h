#pragma once
// Argon2id password hashing (libsodium crypto_pwhash_str). Stateless; any thread.

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace vitrina::accounts {

struct PasswordHashOptions {
  unsigned long long opslimit = 2;               // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t memlimit_bytes = 64ull << 20;      // crypto_pwhash_MEMLIMIT_INTERACTIVE
};

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashOptions options) : options_(options) {}
  base::Result<std::string> Hash(std::string_view password) const;
  bool Verify(const std::string& hash, std::string_view password) const;
  // True when `hash` was made with weaker parameters than the current ones.
  bool NeedsRehash(const std::string& hash) const;

 private:
  PasswordHashOptions options_;
};

}  // namespace vitrina::accounts
