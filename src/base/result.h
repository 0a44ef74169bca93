#pragma once
// Result<T> = tl::expected<T, Error>: expected failures are values, never exceptions.

#include <string>
#include <type_traits>
#include <utility>

#include <tl/expected.hpp>

namespace vitrina::base {

// What went wrong, coarse enough that the API layer can pick an HTTP status from it alone.
enum class ErrorKind {
  kInvalidArgument,   // 400: bad input
  kUnauthenticated,   // 401: no or invalid credentials
  kPermissionDenied,  // 403: authenticated but not allowed (incl. user_blocked)
  kNotFound,          // 404: missing, or not yours to see
  kConflict,          // 409: wrong state / already exists
  kTooLarge,          // 413
  kUnsupportedMediaType,  // 415: a body in a format the endpoint does not take
  kRateLimited,       // 429
  kUnavailable,       // 503: a dependency is down or busy
  kInternal,          // 500: a bug or an unexpected I/O failure
};

// An error: its kind, a stable snake_case code clients can switch on, and human text.
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code = "internal";
  std::string message;
  int retry_after_s = 0;  // for kRateLimited/kUnavailable: when to try again (0: unknown)
};

template <typename T>
using Result = tl::expected<T, Error>;

// The value of a successful Result<void>-returning function.
inline Result<void> Ok() { return {}; }

inline tl::unexpected<Error> Fail(ErrorKind kind, std::string code, std::string message) {
  return tl::unexpected<Error>(Error{kind, std::move(code), std::move(message)});
}
inline tl::unexpected<Error> InvalidArgument(std::string code, std::string message) {
  return Fail(ErrorKind::kInvalidArgument, std::move(code), std::move(message));
}
inline tl::unexpected<Error> NotFound(std::string code, std::string message) {
  return Fail(ErrorKind::kNotFound, std::move(code), std::move(message));
}
inline tl::unexpected<Error> Conflict(std::string code, std::string message) {
  return Fail(ErrorKind::kConflict, std::move(code), std::move(message));
}
inline tl::unexpected<Error> PermissionDenied(std::string code, std::string message) {
  return Fail(ErrorKind::kPermissionDenied, std::move(code), std::move(message));
}
inline tl::unexpected<Error> Unauthenticated(std::string code, std::string message) {
  return Fail(ErrorKind::kUnauthenticated, std::move(code), std::move(message));
}
inline tl::unexpected<Error> Internal(std::string message) {
  return Fail(ErrorKind::kInternal, "internal", std::move(message));
}

namespace detail {
// The value of a successful Result, by value (nothing for Result<void>).
template <typename R>
auto TryValue(R&& r) {
  using T = typename std::decay_t<R>::value_type;
  if constexpr (std::is_void_v<T>) {
    return;
  } else {
    return T(std::move(r).value());
  }
}
}  // namespace detail

}  // namespace vitrina::base

// TRY(expr): evaluates a Result; on error returns it from the enclosing function,
// otherwise yields the value (GNU statement expression, as in Redpanda/Dragonfly).
#define VITRINA_TRY_CONCAT_(a, b) a##b
#define VITRINA_TRY_NAME_(line) VITRINA_TRY_CONCAT_(vitrina_try_tmp_, line)
#define TRY(expr)                                                   \
  ({                                                                \
    auto&& VITRINA_TRY_NAME_(__LINE__) = (expr);                    \
    if (!VITRINA_TRY_NAME_(__LINE__)) {                             \
      return ::tl::unexpected(std::move(VITRINA_TRY_NAME_(__LINE__)).error()); \
    }                                                               \
    ::vitrina::base::detail::TryValue(std::move(VITRINA_TRY_NAME_(__LINE__))); \
  })
