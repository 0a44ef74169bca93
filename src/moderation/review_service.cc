#include "moderation/review_service.h"

#include <boost/json.hpp>

#include "base/log.h"
#include "base/random.h"
#include "moderation/service_helpers.h"

namespace vitrina::moderation {

namespace json = boost::json;
using namespace detail;  // NOLINT: this component's own helpers

CaseView BlindView(CaseView view) {
  const Id case_id = view.c.id;
  view.decisions.clear();
  view.c.status = "assigned";
  view.c.decided_at.reset();
  for (auto& k : view.complaints) {
    if (k.case_id == case_id) k.status = "in_review";
  }
  std::erase_if(view.history.sanctions, [&](const store::Sanction& s) { return s.case_id == case_id; });
  // The accused's state as their other sanctions leave it is not worth the risk of a hint:
  // the reviewer sees them as active.
  view.accused.status = "active";
  view.accused.blocked_until.reset();
  return view;
}

Result<bool> MaybeQueueReview(store::Tx& tx, const ModerationOptions& options, const store::Case& c,
                              const store::Decision& decision, const std::string& category, TimeMs now) {
  if (options.double_review_percent <= 0) return false;
  if (base::RandomU64() % 10000 >= static_cast<std::uint64_t>(options.double_review_percent) * 100) return false;
  store::DoubleReview r;
  r.case_id = c.id;
  r.first_decision_id = decision.id;
  r.first_moderator_id = decision.moderator_id;
  r.first_action = decision.action;
  r.category = category;
  r.status = "pending";
  r.created_at = now;
  TRY(tx.quality().InsertReview(r));
  return true;
}

Result<std::optional<ReviewView>> ReviewService::Next(const store::User& moderator) {
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<std::optional<ReviewView>> {
    auto r = TRY(tx.quality().HeldReview(moderator.id, now));
    if (!r) {
      r = TRY(tx.quality().NextReview(moderator.id, now));
      if (!r) return std::optional<ReviewView>();
      r->status = "assigned";
      r->second_moderator_id = moderator.id;
      r->assigned_at = now;
    }
    r->lease_until = now + options_.lease_ms;
    TRY(tx.quality().UpdateReview(*r));
    auto c = TRY(tx.cases().FindCase(r->case_id));
    if (!c) return base::Internal("review of a missing case");
    return std::optional<ReviewView>(ReviewView{*r, BlindView(TRY(CaseViewOf(tx, *c)))});
  });
}

Result<ReviewView> ReviewService::Get(const store::User& moderator, Id review_id) {
  const auto now = clock_.NowMs();
  return store_.Read([&](store::Tx& tx) -> Result<ReviewView> {
    auto r = TRY(tx.quality().FindReview(review_id));
    if (!r) return base::NotFound("review_not_found", "No such review");
    if (r->status != "assigned" || r->second_moderator_id != moderator.id || !r->lease_until || *r->lease_until < now) {
      return base::PermissionDenied("not_assignee", "This review is not assigned to you (or your assignment lapsed)");
    }
    auto c = TRY(tx.cases().FindCase(r->case_id));
    if (!c) return base::Internal("review of a missing case");
    return ReviewView{*r, BlindView(TRY(CaseViewOf(tx, *c)))};
  });
}

Result<void> ReviewService::CheckMayDecide(const store::User& moderator, Id review_id) {
  const auto now = clock_.NowMs();
  return store_.Read([&](store::Tx& tx) -> Result<void> {
    auto r = TRY(tx.quality().FindReview(review_id));
    if (!r) return base::NotFound("review_not_found", "No such review");
    if (r->second_action) return base::Conflict("review_decided", "This review has been decided");
    if (r->status != "assigned" || r->second_moderator_id != moderator.id || !r->lease_until || *r->lease_until < now) {
      return base::PermissionDenied("not_assignee", "This review is not assigned to you (or your assignment lapsed)");
    }
    return {};
  });
}

Result<store::DoubleReview> ReviewService::Decide(const store::User& moderator, Id review_id,
                                                  const std::string& action, const std::string& raw_reason) {
  const auto now = clock_.NowMs();
  auto out = TRY(store_.Write([&](store::Tx& tx) -> Result<store::DoubleReview> {
    auto r = TRY(tx.quality().FindReview(review_id));
    if (!r) return base::NotFound("review_not_found", "No such review");
    if (r->second_action) return base::Conflict("review_decided", "This review has been decided");
    if (r->status != "assigned" || r->second_moderator_id != moderator.id || !r->lease_until || *r->lease_until < now) {
      return base::PermissionDenied("not_assignee", "This review is not assigned to you (or your assignment lapsed)");
    }
    if (action != "dismiss" && action != "warn" && action != "block" && action != "ban") {
      return base::InvalidArgument("invalid_action", "action must be dismiss, warn, block or ban");
    }
    const auto reason = TRY(Text(raw_reason, kMaxReason, "invalid_reason", "reason"));
    r->second_action = action;
    r->second_decided_at = now;
    r->lease_until.reset();
    r->status = action == r->first_action ? "agreed" : "disagreed";
    TRY(tx.quality().UpdateReview(*r));
    TRY(tx.audit().Append({moderator.id, "review.decided", "review", std::to_string(r->id),
                           json::serialize(json::object{{"case_id", std::to_string(r->case_id)},
                                                        {"action", action},
                                                        {"reason", reason},
                                                        {"status", r->status}}),
                           "[]"},
                          now));
    return *r;
  }));
  base::log::Info("review_decided", {{"review_id", out.id}, {"status", out.status}, {"moderator_id", moderator.id}});
  return out;
}

}  // namespace vitrina::moderation
