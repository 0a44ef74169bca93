// Moderation quality through the API (docs/quality.md): a supervisor's honeypots mixed into a
// moderator's queue, decided like any case with no effect on a real person, scored with a
// Wilson interval; and who may use the quality tools.
#include <map>
#include <set>

#include "app/demo_quality.h"
#include "quality/tests/generated_month.h"
#include "recorded_call.h"
#include "server_fixture.h"

namespace vitrina {
namespace {

using testing::CallParties;
using testing::InsertCallParties;

class QualityTest : public ServerTest {
 protected:
  void Configure(app::Config& c) override {
    c.job_workers = 0;
    c.honeypot_rate = 5;  // one honeypot in every five assignments: two in ten
  }
  void SetUp() override {
    ServerTest::SetUp();
    supervisor_ = Register("sup@q.test", "Sup");
    moderator_ = Register("mod@q.test", "Mod");
    SetRoles(supervisor_, {"supervisor"});  // moderator comes with it
    SetRoles(moderator_, {"moderator"});
  }

  // An ended call of the pair, ending at `ended` (complaints need a call that took place).
  store::Call EndedCall(const CallParties& p, base::TimeMs ended) {
    auto call = server_->store().Write([&](store::Tx& tx) -> base::Result<store::Call> {
      auto [conv, fresh] = TRY(tx.chat().FindOrCreateConversation(p.listing, p.buyer, p.seller, ended));
      (void)fresh;
      store::Call c;
      c.conversation_id = conv.id;
      c.listing_id = p.listing;
      c.buyer_id = p.buyer;
      c.seller_id = p.seller;
      c.proposed_by = p.buyer;
      c.state = "ended";
      c.created_at = ended - 540'000;
      c.join_opens_at = c.created_at;
      c.join_closes_at = ended + 60'000;
      c.started_at = ended - 240'000;
      c.ended_at = ended;
      c.updated_at = ended;
      return tx.calls().Insert(c);
    });
    EXPECT_TRUE(call) << call.error().message;
    return call ? *call : store::Call{};
  }

  // A real case: an ended call whose buyer complains about its seller. Returns the seller.
  store::Id RealCase(int i) {
    const auto now = clock_.NowMs();
    auto p = InsertCallParties(server_->store(), "real" + std::to_string(i), now);
    const auto call = EndedCall(p, now - 60'000);
    auto buyer = server_->store().Read([&](store::Tx& tx) { return tx.users().FindById(p.buyer); });
    moderation::ComplaintInput in;
    in.category = "fraud";
    in.text = "He asked me to pay in advance to a card";
    auto k = server_->moderation().complaints().FileComplaint(**buyer, call.id, in);
    EXPECT_TRUE(k) << k.error().message;
    return p.seller;
  }

  static std::set<std::string> Keys(const json::value& v) {
    std::set<std::string> out;
    if (v.is_object()) {
      for (const auto& [k, _] : v.as_object()) out.insert(std::string(k));
    }
    return out;
  }

  Account supervisor_, moderator_;
};

TEST_F(QualityTest, HoneypotsAreServedScoredAndTouchNoRealPerson) {
  // Two honeypots from scratch: one where a warning is right, one where it is wrong.
  json::object warn_right{
      {"synthetic", json::object{{"category", "fraud"},
                                 {"text", "The seller wanted a prepayment to a card before the viewing"},
                                 {"transcript", json::array{json::object{{"speaker", "accused"},
                                                                         {"text", "send the money to my card first"}},
                                                            json::object{{"speaker", "reporter"},
                                                                         {"text", "why before I see it"}}}}}},
      {"expected", json::object{{"action", "warn"}, {"acceptable", json::array{"block"}}}}};
  auto h1 = Call("POST", "/api/v1/quality/honeypots", supervisor_.token, warn_right);
  ASSERT_EQ(h1.status, 201u) << h1.body;
  json::object dismiss_right{{"synthetic", json::object{{"category", "rude"}, {"text", "He was slow to answer"}}},
                             {"expected", json::object{{"action", "dismiss"}}}};
  auto h2 = Call("POST", "/api/v1/quality/honeypots", supervisor_.token, dismiss_right);
  ASSERT_EQ(h2.status, 201u) << h2.body;
  // Bad input: a clear error, nothing stored.
  EXPECT_EQ(Call("POST", "/api/v1/quality/honeypots", supervisor_.token,
                 json::object{{"synthetic", json::object{{"category", "fraud"}, {"text", "x"}}},
                              {"expected", json::object{{"action", "explode"}}}})
                .status,
            400u);
  EXPECT_EQ(Call("POST", "/api/v1/quality/honeypots", supervisor_.token,
                 json::object{{"expected", json::object{{"action", "warn"}}}})
                .status,
            400u);
  // A plain moderator may not use the quality tools.
  EXPECT_EQ(Call("GET", "/api/v1/quality/moderators", moderator_.token).status, 403u);
  EXPECT_EQ(Call("POST", "/api/v1/quality/honeypots", moderator_.token, warn_right).status, 403u);

  std::set<store::Id> real_accused;
  for (int i = 0; i < 8; ++i) real_accused.insert(RealCase(i));

  // The moderator takes ten cases and warns each accused.
  std::vector<json::object> served;
  for (int i = 0; i < 10; ++i) {
    auto next = Call("POST", "/api/v1/moderation/next", moderator_.token);
    ASSERT_EQ(next.status, 200u) << i << " " << next.body;
    auto c = next.Json().at("case").as_object();
    served.push_back(c);
    const auto id = std::string(c.at("id").as_string());
    auto d = Call("POST", "/api/v1/moderation/cases/" + id + "/decision", moderator_.token,
                  json::object{{"action", "warn"}, {"reason", "Asked for a prepayment"}});
    ASSERT_EQ(d.status, 200u) << d.body;
  }
  EXPECT_EQ(Call("POST", "/api/v1/moderation/next", moderator_.token).status, 204u);

  // Two of the ten were honeypots; their accused are invented, the others real.
  std::vector<json::object> honeypots, real;
  for (const auto& c : served) {
    const auto accused = std::stoll(std::string(c.at("accused_id").as_string()));
    auto synthetic = server_->store().Read([&](store::Tx& tx) { return tx.quality().IsSyntheticUser(accused); });
    ASSERT_TRUE(synthetic);
    (*synthetic ? honeypots : real).push_back(c);
    if (!*synthetic) {
      EXPECT_TRUE(real_accused.count(accused));
    }
  }
  ASSERT_EQ(honeypots.size(), 2u);
  ASSERT_EQ(real.size(), 8u);
  // Nothing in the response tells them apart: the same fields, all the way down.
  for (const auto& h : honeypots) {
    EXPECT_EQ(Keys(h), Keys(real.front()));
    EXPECT_EQ(Keys(h.at("accused")), Keys(real.front().at("accused")));
    ASSERT_EQ(h.at("calls").as_array().size(), 1u);
    EXPECT_EQ(Keys(h.at("calls").at(0)), Keys(real.front().at("calls").at(0)));
    ASSERT_EQ(h.at("complaints").as_array().size(), 1u);
    EXPECT_EQ(Keys(h.at("complaints").at(0)), Keys(real.front().at("complaints").at(0)));
    EXPECT_EQ(Keys(h.at("history")), Keys(real.front().at("history")));
    EXPECT_EQ(h.at("status"), real.front().at("status"));
    EXPECT_EQ(h.at("kind"), real.front().at("kind"));
  }
  // The same id sequence: the case ids are one increasing series, honeypots among them.
  for (std::size_t i = 1; i < served.size(); ++i) {
    EXPECT_NE(served[i].at("id"), served[i - 1].at("id"));
  }

  // Every real accused has exactly one sanction (their own case's warning); the notifications
  // and sanctions of the honeypot decisions went to invented people only.
  auto audit = server_->store().Read([&](store::Tx& tx) -> base::Result<std::pair<int, int>> {
    int decided = 0, test = 0;
    for (const auto& e : TRY(tx.audit().Scan(0, 100000))) {
      if (e.action == "case.decided") ++decided;
      if (e.action == "honeypot.decided") {
        ++test;
        EXPECT_EQ(e.details.find("accused"), std::string::npos);
      }
    }
    for (store::Id u : real_accused) EXPECT_EQ(TRY(tx.sanctions().Sanctions(u)).size(), 1u);
    return std::make_pair(decided, test);
  });
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->first, 8);
  EXPECT_EQ(audit->second, 2);

  // The moderator's honeypot accuracy: one of two right (warn where dismiss was expected).
  auto q = Call("GET", "/api/v1/quality/moderators", supervisor_.token);
  ASSERT_EQ(q.status, 200u) << q.body;
  bool found = false;
  const auto report = q.Json();
  for (const auto& item : report.at("items").as_array()) {
    if (item.at("moderator_id").as_string() != moderator_.id) continue;
    found = true;
    EXPECT_EQ(item.at("decided").as_int64(), 10);
    const auto& hp = item.at("honeypot").as_object();
    EXPECT_EQ(hp.at("n").as_int64(), 2);
    EXPECT_EQ(hp.at("correct").as_int64(), 1);
    EXPECT_DOUBLE_EQ(hp.at("accuracy").as_double(), 0.5);
    EXPECT_NEAR(hp.at("ci95").at(0).as_double(), 0.0945, 0.001);
    EXPECT_NEAR(hp.at("ci95").at(1).as_double(), 0.9055, 0.001);
  }
  EXPECT_TRUE(found) << q.body;
  // The honeypots' own counts.
  auto list = Call("GET", "/api/v1/quality/honeypots", supervisor_.token);
  ASSERT_EQ(list.status, 200u);
  std::int64_t servings = 0, correct = 0;
  const auto honeypots_json = list.Json();
  for (const auto& h : honeypots_json.at("items").as_array()) {
    servings += h.at("served").as_int64();
    correct += h.at("correct").as_int64();
  }
  EXPECT_EQ(servings, 2);
  EXPECT_EQ(correct, 1);
}

// The acceptance month: 30 moderators in three skill groups, about 1,300 decisions each, of whom
// one dismisses almost every fraud complaint and one takes five times as long. Deviation search
// over the API flags exactly those two, with explanations a person reads, and the flags become
// tasks a supervisor works to a result.
TEST_F(QualityTest, AGeneratedMonthFlagsExactlyTheTwoWhoDeviate) {
  const auto month = quality::testing::GenerateMonth({});
  const auto now = clock_.NowMs();
  // The people complained about and their calls: twenty buyer-seller pairs.
  std::vector<std::pair<CallParties, store::Id>> calls;
  for (int i = 0; i < 20; ++i) {
    auto p = InsertCallParties(server_->store(), "month" + std::to_string(i), now);
    const auto call = EndedCall(p, quality::testing::generated_month_detail::kMonthStartMs - 86'000'000);
    ASSERT_NE(call.id, 0);
    calls.emplace_back(p, call.id);
  }
  // The month's moderators as users with the product's skills (three groups), ids mapped.
  const std::map<std::string, std::string> kSkill = {{"en", "lang:en"}, {"ru", "lang:ru"}, {"payments", "vertical:auto"}};
  const std::map<std::string, std::string> kCategory = {
      {"fraud", "fraud"}, {"rudeness", "rude"}, {"no_show", "no_show"}, {"off_platform", "prepayment_request"},
      {"other", "other"}};
  std::map<std::int64_t, store::Id> ids;
  auto wrote = server_->store().Write([&](store::Tx& tx) -> base::Result<void> {
    for (const auto& m : month.moderators) {
      auto u = TRY(tx.users().Insert({"m" + std::to_string(m.id) + "@month.test", "Moderator " + std::to_string(m.id), "!",
                                      {"user", "moderator"}, "UTC"},
                                     now));
      std::vector<std::string> skills;
      for (const auto& s : m.skills) skills.push_back(kSkill.at(s));
      TRY(tx.users().SetSkills(u.id, skills, now));
      ids[m.id] = u.id;
    }
    // Honeypots enough that no moderator meets one twice.
    std::vector<store::Id> templates;
    for (int i = 0; i < 120; ++i) {
      store::Honeypot h;
      h.created_by = std::stoll(supervisor_.id);
      h.category = "fraud";
      h.expected_action = "block";
      h.created_at = now;
      templates.push_back(TRY(tx.quality().InsertHoneypot(h)).id);
    }
    std::map<store::Id, std::size_t> honeypots_seen;
    std::size_t n = 0;
    for (const auto& d : month.decisions) {
      const auto& [parties, call_id] = calls[n++ % calls.size()];
      app::DecidedCaseSpec spec;
      spec.moderator_id = ids.at(d.moderator_id);
      spec.accused_id = parties.seller;
      spec.reporter_id = parties.buyer;
      spec.call_id = call_id;
      spec.category = kCategory.at(d.category);
      spec.action = d.action;
      spec.decided_at = d.decided_at_ms;
      spec.assigned_at = d.decided_at_ms - static_cast<base::TimeMs>(d.handling_s * 1000);
      spec.sla_breached = d.sla_breached;
      spec.appealed = d.appealed && d.action != "dismiss";
      spec.overturned = spec.appealed && d.overturned;
      if (d.second_reviewer_id) {
        spec.second_moderator_id = ids.at(d.second_reviewer_id);
        spec.second_action = d.second_action;
      }
      const auto case_id = TRY(app::InsertDecidedCase(tx, server_->moderation().options(), spec));
      if (d.honeypot) {
        store::HoneypotCase hc;
        hc.case_id = case_id;
        hc.honeypot_id = templates.at(honeypots_seen[spec.moderator_id]++);
        hc.moderator_id = spec.moderator_id;
        hc.served_at = spec.assigned_at;
        hc.action = d.action;
        hc.correct = d.action == d.right_action;
        hc.decided_at = d.decided_at_ms;
        TRY(tx.quality().InsertHoneypotCase(hc));
      }
    }
    return {};
  });
  ASSERT_TRUE(wrote) << wrote.error().message;

  const std::string range = "?from=2024-06-01&to=2024-06-30";
  auto q = Call("GET", "/api/v1/quality/moderators" + range, supervisor_.token);
  ASSERT_EQ(q.status, 200u) << q.body;
  const auto body = q.Json().as_object();
  EXPECT_EQ(body.at("period").as_string(), "month");
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 30u);
  std::set<store::Id> flagged;
  std::int64_t deviations = 0;
  for (const auto& item : items) {
    const auto id = std::stoll(std::string(item.at("moderator_id").as_string()));
    const auto& devs = item.at("deviations").as_array();
    EXPECT_GE(item.at("decided").as_int64(), 30);
    EXPECT_FALSE(item.at("agreement_kappa").is_null()) << id;  // everyone had second reviews
    if (devs.empty()) continue;
    flagged.insert(id);
    deviations += static_cast<std::int64_t>(devs.size());
    std::string all;
    for (const auto& d : devs) {
      all += std::string(d.at("explanation").as_string()) + " | ";
      EXPECT_GE(std::abs(d.at("z").as_double()), 2.0);
    }
    if (id == ids.at(month.dismisser_id)) {
      EXPECT_NE(all.find("dismisses fraud complaints"), std::string::npos) << all;
    } else if (id == ids.at(month.slow_id)) {
      EXPECT_NE(all.find("as long"), std::string::npos) << all;
    }
  }
  EXPECT_EQ(flagged, (std::set<store::Id>{ids.at(month.dismisser_id), ids.at(month.slow_id)}));
  EXPECT_EQ(body.at("tasks_opened").as_int64(), deviations);

  // The tasks: opened once (asking again opens none), acknowledged, closed with a result.
  auto again = Call("GET", "/api/v1/quality/moderators" + range, supervisor_.token);
  ASSERT_EQ(again.status, 200u);
  EXPECT_EQ(again.Json().at("tasks_opened").as_int64(), 0);
  auto tasks = Call("GET", "/api/v1/quality/tasks?status=open", supervisor_.token);
  ASSERT_EQ(tasks.status, 200u);
  ASSERT_EQ(static_cast<std::int64_t>(tasks.Json().at("items").as_array().size()), deviations);
  const auto task = std::string(tasks.Json().at("items").at(0).at("id").as_string());
  EXPECT_EQ(Call("POST", "/api/v1/quality/tasks/" + task + "/close", supervisor_.token, json::object{{"result", "  "}})
                .status,
            400u);
  auto ack = Call("POST", "/api/v1/quality/tasks/" + task + "/acknowledge", supervisor_.token,
                  json::object{{"note", "Talking to them on Monday"}});
  ASSERT_EQ(ack.status, 200u) << ack.body;
  EXPECT_EQ(ack.Json().at("status").as_string(), "acknowledged");
  EXPECT_EQ(Call("POST", "/api/v1/quality/tasks/" + task + "/acknowledge", supervisor_.token).status, 409u);
  auto closed = Call("POST", "/api/v1/quality/tasks/" + task + "/close", supervisor_.token,
                     json::object{{"result", "Retrained on fraud; next month's figures to be checked"}});
  ASSERT_EQ(closed.status, 200u) << closed.body;
  EXPECT_EQ(closed.Json().at("status").as_string(), "closed");
  EXPECT_EQ(Call("POST", "/api/v1/quality/tasks/" + task + "/close", supervisor_.token,
                 json::object{{"result", "again"}})
                .status,
            409u);
  EXPECT_EQ(Call("POST", "/api/v1/quality/tasks/" + task + "/close", moderator_.token,
                 json::object{{"result", "x"}})
                .status,
            403u);
  // On the record.
  auto audit = server_->store().Read([&](store::Tx& tx) -> base::Result<std::map<std::string, int>> {
    std::map<std::string, int> n;
    for (const auto& e : TRY(tx.audit().Scan(0, 100000))) ++n[e.action];
    return n;
  });
  ASSERT_TRUE(audit);
  EXPECT_EQ((*audit)["quality_task.opened"], deviations);
  EXPECT_EQ((*audit)["quality_task.acknowledged"], 1);
  EXPECT_EQ((*audit)["quality_task.closed"], 1);

  // Agreement of the month's double reviews: overall, per pair and per category.
  auto agreement = Call("GET", "/api/v1/quality/agreement" + range, supervisor_.token);
  ASSERT_EQ(agreement.status, 200u) << agreement.body;
  EXPECT_GT(agreement.Json().at("overall").at("n").as_int64(), 1000);
  EXPECT_GT(agreement.Json().at("overall").at("kappa").as_double(), 0.4);
  EXPECT_FALSE(agreement.Json().at("pairs").as_array().empty());
  EXPECT_EQ(agreement.Json().at("categories").as_array().size(), 5u);
}

// Every decided case goes to a second review here.
class ReviewTest : public QualityTest {
 protected:
  void Configure(app::Config& c) override {
    QualityTest::Configure(c);
    c.honeypot_rate = 0;
    c.double_review_percent = 100;
  }
};

TEST_F(ReviewTest, ASecondModeratorDecidesBlindAndASupervisorSettlesTheDisagreement) {
  const auto accused = RealCase(0);
  auto next = Call("POST", "/api/v1/moderation/next", moderator_.token);
  ASSERT_EQ(next.status, 200u) << next.body;
  const auto case_id = std::string(next.Json().at("case").at("id").as_string());
  ASSERT_EQ(Call("POST", "/api/v1/moderation/cases/" + case_id + "/decision", moderator_.token,
                 json::object{{"action", "block"}, {"days", 7}, {"reason", "Asked for a prepayment"}})
                .status,
            200u);
  // Not to the one who decided.
  EXPECT_EQ(Call("POST", "/api/v1/moderation/reviews/next", moderator_.token).status, 204u);
  // The second moderator sees the case without the first decision or its traces.
  auto second = Register("second@q.test", "Second");
  SetRoles(second, {"moderator"});
  auto review = Call("POST", "/api/v1/moderation/reviews/next", second.token);
  ASSERT_EQ(review.status, 200u) << review.body;
  const auto r = review.Json().as_object();
  EXPECT_FALSE(r.at("review").as_object().contains("first_action"));
  const auto& blind = r.at("case").as_object();
  EXPECT_EQ(blind.at("id").as_string(), case_id);
  EXPECT_TRUE(blind.at("decisions").as_array().empty());
  EXPECT_EQ(blind.at("complaints").at(0).at("status").as_string(), "in_review");
  EXPECT_TRUE(blind.at("history").at("sanctions").as_array().empty());
  EXPECT_EQ(blind.at("accused").at("status").as_string(), "active");
  EXPECT_EQ(review.body.find("Asked for a prepayment"), std::string::npos);
  const auto review_id = std::string(r.at("review").at("id").as_string());
  // Only the holder decides it; a bad action is refused after that.
  EXPECT_EQ(Call("POST", "/api/v1/moderation/reviews/" + review_id + "/decision", moderator_.token,
                 json::object{{"action", "dismiss"}, {"reason", "x"}})
                .status,
            403u);
  EXPECT_EQ(Call("POST", "/api/v1/moderation/reviews/" + review_id + "/decision", second.token,
                 json::object{{"action", "explode"}, {"reason", "x"}})
                .status,
            400u);
  auto decided = Call("POST", "/api/v1/moderation/reviews/" + review_id + "/decision", second.token,
                      json::object{{"action", "dismiss"}, {"reason", "Nothing in the call shows it"}});
  ASSERT_EQ(decided.status, 200u) << decided.body;
  EXPECT_EQ(Call("POST", "/api/v1/moderation/reviews/" + review_id + "/decision", second.token,
                 json::object{{"action", "warn"}, {"reason", "x"}})
                .status,
            409u);
  // The decision touched no one: the accused has the one sanction of the first decision.
  auto sanctions = server_->store().Read([&](store::Tx& tx) { return tx.sanctions().Sanctions(accused); });
  ASSERT_TRUE(sanctions);
  EXPECT_EQ(sanctions->size(), 1u);
  // The disagreement is in the supervisor's queue; the verdict is final.
  auto queue = Call("GET", "/api/v1/quality/reviews?status=disagreed", supervisor_.token);
  ASSERT_EQ(queue.status, 200u);
  ASSERT_EQ(queue.Json().at("items").as_array().size(), 1u);
  EXPECT_EQ(queue.Json().at("items").at(0).at("first_action").as_string(), "block");
  EXPECT_EQ(queue.Json().at("items").at(0).at("second_action").as_string(), "dismiss");
  EXPECT_EQ(Call("POST", "/api/v1/quality/reviews/" + review_id + "/verdict", moderator_.token,
                 json::object{{"action", "warn"}, {"reason", "x"}})
                .status,
            403u);
  auto verdict = Call("POST", "/api/v1/quality/reviews/" + review_id + "/verdict", supervisor_.token,
                      json::object{{"action", "warn"}, {"reason", "A warning fits a first request"}});
  ASSERT_EQ(verdict.status, 200u) << verdict.body;
  EXPECT_EQ(verdict.Json().at("status").as_string(), "resolved");
  EXPECT_EQ(verdict.Json().at("verdict").as_string(), "warn");
  EXPECT_EQ(Call("POST", "/api/v1/quality/reviews/" + review_id + "/verdict", supervisor_.token,
                 json::object{{"action", "ban"}, {"reason", "again"}})
                .status,
            409u);
  auto agreement = Call("GET", "/api/v1/quality/agreement", supervisor_.token);
  ASSERT_EQ(agreement.status, 200u);
  EXPECT_EQ(agreement.Json().at("overall").at("n").as_int64(), 1);
  EXPECT_EQ(agreement.Json().at("overall").at("agreed").as_int64(), 0);
}

TEST_F(QualityTest, AMutedReportersComplaintRaisesNoPriority) {
  // A reporter whose complaint would make a P1 case (fraud) is muted: the case stays P3.
  const auto now = clock_.NowMs();
  auto p = InsertCallParties(server_->store(), "muted", now);
  const auto call = EndedCall(p, now - 60'000);
  ASSERT_NE(call.id, 0);
  const auto buyer = std::to_string(p.buyer);
  EXPECT_EQ(Call("POST", "/api/v1/quality/reporters/" + buyer + "/mute", moderator_.token,
                 json::object{{"days", 7}, {"reason", "Files a complaint about every seller"}})
                .status,
            403u);
  EXPECT_EQ(Call("POST", "/api/v1/quality/reporters/" + buyer + "/mute", supervisor_.token,
                 json::object{{"days", 7}})
                .status,
            400u);
  auto muted = Call("POST", "/api/v1/quality/reporters/" + buyer + "/mute", supervisor_.token,
                    json::object{{"days", 7}, {"reason", "Files a complaint about every seller"}});
  ASSERT_EQ(muted.status, 200u) << muted.body;
  EXPECT_TRUE(muted.Json().at("muted").as_bool());
  auto user = server_->store().Read([&](store::Tx& tx) { return tx.users().FindById(p.buyer); });
  moderation::ComplaintInput in;
  in.category = "fraud";
  in.text = "He is a fraud";
  auto k = server_->moderation().complaints().FileComplaint(**user, call.id, in);
  ASSERT_TRUE(k) << k.error().message;
  auto c = server_->store().Read([&](store::Tx& tx) { return tx.cases().FindCase(k->case_id); });
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->priority, 3);
  EXPECT_EQ((*c)->complainants, 0);
  // Reversible, and on the record.
  auto unmuted = Call("DELETE", "/api/v1/quality/reporters/" + buyer + "/mute", supervisor_.token);
  ASSERT_EQ(unmuted.status, 200u) << unmuted.body;
  EXPECT_FALSE(unmuted.Json().at("muted").as_bool());
  in.text = "He is a fraud, I add the details";
  ASSERT_TRUE(server_->moderation().complaints().EditComplaint(**user, k->id, in));
  c = server_->store().Read([&](store::Tx& tx) { return tx.cases().FindCase(k->case_id); });
  EXPECT_EQ((*c)->priority, 1);
  auto audit = server_->store().Read([&](store::Tx& tx) -> base::Result<int> {
    int n = 0;
    for (const auto& e : TRY(tx.audit().Scan(0, 1000))) n += e.action == "reporter.muted" || e.action == "reporter.unmuted";
    return n;
  });
  EXPECT_EQ(*audit, 2);
}

TEST_F(QualityTest, ThemesOfComplaintsForAnalystsAndSupervisors) {
  for (int i = 0; i < 6; ++i) RealCase(i);
  auto analyst = Register("analyst@q.test", "Analyst");
  SetRoles(analyst, {"analyst"});
  auto t = Call("GET", "/api/v1/quality/themes?source=complaints", analyst.token);
  ASSERT_EQ(t.status, 200u) << t.body;
  EXPECT_EQ(t.Json().at("texts").as_int64(), 6);
  ASSERT_FALSE(t.Json().at("items").as_array().empty());
  EXPECT_EQ(Call("GET", "/api/v1/quality/themes", supervisor_.token).status, 200u);
  EXPECT_EQ(Call("GET", "/api/v1/quality/themes", moderator_.token).status, 403u);
  EXPECT_EQ(Call("GET", "/api/v1/quality/themes?source=emails", analyst.token).status, 400u);
}

}  // namespace
}  // namespace vitrina
