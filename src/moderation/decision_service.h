#pragma once
// Decisions on cases: on complaints (dismiss, warn, block, ban, with rewards to the
// complainants) and on appeals (uphold, overturn, reduce), each with its sanctions, account
// state, notifications and audit entry in one transaction (docs/moderation.md "Decisions").
// Thread-safe.

#include "moderation/moderation_types.h"

namespace vitrina::moderation {

class DecisionService : ModerationPart {
 public:
  explicit DecisionService(const ModerationContext& ctx) : ModerationPart(ctx) {}

  // Whether the moderator may decide the case now (who, before what they decide): 404
  // case_not_found, 409 case_decided, 403 not_assignee or conflict_of_interest.
  Result<void> CheckMayDecide(const store::User& moderator, store::Id case_id);
  Result<DecisionOutcome> Decide(const store::User& moderator, store::Id case_id, const DecisionInput& in);

 private:
  Result<DecisionOutcome> DecideComplaints(store::Tx& tx, store::Case& c, const store::User& moderator,
                                           const DecisionInput& in, base::TimeMs now);
  Result<DecisionOutcome> DecideAppeal(store::Tx& tx, store::Case& c, const store::User& moderator,
                                       const DecisionInput& in, base::TimeMs now);
};

}  // namespace vitrina::moderation
