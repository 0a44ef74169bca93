#include "app/demo_history_internal.h"

#include <string>
#include <utility>
#include <vector>

namespace vitrina::app::demo_history {

// seller@demo.test (SeedDemo's, who signs in): a good month on three listings of their own
// (30+ ratings near 5 from generated buyers) but about half the buyers' call proposals
// declined or left unanswered, so the level is green with answers_calls weak (the page shows
// its recommendation); not verified, so no badge until an admin verifies them. Drawn from
// its own generator: the rest of the history is the same with or without it.
Result<void> Generator::DemoSeller() {
  auto user = TRY(store_.Read([](store::Tx& tx) { return tx.users().FindByEmail("seller@demo.test"); }));
  if (!user) return {};
  Rng own(kSeed + 1);
  std::swap(rng_, own);
  auto done = DemoSellerMonth(*user);
  std::swap(rng_, own);
  buyer_proposes_ = 0.85;
  return done;
}

Result<void> Generator::DemoSellerMonth(const store::User& user) {
  const std::size_t s = people_.size();
  people_.push_back({{"Demo Seller", "en", Kind::kStar, false, 3}, "en", user, {}});
  for (const std::size_t item : {5u, 8u, 16u}) {  // unlike SeedDemo's listings: no duplicates
    listings::ListingInput in;
    in.title = kItems[item].title_en;
    in.description = kItems[item].desc_en;
    in.price = kItems[item].price / 100 * rng_.Int(90, 110);
    in.vertical = kItems[item].vertical;
    in.video_call_ready = true;
    in.call_hours = listings::CallHours{user.timezone, {}};
    for (int day = 1; day <= 7; ++day) in.call_hours->weekly.push_back({day, 8 * 60, 22 * 60});
    clock_.Set(today_ - rng_.Int(33, 58) * kDay + rng_.Int(8 * kHour, 20 * kHour));
    auto view = TRY(listing_service_.Create(user, in));
    clock_.Set(today_ - rng_.Int(6, 20) * kDay + rng_.Int(8 * kHour, 20 * kHour));  // fresh
    listings::ListingInput cut;
    cut.price = view.listing.price / 100 * 95;
    view = TRY(listing_service_.Update(user, view.listing.id, cut));
    people_[s].listings.push_back(listings_.size());
    listings_.push_back({view.listing, &kItems[item], s});
  }
  stats_.listings += 3;
  // Two calls a day before today: 38 accepted (2 buyers did not come), 20 refused.
  std::vector<std::string> outcomes(36, "ended");
  outcomes.insert(outcomes.end(), 2, "no_show_buyer");
  outcomes.insert(outcomes.end(), 11, "declined");
  outcomes.insert(outcomes.end(), 9, "not_answered");
  rng_.Shuffle(outcomes);
  std::vector<TimeMs> times;
  for (int back = kHistoryDays - 1; back >= 1; --back) {
    const TimeMs a = today_ - back * kDay + rng_.Int(7 * kHour, 12 * kHour);
    times.insert(times.end(), {a, a + rng_.Int(30 * kMinute, 5 * kHour)});
  }
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const bool refused = outcomes[i] == "declined" || outcomes[i] == "not_answered";
    buyer_proposes_ = refused ? 0.95 : 0.5;  // (the seller proposes many of the calls that happen)
    const auto listing = rng_.Pick(people_[s].listings);
    TRY(WriteCall(s, PickBuyer("en"), listing, outcomes[i], times[i]));
  }
  return {};
}

}  // namespace vitrina::app::demo_history
