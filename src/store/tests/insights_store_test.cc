// The repositories behind the analysts' dashboards and exports (RollupRepository,
// ExportRepository, migration 9), the seller service level (SellerRepository, migration 8) and
// the dishonest-user ranking (DetectionRepository, migration 10), at the store level, for every
// backend (parameterised by driver): the triggers that mark a day dirty, a day's recompute and
// its generation check, the reads; a seller's activity rows and levels; the ranking's signal
// rows and case items; every export kind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "store/open.h"
#include "store/store.h"
#include "store/tests/test_backends.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

constexpr TimeMs kDayMs = 86'400'000;

class InsightsStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vitrina-insights-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    options_ = test_backends::FreshStoreOptions(GetParam(), dir_);
    auto opened = OpenStore(options_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto version = store_->Migrate();
    ASSERT_TRUE(version) << version.error().message;
    buyer_ = AddUser("b@x.test");
    seller_ = AddUser("s@x.test");
    moderator_ = AddUser("m@x.test");
    goods_ = AddListing(seller_, "goods");
    auto_ = AddListing(seller_, "auto");
  }
  void TearDown() override {
    store_.reset();
    test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  // Run `fn` in a write (read) transaction; an error fails the test there (thrown: gtest
  // reports it and the test stops, so no caller reads a missing value).
  template <typename F>
  auto W(F&& fn) {
    auto r = store_->Write(std::forward<F>(fn));
    if (!r) throw std::runtime_error("write: " + r.error().code + ": " + r.error().message);
    return r;
  }
  template <typename F>
  auto R(F&& fn) {
    auto r = store_->Read(std::forward<F>(fn));
    if (!r) throw std::runtime_error("read: " + r.error().code + ": " + r.error().message);
    return r;
  }

  Id AddUser(const std::string& email) {
    auto u = W([&](Tx& tx) { return tx.users().Insert({email, "N", "hash", {"user"}, "UTC"}, 1000); });
    return u ? u->id : 0;
  }
  Id AddListing(Id seller, const std::string& vertical, const std::string& status = "active") {
    Listing l;
    l.seller_id = seller;
    l.title = "item " + vertical;
    l.description = "d";
    l.price = 100;
    l.vertical = vertical;
    l.status = status;
    l.call_hours_json = "{}";
    l.created_at = l.updated_at = 2000;
    auto r = W([&](Tx& tx) { return tx.listings().Insert(l); });
    return r ? r->id : 0;
  }
  // A call on `listing` between buyer_ and seller_ counting on `at`: ended calls started then
  // (and lasted 90 s), missed and failed ones were accepted then.
  Call MakeCall(Id listing, const std::string& state, TimeMs at) {
    Call c;
    c.listing_id = listing;
    c.buyer_id = buyer_;
    c.seller_id = seller_;
    c.proposed_by = buyer_;
    c.state = state;
    c.created_at = c.updated_at = at - 5000;
    c.join_opens_at = at - 1000;
    c.join_closes_at = at + 1000;
    if (state == "ended") {
      c.accepted_at = at - 2000;
      c.started_at = at;
      c.ended_at = at + 90'000;
    } else if (state == "missed" || state == "failed") {
      c.accepted_at = at;
    }
    return c;
  }
  Call AddCall(Call c) {
    auto r = W([&](Tx& tx) -> Result<Call> {
      auto conv = TRY(tx.chat().FindOrCreateConversation(c.listing_id, c.buyer_id, c.seller_id, 3000));
      c.conversation_id = conv.first.id;
      return tx.calls().Insert(c);
    });
    return r ? *r : Call{};
  }
  Call AddCall(Id listing, const std::string& state, TimeMs at) { return AddCall(MakeCall(listing, state, at)); }

  Case AddCase(Id accused, const std::string& vertical, TimeMs opened_at, const std::string& kind = "complaints") {
    Case k;
    k.kind = kind;
    k.accused_id = accused;
    k.sla_due_at = opened_at + 3'600'000;
    k.vertical = vertical;
    k.language = "ru";
    k.opened_at = k.updated_at = opened_at;
    auto r = W([&](Tx& tx) { return tx.cases().InsertCase(k); });
    return r ? *r : Case{};
  }
  void Decide(Case k, TimeMs at) {
    k.status = "decided";
    k.decided_at = k.updated_at = at;
    W([&](Tx& tx) { return tx.cases().UpdateCase(k); });
  }
  Complaint AddComplaint(const Call& call, const Case& k, const std::string& category, TimeMs at,
                         const std::string& status = "open", const std::string& ranges = "[]",
                         std::optional<std::string> quote_match = std::nullopt) {
    Complaint c;
    c.call_id = call.id;
    c.reporter_id = call.buyer_id;
    c.accused_id = call.seller_id;
    c.case_id = k.id;
    c.category = category;
    c.text = "words of " + category;
    c.ranges = ranges;
    c.quote_match = std::move(quote_match);
    c.status = status;
    c.created_at = c.updated_at = at;
    auto r = W([&](Tx& tx) { return tx.complaints().InsertComplaint(c); });
    return r ? *r : Complaint{};
  }
  Decision AddDecision(const Case& k, const std::string& action, TimeMs at, std::vector<Id> cited = {}) {
    Decision d;
    d.case_id = k.id;
    d.moderator_id = moderator_;
    d.action = action;
    d.reason = "because " + action;
    d.cited_calls = std::move(cited);
    d.created_at = at;
    auto r = W([&](Tx& tx) { return tx.sanctions().InsertDecision(d); });
    return r ? *r : Decision{};
  }
  AnalyticsRule AddRule() {
    AnalyticsRule r;
    r.category = "prepayment";
    r.expression = "предоплат*";
    r.severity = "high";
    r.action = "case";
    r.created_at = r.updated_at = 5000;
    auto out = W([&](Tx& tx) { return tx.analytics().InsertRule(r); });
    return out ? *out : AnalyticsRule{};
  }
  Flag AddFlag(const Call& call, Id rule, const std::string& category, std::int64_t start_ms,
               const std::string& speaker = "seller", const std::string& severity = "high") {
    Flag f;
    f.call_id = call.id;
    f.transcript_version = 1;
    f.rule_id = rule;
    f.category = category;
    f.severity = severity;
    f.speaker = speaker;
    f.accused_id = speaker == "seller" ? call.seller_id : call.buyer_id;
    f.start_ms = start_ms;
    f.end_ms = start_ms + 500;
    f.text = "слова " + category;
    f.created_at = 9000;
    auto r = W([&](Tx& tx) { return tx.analytics().InsertFlag(f); });
    return r ? r->first : Flag{};
  }
  void PutAnalytics(Id call, double talk_ratio, const std::string& tone_buyer, const std::string& tone_seller) {
    CallAnalytics a;
    a.call_id = call;
    a.transcript_version = 1;
    a.duration_ms = 90'000;
    a.talk_ratio_seller = talk_ratio;
    a.tone_buyer = tone_buyer;
    a.tone_seller = tone_seller;
    a.result = "{}";
    a.computed_at = 1;
    W([&](Tx& tx) { return tx.analytics().PutCallAnalytics(a); });
  }
  void PutLevel(Id seller, std::int64_t day, std::optional<int> level, const std::string& zone, bool reliable,
                TimeMs computed_at = 1) {
    ServiceLevelRow row;
    row.seller_id = seller;
    row.day = day;
    row.level = level;
    row.zone = zone;
    row.parameters = R"([{"code":"answers"}])";
    row.reliable = reliable;
    row.computed_at = computed_at;
    W([&](Tx& tx) { return tx.sellers().PutLevel(row); });
  }

  // Day -> gen of the dirty days.
  std::map<Day, std::int64_t> Dirty() {
    std::map<Day, std::int64_t> out;
    auto days = R([](Tx& tx) { return tx.rollups().DirtyDays(1000); });
    if (days) {
      for (const auto& d : *days) out[d.day] = d.gen;
    }
    return out;
  }
  // Recomputes every dirty day (as the rollup job does), leaving none.
  void Settle(TimeMs now) {
    for (const auto& [day, gen] : Dirty()) {
      auto rows = R([&, day = day](Tx& tx) { return tx.rollups().ComputeDay(day, now); });
      ASSERT_TRUE(rows);
      auto done = W([&, day = day, gen = gen](Tx& tx) { return tx.rollups().ReplaceDay(day, gen, *rows, now); });
      ASSERT_TRUE(done && *done);
    }
    EXPECT_EQ(*R([](Tx& tx) { return tx.rollups().CountDirty(); }), 0);
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
  Id buyer_ = 0, seller_ = 0, moderator_ = 0, goods_ = 0, auto_ = 0;
};

using Dirties = std::map<Day, std::int64_t>;

// ---- Rollups ----

TEST_P(InsightsStoreTest, TriggersMarkTheDaysTheirRowsCountOn) {
  const Day d = 19'000;
  const TimeMs t = d * kDayMs + 3'600'000;
  EXPECT_TRUE(Dirty().empty());  // users, listings and conversations count nowhere

  auto call = AddCall(goods_, "ended", t);
  EXPECT_EQ(Dirty(), (Dirties{{d, 1}}));
  Settle(t);

  // A column no rollup counts marks nothing; moving the call marks the day it left and the
  // day it moved to (once each for the new and the old row).
  call.recording_status = "ready";
  W([&](Tx& tx) { return tx.calls().Update(call); });
  EXPECT_TRUE(Dirty().empty());
  call.started_at = *call.started_at + kDayMs;
  call.ended_at = *call.ended_at + kDayMs;
  W([&](Tx& tx) { return tx.calls().Update(call); });
  EXPECT_EQ(Dirty(), (Dirties{{d, 1}, {d + 1, 1}}));
  Settle(t);

  // Flags and the analytics row: their call's day.
  const auto rule = AddRule();
  AddFlag(call, rule.id, "prepayment", 0);
  EXPECT_EQ(Dirty(), (Dirties{{d + 1, 1}}));
  PutAnalytics(call.id, 0.5, "neutral", "neutral");
  EXPECT_EQ(Dirty(), (Dirties{{d + 1, 2}}));
  Settle(t);

  // Cases by the day they were opened and decided, complaints and decisions by the day they
  // were made (a complaint again when its status changes).
  auto k = AddCase(seller_, "goods", t + 2 * kDayMs);
  EXPECT_EQ(Dirty(), (Dirties{{d + 2, 1}}));
  Settle(t);
  auto complaint = AddComplaint(call, k, "fraud", t + 3 * kDayMs);
  EXPECT_EQ(Dirty(), (Dirties{{d + 3, 1}}));
  Settle(t);
  complaint.status = "upheld";
  complaint.updated_at = t + 9 * kDayMs;
  W([&](Tx& tx) { return tx.complaints().UpdateComplaint(complaint); });
  EXPECT_EQ(Dirty(), (Dirties{{d + 3, 1}}));
  Settle(t);
  AddDecision(k, "warn", t + 4 * kDayMs);
  EXPECT_EQ(Dirty(), (Dirties{{d + 4, 1}}));
  Settle(t);
  Decide(k, t + 5 * kDayMs);
  EXPECT_EQ(Dirty(), (Dirties{{d + 5, 1}}));
  Settle(t);

  // Service levels: their own day, again on an upsert.
  PutLevel(seller_, d + 6, 80, "green", true);
  EXPECT_EQ(Dirty(), (Dirties{{d + 6, 1}}));
  PutLevel(seller_, d + 6, 40, "red", false);
  EXPECT_EQ(Dirty(), (Dirties{{d + 6, 2}}));

  // A rebuild marks a range; a day already dirty counts one more mark.
  ASSERT_TRUE(W([&](Tx& tx) { return tx.rollups().MarkDays(d + 6, d + 8); }));
  EXPECT_EQ(Dirty(), (Dirties{{d + 6, 3}, {d + 7, 1}, {d + 8, 1}}));
  EXPECT_EQ(*R([](Tx& tx) { return tx.rollups().CountDirty(); }), 3);
  auto oldest = R([](Tx& tx) { return tx.rollups().DirtyDays(2); });
  ASSERT_TRUE(oldest);
  ASSERT_EQ(oldest->size(), 2u);
  EXPECT_EQ((*oldest)[0].day, d + 6);
  EXPECT_EQ((*oldest)[1].day, d + 7);
}

using RowKey = std::tuple<std::string, std::string, std::string, double>;  // vertical, metric, key, value

std::multiset<RowKey> Keys(const std::vector<RollupRow>& rows) {
  std::multiset<RowKey> out;
  for (const auto& r : rows) out.insert({r.vertical, r.metric, r.key, r.value});
  return out;
}

TEST_P(InsightsStoreTest, ADayIsComputedFromItsOwnRowsAndReplacedUnlessMarkedSince) {
  const Day d = 19'000;
  const TimeMs t = d * kDayMs + 3'600'000;
  EXPECT_EQ(*R([](Tx& tx) { return tx.rollups().ComputedAt(); }), std::nullopt);
  EXPECT_EQ(*R([](Tx& tx) { return tx.rollups().DataDays(); }), std::nullopt);

  // Calls of the day: an ended one (90 s, analysed, flagged) and a failed one in goods, a
  // missed one with a no-show in auto; a proposed one and the next day's do not count.
  const auto ended = AddCall(goods_, "ended", t);
  AddCall(goods_, "failed", t + 1000);
  auto missed = MakeCall(auto_, "missed", t + 2000);
  missed.no_show = "buyer";
  AddCall(missed);
  auto proposed = MakeCall(auto_, "proposed", t + 3000);
  proposed.buyer_id = moderator_;
  AddCall(proposed);
  AddCall(goods_, "ended", t + kDayMs);
  PutAnalytics(ended.id, 0.75, "neutral", "negative");  // talk ratio decile 7 (truncated, not 8)
  const auto rule = AddRule();
  AddFlag(ended, rule.id, "prepayment", 0);
  // Moderation: a goods case opened the day before and still open (the queue at the day's
  // end), a complaint in it filed that day; an auto case decided in time with a warning, its
  // appeal decided late and upheld.
  const auto open_case = AddCase(seller_, "goods", t - kDayMs);
  AddComplaint(ended, open_case, "fraud", t + 5000);
  auto warned = AddCase(buyer_, "auto", t);
  AddDecision(warned, "warn", t + 10'000);
  Decide(warned, t + 10'000);
  auto appeal_case = AddCase(buyer_, "auto", t + 15'000, "appeal");
  ASSERT_TRUE(W([&](Tx& tx) -> Result<void> {
    Sanction s;
    s.user_id = buyer_;
    s.decision_id = TRY(tx.sanctions().Decisions(warned.id)).front().id;
    s.case_id = warned.id;
    s.kind = "warn";
    s.reason = "r";
    s.starts_at = s.created_at = t + 10'000;
    s.appeal_until = t + 30 * kDayMs;
    s = TRY(tx.sanctions().InsertSanction(s));
    Appeal a;
    a.sanction_id = s.id;
    a.user_id = buyer_;
    a.text = "not me";
    a.case_id = appeal_case.id;
    a.created_at = t + 15'000;
    a = TRY(tx.sanctions().InsertAppeal(a));
    a.status = "upheld";
    a.decided_at = t + 7'200'000;
    return tx.sanctions().UpdateAppeal(a);
  }));
  AddDecision(appeal_case, "uphold", t + 7'200'000);
  Decide(appeal_case, t + 7'200'000);  // due an hour after opening: breached
  PutLevel(seller_, d, 35, "red", false);

  const TimeMs now = (d + 10) * kDayMs;
  auto rows = R([&](Tx& tx) { return tx.rollups().ComputeDay(d, now); });
  ASSERT_TRUE(rows);
  for (const auto& r : *rows) EXPECT_EQ(r.day, d);
  const std::multiset<RowKey> by_vertical = {
      {"goods", "calls", "ended", 1},        {"goods", "calls", "failed", 1},
      {"auto", "calls", "no_show", 1},       {"goods", "duration", "60", 1},
      {"goods", "talk_ratio", "7", 1},       {"goods", "tone", "seller:negative", 1},
      {"goods", "tone", "buyer:neutral", 1}, {"goods", "flags", "prepayment", 1},
      {"goods", "complaints", "fraud", 1},   {"auto", "decisions", "warn", 1},
      {"auto", "decisions", "uphold", 1},    {"auto", "sla", "kept", 1},
      {"auto", "sla", "breached", 1},        {"goods", "queue", "open", 1},
      {"auto", "appeals", "upheld", 1},
  };
  std::multiset<RowKey> expected = by_vertical;
  expected.insert({"*", "service_level", "red", 1});
  for (const auto& [v, metric, key, value] : by_vertical) expected.insert({"", metric, key, value});
  EXPECT_EQ(Keys(*rows), expected);

  // Marked again between the read and the write: the rows are stored, the day stays dirty.
  const auto gen = Dirty().at(d);
  ASSERT_TRUE(W([&](Tx& tx) { return tx.rollups().MarkDays(d, d); }));
  auto replaced = W([&](Tx& tx) { return tx.rollups().ReplaceDay(d, gen, *rows, now); });
  ASSERT_TRUE(replaced);
  EXPECT_FALSE(*replaced);
  EXPECT_EQ(Dirty().at(d), gen + 1);
  EXPECT_EQ(*R([](Tx& tx) { return tx.rollups().ComputedAt(); }), now);

  // The next run clears it.
  auto again = R([&](Tx& tx) { return tx.rollups().ComputeDay(d, now + 1); });
  ASSERT_TRUE(again);
  EXPECT_EQ(Keys(*again), expected);
  replaced = W([&](Tx& tx) { return tx.rollups().ReplaceDay(d, gen + 1, *again, now + 1); });
  ASSERT_TRUE(replaced);
  EXPECT_TRUE(*replaced);
  EXPECT_FALSE(Dirty().count(d));
  EXPECT_EQ(*R([](Tx& tx) { return tx.rollups().ComputedAt(); }), now + 1);

  // Reads: one vertical (or the sums) with the rows that have none; the real verticals only.
  auto read = [&](const std::string& vertical, Day from, Day to) {
    auto r = R([&](Tx& tx) { return tx.rollups().Read(from, to, vertical); });
    EXPECT_TRUE(std::is_sorted(r->begin(), r->end(), [](const auto& a, const auto& b) { return a.day < b.day; }));
    return Keys(*r);
  };
  std::multiset<RowKey> sums, autos;
  for (const auto& k : expected) {
    if (std::get<0>(k) == "" || std::get<0>(k) == "*") sums.insert(k);
    if (std::get<0>(k) == "auto" || std::get<0>(k) == "*") autos.insert(k);
  }
  EXPECT_EQ(read(kAllVerticals, d - 5, d + 5), sums);
  EXPECT_EQ(read("auto", d, d), autos);
  EXPECT_TRUE(read(kAllVerticals, d + 1, d + 5).empty());  // the next day is not computed yet
  auto by = R([&](Tx& tx) { return tx.rollups().ReadByVertical(d, d, {"calls", "sla"}); });
  ASSERT_TRUE(by);
  EXPECT_EQ(Keys(*by), (std::multiset<RowKey>{{"goods", "calls", "ended", 1},
                                               {"goods", "calls", "failed", 1},
                                               {"auto", "calls", "no_show", 1},
                                               {"auto", "sla", "kept", 1},
                                               {"auto", "sla", "breached", 1}}));
  by = R([&](Tx& tx) { return tx.rollups().ReadByVertical(d, d, {}); });
  ASSERT_TRUE(by);
  EXPECT_TRUE(by->empty());

  // The span of days with anything countable: the open case's day to the next day's call.
  auto span = R([](Tx& tx) { return tx.rollups().DataDays(); });
  ASSERT_TRUE(span && *span);
  EXPECT_EQ(**span, (std::pair<Day, Day>{d - 1, d + 1}));
}

// Writers on different processes (here: a Store object each, as separate server processes
// would have) adding calls on one day at the same moment: every write lands (on PostgreSQL the
// day's marks are rows of their own, so the writers do not fail serialization over one row of
// the day), the day is dirty once, and one recompute clears it with every call counted.
TEST_P(InsightsStoreTest, ConcurrentWritersOnOneDayOnSeparateStores) {
  constexpr int kWriters = 6, kCalls = 30;
  const Day d = 19'000;
  const TimeMs t = d * kDayMs + 3'600'000;
  // Each writer its own buyer and conversation, made beforehand: the day is all they share.
  std::vector<std::pair<Id, Id>> parties;  // buyer, conversation
  for (int i = 0; i < kWriters; ++i) {
    const auto buyer = AddUser("w" + std::to_string(i) + "@x.test");
    auto conv = W([&](Tx& tx) { return tx.chat().FindOrCreateConversation(goods_, buyer, seller_, 3000); });
    parties.emplace_back(buyer, conv->first.id);
  }
  ASSERT_TRUE(Dirty().empty());

  std::mutex mu;
  std::vector<std::string> errors;
  std::atomic<int> ready{0}, attempts{0};
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto opened = OpenStore(options_);
      if (!opened) {
        std::lock_guard lock(mu);
        errors.push_back("open: " + opened.error().message);
        return;
      }
      auto& store = **opened;
      ready++;
      while (ready.load() < kWriters) std::this_thread::yield();
      for (int i = 0; i < kCalls; ++i) {
        auto c = MakeCall(goods_, "ended", t + w * 100'000 + i * 1000);
        c.buyer_id = c.proposed_by = parties[w].first;
        c.conversation_id = parties[w].second;
        auto done = store.Write([&](Tx& tx) {
          attempts++;
          return tx.calls().Insert(c);
        });
        if (!done) {
          std::lock_guard lock(mu);
          errors.push_back("insert: " + done.error().code + ": " + done.error().message);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::printf("[ %s ] %d calls by %d stores: %d attempts, %lld ms\n", GetParam().c_str(), kWriters * kCalls,
              kWriters, attempts.load(), static_cast<long long>(ms.count()));
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, the first: " << errors.front();

  const auto dirty = Dirty();
  ASSERT_EQ(dirty.size(), 1u);
  ASSERT_TRUE(dirty.count(d));
  // As the rollup job recomputes: the day's rows in a read, stored (and the mark cleared) in a write.
  const TimeMs now = (d + 1) * kDayMs;
  auto rows = R([&](Tx& tx) { return tx.rollups().ComputeDay(d, now); });
  auto replaced = W([&](Tx& tx) { return tx.rollups().ReplaceDay(d, dirty.at(d), *rows, now); });
  EXPECT_TRUE(*replaced);
  EXPECT_EQ(*R([](Tx& tx) { return tx.rollups().CountDirty(); }), 0);
  EXPECT_TRUE(Dirty().empty());
  auto stored = R([&](Tx& tx) { return tx.rollups().Read(d, d, kAllVerticals); });
  EXPECT_EQ(Keys(*stored), (std::multiset<RowKey>{{"", "calls", "ended", kWriters * kCalls},
                                                  {"", "duration", "60", kWriters * kCalls}}));
}

// A change whose transaction began first and committed last (PostgreSQL: its mark is older
// than a mark already visible) is not in a recompute that read the day before it committed:
// the recompute must not clear its mark. SQLite has one writer at a time: no such interleaving.
TEST_P(InsightsStoreTest, AMarkCommittedAfterALaterOneKeepsTheDayDirty) {
  if (GetParam() == "sqlite") GTEST_SKIP() << "one writer at a time";
  const Day d = 19'000;
  const TimeMs t = d * kDayMs + 3'600'000;
  const auto other_buyer = AddUser("o@x.test");
  auto conv = W([&](Tx& tx) { return tx.chat().FindOrCreateConversation(goods_, other_buyer, seller_, 3000); });
  auto other = OpenStore(options_);
  ASSERT_TRUE(other) << other.error().message;

  // The early writer: inserts its call (and marks the day), then waits to commit.
  std::atomic<bool> inserted{false}, release{false};
  std::thread early([&] {
    auto c = MakeCall(goods_, "ended", t);
    c.buyer_id = c.proposed_by = other_buyer;
    c.conversation_id = conv->first.id;
    auto done = (*other)->Write([&](Tx& tx) -> Result<Call> {
      auto out = TRY(tx.calls().Insert(c));
      inserted = true;
      while (!release.load()) std::this_thread::yield();
      return out;
    });
    EXPECT_TRUE(done) << done.error().message;
  });
  while (!inserted.load()) std::this_thread::yield();
  AddCall(goods_, "ended", t + 1000);  // the late writer commits first

  const auto gen = Dirty().at(d);
  const TimeMs now = (d + 1) * kDayMs;
  auto rows = R([&](Tx& tx) { return tx.rollups().ComputeDay(d, now); });
  release = true;
  early.join();
  auto replaced = W([&](Tx& tx) { return tx.rollups().ReplaceDay(d, gen, *rows, now); });
  EXPECT_FALSE(*replaced);
  ASSERT_TRUE(Dirty().count(d));
  Settle(now);
  auto stored = R([&](Tx& tx) { return tx.rollups().Read(d, d, kAllVerticals); });
  EXPECT_EQ(Keys(*stored), (std::multiset<RowKey>{{"", "calls", "ended", 2}, {"", "duration", "60", 2}}));
}

TEST_P(InsightsStoreTest, TodaysQueueIsCountedAsOfNow) {
  const Day d = 19'000;
  const TimeMs t = d * kDayMs + 3'600'000;
  auto early = AddCase(seller_, "goods", t);
  AddCase(buyer_, "goods", t + 7'200'000);
  Decide(early, t + 3'600'000);  // at its SLA: kept
  auto at = [&](TimeMs now) {
    auto rows = R([&](Tx& tx) { return tx.rollups().ComputeDay(d, now); });
    return rows ? Keys(*rows) : std::multiset<RowKey>{};
  };
  const std::multiset<RowKey> kept = {{"goods", "sla", "kept", 1}, {"", "sla", "kept", 1}};
  auto with_queue = kept;
  with_queue.insert({"goods", "queue", "open", 1});
  with_queue.insert({"", "queue", "open", 1});
  EXPECT_EQ(at(t + 1'800'000), with_queue);       // the early case, still undecided
  EXPECT_EQ(at(t + 5'400'000), kept);             // decided; the late one not opened yet
  EXPECT_EQ(at((d + 3) * kDayMs), with_queue);    // the day's end: the late one
}

// ---- Sellers ----

TEST_P(InsightsStoreTest, ASellersActivityRowsAndLevels) {
  const TimeMs since = 10 * kDayMs, now = 20 * kDayMs;

  // Active days: recorded only while the seller has an active listing, once per day.
  EXPECT_TRUE(*W([&](Tx& tx) { return tx.sellers().RecordActiveDay(seller_, 15); }));
  EXPECT_TRUE(*W([&](Tx& tx) { return tx.sellers().RecordActiveDay(seller_, 15); }));
  EXPECT_TRUE(*W([&](Tx& tx) { return tx.sellers().RecordActiveDay(seller_, 8); }));  // before the window
  EXPECT_FALSE(*W([&](Tx& tx) { return tx.sellers().RecordActiveDay(buyer_, 15); }));

  // A conversation the buyer opened and the seller answered.
  ASSERT_TRUE(W([&](Tx& tx) -> Result<void> {
    auto conv = TRY(tx.chat().FindOrCreateConversation(goods_, buyer_, seller_, since + 500));
    TRY(tx.chat().InsertMessage(conv.first.id, buyer_, "hello?", since + 1000));
    TRY(tx.chat().InsertMessage(conv.first.id, seller_, "yes", since + 5000));
    return {};
  }));

  // Calls: an ended one the buyer proposed, a missed one the seller did not come to, one the
  // seller proposed, and an old ended one.
  auto p1 = MakeCall(goods_, "ended", since + 30'000);
  p1.created_at = since + 10'000;
  p1.accepted_at = since + 20'000;
  p1.join_closes_at = since + 40'000;
  p1 = AddCall(p1);
  auto p2 = MakeCall(goods_, "missed", since + 100'000);
  p2.created_at = since + 50'000;
  p2.no_show = "seller";
  p2.join_closes_at = since + 200'000;
  p2 = AddCall(p2);
  auto p3 = MakeCall(goods_, "declined", since + 60'000);
  p3.proposed_by = seller_;
  p3.accepted_at.reset();
  AddCall(p3);
  const auto old = AddCall(goods_, "ended", 100'000);

  // On p1: an upheld rude complaint, an upheld not-as-described one, a dismissed one; a high
  // flag on the seller's words, a warn one and a high one found wrong.
  const auto k = AddCase(seller_, "goods", since);
  AddComplaint(p1, k, "rude", since + 91'000, "upheld");
  AddComplaint(p1, k, "not_as_described", since + 95'000, "upheld");
  AddComplaint(p1, k, "fraud", since + 96'000, "dismissed");
  const auto rule = AddRule();
  AddFlag(p1, rule.id, "prepayment", 0);
  AddFlag(p1, rule.id, "pressure", 1000, "seller", "warn");
  const auto wrong = AddFlag(p1, rule.id, "insult", 2000);
  AddFlag(p1, rule.id, "insult", 3000, "buyer");
  ASSERT_TRUE(W([&](Tx& tx) { return tx.analytics().ReviewFlag(wrong.id, "wrong", moderator_, 1); }));

  // Ratings: 4 and 5 stars.
  ASSERT_TRUE(W([&](Tx& tx) -> Result<void> {
    TRY(tx.calls().InsertRating({p1.id, buyer_, seller_, 4, std::nullopt, since + 100'000}));
    return tx.calls().InsertRating({old.id, buyer_, seller_, 5, "great", 200'000});
  }));
  ASSERT_TRUE(W([&](Tx& tx) { return tx.sellers().SetVerified(seller_, true, now); }));

  auto a = R([&](Tx& tx) { return tx.sellers().Activity(seller_, since, now); });
  ASSERT_TRUE(a);
  EXPECT_EQ(a->active_days, (std::vector<std::int64_t>{15}));
  ASSERT_EQ(a->listings.size(), 2u);
  EXPECT_EQ(a->listings[0].id, goods_);
  EXPECT_EQ(a->listings[0].title, "item goods");
  EXPECT_TRUE(a->listings[0].active);
  EXPECT_EQ(a->upheld_not_as_described, (std::vector<TimeMs>{since + 95'000}));
  ASSERT_EQ(a->conversations.size(), 1u);
  EXPECT_EQ(a->conversations[0].buyer_first_at, since + 1000);
  EXPECT_EQ(a->conversations[0].seller_answer_at, since + 5000);
  ASSERT_EQ(a->proposals.size(), 2u);
  EXPECT_EQ(a->proposals[0].proposed_at, since + 10'000);
  EXPECT_EQ(a->proposals[0].state, "ended");
  EXPECT_EQ(a->proposals[0].accepted_at, since + 20'000);
  EXPECT_EQ(a->proposals[1].state, "missed");
  ASSERT_EQ(a->due_calls.size(), 2u);
  EXPECT_EQ(a->due_calls[0].join_closes_at, since + 40'000);
  EXPECT_FALSE(a->due_calls[0].seller_no_show);
  EXPECT_EQ(a->due_calls[1].join_closes_at, since + 200'000);
  EXPECT_TRUE(a->due_calls[1].seller_no_show);
  ASSERT_EQ(a->ended_calls.size(), 1u);
  EXPECT_EQ(a->ended_calls[0].call_id, p1.id);
  EXPECT_EQ(a->ended_calls[0].ended_at, since + 120'000);
  EXPECT_EQ(a->ended_calls[0].upheld_complaints, 1);
  EXPECT_EQ(a->ended_calls[0].high_flags, 1);
  EXPECT_DOUBLE_EQ(a->rating_average, 4.5);
  EXPECT_EQ(a->rating_count, 2);
  EXPECT_TRUE(a->verified);
  auto user = R([&](Tx& tx) { return tx.users().FindById(seller_); });
  ASSERT_TRUE(user && *user);
  EXPECT_TRUE((*user)->verified);
  ASSERT_TRUE(W([&](Tx& tx) { return tx.sellers().SetVerified(seller_, false, now); }));
  EXPECT_FALSE(R([&](Tx& tx) { return tx.sellers().Activity(seller_, since, now); })->verified);

  // Nothing for someone without activity.
  auto none = R([&](Tx& tx) { return tx.sellers().Activity(moderator_, since, now); });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->listings.empty() && none->ended_calls.empty() && none->conversations.empty());
  EXPECT_EQ(none->rating_average, 0);
  EXPECT_EQ(none->rating_count, 0);

  // Levels: one row per day (the day's last computation), newest first; the badge cached on
  // the user, as listings show it.
  PutLevel(seller_, 15, 80, "green", true, 100);
  PutLevel(seller_, 15, 70, "red", false, 200);
  PutLevel(seller_, 16, std::nullopt, "green", true, 300);
  auto levels = R([&](Tx& tx) { return tx.sellers().Levels(seller_, 10); });
  ASSERT_TRUE(levels);
  ASSERT_EQ(levels->size(), 2u);
  EXPECT_EQ((*levels)[0].day, 16);
  EXPECT_FALSE((*levels)[0].level);
  EXPECT_TRUE((*levels)[0].reliable);
  EXPECT_EQ((*levels)[0].parameters, R"([{"code":"answers"}])");
  EXPECT_EQ((*levels)[1].day, 15);
  EXPECT_EQ((*levels)[1].level, 70);
  EXPECT_EQ((*levels)[1].zone, "red");
  EXPECT_FALSE((*levels)[1].reliable);
  EXPECT_EQ((*levels)[1].computed_at, 200);
  EXPECT_EQ(R([&](Tx& tx) { return tx.sellers().Levels(seller_, 1); })->size(), 1u);
  auto listing = R([&](Tx& tx) { return tx.listings().FindById(goods_); });
  ASSERT_TRUE(listing && *listing);
  EXPECT_TRUE((*listing)->seller_reliable);
}

TEST_P(InsightsStoreTest, SellersWithActiveListingsPageById) {
  const auto other = AddUser("o@x.test");
  AddListing(other, "jobs");
  const auto archived = AddUser("a@x.test");
  AddListing(archived, "jobs", "archived");
  auto page = [&](Id after, int limit) {
    auto r = R([&](Tx& tx) { return tx.sellers().SellersWithActiveListings(after, limit); });
    return r ? *r : std::vector<Id>{};
  };
  EXPECT_EQ(page(0, 10), (std::vector<Id>{seller_, other}));
  EXPECT_EQ(page(0, 1), (std::vector<Id>{seller_}));
  EXPECT_EQ(page(seller_, 10), (std::vector<Id>{other}));
  EXPECT_TRUE(page(other, 10).empty());
}

// ---- Detection ----

TEST_P(InsightsStoreTest, TheRankingsSignalRowsPerUser) {
  const TimeMs since = 10 * kDayMs, now = 20 * kDayMs;
  const auto old = AddCall(goods_, "ended", 100'000);
  const auto call = AddCall(goods_, "ended", since + 1000);
  auto no_show = MakeCall(auto_, "missed", since + 3000);
  no_show.no_show = "both";
  no_show = AddCall(no_show);

  const auto k = AddCase(seller_, "goods", since + 1500);
  AddComplaint(call, k, "fraud", 5000, "dismissed");  // before the window
  AddComplaint(call, k, "fraud", since + 2000, "open", R"([{"from_ms":1500,"to_ms":2500},{"from_ms":1,"to_ms":2}])");
  AddComplaint(call, k, "rude", since + 2100, "upheld", "[]",
               R"({"segment_ids":[3],"from_ms":300,"to_ms":700})");
  AddComplaint(call, k, "other", since + 2200, "dismissed");
  const auto decision = AddDecision(k, "warn", since + 3000, {call.id, old.id});
  ASSERT_TRUE(W([&](Tx& tx) -> Result<Sanction> {
    Sanction s;
    s.user_id = seller_;
    s.decision_id = decision.id;
    s.case_id = k.id;
    s.kind = "warn";
    s.reason = "r";
    s.starts_at = s.created_at = since + 3000;
    s.appeal_until = now;
    return tx.sanctions().InsertSanction(s);
  }));
  const auto rule = AddRule();
  AddFlag(call, rule.id, "prepayment", 4000);
  const auto reviewed = AddFlag(call, rule.id, "insult", 1000, "buyer", "warn");
  ASSERT_TRUE(W([&](Tx& tx) { return tx.analytics().ReviewFlag(reviewed.id, "correct", moderator_, 1); }));
  AddFlag(old, rule.id, "prepayment", 0);  // a call before the window

  auto all = R([&](Tx& tx) { return tx.detection().Signals(since, now); });
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  const auto& b = (*all)[0];
  const auto& s = (*all)[1];
  EXPECT_EQ(b.user_id, buyer_);
  EXPECT_EQ(s.user_id, seller_);

  EXPECT_EQ(s.created_at, 1000);
  EXPECT_EQ(s.calls, 1);
  EXPECT_EQ(s.first_call_ids, (std::vector<Id>{old.id, call.id}));
  ASSERT_EQ(s.sanctions.size(), 1u);
  EXPECT_EQ(s.sanctions[0].kind, "warn");
  EXPECT_EQ(s.sanctions[0].status, "active");
  EXPECT_EQ(s.sanctions[0].created_at, since + 3000);
  EXPECT_EQ(s.sanctions[0].call_ids, (std::vector<Id>{old.id, call.id}));
  ASSERT_EQ(s.complaints.size(), 3u);
  EXPECT_EQ(s.complaints[0].reporter_id, buyer_);
  EXPECT_EQ(s.complaints[0].category, "fraud");
  EXPECT_EQ(s.complaints[0].status, "open");
  EXPECT_EQ(s.complaints[0].call_id, call.id);
  EXPECT_EQ(std::make_pair(s.complaints[0].start_ms, s.complaints[0].end_ms), std::make_pair(1500L, 2500L));
  EXPECT_EQ(std::make_pair(s.complaints[1].start_ms, s.complaints[1].end_ms), std::make_pair(300L, 700L));
  EXPECT_EQ(std::make_pair(s.complaints[2].start_ms, s.complaints[2].end_ms), std::make_pair(0L, 0L));
  ASSERT_EQ(s.flags.size(), 1u);
  EXPECT_EQ(s.flags[0].rule_id, rule.id);
  EXPECT_EQ(s.flags[0].category, "prepayment");
  EXPECT_EQ(s.flags[0].severity, "high");
  EXPECT_EQ(s.flags[0].review, "");
  EXPECT_EQ(s.flags[0].counterpart_id, buyer_);
  EXPECT_EQ(s.flags[0].call_id, call.id);
  EXPECT_EQ(s.flags[0].start_ms, 4000);
  EXPECT_EQ(s.flags[0].end_ms, 4500);
  EXPECT_EQ(s.no_show_call_ids, (std::vector<Id>{no_show.id}));

  EXPECT_TRUE(b.sanctions.empty());
  EXPECT_TRUE(b.complaints.empty());
  ASSERT_EQ(b.flags.size(), 1u);
  EXPECT_EQ(b.flags[0].review, "correct");
  EXPECT_EQ(b.flags[0].counterpart_id, seller_);
  EXPECT_EQ(b.no_show_call_ids, (std::vector<Id>{no_show.id}));
  EXPECT_EQ(b.calls, 1);

  // One user: the same rows; nobody for a user without signals or a window without any.
  auto one = R([&](Tx& tx) { return tx.detection().SignalsOf(buyer_, since, now); });
  ASSERT_TRUE(one && *one);
  EXPECT_EQ((*one)->user_id, buyer_);
  EXPECT_EQ((*one)->flags.size(), 1u);
  EXPECT_EQ((*one)->no_show_call_ids, (std::vector<Id>{no_show.id}));
  auto quiet = R([&](Tx& tx) { return tx.detection().SignalsOf(moderator_, since, now); });
  ASSERT_TRUE(quiet);
  EXPECT_FALSE(*quiet);
  auto later = R([&](Tx& tx) { return tx.detection().Signals(now + 1, now + kDayMs); });
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->empty());
}

TEST_P(InsightsStoreTest, OneRankingItemPerCase) {
  const auto k = AddCase(seller_, "goods", 5000);
  const auto other = AddCase(buyer_, "goods", 5000);
  DetectionCaseItem item;
  item.case_id = k.id;
  item.user_id = seller_;
  item.opened_by = moderator_;
  item.score = 72.5;
  item.reasons = R"([{"code":"flags","weight":0.5,"evidence":[]}])";
  item.window_days = 30;
  item.created_at = 7000;
  // The second insert is refused, and the transaction goes on (PostgreSQL: not aborted).
  auto stored = W([&](Tx& tx) -> Result<DetectionCaseItem> {
    auto first = TRY(tx.detection().InsertCaseItem(item));
    auto second = tx.detection().InsertCaseItem(item);
    if (second || second.error().code != "detection_item_exists") {
      return base::Internal("a second item was not refused: " + (second ? std::string("stored") : second.error().code));
    }
    auto items = TRY(tx.detection().CaseItems(k.id));
    if (items.size() != 1) return base::Internal("items after the refusal: " + std::to_string(items.size()));
    return first;
  });
  ASSERT_TRUE(stored);
  EXPECT_GT(stored->id, 0);
  auto dup = store_->Write([&](Tx& tx) { return tx.detection().InsertCaseItem(item); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, base::ErrorKind::kConflict);
  EXPECT_EQ(dup.error().code, "detection_item_exists");
  // A case that does not exist: a constraint violation, not an item.
  item.case_id = other.id + 100;
  auto orphan = store_->Write([&](Tx& tx) { return tx.detection().InsertCaseItem(item); });
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, "constraint_violation");

  auto items = R([&](Tx& tx) { return tx.detection().CaseItems(k.id); });
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u);
  const auto& got = items->front();
  EXPECT_EQ(got.id, stored->id);
  EXPECT_EQ(got.case_id, k.id);
  EXPECT_EQ(got.user_id, seller_);
  EXPECT_EQ(got.opened_by, moderator_);
  EXPECT_DOUBLE_EQ(got.score, 72.5);
  EXPECT_EQ(got.reasons, item.reasons);
  EXPECT_EQ(got.window_days, 30);
  EXPECT_EQ(got.created_at, 7000);
  EXPECT_TRUE(R([&](Tx& tx) { return tx.detection().CaseItems(other.id); })->empty());
}

// ---- Exports ----

using Row = std::vector<ExportValue>;

class Collect {
 public:
  ExportSink Sink() {
    return [this](std::span<const ExportValue> row) -> Result<void> {
      rows.emplace_back(row.begin(), row.end());
      return {};
    };
  }
  std::vector<Row> rows;
};

ExportValue I(std::int64_t v) { return v; }
ExportValue S(const std::string& v) { return v; }
const ExportValue kNull = std::monostate{};

TEST_P(InsightsStoreTest, ExportsOfEveryKind) {
  const TimeMs from = 10 * kDayMs, to = 11 * kDayMs;
  // Calls: an ended goods one (analysed, flagged twice in one category, once in another), a
  // missed auto one with a no-show; one after the period and a proposed one are not exported.
  auto ended = MakeCall(goods_, "ended", from + 1000);
  ended.recording_duration_ms = 80'000;
  ended = AddCall(ended);
  auto missed = MakeCall(auto_, "missed", from + 2000);
  missed.no_show = "seller";
  missed = AddCall(missed);
  AddCall(goods_, "ended", to);
  auto proposed = MakeCall(auto_, "proposed", from + 3000);
  proposed.buyer_id = moderator_;
  AddCall(proposed);
  PutAnalytics(ended.id, 0.5, "neutral", "negative");
  const auto rule = AddRule();
  const auto f1 = AddFlag(ended, rule.id, "pressure", 2000);
  AddFlag(ended, rule.id, "prepayment", 1000);
  AddFlag(ended, rule.id, "pressure", 3000, "buyer", "warn");
  ASSERT_TRUE(W([&](Tx& tx) { return tx.analytics().ReviewFlag(f1.id, "correct", moderator_, 1); }));
  const auto k = AddCase(seller_, "goods", from);
  AddComplaint(ended, k, "fraud", from + 500'000);
  AddComplaint(missed, k, "no_show", to + 1);  // after the period
  AddDecision(k, "block", from + 600'000);
  {
    Decision d;
    d.case_id = k.id;
    d.moderator_id = moderator_;
    d.action = "ban";
    d.days = 7;
    d.reason = "again";
    d.created_at = from + 700'000;
    W([&](Tx& tx) { return tx.sanctions().InsertDecision(d); });
  }

  auto run = [&](ExportKind kind) {
    Collect c;
    auto n = R([&](Tx& tx) { return tx.exports().Export(kind, from, to, c.Sink()); });
    EXPECT_TRUE(n);
    EXPECT_EQ(n.value_or(-1), static_cast<std::int64_t>(c.rows.size()));
    for (const auto& row : c.rows) EXPECT_EQ(row.size(), ExportColumns(kind).size());
    return c.rows;
  };

  EXPECT_EQ(run(ExportKind::kCalls),
            (std::vector<Row>{
                {I(ended.id), I(from + 1000), I(80'000), S("goods"), S("ended"), I(buyer_), I(seller_),
                 ExportValue(0.5), S("neutral"), S("negative"), S("prepayment;pressure"), I(1)},
                // Its complaint was filed after the period: every complaint on the call counts.
                {I(missed.id), I(from + 2000), I(0), S("auto"), S("no_show"), I(buyer_), I(seller_), kNull,
                 kNull, kNull, kNull, I(1)},
            }));
  EXPECT_EQ(run(ExportKind::kFlags),
            (std::vector<Row>{
                {I(ended.id), I(rule.id), S("prepayment"), S("high"), S("seller"), I(seller_), I(1000), I(1500),
                 S("слова prepayment"), I(0), kNull, I(9000)},
                {I(ended.id), I(rule.id), S("pressure"), S("high"), S("seller"), I(seller_), I(2000), I(2500),
                 S("слова pressure"), I(0), S("correct"), I(9000)},
                {I(ended.id), I(rule.id), S("pressure"), S("warn"), S("buyer"), I(buyer_), I(3000), I(3500),
                 S("слова pressure"), I(0), kNull, I(9000)},
            }));
  EXPECT_EQ(run(ExportKind::kComplaints),
            (std::vector<Row>{
                {I(ended.id), S("goods"), S("fraud"), S("open"), I(buyer_), I(seller_), S("words of fraud"),
                 I(from + 500'000)},
            }));
  EXPECT_EQ(run(ExportKind::kDecisions),
            (std::vector<Row>{
                {I(k.id), S("goods"), S("complaints"), S("block"), kNull, I(seller_), I(moderator_),
                 S("because block"), I(from + 600'000)},
                {I(k.id), S("goods"), S("complaints"), S("ban"), I(7), I(seller_), I(moderator_), S("again"),
                 I(from + 700'000)},
            }));

  // The sink's first error stops the export; the transaction can export again.
  auto twice = R([&](Tx& tx) -> Result<std::int64_t> {
    int seen = 0;
    auto failed = tx.exports().Export(ExportKind::kFlags, from, to, [&](std::span<const ExportValue>) -> Result<void> {
      ++seen;
      return base::Fail(base::ErrorKind::kUnavailable, "client_gone", "the client went away");
    });
    if (failed || failed.error().code != "client_gone" || seen != 1) return base::Internal("the sink's error was not returned");
    Collect c;
    return tx.exports().Export(ExportKind::kFlags, from, to, c.Sink());
  });
  ASSERT_TRUE(twice);
  EXPECT_EQ(*twice, 3);
}

TEST_P(InsightsStoreTest, ExportsStreamLongPeriods) {
  // More rows than one batch of the PostgreSQL cursor, in order.
  const TimeMs from = 10 * kDayMs, to = 11 * kDayMs;
  const auto call = AddCall(goods_, "ended", from + 1000);
  const auto rule = AddRule();
  constexpr int kRows = 1234;
  ASSERT_TRUE(W([&](Tx& tx) -> Result<void> {
    for (int i = 0; i < kRows; ++i) {
      Flag f;
      f.call_id = call.id;
      f.transcript_version = 1;
      f.rule_id = rule.id;
      f.category = "prepayment";
      f.severity = "high";
      f.speaker = "seller";
      f.accused_id = seller_;
      f.start_ms = (kRows - i) * 10;
      f.end_ms = f.start_ms + 5;
      f.text = "x";
      f.created_at = 1;
      TRY(tx.analytics().InsertFlag(f));
    }
    return {};
  }));
  std::vector<std::int64_t> starts;
  auto n = R([&](Tx& tx) {
    return tx.exports().Export(ExportKind::kFlags, from, to, [&](std::span<const ExportValue> row) -> Result<void> {
      starts.push_back(std::get<std::int64_t>(row[6]));
      return {};
    });
  });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, kRows);
  ASSERT_EQ(starts.size(), static_cast<std::size_t>(kRows));
  EXPECT_TRUE(std::is_sorted(starts.begin(), starts.end()));
  EXPECT_EQ(starts.front(), 10);
}

TEST_P(InsightsStoreTest, UtterancesExportTheCurrentTranscript) {
  const TimeMs from = 10 * kDayMs, to = 11 * kDayMs;
  const auto call = AddCall(goods_, "ended", from + 1000);
  ASSERT_TRUE(W([&](Tx& tx) -> Result<void> {
    NewTranscript t;
    t.engine = "e";
    t.model = "m";
    t.language = "en";
    TranscriptSegment s;
    s.speaker = "seller";
    s.start_ms = 0;
    s.end_ms = 1000;
    s.text = "first version";
    t.segments.push_back(s);
    TRY(tx.transcripts().Insert(call.id, t, from + 100'000));
    t.language = "ru";
    t.segments[0].text = "привет";
    TranscriptSegment b = s;
    b.speaker = "buyer";
    b.start_ms = 1500;
    b.end_ms = 2500;
    b.text = "здравствуйте";
    t.segments.push_back(b);
    TRY(tx.transcripts().Insert(call.id, t, from + 200'000));
    return {};
  }));
  Collect c;
  auto n = R([&](Tx& tx) { return tx.exports().Export(ExportKind::kUtterances, from, to, c.Sink()); });
  ASSERT_TRUE(n);
  EXPECT_EQ(c.rows, (std::vector<Row>{
                        {I(call.id), S("seller"), I(seller_), I(0), I(1000), S("ru"), S("привет")},
                        {I(call.id), S("buyer"), I(buyer_), I(1500), I(2500), S("ru"), S("здравствуйте")},
                    }));
}

INSTANTIATE_TEST_SUITE_P(Backends, InsightsStoreTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
