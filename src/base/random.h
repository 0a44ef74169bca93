#pragma once
// Cryptographic randomness and hashing (libsodium).

#include <cstddef>
#include <string>
#include <string_view>

namespace vitrina::base {

// `bytes` random bytes from the OS CSPRNG, base64url without padding.
std::string RandomToken(std::size_t bytes = 32);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Constant-time comparison of two strings of any length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Initialises libsodium; safe to call many times from any thread. Returns false if the
// library cannot be used (then nothing secure can be done: callers abort start-up).
bool InitCrypto();

}  // namespace vitrina::base
