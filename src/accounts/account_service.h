#pragma once
// Accounts and sessions: registration, login (rate limited), logout, authentication of a
// bearer/cookie token, profile, roles. Thread-safe; holds no per-request state.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accounts/password.h"
#include "accounts/rate_limiter.h"
#include "accounts/roles.h"
#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace vitrina::accounts {

using base::Result;

struct AuthOptions {
  base::TimeMs session_ttl_ms = 30ll * 24 * 3600 * 1000;
  int login_max_failures_per_email = 10;
  int login_max_failures_per_ip = 50;
  base::TimeMs login_window_ms = 15 * 60 * 1000;
  // Registrations per client IP per window (every attempt counts), and answers that an
  // address is taken per IP per window (what bounds registration as an email oracle).
  int register_max_per_ip = 200;
  int register_max_taken_per_ip = 20;
  base::TimeMs register_window_ms = 60 * 60 * 1000;
  // Count these limits in the store (SharedFailureLimiter: one budget for every process on
  // the database, one write per failure) instead of in this process's memory. The server
  // sets it when the store is PostgreSQL (several processes); SQLite serves one process.
  bool shared_limits = false;
  PasswordHashOptions password_hash;
};

// A fresh session: the token is shown to the client once and stored only as a hash.
struct IssuedSession {
  std::string token;
  std::string csrf_token;
  base::TimeMs expires_at = 0;
  store::User user;
};

// Who is calling, resolved from a token.
struct Principal {
  store::User user;
  store::Session session;
};

struct Registration {
  std::string email;
  std::string password;
  std::string display_name;
  std::string timezone = "UTC";
  std::vector<Role> roles = {Role::kUser};
};

class AccountService {
 public:
  AccountService(store::Store& store, const base::Clock& clock, AuthOptions options);

  // Self-registration from `client_ip`: rate limited per IP (429 rate_limited), the address
  // checked before any hashing (409 email_taken, itself limited per IP), 503 busy when
  // password hashing is saturated (docs/threat-model.md).
  Result<IssuedSession> Register(const Registration& registration, const std::string& client_ip);
  // Creates an account without a session (CLI `user add`, demo seed); or updates the
  // password and roles of an existing one when `upsert` is set.
  Result<store::User> CreateUser(const Registration& registration, bool upsert);
  Result<IssuedSession> Login(const std::string& email, const std::string& password,
                              const std::string& client_ip);
  Result<void> Logout(const std::string& token);
  // Ends the session whose token hashes to `token_hash` (as found by Authenticate).
  Result<void> EndSession(const std::string& token_hash);
  // 401 invalid_token for an unknown or expired token; 403 user_blocked for a blocked user.
  // With `allow_blocked` a blocked user's principal is returned too (the few requests a
  // blocked user may make: read the statement of reasons, appeal, sign out).
  Result<Principal> Authenticate(const std::string& token, bool allow_blocked = false);
  // Whether the session with this token hash still exists, has not expired and its user is not
  // blocked (for connections that outlive one request, e.g. WebSockets).
  Result<bool> SessionActive(const std::string& token_hash);

  Result<store::User> UpdateProfile(store::Id user_id, std::optional<std::string> display_name,
                                    std::optional<std::string> timezone);
  // With `by` (an admin through the API) the change is a `user.roles_changed` audit entry,
  // written in the same transaction.
  Result<store::User> SetRoles(store::Id user_id, const std::vector<std::string>& roles,
                               std::optional<store::Id> by = std::nullopt);
  // Skills are "vertical:<goods|realty|auto|jobs>" or "lang:<2-letter code>".
  // With `by` (an admin) a `user.skills_changed` audit entry in the same transaction.
  Result<store::User> SetSkills(store::Id user_id, const std::vector<std::string>& skills,
                                std::optional<store::Id> by = std::nullopt);
  Result<store::User> GetUser(store::Id user_id);
  Result<std::vector<store::User>> ListUsers(std::optional<store::Id> before_id, int limit);
  Result<int> PurgeExpiredSessions();
  // Deletes lapsed rate-limit counters from the store (shared_limits); how many.
  Result<int> PurgeExpiredRateLimits();

  const PasswordHasher& hasher() const { return hasher_; }

  // Input rules, exposed for reuse and tests.
  static Result<std::string> NormalizeEmail(const std::string& email);
  static Result<std::string> ValidateDisplayName(const std::string& name);
  static Result<void> ValidatePassword(const std::string& password);

 private:
  Result<IssuedSession> IssueSession(const store::User& user);
  // 429 rate_limited while `limiter` holds `key` back.
  static Result<void> CheckLimit(FailureLimiter& limiter, const std::string& key, base::TimeMs now,
                                 std::string_view what);
  // Runs `change` on an existing user in one transaction and returns the user as it is after.
  Result<store::User> ModifyUser(store::Id user_id,
                                 const std::function<Result<void>(store::Tx&, const store::User&)>& change);

  store::Store& store_;
  const base::Clock& clock_;
  AuthOptions options_;
  PasswordHasher hasher_;
  std::unique_ptr<FailureLimiter> email_limiter_;
  std::unique_ptr<FailureLimiter> ip_limiter_;
  std::unique_ptr<FailureLimiter> register_limiter_;        // every registration attempt, per IP
  std::unique_ptr<FailureLimiter> register_taken_limiter_;  // "address taken" answers, per IP
  std::string dummy_hash_;  // verified against when the email is unknown, to equalise timing
};

}  // namespace vitrina::accounts
