#include "app/demo_history.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "app/demo_history_internal.h"
#include "base/log.h"

namespace vitrina::app::demo_history {

namespace {
// The history's moderation draws nothing from outside its own random numbers: no honeypots, no
// double reviews (the quality team's month brings its own, demo_quality.cc).
moderation::ModerationOptions Deterministic(moderation::ModerationOptions options) {
  options.honeypot_rate = 0;
  options.double_review_percent = 0;
  return options;
}
}  // namespace

Generator::Generator(store::Store& store, TimeMs now, const DemoHistoryOptions& options)
    : store_(store),
      now_(now),
      today_(now / kDay * kDay),
      clock_(now),
      accounts_(store, clock_, CheapHashing()),
      listing_service_(store, clock_),
      calls_(store, clock_, {}, processor_, calls::CallOptions{}, nullptr),
      moderation_(store, clock_, metrics_, calls_, Deterministic(options.moderation)),
      rng_(kSeed) {}

Result<DemoHistoryStats> Generator::Run() {
  TRY(CreatePeople());
  TRY(CreateListings());
  TRY(LoadModerators());
  TRY(DemoSeller());
  TRY(GenerateCalls());
  TRY(RunEventsUntil(now_ - kMinute));
  TRY(RecordActiveDays());
  stats_.created = true;
  stats_.days = static_cast<int>(call_days_.size());
  stats_.cases = static_cast<int>(cases_.size());
  return stats_;
}

// The generated users never sign in (their passwords are random and dropped): hashing them
// at interactive cost would only make the seed slow.
accounts::AuthOptions Generator::CheapHashing() {
  accounts::AuthOptions o;
  o.password_hash.opslimit = 1;
  o.password_hash.memlimit_bytes = 8 * 1024;
  return o;
}

Result<void> Generator::LoadModerators() {
  auto [first, second] = TRY(store_.Read([](store::Tx& tx) -> Result<std::pair<std::optional<store::User>,
                                                                               std::optional<store::User>>> {
    return std::make_pair(TRY(tx.users().FindByEmail("moderator@demo.test")),
                          TRY(tx.users().FindByEmail("moderator2@demo.test")));
  }));
  moderator_ = std::move(first);
  moderator2_ = std::move(second);
  if (!moderator_) base::log::Warn("demo_history_no_moderator", {{"email", "moderator@demo.test"}});
  return {};
}

Result<void> Generator::RunEventsUntil(TimeMs until) {
  while (!events_.empty() && events_.begin()->first.first <= until) {
    auto node = events_.extract(events_.begin());
    clock_.Set(node.key().first);
    TRY(node.mapped()(node.key().first));
  }
  return {};
}

// What the daily service-level job leaves: each day since their first listing on which the
// seller had an active listing (all of them: nobody archived one).
Result<void> Generator::RecordActiveDays() {
  return store_.Write([&](store::Tx& tx) -> Result<void> {
    for (std::size_t s = 0; s < people_.size(); ++s) {  // (buyers have no listings)
      TimeMs first = now_;
      for (auto l : people_[s].listings) first = std::min(first, listings_[l].listing.created_at);
      for (std::int64_t day = first / kDay; day < today_ / kDay; ++day) {
        if (TRY(tx.sellers().RecordActiveDay(people_[s].user.id, day))) ++stats_.active_days;
      }
    }
    return {};
  });
}

}  // namespace vitrina::app::demo_history

namespace vitrina::app {

base::Result<DemoHistoryStats> SeedDemoHistory(store::Store& store, const base::Clock& real_clock,
                                               const DemoHistoryOptions& options) {
  const auto marker = TRY(store.Read([](store::Tx& tx) { return tx.users().FindByEmail(std::string(kMarkerEmail)); }));
  if (marker) return DemoHistoryStats{};
  demo_history::Generator generator(store, real_clock.NowMs(), options);
  return generator.Run();
}

}  // namespace vitrina::app
