// The generated demo history (app::SeedDemoHistory) against a real SQLite store: once only, a
// month of calls that look like calls, transcripts queued for analysis, moderation that went
// through the services, and — once the queued analysis runs as the server would run it — flags
// on the dishonest sellers only and the reliable-seller badge for the star seller.
#include "app/demo_history.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "accounts/account_service.h"
#include "app/demo_seed.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/random.h"
#include "listings/listing_service.h"
#include "seller/service_level_service.h"
#include "speech_analytics/analytics_service.h"
#include "transcripts/transcript_service.h"
#include "store/open.h"

namespace vitrina::app {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using store::Id;

constexpr base::TimeMs kNow = 1'710'412'200'000;  // 2024-03-14T10:30:00Z, a Thursday
constexpr base::TimeMs kDay = 86'400'000;

// What the seed left, read back from the store.
struct Seeded {
  std::vector<store::User> users;  // demo-history-0 .. N, in order
  std::vector<store::Call> calls;  // theirs and seller@demo.test's, as the seller
  std::map<Id, std::size_t> index_of;  // user id -> position in `users` (seller@demo.test: size())
  std::optional<store::User> demo_seller;
};

class DemoHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(base::InitCrypto());
    base::log::Init("warn");
    dir_ = fs::temp_directory_path() /
           ("vitrina-demo-history-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store::StoreOptions o;
    o.sqlite.path = (dir_ / "t.db").string();
    store_ = std::move(*store::OpenStore(o));
    ASSERT_TRUE(store_->Migrate());
    accounts::AuthOptions auth;
    auth.password_hash.opslimit = 1;
    auth.password_hash.memlimit_bytes = 8 * 1024;
    accounts::AccountService accounts(*store_, clock_, auth);
    listings::ListingService listings(*store_, clock_);
    ASSERT_TRUE(SeedDemo(accounts, listings, "demo-password"));  // the moderators
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  DemoHistoryStats Seed() {
    auto stats = SeedDemoHistory(*store_, clock_);
    EXPECT_TRUE(stats) << stats.error().code << ": " << stats.error().message;
    return stats ? *stats : DemoHistoryStats{};
  }

  Seeded Load() {
    Seeded out;
    auto read = store_->Read([&](store::Tx& tx) -> base::Result<void> {
      for (int i = 0;; ++i) {
        auto u = TRY(tx.users().FindByEmail("demo-history-" + std::to_string(i) + "@demo.test"));
        if (!u) break;
        out.index_of[u->id] = out.users.size();
        out.users.push_back(*u);
      }
      out.demo_seller = TRY(tx.users().FindByEmail("seller@demo.test"));
      auto sellers = out.users;
      if (out.demo_seller) {
        out.index_of[out.demo_seller->id] = out.users.size();
        sellers.push_back(*out.demo_seller);
      }
      for (const auto& u : sellers) {
        store::CallFilter f;
        f.user_id = u.id;
        f.limit = 10'000;
        for (auto& c : TRY(tx.calls().List(f))) {
          if (c.seller_id == u.id) out.calls.push_back(std::move(c));
        }
      }
      return {};
    });
    EXPECT_TRUE(read) << read.error().message;
    return out;
  }

  std::vector<store::Job> Jobs(const std::string& kind) {
    auto jobs = store_->Read([](store::Tx& tx) { return tx.jobs().List(std::nullopt, std::nullopt, 100'000); });
    EXPECT_TRUE(jobs);
    std::vector<store::Job> out;
    for (auto& j : *jobs) {
      if (j.kind == kind) out.push_back(std::move(j));
    }
    return out;
  }

  fs::path dir_;
  base::ManualClock clock_{kNow};
  std::unique_ptr<store::Store> store_;
};

TEST_F(DemoHistoryTest, SeedsOnceAndThenLeavesTheStoreAlone) {
  const auto first = Seed();
  ASSERT_TRUE(first.created);
  const auto before = Load();
  EXPECT_EQ(before.users.size(), static_cast<std::size_t>(first.users));
  EXPECT_EQ(before.calls.size(), static_cast<std::size_t>(first.calls));
  const auto jobs_before = Jobs(transcripts::kAnalyzeJob).size();

  clock_.Advance(kDay);  // `make run` the next day
  const auto second = Seed();
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.calls, 0);
  const auto after = Load();
  EXPECT_EQ(after.users.size(), before.users.size());
  EXPECT_EQ(after.calls.size(), before.calls.size());
  EXPECT_EQ(Jobs(transcripts::kAnalyzeJob).size(), jobs_before);
}

TEST_F(DemoHistoryTest, AMonthOfCallsWithTranscriptsQueuedForAnalysis) {
  const auto stats = Seed();
  ASSERT_TRUE(stats.created);
  const auto seeded = Load();
  EXPECT_GE(seeded.users.size(), 35u);
  EXPECT_GE(stats.listings, 50);
  ASSERT_GE(seeded.calls.size(), 250u);
  EXPECT_LE(seeded.calls.size(), 420u);  // with seller@demo.test's ~60

  std::set<base::TimeMs> days;
  std::map<std::string, int> states, no_shows;
  int ended = 0;
  for (const auto& c : seeded.calls) {
    const auto at = c.started_at.value_or(c.scheduled_for.value_or(c.created_at));  // as analysts see it
    ASSERT_TRUE(c.ended_at) << c.id;
    EXPECT_LT(*c.ended_at, kNow) << c.id;
    // Inside the default retention (30 days): nothing is purged when the server starts.
    EXPECT_GT(*c.ended_at, kNow - 30 * kDay) << c.id;
    days.insert(at / kDay);
    ++states[c.state];
    if (c.no_show) ++no_shows[*c.no_show];
    // No files: the UI shows no player, says there is no recording.
    EXPECT_EQ(c.recording_status, "none") << c.id;
    if (c.state != "ended") {
      EXPECT_EQ(c.transcript_status, "none") << c.id;
      continue;
    }
    ++ended;
    EXPECT_EQ(c.transcript_status, "ready") << c.id;
    const auto length = *c.ended_at - *c.started_at;
    EXPECT_GE(length, 30'000) << c.id;
    EXPECT_LE(length, 25 * 60'000 + 90'000) << c.id;
    ASSERT_TRUE(c.buyer.joined_at && c.seller.joined_at) << c.id;
    auto t = store_->Read([&](store::Tx& tx) { return tx.transcripts().Current(c.id); });
    ASSERT_TRUE(t && *t) << c.id;
    const auto& segments = (*t)->segments;
    EXPECT_GE(segments.size(), 3u) << c.id;
    EXPECT_LE(segments.size(), 20u) << c.id;
    EXPECT_TRUE((*t)->language == "ru" || (*t)->language == "en");
    std::map<std::string, std::int64_t> last_end;
    const auto both_in = std::max(*c.buyer.joined_at, *c.seller.joined_at) - *c.started_at;
    for (const auto& s : segments) {
      EXPECT_TRUE(s.speaker == "buyer" || s.speaker == "seller");
      EXPECT_GE(s.start_ms, both_in) << c.id << " " << s.text;
      EXPECT_LT(s.start_ms, s.end_ms) << c.id << " " << s.text;
      EXPECT_LE(s.end_ms, length) << c.id << " " << s.text;
      EXPECT_GE(s.start_ms, last_end[s.speaker]) << c.id << " " << s.text;  // one speaker: in turn
      last_end[s.speaker] = s.end_ms;
      ASSERT_TRUE(s.loudness_dbfs) << c.id;
      EXPECT_GE(*s.loudness_dbfs, -35);
      EXPECT_LE(*s.loudness_dbfs, -15);
      ASSERT_FALSE(s.words.empty());
      EXPECT_GE(s.words.front().start_ms, s.start_ms);
      EXPECT_LE(s.words.back().end_ms, s.end_ms);
    }
  }
  EXPECT_GE(days.size(), 20u);
  EXPECT_EQ(stats.days, static_cast<int>(days.size()));
  EXPECT_GT(ended, static_cast<int>(seeded.calls.size()) * 6 / 10);
  EXPECT_LT(ended, static_cast<int>(seeded.calls.size()) * 8 / 10);
  EXPECT_GT(states["missed"], 10);
  EXPECT_GT(states["failed"], 3);
  EXPECT_GT(no_shows["buyer"], 5);
  EXPECT_GT(no_shows["seller"], 3);

  // One analytics.analyze job per transcript, queued as TranscriptService queues it.
  const auto jobs = Jobs(transcripts::kAnalyzeJob);
  EXPECT_EQ(static_cast<int>(jobs.size()), ended);
  EXPECT_EQ(stats.analyze_jobs, ended);
  std::set<Id> analysed;
  for (const auto& j : jobs) {
    EXPECT_EQ(j.state, "queued");
    const auto payload = json::parse(j.payload).as_object();
    EXPECT_EQ(payload.at("version").to_number<std::int64_t>(), 1);
    analysed.insert(payload.at("call_id").to_number<Id>());
  }
  EXPECT_EQ(static_cast<int>(analysed.size()), ended);
}

TEST_F(DemoHistoryTest, ComplaintsRatingsAndDecisionsWentThroughTheServices) {
  const auto stats = Seed();
  ASSERT_TRUE(stats.created);
  const auto seeded = Load();
  std::map<Id, store::Call> calls;
  for (const auto& c : seeded.calls) calls[c.id] = c;

  auto complaints = store_->Read([](store::Tx& tx) {
    store::ComplaintFilter f;
    f.limit = 10'000;
    return tx.complaints().ListComplaints(f);
  });
  ASSERT_TRUE(complaints);
  EXPECT_EQ(static_cast<int>(complaints->size()), stats.complaints);
  EXPECT_GE(complaints->size(), 18u);
  EXPECT_LE(complaints->size(), 30u);
  int against_dishonest = 0;
  for (const auto& k : *complaints) {
    ASSERT_TRUE(calls.count(k.call_id)) << k.id;
    const auto& call = calls[k.call_id];
    EXPECT_EQ(k.reporter_id, call.buyer_id);
    EXPECT_EQ(k.accused_id, call.seller_id);
    EXPECT_GT(k.created_at, *call.ended_at);
    EXPECT_LT(k.created_at, kNow);
    const auto seller = seeded.index_of.at(call.seller_id);
    EXPECT_NE(seller, 0u) << "nobody complains about the star seller";
    if (seller >= 1 && seller <= 4) {
      ++against_dishonest;
      EXPECT_TRUE(k.quote_match) << "the quote is found in the transcript: " << k.quote.value_or("");
    }
  }
  EXPECT_GT(against_dishonest, static_cast<int>(complaints->size()) * 2 / 3);

  auto cases = store_->Read([](store::Tx& tx) {
    store::CaseFilter f;
    f.limit = 10'000;
    return tx.cases().ListCases(f);
  });
  ASSERT_TRUE(cases);
  int decided = 0, within_sla = 0, complaint_cases = 0;
  std::map<std::string, int> actions;
  for (const auto& c : *cases) {
    if (c.kind == "complaints") ++complaint_cases;
    if (c.status != "decided") continue;
    ++decided;
    ASSERT_TRUE(c.decided_at);
    EXPECT_LT(*c.decided_at, kNow);
    within_sla += *c.decided_at <= c.sla_due_at;
    auto decisions = store_->Read([&](store::Tx& tx) { return tx.sanctions().Decisions(c.id); });
    ASSERT_TRUE(decisions);
    ASSERT_EQ(decisions->size(), 1u);
    ++actions[decisions->front().action];
  }
  EXPECT_EQ(complaint_cases, stats.cases);
  EXPECT_EQ(decided, stats.decisions);
  EXPECT_GE(decided, complaint_cases / 2);
  EXPECT_LT(decided, static_cast<int>(cases->size()));  // some wait in the queue
  EXPECT_GE(within_sla * 10, decided * 7);              // the SLA mostly kept
  EXPECT_GT(actions["warn"], 0);
  EXPECT_GT(actions["block"], 0);
  EXPECT_GT(actions["dismiss"], 0);
  EXPECT_EQ(actions["overturn"], 1);
  EXPECT_EQ(stats.appeals, 2);

  // Ratings: by the call's buyer, after it ended; the star seller has 30+ averaging 4.5+.
  std::map<std::size_t, std::pair<int, int>> by_seller;  // count, stars
  int rated = 0, ended = 0;
  for (const auto& c : seeded.calls) {
    if (c.state != "ended") continue;
    ++ended;
    auto r = store_->Read([&](store::Tx& tx) { return tx.calls().FindRating(c.id); });
    ASSERT_TRUE(r);
    if (!*r) continue;
    ++rated;
    EXPECT_EQ((*r)->buyer_id, c.buyer_id);
    EXPECT_GT((*r)->created_at, *c.ended_at);
    auto& [count, stars] = by_seller[seeded.index_of.at(c.seller_id)];
    ++count;
    stars += (*r)->stars;
  }
  EXPECT_EQ(rated, stats.ratings);
  EXPECT_GT(rated, ended / 2);
  EXPECT_GE(by_seller[0].first, 30);
  EXPECT_GE(by_seller[0].second, by_seller[0].first * 45 / 10);
  int dishonest_count = 0, dishonest_stars = 0;
  for (std::size_t dishonest = 1; dishonest <= 4; ++dishonest) {
    dishonest_count += by_seller[dishonest].first;
    dishonest_stars += by_seller[dishonest].second;
  }
  EXPECT_GT(dishonest_count, 10);
  EXPECT_LT(dishonest_stars, dishonest_count * 3) << "the dishonest sellers are rated low";
}

// The queued jobs run as the server's workers run them: the scam lines are caught, the honest
// sellers' words are not, and the star seller's level earns the badge.
TEST_F(DemoHistoryTest, AnalysisFlagsTheDishonestAndTheStarSellerEarnsTheBadge) {
  ASSERT_TRUE(Seed().created);
  const auto seeded = Load();
  base::Metrics metrics;
  speech_analytics::AnalyticsService analytics(*store_, clock_, metrics, moderation::ModerationOptions{}, {});
  ASSERT_TRUE(analytics.SeedDefaultRules());
  for (const auto& job : Jobs(transcripts::kAnalyzeJob)) {
    const auto payload = json::parse(job.payload).as_object();
    auto done = analytics.AnalyzeCall(payload.at("call_id").to_number<Id>(),
                                      payload.at("version").to_number<std::int64_t>());
    ASSERT_TRUE(done) << done.error().message;
  }

  std::map<std::size_t, int> high_on_seller, seller_flags;
  std::map<std::size_t, int> insults_on_buyer;
  for (const auto& c : seeded.calls) {
    if (c.state != "ended") continue;
    store::FlagFilter f;
    f.call_id = c.id;
    auto flags = store_->Read([&](store::Tx& tx) { return tx.analytics().ListFlags(f); });
    ASSERT_TRUE(flags);
    const auto seller = seeded.index_of.at(c.seller_id);
    for (const auto& flag : *flags) {
      if (flag.speaker == "seller") {
        ++seller_flags[seller];
        if (flag.severity == "high") ++high_on_seller[seller];
        if (seller == 0 || seller > 4) ADD_FAILURE() << "an honest seller's words flagged: " << flag.text;
      } else if (flag.category == "insult") {
        ++insults_on_buyer[seeded.index_of.at(c.buyer_id)];
      }
    }
  }
  for (std::size_t dishonest = 1; dishonest <= 4; ++dishonest) {
    EXPECT_GE(high_on_seller[dishonest], 3) << "dishonest seller " << dishonest;
  }
  EXPECT_FALSE(insults_on_buyer.empty()) << "the rude buyers' insults are tagged";

  // High-severity hits opened automatic cases against the dishonest sellers.
  auto cases = store_->Read([](store::Tx& tx) {
    store::CaseFilter f;
    f.statuses = {"open", "assigned"};
    f.limit = 10'000;
    return tx.cases().ListCases(f);
  });
  ASSERT_TRUE(cases);
  int automatic = 0;
  for (const auto& c : *cases) {
    if (c.auto_flags > 0) {
      ++automatic;
      const auto accused = seeded.index_of.at(c.accused_id);
      EXPECT_TRUE(accused >= 1 && accused <= 4);
    }
  }
  EXPECT_GE(automatic, 1);

  seller::ServiceLevelService levels(*store_, clock_);
  auto star = levels.Recompute(seeded.users[0].id);
  ASSERT_TRUE(star) << star.error().message;
  std::string missing;
  for (const auto& m : star->badge.missing) missing += m + " ";
  EXPECT_TRUE(star->badge.reliable) << missing << "level " << star->level.level.value_or(-1);
  EXPECT_GE(star->rating_count, 30);
  EXPECT_GE(star->rating_average, 4.5);
  EXPECT_TRUE(star->verified);

  // seller@demo.test (the browser test's seller): 30+ good ratings and a green level whose
  // weakest parameter, answers_calls, gets a recommendation; not verified, so no badge.
  ASSERT_TRUE(seeded.demo_seller);
  auto demo = levels.Recompute(seeded.demo_seller->id);
  ASSERT_TRUE(demo) << demo.error().message;
  EXPECT_GE(demo->rating_count, 30);
  EXPECT_GE(demo->rating_average, 4.5);
  EXPECT_FALSE(demo->verified);
  ASSERT_TRUE(demo->level.level && demo->level.weakest);
  EXPECT_EQ(service_level::ParameterCode(*demo->level.weakest), "answers_calls");
  EXPECT_GT(*demo->level.level, service_level::kRedAtOrBelow + 3);
  EXPECT_LT(*demo->level.level, 60);
  EXPECT_EQ(demo->level.zone, service_level::Zone::kGreen);
  for (const auto& p : demo->level.parameters) {
    const bool calls = p.parameter == *demo->level.weakest;
    EXPECT_EQ(p.weak, calls) << service_level::ParameterCode(p.parameter) << " " << p.score.value_or(-1);
    if (!calls && p.applicable()) {
      EXPECT_GE(*p.score, 90) << service_level::ParameterCode(p.parameter);
    }
  }
  EXPECT_EQ(demo->badge.missing, std::vector<std::string>{"not_verified"});
}

}  // namespace
}  // namespace vitrina::app
