#include "accounts/account_service.h"

#include <algorithm>

#include "base/log.h"
#include "base/random.h"
#include "base/timezone.h"

namespace vitrina::accounts {

namespace {

bool HasControlChars(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Counts UTF-8 code points (input is valid UTF-8: the JSON parser checked it).
std::size_t CodePoints(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

std::unique_ptr<FailureLimiter> MakeLimiter(store::Store& store, const AuthOptions& options,
                                            const char* name, int max, base::TimeMs window_ms) {
  if (options.shared_limits) return std::make_unique<SharedFailureLimiter>(store, name, max, window_ms);
  return std::make_unique<InMemoryFailureLimiter>(max, window_ms);
}

}  // namespace

AccountService::AccountService(store::Store& store, const base::Clock& clock, AuthOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      hasher_(options.password_hash),
      email_limiter_(MakeLimiter(store, options, "login_email", options.login_max_failures_per_email,
                                 options.login_window_ms)),
      ip_limiter_(MakeLimiter(store, options, "login_ip", options.login_max_failures_per_ip,
                              options.login_window_ms)),
      register_limiter_(MakeLimiter(store, options, "register_ip", options.register_max_per_ip,
                                    options.register_window_ms)),
      register_taken_limiter_(MakeLimiter(store, options, "register_taken_ip",
                                          options.register_max_taken_per_ip, options.register_window_ms)) {
  dummy_hash_ = hasher_.Hash(base::RandomToken(16)).value_or("");
}

Result<std::string> AccountService::NormalizeEmail(const std::string& raw) {
  std::string email = Trim(raw);
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto at = email.find('@');
  const bool ok = email.size() <= 254 && at != std::string::npos && at > 0 &&
                  email.find('@', at + 1) == std::string::npos &&
                  email.find('.', at + 2) != std::string::npos && email.back() != '.' &&
                  email.find_first_of(" \t\r\n<>()[],;:\"\\") == std::string::npos &&
                  !HasControlChars(email);
  if (!ok) return base::InvalidArgument("invalid_email", "Enter a valid email address");
  return email;
}

Result<std::string> AccountService::ValidateDisplayName(const std::string& raw) {
  std::string name = Trim(raw);
  if (name.empty() || CodePoints(name) > 80 || HasControlChars(name)) {
    return base::InvalidArgument("invalid_display_name",
                                 "Display name must be 1 to 80 characters without control characters");
  }
  return name;
}

Result<void> AccountService::ValidatePassword(const std::string& password) {
  if (password.size() < 8 || password.size() > 256) {
    return base::InvalidArgument("invalid_password", "Password must be 8 to 256 bytes long");
  }
  return {};
}

Result<store::User> AccountService::CreateUser(const Registration& r, bool upsert) {
  const std::string email = TRY(NormalizeEmail(r.email));
  const std::string name = TRY(ValidateDisplayName(r.display_name));
  TRY(ValidatePassword(r.password));
  if (!base::IsValidTimeZone(r.timezone)) {
    return base::InvalidArgument("invalid_timezone", "Unknown time zone: " + r.timezone);
  }
  std::vector<std::string> roles = {"user"};
  for (Role role : r.roles) {
    if (role != Role::kUser) roles.emplace_back(RoleName(role));
  }
  const std::string hash = TRY(hasher_.Hash(r.password));  // slow: outside the transaction
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<store::User> {
    auto existing = TRY(tx.users().FindByEmail(email));
    if (existing) {
      if (!upsert) return base::Conflict("email_taken", "An account with this email already exists");
      TRY(tx.users().SetPasswordHash(existing->id, hash, now));
      TRY(tx.users().SetRoles(existing->id, roles, now));
      TRY(tx.users().UpdateProfile(existing->id, name, r.timezone, now));
      auto updated = TRY(tx.users().FindById(existing->id));
      return *updated;
    }
    return tx.users().Insert({email, name, hash, roles, r.timezone}, now);
  });
}

Result<void> AccountService::CheckLimit(FailureLimiter& limiter, const std::string& key,
                                        base::TimeMs now, std::string_view what) {
  const auto wait_ms = TRY(limiter.RetryAfter(key, now));
  if (wait_ms <= 0) return {};
  const int seconds = static_cast<int>((wait_ms + 999) / 1000);
  return tl::unexpected(base::Error{base::ErrorKind::kRateLimited, "rate_limited",
                                    "Too many " + std::string(what) + "; try again in " +
                                        std::to_string(seconds) + " s",
                                    seconds});
}

Result<IssuedSession> AccountService::Register(const Registration& r, const std::string& client_ip) {
  const auto now = clock_.NowMs();
  const std::string ip_key = "ip:" + client_ip;
  TRY(CheckLimit(*register_limiter_, ip_key, now, "registrations from your network"));
  TRY(CheckLimit(*register_taken_limiter_, ip_key, now, "registrations from your network"));
  TRY(register_limiter_->RecordFailure(ip_key, now));  // every attempt counts
  // Cheap checks before the expensive hash: the input, then whether the address is taken.
  const std::string email = TRY(NormalizeEmail(r.email));
  TRY(ValidateDisplayName(r.display_name));
  TRY(ValidatePassword(r.password));
  if (TRY(store_.Read([&](store::Tx& tx) { return tx.users().FindByEmail(email); }))) {
    TRY(register_taken_limiter_->RecordFailure(ip_key, now));
    base::log::Info("registration_email_taken", {{"ip", client_ip}});
    return base::Conflict("email_taken", "An account with this email already exists");
  }
  Registration plain = r;
  plain.roles = {Role::kUser};  // self-registration never grants staff roles
  auto user = TRY(CreateUser(plain, false));
  base::log::Info("user_registered", {{"user_id", user.id}});
  return IssueSession(user);
}

Result<IssuedSession> AccountService::IssueSession(const store::User& user) {
  IssuedSession issued;
  issued.token = base::RandomToken(32);
  issued.csrf_token = base::RandomToken(32);
  const auto now = clock_.NowMs();
  issued.expires_at = now + options_.session_ttl_ms;
  issued.user = user;
  store::Session session{base::Sha256Hex(issued.token), user.id, issued.csrf_token, now,
                         issued.expires_at};
  TRY(store_.Write([&](store::Tx& tx) { return tx.sessions().Insert(session); }));
  return issued;
}

Result<IssuedSession> AccountService::Login(const std::string& raw_email,
                                            const std::string& password,
                                            const std::string& client_ip) {
  const auto now = clock_.NowMs();
  auto email = NormalizeEmail(raw_email);
  if (!email) return base::Unauthenticated("invalid_credentials", "Wrong email or password");
  const std::string email_key = "email:" + *email;
  const std::string ip_key = "ip:" + client_ip;
  TRY(CheckLimit(*email_limiter_, email_key, now, "failed logins"));
  TRY(CheckLimit(*ip_limiter_, ip_key, now, "failed logins"));
  auto user = TRY(store_.Read([&](store::Tx& tx) { return tx.users().FindByEmail(*email); }));
  // An unknown address is verified against a dummy hash: the same cost, no timing oracle.
  const bool matches = TRY(hasher_.Verify(user ? user->password_hash : dummy_hash_, password));
  const bool ok = user && matches;
  if (!ok) {
    // A failure the store could not count is logged; the answer stays the same.
    auto counted = email_limiter_->RecordFailure(email_key, now);
    if (counted) counted = ip_limiter_->RecordFailure(ip_key, now);
    if (!counted) base::log::Warn("login_failure_not_counted", {{"error", counted.error().message}});
    base::log::Info("login_failed", {{"ip", client_ip}});
    return base::Unauthenticated("invalid_credentials", "Wrong email or password");
  }
  if (auto reset = email_limiter_->Reset(email_key); !reset) {
    base::log::Warn("login_limit_reset_failed", {{"error", reset.error().message}});
  }
  // A blocked user may still sign in: their session only reaches the statement of reasons
  // and the appeal (api::Access::kSignedIn); everything else answers 403 user_blocked.
  if (hasher_.NeedsRehash(user->password_hash)) {
    if (auto rehashed = hasher_.Hash(password)) {
      (void)store_.Write([&](store::Tx& tx) {
        return tx.users().SetPasswordHash(user->id, *rehashed, now);
      });
    }
  }
  base::log::Info("login", {{"user_id", user->id}});
  return IssueSession(*user);
}

Result<void> AccountService::Logout(const std::string& token) {
  return EndSession(base::Sha256Hex(token));
}

Result<void> AccountService::EndSession(const std::string& token_hash) {
  return store_.Write([&](store::Tx& tx) { return tx.sessions().Delete(token_hash); });
}

Result<Principal> AccountService::Authenticate(const std::string& token, bool allow_blocked) {
  if (token.empty() || token.size() > 128) {
    return base::Unauthenticated("invalid_token", "Missing or invalid session token");
  }
  const auto now = clock_.NowMs();
  const std::string hash = base::Sha256Hex(token);
  auto found = TRY(store_.Read([&](store::Tx& tx) -> Result<std::optional<Principal>> {
    auto session = TRY(tx.sessions().Find(hash));
    if (!session) return std::optional<Principal>();
    auto user = TRY(tx.users().FindById(session->user_id));
    if (!user) return std::optional<Principal>();
    return std::optional<Principal>(Principal{std::move(*user), std::move(*session)});
  }));
  if (!found || found->session.expires_at <= now) {
    return base::Unauthenticated("invalid_token", "Session expired or invalid; log in again");
  }
  if (!allow_blocked && IsBlocked(found->user, now)) {
    return base::PermissionDenied("user_blocked", "This account is blocked");
  }
  return std::move(*found);
}

Result<bool> AccountService::SessionActive(const std::string& token_hash) {
  const auto now = clock_.NowMs();
  return store_.Read([&](store::Tx& tx) -> Result<bool> {
    auto session = TRY(tx.sessions().Find(token_hash));
    if (!session || session->expires_at <= now) return false;
    auto user = TRY(tx.users().FindById(session->user_id));
    return user && !IsBlocked(*user, now);
  });
}

Result<store::User> AccountService::UpdateProfile(store::Id user_id,
                                                  std::optional<std::string> display_name,
                                                  std::optional<std::string> timezone) {
  if (display_name) display_name = TRY(ValidateDisplayName(*display_name));
  if (timezone && !base::IsValidTimeZone(*timezone)) {
    return base::InvalidArgument("invalid_timezone", "Unknown time zone: " + *timezone);
  }
  const auto now = clock_.NowMs();
  return ModifyUser(user_id, [&](store::Tx& tx, const store::User& user) {
    return tx.users().UpdateProfile(user_id, display_name.value_or(user.display_name),
                                    timezone.value_or(user.timezone), now);
  });
}

Result<store::User> AccountService::SetRoles(store::Id user_id,
                                             const std::vector<std::string>& names,
                                             std::optional<store::Id> by) {
  std::vector<std::string> roles = {"user"};
  for (const auto& name : names) {
    auto role = ParseRole(name);
    if (!role) return base::InvalidArgument("invalid_role", "Unknown role: " + name);
    if (*role != Role::kUser && std::find(roles.begin(), roles.end(), name) == roles.end()) {
      roles.push_back(name);
    }
  }
  // A supervisor is a moderator with the quality tools on top.
  const auto has = [&](std::string_view r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); };
  if (has(RoleName(Role::kSupervisor)) && !has(RoleName(Role::kModerator))) {
    roles.emplace_back(RoleName(Role::kModerator));
  }
  const auto now = clock_.NowMs();
  return ModifyUser(user_id, [&](store::Tx& tx, const store::User&) -> Result<void> {
    TRY(tx.users().SetRoles(user_id, roles, now));
    if (!by) return {};
    std::string list;
    for (const auto& r : roles) list += (list.empty() ? "\"" : ",\"") + r + "\"";
    TRY(tx.audit().Append({*by, "user.roles_changed", "user", std::to_string(user_id),
                           "{\"roles\":[" + list + "]}", "[]"},
                          now));
    return {};
  });
}

Result<store::User> AccountService::SetSkills(store::Id user_id,
                                              const std::vector<std::string>& skills,
                                              std::optional<store::Id> by) {
  for (const auto& skill : skills) {
    const bool vertical = skill == "vertical:goods" || skill == "vertical:realty" ||
                          skill == "vertical:auto" || skill == "vertical:jobs";
    const bool lang = skill.size() == 7 && skill.starts_with("lang:") &&
                      std::islower(static_cast<unsigned char>(skill[5])) &&
                      std::islower(static_cast<unsigned char>(skill[6]));
    if (!vertical && !lang) {
      return base::InvalidArgument("invalid_skill",
                                   "Skill must be vertical:<goods|realty|auto|jobs> or lang:<xx>: " + skill);
    }
  }
  const auto now = clock_.NowMs();
  return ModifyUser(user_id, [&](store::Tx& tx, const store::User&) -> Result<void> {
    TRY(tx.users().SetSkills(user_id, skills, now));
    if (!by) return {};
    std::string list;  // skills are validated above: plain words, safe to quote
    for (const auto& s : skills) list += (list.empty() ? "\"" : ",\"") + s + "\"";
    TRY(tx.audit().Append({*by, "user.skills_changed", "user", std::to_string(user_id),
                           "{\"skills\":[" + list + "]}", "[]"},
                          now));
    return {};
  });
}

Result<store::User> AccountService::ModifyUser(
    store::Id user_id,
    const std::function<Result<void>(store::Tx&, const store::User&)>& change) {
  return store_.Write([&](store::Tx& tx) -> Result<store::User> {
    auto user = TRY(tx.users().FindById(user_id));
    if (!user) return base::NotFound("user_not_found", "No such user");
    TRY(change(tx, *user));
    auto updated = TRY(tx.users().FindById(user_id));
    return *updated;
  });
}

Result<store::User> AccountService::GetUser(store::Id user_id) {
  auto user = TRY(store_.Read([&](store::Tx& tx) { return tx.users().FindById(user_id); }));
  if (!user) return base::NotFound("user_not_found", "No such user");
  return *user;
}

Result<std::vector<store::User>> AccountService::ListUsers(std::optional<store::Id> before_id,
                                                           int limit) {
  return store_.Read([&](store::Tx& tx) { return tx.users().List(before_id, limit); });
}

Result<int> AccountService::PurgeExpiredSessions() {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) { return tx.sessions().DeleteExpired(now); });
}

Result<int> AccountService::PurgeExpiredRateLimits() {
  // In batches, each its own short claim (READ COMMITTED, SKIP LOCKED on PostgreSQL): a spray
  // of distinct keys never makes one long transaction, and processes purging at the same time
  // neither wait on nor fail over each other.
  constexpr int kBatch = 1000;
  const auto now = clock_.NowMs();
  int total = 0;
  while (true) {
    const int n = TRY(store_.WriteClaim([&](store::Tx& tx) { return tx.limits().DeleteExpired(now, kBatch); }));
    total += n;
    if (n < kBatch) return total;
  }
}

}  // namespace vitrina::accounts
