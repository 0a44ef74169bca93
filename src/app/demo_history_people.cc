#include "app/demo_history_internal.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/random.h"

namespace vitrina::app::demo_history {

Result<void> Generator::CreatePeople() {
  std::size_t index = 0;
  for (const auto& spec : kPeople) {
    Person p;
    p.spec = spec;
    p.lang = spec.lang;
    clock_.Set(today_ - rng_.Int(50, 75) * kDay + rng_.Int(8 * kHour, 20 * kHour));
    accounts::Registration r;
    r.email = "demo-history-" + std::to_string(index) + "@demo.test";
    r.password = base::RandomToken(18);
    r.display_name = spec.name;
    r.timezone = p.lang == "ru" ? "Europe/Moscow" : "Europe/London";
    p.user = TRY(accounts_.CreateUser(r, /*upsert=*/false));
    if (spec.verified) {
      // As the marketplace integration sets it (docs/service-level.md): not an admin's act.
      const auto at = clock_.NowMs() + rng_.Int(1, 5) * kDay;
      TRY(store_.Write([&](store::Tx& tx) { return tx.sellers().SetVerified(p.user.id, true, at); }));
      p.user.verified = true;
    }
    people_.push_back(std::move(p));
    ++index;
  }
  stats_.users = static_cast<int>(people_.size());
  return {};
}

Result<void> Generator::CreateListings() {
  // Sellers stay in a vertical or two; no seller lists the same thing twice.
  const std::map<std::size_t, std::vector<std::string>> verticals = {
      {0, {"goods", "auto"}}, {1, {"realty", "goods"}}, {2, {"auto", "goods"}}, {3, {"goods", "realty"}},
      {4, {"jobs", "goods"}}, {5, {"realty"}},          {6, {"goods"}},         {7, {"auto"}},
      {8, {"goods"}},         {9, {"jobs", "goods"}},   {10, {"realty", "goods"}}, {11, {"auto", "goods"}},
      {12, {"goods"}},        {13, {"jobs"}},           {14, {"goods", "auto"}}, {15, {"realty", "goods"}},
  };
  for (std::size_t s = 0; s < kSellers; ++s) {
    Person& seller = people_[s];
    std::vector<const Item*> choices;
    for (const auto& item : kItems) {
      for (const auto& v : verticals.at(s)) {
        if (v == item.vertical) choices.push_back(&item);
      }
    }
    rng_.Shuffle(choices);
    const auto n = std::min<std::size_t>(static_cast<std::size_t>(seller.spec.listings), choices.size());
    for (std::size_t k = 0; k < n; ++k) {
      const Item& item = *choices[k];
      const bool ru = seller.lang == "ru";
      listings::ListingInput in;
      in.title = ru ? item.title_ru : item.title_en;
      in.description = ru ? item.desc_ru : item.desc_en;
      in.price = item.price / 100 * rng_.Int(90, 110);
      in.vertical = item.vertical;
      // Every seller takes calls on their first listing, most on the others too (calls
      // happen only there).
      in.video_call_ready = k == 0 || seller.spec.kind != Kind::kHonest || rng_.Chance(0.7);
      listings::CallHours hours;
      hours.timezone = seller.user.timezone;
      for (int day = 1; day <= 7; ++day) hours.weekly.push_back({day, 8 * 60, 22 * 60});
      in.call_hours = hours;
      clock_.Set(today_ - rng_.Int(33, 58) * kDay + rng_.Int(8 * kHour, 20 * kHour));
      auto view = TRY(listing_service_.Create(seller.user, in));
      if (seller.spec.kind == Kind::kStar || rng_.Chance(0.25)) {
        // A price cut some days ago keeps the listing fresh.
        clock_.Set(today_ - rng_.Int(6, 20) * kDay + rng_.Int(8 * kHour, 20 * kHour));
        listings::ListingInput cut;
        cut.price = view.listing.price / 100 * 95;
        view = TRY(listing_service_.Update(seller.user, view.listing.id, cut));
      }
      seller.listings.push_back(listings_.size());
      listings_.push_back({view.listing, &item, s});
    }
  }
  stats_.listings = static_cast<int>(listings_.size());
  return {};
}

}  // namespace vitrina::app::demo_history
