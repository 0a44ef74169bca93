#pragma once
// Blind double review (docs/quality.md "Double review"): a share of decided complaints cases
// (moderation.double_review_percent) is queued for a second moderator, who takes them one at a
// time and decides without seeing the first decision; their action is recorded against the
// first (agreed or disagreed) and touches no one. Disagreements wait for a supervisor's verdict
// (supervision::QualityService). Thread-safe.

#include <optional>
#include <string>

#include "moderation/moderation_types.h"

namespace vitrina::moderation {

struct ReviewView {
  store::DoubleReview review;
  CaseView view;  // blind: no decisions, complaints shown in review, no sanction from this case
};

class ReviewService : ModerationPart {
 public:
  explicit ReviewService(const ModerationContext& ctx) : ModerationPart(ctx) {}

  // The review the moderator holds, else the oldest waiting one they may take (assigned to
  // them with a lease); nullopt when none.
  Result<std::optional<ReviewView>> Next(const store::User& moderator);
  // 404 review_not_found, 403 not_assignee (not theirs, or the lease ended).
  Result<ReviewView> Get(const store::User& moderator, store::Id review_id);
  // Whether the moderator may decide the review now (before what they send is read): 404
  // review_not_found, 409 review_decided, 403 not_assignee.
  Result<void> CheckMayDecide(const store::User& moderator, store::Id review_id);
  // The second decision: 400 invalid_action / invalid_reason; 409 review_decided.
  Result<store::DoubleReview> Decide(const store::User& moderator, store::Id review_id, const std::string& action,
                                     const std::string& reason);
};

// In DecideComplaints' transaction: queues the decided case for a second review with
// probability options.double_review_percent / 100. Returns whether it did.
Result<bool> MaybeQueueReview(store::Tx& tx, const ModerationOptions& options, const store::Case& c,
                              const store::Decision& decision, const std::string& category, base::TimeMs now);

// What a second reviewer may see of a case: the first decision and its traces removed.
CaseView BlindView(CaseView view);

}  // namespace vitrina::moderation
