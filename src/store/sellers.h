#pragma once
// What the seller service level (docs/service-level.md, "Wiring") reads and keeps: one seller's
// activity as plain rows, the daily record of days with an active listing, the computed level
// per seller and day, and the profile's verified flag. The store knows nothing of the scoring:
// `seller::ServiceLevelService` turns these rows into `service_level::SellerActivity`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/records.h"

namespace vitrina::store {

struct SellerListingRow {
  Id id = 0;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::string title;
  std::string description;
  bool active = false;
};

// A conversation on one of the seller's listings that the buyer started.
struct SellerConversationRow {
  TimeMs buyer_first_at = 0;                 // the buyer's first message
  std::optional<TimeMs> seller_answer_at;    // the seller's first message at or after it
};

// A call the buyer proposed to the seller.
struct SellerProposalRow {
  TimeMs proposed_at = 0;
  std::string state;  // the call's state now
  std::optional<TimeMs> accepted_at;
};

// An accepted call whose join window has closed (ended or missed).
struct SellerDueCallRow {
  TimeMs join_closes_at = 0;
  bool seller_no_show = false;  // no_show seller | both
};

// A call that took place (state ended).
struct SellerEndedCallRow {
  Id call_id = 0;
  TimeMs ended_at = 0;
  // Complaints against the seller on the call, upheld, of categories other than
  // not_as_described and no_show.
  int upheld_complaints = 0;
  // Flags of severity high on the seller's words, not reviewed wrong.
  int high_flags = 0;
};

struct SellerActivityRows {
  std::vector<std::int64_t> active_days;  // recorded days (days since 1970-01-01, UTC)
  std::vector<SellerListingRow> listings;
  std::vector<TimeMs> upheld_not_as_described;  // when each was filed
  std::vector<SellerConversationRow> conversations;
  std::vector<SellerProposalRow> proposals;
  std::vector<SellerDueCallRow> due_calls;
  std::vector<SellerEndedCallRow> ended_calls;
  double rating_average = 0;  // of all the seller's ratings (0 with none)
  std::int64_t rating_count = 0;
  bool verified = false;
};

// One computed level: one row per seller per day, the day's last computation.
struct ServiceLevelRow {
  Id seller_id = 0;
  std::int64_t day = 0;            // days since 1970-01-01, UTC
  std::optional<int> level;        // null: no applicable parameter
  std::string zone = "green";      // green | red
  std::string parameters = "[]";   // JSON, as the API reports them (without recommendations)
  bool reliable = false;           // the reliable-seller badge held
  TimeMs computed_at = 0;
};

class SellerRepository {
 public:
  virtual ~SellerRepository() = default;
  // Everything the level is computed from, for events at or after `since` (listings: all).
  virtual base::Result<SellerActivityRows> Activity(Id seller_id, TimeMs since, TimeMs now) = 0;
  // Records `day` as an active day of the seller if they have an active listing now; whether
  // they had one.
  virtual base::Result<bool> RecordActiveDay(Id seller_id, std::int64_t day) = 0;
  // Upserts the (seller, day) row and caches `reliable` on the user (what listings show and
  // the feed filters on).
  virtual base::Result<void> PutLevel(const ServiceLevelRow& row) = 0;
  // The newest stored rows of a seller, newest day first.
  virtual base::Result<std::vector<ServiceLevelRow>> Levels(Id seller_id, int limit) = 0;
  // Sellers with at least one active listing, id > after, by id.
  virtual base::Result<std::vector<Id>> SellersWithActiveListings(Id after, int limit) = 0;
  virtual base::Result<void> SetVerified(Id user_id, bool verified, TimeMs now) = 0;
};

}  // namespace vitrina::store
