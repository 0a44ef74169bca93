#pragma once
// A user's notifications (decisions about them, appeals, rewards): list, unread count, mark
// read. Thread-safe.

#include <cstdint>
#include <optional>
#include <vector>

#include "moderation/moderation_types.h"

namespace vitrina::moderation {

class NotificationService : ModerationPart {
 public:
  explicit NotificationService(const ModerationContext& ctx) : ModerationPart(ctx) {}

  Result<std::vector<store::Notification>> Notifications(const store::User& user, std::optional<store::Id> before_id,
                                                         int limit);
  Result<std::int64_t> UnreadNotifications(const store::User& user);
  Result<void> MarkNotificationsRead(const store::User& user, store::Id up_to);
};

}  // namespace vitrina::moderation
