// AnalyticsRepository (migration 6), for every store backend (parameterised by driver): rules
// with their verdict counts, the per-call analytics row, flags (one per hit, stale ones
// removed, seen ones kept), the backfill's call list and retention.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "store/open.h"
#include "store/store.h"
#include "store/tests/test_backends.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

class AnalyticsStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vitrina-analytics-" + std::to_string(::getpid()) + "-" +
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
    listing_ = AddListing();
  }
  void TearDown() override {
    store_.reset();
    test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  Id AddUser(const std::string& email) {
    auto u = store_->Write([&](Tx& tx) { return tx.users().Insert({email, "N", "hash", {"user"}, "UTC"}, 1000); });
    EXPECT_TRUE(u) << u.error().message;
    return u ? u->id : 0;
  }
  Id AddListing() {
    Listing l;
    l.seller_id = seller_;
    l.title = "item";
    l.description = "d";
    l.price = 100;
    l.vertical = "goods";
    l.call_hours_json = "{}";
    l.created_at = l.updated_at = 2000;
    auto r = store_->Write([&](Tx& tx) { return tx.listings().Insert(l); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->id : 0;
  }
  // An ended call started at `started_at`, with a current transcript if `transcribed`.
  Id AddCall(TimeMs started_at, bool transcribed = true) {
    auto id = store_->Write([&](Tx& tx) -> Result<Id> {
      auto conv = TRY(tx.chat().FindOrCreateConversation(listing_, buyer_, seller_, 3000));
      Call c;
      c.conversation_id = conv.first.id;
      c.listing_id = listing_;
      c.buyer_id = buyer_;
      c.seller_id = seller_;
      c.proposed_by = buyer_;
      c.state = "ended";
      c.join_opens_at = started_at - 1000;
      c.join_closes_at = started_at + 1000;
      c.created_at = c.updated_at = started_at - 5000;
      c.started_at = started_at;
      c.ended_at = started_at + 60000;
      auto call = TRY(tx.calls().Insert(c));
      if (transcribed) {
        NewTranscript t;
        t.engine = "e";
        t.model = "m";
        t.language = "ru";
        TranscriptSegment s;
        s.speaker = "seller";
        s.start_ms = 0;
        s.end_ms = 1000;
        s.text = "предоплата на карту";
        s.loudness_dbfs = -23.5;
        t.segments.push_back(s);
        TRY(tx.transcripts().Insert(call.id, t, started_at + 70000));
      }
      return call.id;
    });
    EXPECT_TRUE(id) << id.error().message;
    return id.value_or(0);
  }
  AnalyticsRule AddRule(const std::string& expression = "предоплат*") {
    AnalyticsRule r;
    r.category = "prepayment";
    r.expression = expression;
    r.severity = "high";
    r.action = "case";
    r.created_at = r.updated_at = 5000;
    auto out = store_->Write([&](Tx& tx) { return tx.analytics().InsertRule(r); });
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : AnalyticsRule{};
  }
  Flag MakeFlag(Id call, Id rule, std::int64_t start_ms, std::int64_t version = 1) {
    Flag f;
    f.call_id = call;
    f.transcript_version = version;
    f.rule_id = rule;
    f.category = "prepayment";
    f.severity = "high";
    f.speaker = "seller";
    f.accused_id = seller_;
    f.start_ms = start_ms;
    f.end_ms = start_ms + 500;
    f.text = "предоплата";
    f.created_at = 9000;
    return f;
  }
  std::pair<Flag, bool> Insert(const Flag& f) {
    auto r = store_->Write([&](Tx& tx) { return tx.analytics().InsertFlag(f); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::pair<Flag, bool>{};
  }
  std::vector<Flag> FlagsOf(Id call) {
    FlagFilter f;
    f.call_id = call;
    auto r = store_->Read([&](Tx& tx) { return tx.analytics().ListFlags(f); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<Flag>{};
  }

  static std::vector<Flag> FlagsOfIn(Tx& tx, Id call) {
    FlagFilter f;
    f.call_id = call;
    auto r = tx.analytics().ListFlags(f);
    return r ? *r : std::vector<Flag>{};
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
  Id buyer_ = 0, seller_ = 0, listing_ = 0;
};

TEST_P(AnalyticsStoreTest, RulesRoundTripWithTheirVerdictCounts) {
  auto rule = AddRule();
  auto other = AddRule("залог");
  const auto call = AddCall(100'000);
  auto [a, _a] = Insert(MakeFlag(call, rule.id, 0));
  auto [b, _b] = Insert(MakeFlag(call, rule.id, 1000));
  auto [c, _c] = Insert(MakeFlag(call, rule.id, 2000));
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> Result<void> {
    TRY(tx.analytics().ReviewFlag(a.id, "correct", buyer_, 10));
    TRY(tx.analytics().ReviewFlag(b.id, "correct", buyer_, 10));
    return tx.analytics().ReviewFlag(c.id, "wrong", buyer_, 10);
  }));
  auto rules = store_->Read([](Tx& tx) { return tx.analytics().ListRules(); });
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].id, rule.id);
  EXPECT_EQ((*rules)[0].correct, 2);
  EXPECT_EQ((*rules)[0].wrong, 1);
  EXPECT_EQ((*rules)[1].correct + (*rules)[1].wrong, 0);
  auto found = store_->Read([&](Tx& tx) { return tx.analytics().FindRule(rule.id); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->correct, 2);
  EXPECT_EQ((*found)->expression, "предоплат*");
  EXPECT_EQ((*found)->severity, "high");
  EXPECT_EQ((*found)->action, "case");

  // The matcher's stamp moves with an update.
  auto before = store_->Read([](Tx& tx) { return tx.analytics().RulesStamp(); });
  other.enabled = false;
  other.updated_at = 6000;
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.analytics().UpdateRule(other); }));
  auto after = store_->Read([](Tx& tx) { return tx.analytics().RulesStamp(); });
  ASSERT_TRUE(before && after);
  EXPECT_NE(*before, *after);
  // A bad category is refused by the schema, not stored.
  AnalyticsRule bad = rule;
  bad.category = "weather";
  EXPECT_FALSE(store_->Write([&](Tx& tx) { return tx.analytics().InsertRule(bad); }));
}

TEST_P(AnalyticsStoreTest, TheWarnedPartysFirstAnswerToALiveFlagCountsForItsRule) {
  auto rule = AddRule();
  const auto call = AddCall(100'000);
  Flag live = MakeFlag(call, rule.id, 4000, 0);
  live.live = true;
  auto [a, _a] = Insert(live);
  live.start_ms = 9000;
  auto [b, _b] = Insert(live);
  auto [batch, _c] = Insert(MakeFlag(call, rule.id, 4000));  // after the call: no warning
  auto answer = [&](Id id, const char* what, TimeMs at) {
    auto r = store_->Write([&](Tx& tx) { return tx.analytics().SetPartyFeedback(id, what, at); });
    EXPECT_TRUE(r) << r.error().message;
    return r && *r;
  };
  EXPECT_TRUE(answer(a.id, "not_scam", 20));
  EXPECT_FALSE(answer(a.id, "understood", 30));  // the first answer stays
  EXPECT_TRUE(answer(b.id, "understood", 40));
  EXPECT_FALSE(answer(batch.id, "not_scam", 50));  // not a live flag
  live.start_ms = 12'000;
  auto [c, _d] = Insert(live);
  EXPECT_FALSE(store_->Write([&](Tx& tx) { return tx.analytics().SetPartyFeedback(c.id, "maybe", 60); }))
      << "the schema refuses an unknown answer";
  auto flags = FlagsOf(call);
  ASSERT_EQ(flags.size(), 4u);
  for (const auto& f : flags) {
    if (f.id == a.id) {
      EXPECT_EQ(f.party_feedback, "not_scam");
      EXPECT_EQ(f.party_feedback_at, 20);
    } else if (f.id == b.id) {
      EXPECT_EQ(f.party_feedback, "understood");
    } else {
      EXPECT_FALSE(f.party_feedback);
    }
  }
  auto rules = store_->Read([](Tx& tx) { return tx.analytics().ListRules(); });
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].live_warnings, 3);
  EXPECT_EQ((*rules)[0].live_not_scam, 1);
  auto found = store_->Read([&](Tx& tx) { return tx.analytics().FindRule(rule.id); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->live_warnings, 3);
  EXPECT_EQ((*found)->live_not_scam, 1);
}

TEST_P(AnalyticsStoreTest, AHitIsStoredOnceAndStaleUnseenFlagsGo) {
  auto rule = AddRule();
  const auto call = AddCall(100'000);
  auto [first, inserted] = Insert(MakeFlag(call, rule.id, 500));
  EXPECT_TRUE(inserted);
  auto [again, inserted_again] = Insert(MakeFlag(call, rule.id, 500));
  EXPECT_FALSE(inserted_again);
  EXPECT_EQ(again.id, first.id);
  auto [reviewed, r1] = Insert(MakeFlag(call, rule.id, 1500));
  auto [in_case, r2] = Insert(MakeFlag(call, rule.id, 2500));
  auto [stale, r3] = Insert(MakeFlag(call, rule.id, 3500));
  auto live = MakeFlag(call, rule.id, 4500, 0);
  live.live = true;
  Insert(live);
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> Result<void> {
    TRY(tx.analytics().ReviewFlag(reviewed.id, "wrong", buyer_, 10));
    Case c;
    c.accused_id = seller_;
    c.sla_due_at = 1;
    c.vertical = "goods";
    c.language = "ru";
    c.opened_at = c.updated_at = 1;
    auto made = TRY(tx.cases().InsertCase(c));
    return tx.analytics().SetFlagCase(in_case.id, made.id);
  }));
  auto deleted = store_->Write([&](Tx& tx) { return tx.analytics().DeleteStaleFlags(call, {first.id}); });
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 1);  // only `stale`: the kept, reviewed, in-case and live ones stay
  std::set<Id> left;
  for (const auto& f : FlagsOf(call)) left.insert(f.id);
  ASSERT_EQ(left.size(), 4u);
  EXPECT_FALSE(left.count(stale.id));
  FlagFilter by_case;
  by_case.case_id = FlagsOf(call)[2].case_id;
  auto in = store_->Read([&](Tx& tx) { return tx.analytics().ListFlags(by_case); });
  ASSERT_TRUE(in);
  ASSERT_EQ(in->size(), 1u);
  EXPECT_EQ(in->front().id, in_case.id);
}

TEST_P(AnalyticsStoreTest, OneAnalyticsRowPerCallAndTheBackfillList) {
  const auto early = AddCall(100'000);
  const auto silent = AddCall(200'000, /*transcribed=*/false);
  const auto late = AddCall(300'000);
  CallAnalytics a;
  a.call_id = early;
  a.transcript_version = 1;
  a.duration_ms = 60'000;
  a.talk_ratio_seller = 0.75;
  a.tone_seller = "negative";
  a.result = R"({"v":1})";
  a.computed_at = 1;
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.analytics().PutCallAnalytics(a); }));
  a.transcript_version = 2;
  a.result = R"({"v":2})";
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.analytics().PutCallAnalytics(a); }));
  auto got = store_->Read([&](Tx& tx) { return tx.analytics().FindCallAnalytics(early); });
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->transcript_version, 2);
  EXPECT_EQ((*got)->result, R"({"v":2})");
  EXPECT_DOUBLE_EQ((*got)->talk_ratio_seller, 0.75);
  EXPECT_EQ((*got)->tone_seller, "negative");

  auto list = [&](TimeMs from, TimeMs to, Id after, int limit) {
    auto r = store_->Read([&](Tx& tx) { return tx.analytics().CallsWithTranscript(from, to, after, limit); });
    EXPECT_TRUE(r);
    return *r;
  };
  EXPECT_EQ(list(0, 1'000'000, 0, 10), (std::vector<Id>{early, late}));  // not the untranscribed one
  EXPECT_EQ(list(0, 1'000'000, 0, 1), (std::vector<Id>{early}));
  EXPECT_EQ(list(0, 1'000'000, early, 10), (std::vector<Id>{late}));
  EXPECT_EQ(list(250'000, 1'000'000, 0, 10), (std::vector<Id>{late}));
  (void)silent;

  // Retention: the analytics row goes, flags keep their verdicts but lose the words.
  auto rule = AddRule();
  auto [flag, _] = Insert(MakeFlag(early, rule.id, 0));
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> Result<void> {
    TRY(tx.analytics().ReviewFlag(flag.id, "correct", buyer_, 10));
    return tx.analytics().PurgeCall(early);
  }));
  got = store_->Read([&](Tx& tx) { return tx.analytics().FindCallAnalytics(early); });
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
  auto flags = FlagsOf(early);
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].text, "");
  EXPECT_EQ(flags[0].review, "correct");
}

TEST_P(AnalyticsStoreTest, AnalystCallsFilterAndPageNewestFirst) {
  const auto a = AddCall(100'000, /*transcribed=*/false);
  const auto b = AddCall(200'000, /*transcribed=*/false);
  const auto c = AddCall(300'000, /*transcribed=*/false);
  auto rule = AddRule();
  auto insult = MakeFlag(b, rule.id, 0);
  insult.category = "insult";
  Insert(insult);
  Insert(MakeFlag(b, rule.id, 700));  // prepayment
  Insert(MakeFlag(b, rule.id, 900));  // prepayment again: listed once
  CallAnalytics ca;
  ca.call_id = b;
  ca.transcript_version = 1;
  ca.duration_ms = 60'000;
  ca.talk_ratio_seller = 0.25;
  ca.tone_seller = "positive";
  ca.result = "{}";
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.analytics().PutCallAnalytics(ca); }));
  auto list = [&](const AnalystCallFilter& f) {
    auto r = store_->Read([&](Tx& tx) { return tx.analytics().ListAnalystCalls(f); });
    EXPECT_TRUE(r) << r.error().message;
    std::vector<Id> ids;
    for (const auto& row : *r) ids.push_back(row.call_id);
    return std::make_pair(ids, *r);
  };
  AnalystCallFilter f;
  f.from = 0;
  f.to = 1'000'000;
  auto [all, rows] = list(f);
  EXPECT_EQ(all, (std::vector<Id>{c, b, a}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].at, 200'000);
  EXPECT_EQ(rows[1].duration_ms, 60'000);
  EXPECT_EQ(rows[1].vertical, "goods");
  EXPECT_EQ(rows[1].state, "ended");
  EXPECT_EQ(rows[1].flag_categories, (std::vector<std::string>{"insult", "prepayment"}));
  ASSERT_TRUE(rows[1].talk_ratio_seller);
  EXPECT_DOUBLE_EQ(*rows[1].talk_ratio_seller, 0.25);
  EXPECT_EQ(rows[1].tone_seller, "positive");
  EXPECT_TRUE(rows[0].flag_categories.empty());
  EXPECT_FALSE(rows[0].talk_ratio_seller);
  EXPECT_EQ(rows[0].complaints, 0);

  f.category = "insult";
  EXPECT_EQ(list(f).first, (std::vector<Id>{b}));
  f.category.reset();
  f.vertical = "auto";
  EXPECT_TRUE(list(f).first.empty());
  f.vertical = "goods";
  f.limit = 1;
  EXPECT_EQ(list(f).first, (std::vector<Id>{c}));
  f.before = std::make_pair(TimeMs{300'000}, c);  // keyset: strictly before (at, id)
  f.limit = 10;
  EXPECT_EQ(list(f).first, (std::vector<Id>{b, a}));
  f.from = 150'000;
  EXPECT_EQ(list(f).first, (std::vector<Id>{b}));

  // A case's flags: how many, and the most urgent severity of those not found wrong.
  auto stats = store_->Write([&](Tx& tx) -> Result<std::pair<int, std::optional<int>>> {
    Case k;
    k.accused_id = seller_;
    k.sla_due_at = 1;
    k.vertical = "goods";
    k.language = "ru";
    k.opened_at = k.updated_at = 1;
    auto made = TRY(tx.cases().InsertCase(k));
    for (const auto& flag : FlagsOfIn(tx, b)) TRY(tx.analytics().SetFlagCase(flag.id, made.id));
    const auto first = FlagsOfIn(tx, b).front();
    TRY(tx.analytics().ReviewFlag(first.id, "wrong", buyer_, 10));
    auto found = TRY(tx.analytics().FindFlag(first.id));
    if (!found || found->review != "wrong" || found->case_id != made.id) return base::Internal("flag not updated");
    return tx.analytics().CaseFlagStats(made.id);
  });
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->first, 3);
  EXPECT_EQ(stats->second, 1);  // high
}

TEST_P(AnalyticsStoreTest, SegmentsKeepTheirLoudness) {
  const auto call = AddCall(100'000);
  auto t = store_->Read([&](Tx& tx) { return tx.transcripts().Current(call); });
  ASSERT_TRUE(t && *t);
  ASSERT_EQ((*t)->segments.size(), 1u);
  ASSERT_TRUE((*t)->segments[0].loudness_dbfs);
  EXPECT_DOUBLE_EQ(*(*t)->segments[0].loudness_dbfs, -23.5);
}

INSTANTIATE_TEST_SUITE_P(Backends, AnalyticsStoreTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
