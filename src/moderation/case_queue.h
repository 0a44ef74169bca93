#pragma once
// The moderation queue: handing cases out (`next`), the assignee's lease, reading a case,
// the queue's state, and moderators' shift and capacity (docs/moderation.md "Routing").
// Thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "moderation/moderation_types.h"

namespace vitrina::moderation {

class CaseQueue : ModerationPart {
 public:
  explicit CaseQueue(const ModerationContext& ctx) : ModerationPart(ctx) {}

  // nullopt: nothing the moderator may take. Conflict "off_shift", "at_capacity".
  Result<std::optional<CaseView>> Next(const store::User& moderator);
  Result<CaseView> GetCase(const store::User& moderator, store::Id case_id);
  Result<base::TimeMs> Heartbeat(const store::User& moderator, store::Id case_id);
  Result<CaseView> Release(const store::User& moderator, store::Id case_id);
  Result<std::vector<store::Case>> Queue(std::optional<store::QueueCursor> after, int limit);
  Result<QueueSummary> Summary();
  std::string SlaStateOf(const store::Case& c) const;
  Result<ModeratorInfo> Moderator(store::Id user_id);
  // With `by` (the admin, or the moderator themselves) a `moderator.updated` audit entry in the
  // same transaction.
  Result<ModeratorInfo> SetModerator(store::Id user_id, std::optional<bool> on_shift, std::optional<int> capacity,
                                     std::optional<store::Id> by = std::nullopt);
};

}  // namespace vitrina::moderation
