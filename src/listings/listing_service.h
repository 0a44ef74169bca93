#pragma once
// Listings: a seller creates, edits, archives; anyone browses the feed. Whether a video
// call is available now is derived from the flag and the call hours at read time.
// Thread-safe; no per-request state.

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "listings/call_hours.h"
#include "store/store.h"

namespace vitrina::listings {

using base::Result;

// Fields a create or edit may set; unset fields are left alone (create requires
// title, price and vertical).
struct ListingInput {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::int64_t> price;
  std::optional<std::string> vertical;
  std::optional<bool> video_call_ready;
  std::optional<CallHours> call_hours;
};

struct ListingView {
  store::Listing listing;
  CallHours call_hours;
  bool video_call_available_now = false;
};

struct FeedQuery {
  std::optional<bool> video_call_ready;
  bool available_now = false;  // only listings whose seller takes calls right now
  std::optional<std::string> vertical;
  std::optional<store::Id> seller_id;
  std::optional<bool> reliable_seller;  // sellers with the reliable-seller badge (or without)
  std::string status = "active";  // active | archived | all (not active: own listings only)
  std::optional<std::string> text;
  std::optional<store::Id> before_id;
  int limit = 20;
};

class ListingService {
 public:
  ListingService(store::Store& store, const base::Clock& clock) : store_(store), clock_(clock) {}

  Result<ListingView> Create(const store::User& seller, const ListingInput& input);
  // 404 listing_not_found; 403 not_listing_owner for anyone but the seller.
  Result<ListingView> Update(const store::User& actor, store::Id id, const ListingInput& input);
  Result<ListingView> Archive(const store::User& actor, store::Id id);
  // Visible to anyone unless its seller is blocked (then only to the seller).
  Result<ListingView> Get(std::optional<store::Id> viewer_id, store::Id id);
  Result<std::vector<ListingView>> List(std::optional<store::Id> viewer_id, const FeedQuery& query);

  static bool IsValidVertical(const std::string& vertical);

 private:
  ListingView View(store::Listing listing) const;

  store::Store& store_;
  const base::Clock& clock_;
};

}  // namespace vitrina::listings
