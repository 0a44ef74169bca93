#include "moderation/complaint_service.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/algorithm/string/trim.hpp>
#include <boost/json.hpp>

#include "base/log.h"
#include "moderation/case_intake.h"
#include "moderation/service_helpers.h"

namespace vitrina::moderation {

namespace json = boost::json;
using namespace detail;  // NOLINT: this component's own helpers

// ---------------------------------------------------------------- complaints

Result<store::Complaint> ComplaintService::FileComplaint(const store::User& user, Id call_id,
                                                         const ComplaintInput& in) {
  if (!in.category || !IsCategory(*in.category)) {
    return base::InvalidArgument("invalid_category", "category must be one of fraud, prepayment_request, rude, "
                                                     "not_as_described, no_show, other");
  }
  if (!in.text) return base::InvalidArgument("invalid_text", "text is required");
  const auto text = TRY(Text(*in.text, kMaxText, "invalid_text", "text"));
  std::optional<std::string> quote;
  if (in.quote && !boost::algorithm::trim_copy(*in.quote).empty()) {
    quote = TRY(Text(*in.quote, kMaxQuote, "invalid_quote", "quote"));
  }
  const auto ranges = in.ranges.value_or(std::vector<TimeRange>{});
  const auto now = clock_.NowMs();
  auto complaint = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Complaint> {
    auto call = TRY(tx.calls().FindById(call_id));
    if (!call) return base::NotFound("call_not_found", "No such call");
    if (!IsParty(*call, user.id)) {
      return base::PermissionDenied("not_participant", "Only the buyer and the seller of this call may complain about it");
    }
    if (call->state == "proposed" || call->state == "accepted" || call->state == "declined" ||
        call->state == "cancelled") {
      return base::Conflict("call_not_complainable", "This call did not take place (" + call->state + ")");
    }
    TRY(CheckRanges(ranges, CallLength(*call, now), kMaxRanges, "invalid_ranges"));
    for (const auto& k : TRY(tx.complaints().ListComplaints(Complaints().Reporter(user.id).OnCall(call->id)))) {
      if (k.status == "open" || k.status == "in_review") {
        return base::Conflict("complaint_exists", "You already have complaint " + std::to_string(k.id) +
                                                      " on this call; edit it instead");
      }
    }
    const Id accused = call->buyer_id == user.id ? call->seller_id : call->buyer_id;
    auto c = TRY(OpenOrJoinCase(tx, options_, accused, *call, now));
    store::Complaint k;
    k.call_id = call->id;
    k.reporter_id = user.id;
    k.accused_id = accused;
    k.case_id = c.id;
    k.category = *in.category;
    k.text = text;
    k.ranges = RangesJson(ranges);
    k.quote = quote;
    if (quote) k.quote_match = TRY(MatchInCall(tx, *call, accused, *quote));
    // A case a moderator already works takes the complaint straight into review.
    k.status = c.status == "assigned" ? "in_review" : "open";
    k.created_at = now;
    k.updated_at = now;
    k = TRY(tx.complaints().InsertComplaint(k));
    TRY(tx.cases().AddCaseCall(c.id, call->id));
    TRY(moderation::Reprioritise(tx, options_, c, now));
    TRY(tx.audit().Append({user.id, "complaint.filed", "complaint", std::to_string(k.id),
                           json::serialize(json::object{{"call_id", std::to_string(call->id)},
                                                        {"case_id", std::to_string(c.id)},
                                                        {"accused_id", std::to_string(accused)},
                                                        {"category", k.category}}),
                           "[]"},
                          now));
    return k;
  }));
  metrics_.Add("vitrina_complaints_total", {{"category", complaint.category}});
  base::log::Info("complaint_filed", {{"complaint_id", complaint.id}, {"call_id", call_id},
                                      {"case_id", complaint.case_id}, {"category", complaint.category}});
  return complaint;
}

Result<store::Complaint> ComplaintService::EditComplaint(const store::User& user, Id complaint_id,
                                                         const ComplaintInput& in) {
  if (in.category && !IsCategory(*in.category)) {
    return base::InvalidArgument("invalid_category", "Unknown category: " + *in.category);
  }
  std::optional<std::string> text;
  if (in.text) text = TRY(Text(*in.text, kMaxText, "invalid_text", "text"));
  std::optional<std::string> quote;
  if (in.quote && !boost::algorithm::trim_copy(*in.quote).empty()) {
    quote = TRY(Text(*in.quote, kMaxQuote, "invalid_quote", "quote"));
  }
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<store::Complaint> {
    auto k = TRY(tx.complaints().FindComplaint(complaint_id));
    if (!k || k->reporter_id != user.id) return base::NotFound("complaint_not_found", "No such complaint");
    if (k->status != "open") {
      return base::Conflict("complaint_locked", "A moderator has taken this complaint; it can no longer be changed");
    }
    auto call = TRY(tx.calls().FindById(k->call_id));
    if (in.ranges) {
      TRY(CheckRanges(*in.ranges, CallLength(*call, now), kMaxRanges, "invalid_ranges"));
      k->ranges = RangesJson(*in.ranges);
    }
    if (in.category) k->category = *in.category;
    if (text) k->text = *text;
    if (in.quote) {
      k->quote = quote;
      k->quote_match = quote ? TRY(MatchInCall(tx, *call, k->accused_id, *quote)) : std::nullopt;
    }
    k->updated_at = now;
    TRY(tx.complaints().UpdateComplaint(*k));
    auto c = TRY(tx.cases().FindCase(k->case_id));
    if (c) TRY(moderation::Reprioritise(tx, options_, *c, now));
    return *k;
  });
}

Result<store::Complaint> ComplaintService::GetComplaint(const store::User& user, Id complaint_id) {
  return store_.Read([&](store::Tx& tx) -> Result<store::Complaint> {
    auto k = TRY(tx.complaints().FindComplaint(complaint_id));
    if (!k || (k->reporter_id != user.id && !IsModerator(user))) {
      return base::NotFound("complaint_not_found", "No such complaint");
    }
    return *k;
  });
}

Result<std::vector<store::Complaint>> ComplaintService::MyComplaints(const store::User& user,
                                                         std::optional<Id> before_id, int limit) {
  return store_.Read([&](store::Tx& tx) {
    return tx.complaints().ListComplaints(Complaints().Reporter(user.id).Before(before_id).Limit(limit));
  });
}

Result<std::vector<store::Complaint>> ComplaintService::CallComplaints(const store::User& user, Id call_id) {
  return store_.Read([&](store::Tx& tx) -> Result<std::vector<store::Complaint>> {
    auto call = TRY(tx.calls().FindById(call_id));
    if (!call) return base::NotFound("call_not_found", "No such call");
    if (IsModerator(user)) return tx.complaints().ListComplaints(Complaints().OnCall(call_id).Limit(200));
    if (!IsParty(*call, user.id)) return base::PermissionDenied("not_participant", "This call is not yours");
    return tx.complaints().ListComplaints(Complaints().Reporter(user.id).OnCall(call_id).Limit(200));
  });
}

}  // namespace vitrina::moderation
