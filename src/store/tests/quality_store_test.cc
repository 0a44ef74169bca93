// The moderation quality repository (store/quality.h, migration 12) on both backends: the one
// SQL text of quality_sql.h as each dialect runs it — honeypots and who was served them,
// deviation tasks opened once and worked, double reviews by state, reporters' records and
// mutes, and the facts deviation search reads.
#include "store/store.h"  // store/quality.h through it (Result is the store namespace's)

#include <gtest/gtest.h>

#include <filesystem>

#include "store/open.h"
#include "store/tests/test_backends.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

class QualityStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vitrina-quality-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_ = test_backends::FreshStoreOptions(GetParam(), dir_);
    auto opened = OpenStore(options_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto version = store_->Migrate();
    ASSERT_TRUE(version) << version.error().message;
    ASSERT_GE(*version, 12);
    auto ids = store_->Write([&](Tx& tx) -> Result<std::vector<Id>> {
      std::vector<Id> out;
      for (const char* e : {"sup@q.test", "mod@q.test", "mod2@q.test", "seller@q.test", "buyer@q.test"}) {
        out.push_back(TRY(tx.users().Insert({e, e, "h", {"user"}, "UTC"}, 1000)).id);
      }
      return out;
    });
    ASSERT_TRUE(ids) << ids.error().message;
    sup_ = (*ids)[0], mod_ = (*ids)[1], mod2_ = (*ids)[2], seller_ = (*ids)[3], buyer_ = (*ids)[4];
  }
  void TearDown() override {
    store_.reset();
    test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  // A decided complaints case by `moderator` with one complaint of `category`: {case, decision}.
  std::pair<Id, Id> Decided(Id moderator, const std::string& category, const std::string& action, TimeMs at) {
    auto out = store_->Write([&](Tx& tx) -> Result<std::pair<Id, Id>> {
      Listing l;
      l.seller_id = seller_;
      l.title = "t";
      l.description = "d";
      l.vertical = "goods";
      l.call_hours_json = "{}";
      l = TRY(tx.listings().Insert(l));
      auto [conv, fresh] = TRY(tx.chat().FindOrCreateConversation(l.id, buyer_, seller_, at));
      (void)fresh;
      Call call;
      call.conversation_id = conv.id;
      call.listing_id = l.id;
      call.buyer_id = buyer_;
      call.seller_id = seller_;
      call.proposed_by = buyer_;
      call.state = "ended";
      call.created_at = at - 10'000;
      call.join_opens_at = call.created_at;
      call.join_closes_at = at;
      call.updated_at = at;
      call = TRY(tx.calls().Insert(call));
      Case c;
      c.accused_id = seller_;
      c.status = "decided";
      c.sla_due_at = at + 1000;
      c.vertical = "goods";
      c.language = "en";
      c.assignee_id = moderator;
      c.assigned_at = at - 60'000;
      c.opened_at = at - 120'000;
      c.decided_at = at;
      c.updated_at = at;
      c = TRY(tx.cases().InsertCase(c));
      Complaint k;
      k.call_id = call.id;
      k.reporter_id = buyer_;
      k.accused_id = seller_;
      k.case_id = c.id;
      k.category = category;
      k.text = "complaint about " + category;
      k.status = action == "dismiss" ? "dismissed" : "upheld";
      k.created_at = at - 120'000;
      k.updated_at = at;
      TRY(tx.complaints().InsertComplaint(k));
      Decision d;
      d.case_id = c.id;
      d.moderator_id = moderator;
      d.action = action;
      d.reason = "r";
      d.created_at = at;
      d = TRY(tx.sanctions().InsertDecision(d));
      return std::make_pair(c.id, d.id);
    });
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : std::make_pair(Id{0}, Id{0});
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
  Id sup_ = 0, mod_ = 0, mod2_ = 0, seller_ = 0, buyer_ = 0;
};

TEST_P(QualityStoreTest, HoneypotsAreServedOncePerModeratorTheLeastServedFirst) {
  auto made = store_->Write([&](Tx& tx) -> Result<std::pair<Honeypot, Honeypot>> {
    Honeypot a;
    a.created_by = sup_;
    a.category = "fraud";
    a.expected_action = "block";
    a.acceptable = {"warn"};
    a.content = R"({"complaints":[]})";
    a.created_at = 1;
    Honeypot b = a;
    b.vertical = "auto";
    auto first = TRY(tx.quality().InsertHoneypot(a));
    auto second = TRY(tx.quality().InsertHoneypot(b));
    return std::make_pair(first, second);
  });
  ASSERT_TRUE(made) << made.error().message;
  const auto [a, b] = *made;
  auto found = store_->Read([&](Tx& tx) { return tx.quality().FindHoneypot(a.id); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->acceptable, std::vector<std::string>{"warn"});
  EXPECT_TRUE((*found)->active);
  // A goods-only moderator gets the goods one; after serving it, nothing else fits.
  auto pick = [&](Id moderator, std::vector<std::string> verticals) {
    auto h = store_->Read([&](Tx& tx) { return tx.quality().HoneypotFor(moderator, verticals, {}); });
    EXPECT_TRUE(h) << h.error().message;
    return h && *h ? (*h)->id : Id{0};
  };
  EXPECT_EQ(pick(mod_, {"goods"}), a.id);
  const auto [case_id, decision_id] = Decided(mod_, "fraud", "warn", 5000);
  (void)decision_id;
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> Result<void> {
    HoneypotCase hc;
    hc.case_id = case_id;
    hc.honeypot_id = a.id;
    hc.moderator_id = mod_;
    hc.served_at = 4000;
    TRY(tx.quality().InsertHoneypotCase(hc));
    hc.action = "warn";
    hc.correct = true;
    hc.decided_at = 5000;
    return tx.quality().UpdateHoneypotCase(hc);
  }));
  EXPECT_EQ(pick(mod_, {"goods"}), 0);
  EXPECT_EQ(pick(mod_, {}), b.id);   // any vertical: the other one
  EXPECT_EQ(pick(mod2_, {}), b.id);  // the least served first
  auto list = store_->Read([&](Tx& tx) { return tx.quality().ListHoneypots(); });
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_GT(list->front().id, list->back().id);  // newest first
  for (const auto& h : *list) {
    EXPECT_EQ(h.served, h.id == a.id ? 1 : 0);
    EXPECT_EQ(h.correct, h.id == a.id ? 1 : 0);
  }
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.quality().SetHoneypotActive(b.id, false); }));
  EXPECT_EQ(pick(mod2_, {"auto"}), 0);
  // The facts deviation search reads: the honeypot decision marked, correct.
  auto facts = store_->Read([&](Tx& tx) { return tx.quality().DecisionFacts(0, 10'000); });
  ASSERT_TRUE(facts) << facts.error().message;
  ASSERT_EQ(facts->size(), 1u);
  EXPECT_TRUE(facts->front().honeypot);
  EXPECT_EQ(facts->front().honeypot_correct, true);
  EXPECT_EQ(facts->front().category, "fraud");
  EXPECT_EQ(facts->front().assigned_at, 5000 - 60'000);
  auto n = store_->Read([&](Tx& tx) { return tx.quality().DecisionsBy(mod_); });
  EXPECT_EQ(*n, 1);
}

TEST_P(QualityStoreTest, TasksAreOpenedOncePerMetricAndPeriodAndWorked) {
  QualityTask t;
  t.moderator_id = mod_;
  t.period = "month";
  t.period_key = "2026-12-07";
  t.metric = "dismiss_rate.fraud";
  t.value = 0.94;
  t.peer_median = 0.3;
  t.z = 4.5;
  t.explanation = "dismisses fraud complaints 3.1× as often";
  t.opened_at = 100;
  auto first = store_->Write([&](Tx& tx) { return tx.quality().InsertTask(t); });
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->second);
  auto again = store_->Write([&](Tx& tx) { return tx.quality().InsertTask(t); });
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->second);
  EXPECT_EQ(again->first.id, first->first.id);
  auto task = first->first;
  task.status = "closed";
  task.result = "retrained";
  task.closed_by = sup_;
  task.closed_at = 200;
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.quality().UpdateTask(task); }));
  auto open = store_->Read([&](Tx& tx) { return tx.quality().ListTasks(std::string("open"), 10); });
  auto closed = store_->Read([&](Tx& tx) { return tx.quality().ListTasks(std::string("closed"), 10); });
  auto all = store_->Read([&](Tx& tx) { return tx.quality().ListTasks(std::nullopt, 10); });
  ASSERT_TRUE(open && closed && all);
  EXPECT_TRUE(open->empty());
  ASSERT_EQ(closed->size(), 1u);
  EXPECT_EQ(closed->front().result, "retrained");
  EXPECT_DOUBLE_EQ(closed->front().z, 4.5);
  EXPECT_EQ(closed->front().explanation, t.explanation);
  EXPECT_EQ(all->size(), 1u);
}

TEST_P(QualityStoreTest, DoubleReviewsGoToAnotherModeratorAndAreListedByState) {
  const auto [case_id, decision_id] = Decided(mod_, "rude", "warn", 5000);
  DoubleReview r;
  r.case_id = case_id;
  r.first_decision_id = decision_id;
  r.first_moderator_id = mod_;
  r.first_action = "warn";
  r.category = "rude";
  r.created_at = 5000;
  auto stored = store_->Write([&](Tx& tx) { return tx.quality().InsertReview(r); });
  ASSERT_TRUE(stored) << stored.error().message;
  auto next_for = [&](Id who) {
    auto n = store_->Read([&](Tx& tx) { return tx.quality().NextReview(who, 6000); });
    EXPECT_TRUE(n) << n.error().message;
    return n && *n ? (*n)->id : Id{0};
  };
  EXPECT_EQ(next_for(mod_), 0);         // not their own decision
  EXPECT_EQ(next_for(seller_), 0);      // not a case against them
  EXPECT_EQ(next_for(mod2_), stored->id);
  auto held = *stored;
  held.status = "assigned";
  held.second_moderator_id = mod2_;
  held.lease_until = 7000;
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.quality().UpdateReview(held); }));
  auto h = store_->Read([&](Tx& tx) { return tx.quality().HeldReview(mod2_, 6500); });
  ASSERT_TRUE(h && *h);
  EXPECT_EQ(next_for(sup_), 0);  // held, lease running
  held.status = "disagreed";
  held.second_action = "dismiss";
  held.second_decided_at = 6800;
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.quality().UpdateReview(held); }));
  auto disagreed = store_->Read([&](Tx& tx) { return tx.quality().ListReviews(std::string("disagreed"), 10); });
  ASSERT_TRUE(disagreed);
  ASSERT_EQ(disagreed->size(), 1u);
  EXPECT_EQ(disagreed->front().second_action, "dismiss");
  auto decided = store_->Read([&](Tx& tx) { return tx.quality().DecidedReviews(6000, 7000); });
  ASSERT_TRUE(decided);
  EXPECT_EQ(decided->size(), 1u);
}

TEST_P(QualityStoreTest, ReportersRecordsMutesAndThemeTexts) {
  Decided(mod_, "fraud", "dismiss", 5000);
  Decided(mod_, "fraud", "dismiss", 6000);
  Decided(mod_, "fraud", "warn", 7000);
  auto r = store_->Read([&](Tx& tx) { return tx.quality().Reporter(buyer_); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->upheld, 1);
  EXPECT_EQ(r->dismissed, 2);
  EXPECT_FALSE(r->muted_until);
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.quality().SetReporterMute(buyer_, 9000, "abuse", sup_, 8000); }));
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.quality().SetReporterMute(buyer_, 9500, "still", sup_, 8100); }));
  r = store_->Read([&](Tx& tx) { return tx.quality().Reporter(buyer_); });
  EXPECT_EQ(r->muted_until, 9500);
  EXPECT_EQ(r->mute_reason, "still");
  auto list = store_->Read([&](Tx& tx) { return tx.quality().Reporters(10); });
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().user_id, buyer_);
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.quality().SetReporterMute(buyer_, std::nullopt, "", sup_, 8200); }));
  r = store_->Read([&](Tx& tx) { return tx.quality().Reporter(buyer_); });
  EXPECT_FALSE(r->muted_until);
  auto texts = store_->Read([&](Tx& tx) { return tx.quality().ThemeTexts("complaints", -1'000'000, 100'000, 2); });
  ASSERT_TRUE(texts) << texts.error().message;
  ASSERT_EQ(texts->size(), 2u);
  EXPECT_EQ(texts->front().text, "complaint about fraud");
  auto none = store_->Read([&](Tx& tx) { return tx.quality().ThemeTexts("ratings", 0, 100'000, 10); });
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
  auto appeals = store_->Read([&](Tx& tx) { return tx.quality().ThemeTexts("appeals", 0, 100'000, 10); });
  ASSERT_TRUE(appeals) << appeals.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, QualityStoreTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
