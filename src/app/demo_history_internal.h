#pragma once
// The demo history generator (demo_history.h), shared by its parts; private to
// src/app/demo_history*.cc. One Generator writes the whole month: the order of its steps (and
// of their draws from rng_) is what makes the history the same every time.
//
//   demo_history.cc              SeedDemoHistory, Run, the events loop, seller active days
//   demo_history_people.cc       users and listings
//   demo_history_seller.cc       seller@demo.test's month
//   demo_history_calls.cc        calls, their conversations and transcripts
//   demo_history_moderation.cc   ratings, complaints, moderators' decisions and appeals
//   demo_history_data.h/.cc      the random numbers and the tables drawn from

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "accounts/account_service.h"
#include "app/demo_history.h"
#include "app/demo_history_data.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "calls/call_service.h"
#include "listings/listing_service.h"
#include "media/recording_processor.h"
#include "moderation/moderation_service.h"
#include "store/store.h"

namespace vitrina::app::demo_history {

struct Person {
  PersonSpec spec;
  std::string lang;
  store::User user;
  std::vector<std::size_t> listings;  // indexes into Generator::listings_ (sellers)
  TimeMs blocked_until = 0;           // as sanctions leave it (tracked here to plan calls)
  int sanctions = 0;
};

struct GenListing {
  store::Listing listing;
  const Item* item = nullptr;
  std::size_t seller = 0;
};

// What a buyer can point at in a complaint: the scam line's place in the call.
struct Evidence {
  Id call_id = 0;
  moderation::TimeRange range;
};

struct Line {
  std::string speaker;  // buyer | seller
  std::string text;
  const Scam* scam = nullptr;
  bool loud = false;
};

class Generator {
 public:
  Generator(store::Store& store, TimeMs now, const DemoHistoryOptions& options);

  Result<DemoHistoryStats> Run();

 private:
  using Handler = std::function<Result<void>(TimeMs)>;

  static accounts::AuthOptions CheapHashing();

  // ------------------------------------------------------------ users and listings
  // (demo_history_people.cc; LoadModerators in demo_history.cc)

  Result<void> CreatePeople();
  Result<void> CreateListings();
  Result<void> LoadModerators();

  // ------------------------------------------------------------ seller@demo.test
  // (demo_history_seller.cc)

  Result<void> DemoSeller();
  Result<void> DemoSellerMonth(const store::User& user);

  // ------------------------------------------------------------ calls and transcripts
  // (demo_history_calls.cc)

  std::vector<TimeMs> CallTimes();
  bool Blocked(const Person& p, TimeMs at) const { return p.blocked_until > at; }
  bool TakesCalls(std::size_t seller) const;
  std::size_t PickSeller(std::size_t slot, TimeMs at);
  std::size_t PickBuyer(const std::string& lang);
  std::string PickOutcome(Kind seller);
  Result<void> GenerateCalls();
  Result<Id> Conversation(store::Tx& tx, const Person& seller, const Person& buyer, const GenListing& l,
                          TimeMs call_at);
  Result<void> WriteCall(std::size_t s, std::size_t b, std::size_t l, const std::string& outcome, TimeMs at);
  std::vector<Line> Dialogue(const Person& seller, const Person& buyer, const GenListing& l, TimeMs talk_ms);
  store::NewTranscript Timed(std::vector<Line> lines, const std::string& lang, TimeMs from, TimeMs to,
                             std::vector<std::pair<const Scam*, moderation::TimeRange>>& scams);

  // ------------------------------------------------------------ after the call
  // (the events loop in demo_history.cc; the rest in demo_history_moderation.cc)

  void Schedule(TimeMs at, Handler handler) { events_.emplace(std::make_pair(at, next_event_++), std::move(handler)); }
  Result<void> RunEventsUntil(TimeMs until);
  void FollowUp(const store::Call& call, std::size_t s, std::size_t b,
                const std::vector<std::pair<const Scam*, moderation::TimeRange>>& scams);
  Result<void> Complain(Id call_id, std::size_t b, const std::string& category, const std::string& quote,
                        std::optional<moderation::TimeRange> range);
  Result<void> WorkQueue(const store::User& moderator, bool appeal_only);
  Result<void> Decide(const store::User& moderator, const moderation::CaseView& view, Person& accused);

  // ------------------------------------------------------------ service level
  // (demo_history.cc)

  Result<void> RecordActiveDays();

  store::Store& store_;
  const TimeMs now_;
  const TimeMs today_;
  base::ManualClock clock_;
  base::Metrics metrics_;
  media::RecordingProcessor processor_;
  accounts::AccountService accounts_;
  listings::ListingService listing_service_;
  calls::CallService calls_;
  moderation::ModerationService moderation_;
  Rng rng_;

  std::vector<Person> people_;
  std::vector<GenListing> listings_;
  std::optional<store::User> moderator_;
  std::optional<store::User> moderator2_;
  std::map<std::pair<TimeMs, std::uint64_t>, Handler> events_;
  std::uint64_t next_event_ = 0;
  std::map<Id, Evidence> evidence_;
  std::set<Id> cases_;
  std::set<std::int64_t> call_days_;
  int complaints_planned_ = 0;
  int unfounded_planned_ = 0;
  bool honest_warned_ = false;
  bool dishonest_appealed_ = false;
  std::optional<Id> overturn_sanction_;
  double buyer_proposes_ = 0.85;  // the share of calls the buyer proposes
  DemoHistoryStats stats_;
};

}  // namespace vitrina::app::demo_history
