#include "accounts/roles.h"

#include <algorithm>

namespace vitrina::accounts {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kUser: return "user";
    case Role::kModerator: return "moderator";
    case Role::kSupervisor: return "supervisor";
    case Role::kAnalyst: return "analyst";
    case Role::kAdmin: return "admin";
  }
  return "user";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kUser, Role::kModerator, Role::kSupervisor, Role::kAnalyst, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool HasRole(const store::User& user, Role role) {
  return std::find(user.roles.begin(), user.roles.end(), RoleName(role)) != user.roles.end();
}

bool IsBlocked(const std::string& status, std::optional<base::TimeMs> blocked_until,
               base::TimeMs now) {
  if (status != "blocked") return false;
  return !blocked_until || *blocked_until > now;
}

bool IsBlocked(const store::User& user, base::TimeMs now) {
  return IsBlocked(user.status, user.blocked_until, now);
}

}  // namespace vitrina::accounts
