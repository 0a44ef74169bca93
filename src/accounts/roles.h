#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "store/records.h"

namespace vitrina::accounts {

// Roles, checked in one place (the API's route table declares what each route needs).
// A supervisor is a moderator who also has the quality tools (docs/quality.md); granting
// supervisor grants moderator too.
enum class Role { kUser, kModerator, kSupervisor, kAnalyst, kAdmin };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
bool HasRole(const store::User& user, Role role);

// Blocked now? A block with `blocked_until` in the past has lapsed.
bool IsBlocked(const store::User& user, base::TimeMs now);
bool IsBlocked(const std::string& status, std::optional<base::TimeMs> blocked_until,
               base::TimeMs now);

}  // namespace vitrina::accounts
