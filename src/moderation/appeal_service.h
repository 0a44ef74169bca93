#pragma once
// What a sanctioned user sees and does: their sanctions, appealing one (which opens an appeal
// case for another moderator), and the complainants' reward ledger. Thread-safe.

#include <string>
#include <vector>

#include "moderation/moderation_types.h"

namespace vitrina::moderation {

class AppealService : ModerationPart {
 public:
  explicit AppealService(const ModerationContext& ctx) : ModerationPart(ctx) {}

  Result<std::vector<SanctionView>> Sanctions(const store::User& user);
  Result<store::Appeal> FileAppeal(const store::User& user, store::Id sanction_id, const std::string& text);
  // The caller's reward ledger entries, newest first.
  Result<std::vector<store::Reward>> Rewards(const store::User& user);
};

}  // namespace vitrina::moderation
