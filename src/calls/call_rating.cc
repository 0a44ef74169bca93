// A buyer's rating of the seller after an ended call (docs/calls.md "Rating").
#include <boost/algorithm/string/trim.hpp>

#include "calls/call_internal.h"
#include "calls/call_service.h"
#include "search/text.h"

namespace vitrina::calls {

using namespace detail;  // NOLINT(google-build-using-namespace): this component's helpers

namespace {
constexpr std::size_t kMaxComment = 1000;
}  // namespace

Result<store::CallRating> CallService::Rate(const store::User& user, store::Id call_id, std::int64_t stars,
                                            std::optional<std::string> comment) {
  if (stars < 1 || stars > 5) return base::InvalidArgument("invalid_stars", "stars must be 1 to 5");
  if (comment) {
    boost::algorithm::trim(*comment);
    if (comment->empty()) comment.reset();
    else if (search::CodePointCount(*comment) > kMaxComment) {
      return base::InvalidArgument("invalid_comment", "comment is longer than 1000 characters");
    }
  }
  const auto now = clock_.NowMs();
  return store_.Write([&](store::Tx& tx) -> Result<store::CallRating> {
    auto call = TRY(LoadCall(tx, call_id));
    if (call.buyer_id != user.id) {
      if (call.seller_id == user.id) return base::PermissionDenied("not_buyer", "Only the buyer rates a call");
      return base::PermissionDenied("not_participant", "You are not a participant of this call");
    }
    if (call.state != "ended" || !call.started_at) {
      return base::Conflict("call_not_ended", "Only a call that took place and ended can be rated");
    }
    store::CallRating r;
    r.call_id = call.id;
    r.buyer_id = call.buyer_id;
    r.seller_id = call.seller_id;
    r.stars = static_cast<int>(stars);
    r.comment = comment;
    r.created_at = now;
    TRY(tx.calls().InsertRating(r));
    return r;
  });
}

Result<std::optional<store::CallRating>> CallService::Rating(const store::User& user, store::Id call_id) {
  TRY(AsParty(user, call_id));
  return store_.Read([&](store::Tx& tx) { return tx.calls().FindRating(call_id); });
}

}  // namespace vitrina::calls
