#include "moderation/notification_service.h"

namespace vitrina::moderation {

using store::Id;

// ---------------------------------------------------------------- notifications

Result<std::vector<store::Notification>> NotificationService::Notifications(const store::User& user,
                                                                         std::optional<Id> before_id, int limit) {
  return store_.Read([&](store::Tx& tx) { return tx.notifications().List(user.id, before_id, limit); });
}

Result<std::int64_t> NotificationService::UnreadNotifications(const store::User& user) {
  return store_.Read([&](store::Tx& tx) { return tx.notifications().UnreadCount(user.id); });
}

Result<void> NotificationService::MarkNotificationsRead(const store::User& user, Id up_to) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<void> {
    TRY(tx.notifications().MarkRead(user.id, up_to, now));
    return {};
  });
}

}  // namespace vitrina::moderation
