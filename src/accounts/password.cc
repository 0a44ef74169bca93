#include "accounts/password.h"

#include <sodium.h>

namespace vitrina::accounts {

base::Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), options_.opslimit,
                            options_.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return base::Fail(base::ErrorKind::kUnavailable, "out_of_memory",
                      "Not enough memory to hash the password");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(const std::string& hash, std::string_view password) const {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(const std::string& hash) const {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), options_.opslimit,
                                        options_.memlimit_bytes) != 0;
}

}  // namespace vitrina::accounts
