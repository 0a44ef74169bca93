#pragma once
// Cryptographic randomness and hashing (libsodium).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vitrina::base {

// `bytes` random bytes from the OS CSPRNG, base64url without padding.
std::string RandomToken(std::size_t bytes = 32);

// A uniformly random 64-bit number from the OS CSPRNG.
std::uint64_t RandomU64();

// Standard base64 with padding (e.g. for HTTP Basic credentials).
std::string Base64(std::string_view data);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// SHA-256 of data given in pieces (a stream of any length in constant memory).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  std::string FinalHex();  // once

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Lower-case hex HMAC-SHA-256 of `data` under `key` (any length).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Constant-time comparison of two strings of any length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Initialises libsodium; safe to call many times from any thread. Returns false if the
// library cannot be used (then nothing secure can be done: callers abort start-up).
bool InitCrypto();

}  // namespace vitrina::base
