// Speech analytics through the API (docs/analytics.md): a call's analytics for moderators and
// masked for analysts, automatic cases from phrase rules, rules administration, preview, flag
// verdicts and backfill. The transcript is written to the store (the recogniser's part is
// covered by transcripts_test and the browser test); the analysis runs as it does in the job.
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "base/random.h"
#include "recorded_call.h"
#include "server_fixture.h"
#include "store/store.h"

namespace vitrina {
namespace {

using testing::Line;

class AnalyticsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    buyer_ = Register("buyer@example.com", "Boris Buyer");
    seller_ = Register("seller@example.com", "Sergei Seller");
    moderator_ = Register("mod@example.com", "Mod");
    analyst_ = Register("analyst@example.com", "Ann");
    admin_ = Register("admin@example.com", "Adm");
    SetRoles(moderator_, {"user", "moderator"});
    SetRoles(analyst_, {"user", "analyst"});
    SetRoles(admin_, {"user", "admin"});
    listing_ = CreateListing(seller_);
  }

  store::Store& Store() { return server_->store(); }
  // Dashboards' rollups run when a test says so (the server's own run happens once, at start).
  void Configure(app::Config& c) override { c.rollup_interval_seconds = 86'400; }

  // An ended call of buyer_ and seller_ with a current transcript of `lines` (words 400 ms apart).
  std::string CallWithTranscript(const std::vector<Line>& lines, const std::string& language = "ru") {
    const auto now = clock_.NowMs();
    auto id = Store().Write([&](store::Tx& tx) -> base::Result<store::Id> {
      auto conv = TRY(tx.chat().FindOrCreateConversation(std::stoll(listing_), std::stoll(buyer_.id),
                                                         std::stoll(seller_.id), now));
      store::Call c;
      c.conversation_id = conv.first.id;
      c.listing_id = std::stoll(listing_);
      c.buyer_id = std::stoll(buyer_.id);
      c.seller_id = std::stoll(seller_.id);
      c.proposed_by = c.buyer_id;
      c.state = "ended";
      c.created_at = now - 120'000;
      c.join_opens_at = c.created_at;
      c.join_closes_at = c.created_at + 600'000;
      c.started_at = now - 100'000;
      c.ended_at = now - 10'000;
      c.end_reason = "hangup";
      c.recording_status = "ready";
      c.recording_duration_ms = 90'000;
      c.transcript_status = "ready";
      c.updated_at = now;
      auto call = TRY(tx.calls().Insert(c));
      const auto t = testing::SpokenTranscript(lines, language);
      TRY(tx.transcripts().Insert(call.id, t, now));
      return call.id;
    });
    EXPECT_TRUE(id) << id.error().message;
    return std::to_string(*id);
  }

  void Analyze(const std::string& call_id) {
    auto done = server_->analytics().AnalyzeCall(std::stoll(call_id));
    ASSERT_TRUE(done) << done.error().message;
  }

  std::vector<Line> ScamCall() {
    return {{"buyer", 1'000, "здравствуйте велосипед ещё продаётся"},
            {"seller", 4'000, "да продаётся но нужна предоплата на карту пять тысяч"},
            {"seller", 9'000, "мой номер восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь"},
            {"buyer", 16'000, "хорошо спасибо"}};
  }

  Account buyer_, seller_, moderator_, analyst_, admin_;
  std::string listing_;
};

TEST_F(AnalyticsTest, APrepaymentRequestOpensACaseForTheSpeakerWithoutAnyComplaint) {
  const auto call = CallWithTranscript(ScamCall());
  ExpectError(Call("GET", "/api/v1/calls/" + call + "/analytics", moderator_.token), 409, "not_ready");
  Analyze(call);

  auto r = Call("GET", "/api/v1/calls/" + call + "/analytics", moderator_.token);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto a = r.Json().as_object();
  EXPECT_EQ(S(a.at("call_id")), call);
  EXPECT_EQ(a.at("transcript_version").as_int64(), 1);
  EXPECT_GT(a.at("speakers").at("seller").at("talk_ms").as_int64(), 0);
  EXPECT_EQ(a.at("utterances").as_array().size(), 4u);
  const json::object* prepayment = nullptr;
  for (const auto& f : a.at("flags").as_array()) {
    if (f.at("category") == "prepayment") prepayment = &f.as_object();
  }
  ASSERT_TRUE(prepayment) << r.body;
  EXPECT_EQ(S(prepayment->at("speaker")), "seller");
  EXPECT_EQ(S(prepayment->at("severity")), "high");
  // Inside the seller's second segment (4000 + 400 * word index).
  EXPECT_GE(prepayment->at("start_ms").as_int64(), 4'000);
  EXPECT_LE(prepayment->at("end_ms").as_int64(), 8'400);
  EXPECT_NE(S(prepayment->at("text")).find("предоплата"), std::string::npos);
  EXPECT_NE(r.body.find("восемь девятьсот"), std::string::npos);  // moderators see the words

  // The seller's case is in the queue, most urgent, with the flag as an automatic item.
  auto q = Call("GET", "/api/v1/moderation/queue", moderator_.token);
  ASSERT_EQ(q.status, 200u) << q.body;
  const auto qv = q.Json();
  const auto& items = qv.at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << q.body;
  EXPECT_EQ(S(items[0].at("accused_id")), seller_.id);
  EXPECT_EQ(items[0].at("priority").as_int64(), 1);
  EXPECT_GE(items[0].at("auto_flags").as_int64(), 1);
  EXPECT_EQ(items[0].at("complainants").as_int64(), 0);
  const auto case_id = S(items[0].at("id"));
  auto c = Call("GET", "/api/v1/moderation/cases/" + case_id, moderator_.token);
  ASSERT_EQ(c.status, 200u) << c.body;
  bool auto_item = false;
  const auto cv = c.Json();
  for (const auto& item : cv.at("items").as_array()) {
    if (item.at("source") == "auto" && item.at("category") == "prepayment") {
      auto_item = true;
      EXPECT_EQ(S(item.at("call_id")), call);
      EXPECT_TRUE(item.as_object().contains("rule_id"));
      EXPECT_TRUE(item.as_object().contains("start_ms"));
    }
  }
  EXPECT_TRUE(auto_item) << c.body;
  EXPECT_EQ(c.Json().at("calls").as_array().size(), 1u);

  // The system opened it, on the record.
  auto audit = Store().Read([](store::Tx& tx) {
    store::AuditFilter f;
    f.action = "case.flagged";
    return tx.audit().List(f);
  });
  ASSERT_TRUE(audit);
  EXPECT_FALSE(audit->empty());
}

TEST_F(AnalyticsTest, AnalystsSeeMaskedWordsAndNoUsers) {
  const auto call = CallWithTranscript(ScamCall());
  Analyze(call);
  auto r = Call("GET", "/api/v1/calls/" + call + "/analytics", analyst_.token);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("[phone]"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("девятьсот шестнадцать"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("89161234567"), std::string::npos) << r.body;
  for (const char* leak : {"buyer_id", "seller_id", "accused_id", "display_name", "Sergei", "Boris", "case_id\":\""}) {
    EXPECT_EQ(r.body.find(leak), std::string::npos) << leak << " in " << r.body;
  }
  EXPECT_EQ(r.Json().at("masked"), true);
  // Both reads are on the audit log, the analyst's as masked.
  auto audit = Store().Read([](store::Tx& tx) {
    store::AuditFilter f;
    f.action = "analytics.accessed";
    return tx.audit().List(f);
  });
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().actor_id, std::stoll(analyst_.id));
}

TEST_F(AnalyticsTest, TheCallExplorerShowsPseudonymsNeverUsers) {
  const auto scam = CallWithTranscript(ScamCall());
  Analyze(scam);
  const auto quiet = CallWithTranscript({{"buyer", 1'000, "добрый день"}, {"seller", 3'000, "здравствуйте"}});
  ExpectError(Call("GET", "/api/v1/analytics/calls", buyer_.token), 403, "forbidden");
  ExpectError(Call("GET", "/api/v1/analytics/calls", moderator_.token), 403, "forbidden");
  ExpectError(Call("GET", "/api/v1/analytics/calls", admin_.token), 403, "forbidden");

  auto r = Call("GET", "/api/v1/analytics/calls", analyst_.token);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto v = r.Json();
  const auto& items = v.at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << r.body;
  for (const char* leak : {"Sergei", "Boris", "example.com", "buyer_id", "seller_id"}) {
    EXPECT_EQ(r.body.find(leak), std::string::npos) << leak << " in " << r.body;
  }
  const auto seller = S(items[0].at("seller").at("pseudonym"));
  EXPECT_EQ(seller.rfind("u_", 0), 0u);
  EXPECT_EQ(seller.size(), 18u);
  EXPECT_EQ(S(items[1].at("seller").at("pseudonym")), seller);  // stable per user
  EXPECT_NE(S(items[0].at("buyer").at("pseudonym")), seller);
  const json::object* scam_row = nullptr;
  for (const auto& i : items) {
    if (S(i.at("call_id")) == scam) scam_row = &i.as_object();
  }
  ASSERT_TRUE(scam_row);
  EXPECT_EQ(S(scam_row->at("outcome")), "ended");
  EXPECT_EQ(S(scam_row->at("vertical")), "goods");
  bool prepayment = false;
  for (const auto& c : scam_row->at("flags").as_array()) prepayment |= c == "prepayment";
  EXPECT_TRUE(prepayment) << r.body;

  // Filters and paging.
  auto only = Call("GET", "/api/v1/analytics/calls?category=prepayment", analyst_.token).Json();
  ASSERT_EQ(only.at("items").as_array().size(), 1u);
  EXPECT_EQ(S(only.at("items").as_array()[0].at("call_id")), scam);
  auto page = Call("GET", "/api/v1/analytics/calls?limit=1", analyst_.token).Json();
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto next = Call("GET", "/api/v1/analytics/calls?limit=1&cursor=" + S(page.at("next_cursor")), analyst_.token).Json();
  ASSERT_EQ(next.at("items").as_array().size(), 1u);
  EXPECT_NE(S(next.at("items").as_array()[0].at("call_id")), S(page.at("items").as_array()[0].at("call_id")));
  EXPECT_TRUE(next.at("next_cursor").is_null());
  EXPECT_TRUE(Call("GET", "/api/v1/analytics/calls?vertical=realty", analyst_.token).Json().at("items").as_array().empty());
  ExpectError(Call("GET", "/api/v1/analytics/calls?vertical=boats", analyst_.token), 400, "invalid_filter");
  ExpectError(Call("GET", "/api/v1/analytics/calls?category=weather", analyst_.token), 400, "invalid_filter");
  ExpectError(Call("GET", "/api/v1/analytics/calls?cursor=zzz", analyst_.token), 400, "invalid_cursor");
  ExpectError(Call("GET", "/api/v1/analytics/calls?from=yesterday", analyst_.token), 400, "invalid_filter");

  // The call's analytics name the same pseudonyms; every list read is on the audit log.
  auto a = Call("GET", "/api/v1/calls/" + scam + "/analytics", analyst_.token).Json();
  EXPECT_EQ(S(a.at("seller").at("pseudonym")), seller);
  auto audit = Store().Read([](store::Tx& tx) {
    store::AuditFilter f;
    f.action = "analytics.calls_listed";
    return tx.audit().List(f);
  });
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->size(), 5u);  // the successful reads above
  (void)quiet;
}

TEST_F(AnalyticsTest, TheBuyerRatesTheSellerOnceAndListingsShowIt) {
  const auto call = CallWithTranscript({{"buyer", 1'000, "спасибо"}});
  const auto path = "/api/v1/calls/" + call + "/rating";
  ExpectError(Call("POST", path, seller_.token, json::object{{"stars", 5}}), 403, "not_buyer");
  ExpectError(Call("POST", path, moderator_.token, json::object{{"stars", 5}}), 403, "not_participant");
  ExpectError(Call("POST", path, buyer_.token, json::object{{"stars", 6}}), 400, "invalid_stars");
  ExpectError(Call("POST", path, buyer_.token, json::object{{"stars", 0}}), 400, "invalid_stars");
  ExpectError(Call("POST", path, buyer_.token, json::object{{"comment", "ok"}}), 400, "invalid_stars");
  ExpectError(Call("POST", path, buyer_.token, json::object{{"stars", 4}, {"comment", std::string(1001, 'x')}}), 400,
              "invalid_comment");
  EXPECT_TRUE(Call("GET", path, buyer_.token).Json().at("rating").is_null());

  auto r = Call("POST", path, buyer_.token, json::object{{"stars", 4}, {"comment", "  Showed everything  "}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.Json().at("stars"), 4);
  EXPECT_EQ(S(r.Json().at("comment")), "Showed everything");
  ExpectError(Call("POST", path, buyer_.token, json::object{{"stars", 1}}), 409, "already_rated");
  EXPECT_EQ(Call("GET", path, seller_.token).Json().at("rating").at("stars"), 4);

  // A second call rated 5: the listing shows 4.5 from 2.
  const auto second = CallWithTranscript({{"buyer", 1'000, "спасибо"}});
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + second + "/rating", buyer_.token, json::object{{"stars", 5}}).status, 201u);
  auto listing = Call("GET", "/api/v1/listings/" + listing_).Json();
  EXPECT_DOUBLE_EQ(listing.at("seller_rating").at("average").as_double(), 4.5);
  EXPECT_EQ(listing.at("seller_rating").at("count"), 2);

  // A call that did not take place cannot be rated.
  auto missed = Store().Write([&](store::Tx& tx) -> base::Result<store::Call> {
    auto c = TRY(tx.calls().FindById(std::stoll(second)));
    c->id = 0;
    c->state = "missed";
    c->started_at.reset();
    return tx.calls().Insert(*c);
  });
  ASSERT_TRUE(missed) << missed.error().message;
  ExpectError(Call("POST", "/api/v1/calls/" + std::to_string(missed->id) + "/rating", buyer_.token,
                   json::object{{"stars", 3}}),
              409, "call_not_ended");
}

TEST_F(AnalyticsTest, OnlyModeratorsAndAnalystsReadCallAnalytics) {
  const auto call = CallWithTranscript(ScamCall());
  Analyze(call);
  const auto path = "/api/v1/calls/" + call + "/analytics";
  ExpectError(Call("GET", path), 401, "unauthenticated");
  ExpectError(Call("GET", path, buyer_.token), 403, "forbidden");   // a party: not for them
  ExpectError(Call("GET", path, seller_.token), 403, "forbidden");
  ExpectError(Call("GET", path, admin_.token), 403, "forbidden");
  ExpectError(Call("GET", "/api/v1/calls/999999/analytics", moderator_.token), 404, "call_not_found");
}

TEST_F(AnalyticsTest, ReanalysingAVersionReplacesAndNeverDuplicates) {
  const auto call = CallWithTranscript(ScamCall());
  Analyze(call);
  auto first = Call("GET", "/api/v1/calls/" + call + "/analytics", moderator_.token).Json();
  Analyze(call);
  Analyze(call);
  auto again = Call("GET", "/api/v1/calls/" + call + "/analytics", moderator_.token).Json();
  EXPECT_EQ(first.at("flags"), again.at("flags"));
  auto q = Call("GET", "/api/v1/moderation/queue", moderator_.token).Json();
  ASSERT_EQ(q.at("items").as_array().size(), 1u);
  EXPECT_EQ(q.at("items").as_array()[0].at("auto_flags"), first.at("flags").as_array().size() -
                                                              [&] {
                                                                std::size_t tags = 0;
                                                                for (const auto& f : first.at("flags").as_array()) {
                                                                  if (f.at("case_id").is_null()) ++tags;
                                                                }
                                                                return tags;
                                                              }());
}

TEST_F(AnalyticsTest, AdminsManageRulesAndBadExpressionsNameThePosition) {
  const json::object rule{{"category", "pressure"}, {"language", "ru"}, {"speaker", "any"},
                          {"expression", "\"решайте быстрее\" OR (другой NEAR/2 покупатель)"},
                          {"severity", "warn"}, {"action", "tag"}, {"enabled", true}};
  ExpectError(Call("POST", "/api/v1/admin/rules", moderator_.token, rule), 403, "forbidden");
  ExpectError(Call("GET", "/api/v1/admin/rules", analyst_.token), 403, "forbidden");

  auto bad = rule;
  bad["expression"] = "предоплата \"на карту";
  auto r = Call("POST", "/api/v1/admin/rules", admin_.token, bad);
  ExpectError(r, 400, "bad_rule");
  EXPECT_NE(r.body.find("12"), std::string::npos) << r.body;  // the quote's position
  bad["expression"] = "предоплата NEAR/x карта";
  ExpectError(Call("POST", "/api/v1/admin/rules", admin_.token, bad), 400, "bad_rule");
  bad = rule;
  bad["category"] = "weather";
  ExpectError(Call("POST", "/api/v1/admin/rules", admin_.token, bad), 400, "bad_rule");
  bad = rule;
  bad["severity"] = "urgent";
  ExpectError(Call("POST", "/api/v1/admin/rules", admin_.token, bad), 400, "bad_rule");

  r = Call("POST", "/api/v1/admin/rules", admin_.token, rule);
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto id = S(r.Json().at("id"));
  EXPECT_EQ(r.Json().at("precision").at("correct"), 0);
  EXPECT_EQ(r.Json().at("precision").at("wrong"), 0);

  r = Call("PATCH", "/api/v1/admin/rules/" + id, admin_.token, json::object{{"enabled", false}, {"action", "case"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.Json().at("enabled"), false);
  EXPECT_EQ(S(r.Json().at("action")), "case");
  EXPECT_EQ(S(r.Json().at("expression")), S(rule.at("expression")));
  ExpectError(Call("PATCH", "/api/v1/admin/rules/" + id, admin_.token, json::object{{"expression", "("}}), 400,
              "bad_rule");
  ExpectError(Call("PATCH", "/api/v1/admin/rules/999999", admin_.token, json::object{{"enabled", true}}), 404,
              "rule_not_found");

  auto list = Call("GET", "/api/v1/admin/rules", admin_.token);
  ASSERT_EQ(list.status, 200u);
  const auto lv = list.Json();
  const auto& items = lv.at("items").as_array();
  EXPECT_GT(items.size(), 8u);  // the shipped set and ours
  std::set<std::string> categories;
  for (const auto& i : items) categories.insert(S(i.at("category")));
  EXPECT_EQ(categories.size(), 8u);  // the shipped set covers every category
}

TEST_F(AnalyticsTest, VerdictsOnFlagsMakeARulesPrecision) {
  const auto call = CallWithTranscript(ScamCall());
  Analyze(call);
  auto a = Call("GET", "/api/v1/calls/" + call + "/analytics", moderator_.token).Json();
  const auto& flags = a.at("flags").as_array();
  ASSERT_FALSE(flags.empty());
  const auto flag = S(flags[0].at("id"));
  const auto rule = S(flags[0].at("rule_id"));
  ExpectError(Call("POST", "/api/v1/flags/" + flag + "/review", analyst_.token, json::object{{"verdict", "wrong"}}),
              403, "forbidden");
  ExpectError(Call("POST", "/api/v1/flags/" + flag + "/review", moderator_.token, json::object{{"verdict", "maybe"}}),
              400, "invalid_verdict");
  ExpectError(Call("POST", "/api/v1/flags/999999/review", moderator_.token, json::object{{"verdict", "wrong"}}), 404,
              "flag_not_found");
  // A moderator who took part in the call does not judge it.
  SetRoles(seller_, {"user", "moderator"});
  ExpectError(Call("POST", "/api/v1/flags/" + flag + "/review", seller_.token, json::object{{"verdict", "wrong"}}),
              403, "conflict_of_interest");

  auto r = Call("POST", "/api/v1/flags/" + flag + "/review", moderator_.token, json::object{{"verdict", "correct"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(S(r.Json().at("review")), "correct");
  auto rules = Call("GET", "/api/v1/admin/rules", admin_.token).Json();
  bool found = false;
  for (const auto& i : rules.at("items").as_array()) {
    if (S(i.at("id")) != rule) continue;
    found = true;
    EXPECT_EQ(i.at("precision").at("correct"), 1);
    EXPECT_EQ(i.at("precision").at("wrong"), 0);
  }
  EXPECT_TRUE(found);
  // Changing one's mind replaces the verdict.
  ASSERT_EQ(Call("POST", "/api/v1/flags/" + flag + "/review", moderator_.token, json::object{{"verdict", "wrong"}}).status,
            200u);
  rules = Call("GET", "/api/v1/admin/rules", admin_.token).Json();
  for (const auto& i : rules.at("items").as_array()) {
    if (S(i.at("id")) != rule) continue;
    EXPECT_EQ(i.at("precision").at("correct"), 0);
    EXPECT_EQ(i.at("precision").at("wrong"), 1);
  }
}

TEST_F(AnalyticsTest, PreviewShowsToneHitsAtCharacterOffsetsAndTheMaskedText) {
  const std::string text = "срочно нужна предоплата на карту мой номер 89161234567";
  const json::object body{{"text", text}, {"language", "ru"}};
  ExpectError(Call("POST", "/api/v1/analytics/preview", moderator_.token, body), 403, "forbidden");
  ExpectError(Call("POST", "/api/v1/analytics/preview", buyer_.token, body), 403, "forbidden");
  for (const auto* who : {&analyst_, &admin_}) {
    auto r = Call("POST", "/api/v1/analytics/preview", who->token, body);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto v = r.Json();
    EXPECT_TRUE(v.at("tone").as_object().contains("label"));
    EXPECT_EQ(S(v.at("masked")), "срочно нужна предоплата на карту мой номер [phone]");
    bool prepayment = false;
    for (const auto& h : v.at("hits").as_array()) {
      if (h.at("category") != "prepayment") continue;
      prepayment = true;
      // Character (not byte) offsets: "предоплата" begins at character 13.
      EXPECT_LE(h.at("start").as_int64(), 13) << r.body;
      EXPECT_GT(h.at("end").as_int64(), 13) << r.body;
      EXPECT_LE(h.at("end").as_int64(), 54) << r.body;
    }
    EXPECT_TRUE(prepayment) << r.body;
  }
  ExpectError(Call("POST", "/api/v1/analytics/preview", analyst_.token, json::object{{"text", ""}, {"language", "ru"}}),
              400, "invalid_text");
  ExpectError(Call("POST", "/api/v1/analytics/preview", analyst_.token, json::object{{"text", "x"}, {"language", "de"}}),
              400, "invalid_language");
}

TEST_F(AnalyticsTest, ABackfillAppliesANewRuleToStoredCalls) {
  const auto call = CallWithTranscript({{"buyer", 1'000, "а шлем в комплекте идёт"},
                                        {"seller", 4'000, "шлем отдам в подарок"}});
  Analyze(call);
  auto before = Call("GET", "/api/v1/calls/" + call + "/analytics", moderator_.token).Json();
  for (const auto& f : before.at("flags").as_array()) EXPECT_NE(f.at("category"), "pressure");

  auto r = Call("POST", "/api/v1/admin/rules", admin_.token,
                json::object{{"category", "pressure"}, {"language", "ru"}, {"expression", "шлем NEAR/2 подарок"},
                             {"severity", "info"}, {"action", "tag"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  ExpectError(Call("POST", "/api/v1/admin/analytics/backfill", moderator_.token, json::object{}), 403, "forbidden");
  ExpectError(Call("POST", "/api/v1/admin/analytics/backfill", admin_.token,
                   json::object{{"from", "2030-01-01T00:00:00Z"}, {"to", "2020-01-01T00:00:00Z"}}),
              400, "invalid_range");
  r = Call("POST", "/api/v1/admin/analytics/backfill", admin_.token, json::object{});
  ASSERT_EQ(r.status, 202u) << r.body;
  const auto job = S(r.Json().at("job_id"));
  // The job runs on the server's workers; wait for it (bounded by the job's own state).
  std::string state;
  for (int i = 0; i < 1200 && state != "done" && state != "failed"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto j = Call("GET", "/api/v1/admin/jobs?state=done", admin_.token).Json();
    for (const auto& item : j.at("items").as_array()) {
      if (S(item.at("id")) == job) state = S(item.at("state"));
    }
  }
  ASSERT_EQ(state, "done");
  auto after = Call("GET", "/api/v1/calls/" + call + "/analytics", moderator_.token).Json();
  bool pressure = false;
  for (const auto& f : after.at("flags").as_array()) pressure |= f.at("category") == "pressure";
  EXPECT_TRUE(pressure) << json::serialize(after.at("flags"));
}


// ---- Dashboards and exports (issue 13; docs/analytics.md "## Dashboards", "## Exports") ----

TEST_F(AnalyticsTest, DashboardsReadRollupsThatTheJobKeepsUpToDate) {
  ExpectError(Call("GET", "/api/v1/analytics/dashboard", buyer_.token), 403, "forbidden");
  ExpectError(Call("GET", "/api/v1/analytics/dashboard", moderator_.token), 403, "forbidden");
  ExpectError(Call("GET", "/api/v1/analytics/dashboard?from=2026-13-01", analyst_.token), 400, "invalid_filter");
  ExpectError(Call("GET", "/api/v1/analytics/dashboard?from=2026-02-01&to=2026-01-01", analyst_.token), 400,
              "invalid_filter");
  const auto scam = CallWithTranscript(ScamCall());
  Analyze(scam);
  CallWithTranscript({{"buyer", 1'000, "добрый день"}, {"seller", 3'000, "здравствуйте"}});

  auto calls_today = [&](const std::string& query) {
    auto r = Call("GET", "/api/v1/analytics/dashboard" + query, analyst_.token);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.Json();
  };
  auto ran = server_->rollups().Run(nullptr);
  ASSERT_TRUE(ran) << ran.error().message;
  auto d = calls_today("");
  EXPECT_EQ(d.at("pending_days").as_int64(), 0);
  const auto& days = d.at("series").at("calls_per_day").as_array();
  ASSERT_EQ(days.size(), 30u);
  EXPECT_EQ(days.back().at("n").as_int64(), 2);
  EXPECT_EQ(days.back().at("by_outcome").at("ended").as_int64(), 2);
  EXPECT_EQ(days.back().at("by_vertical").at("goods").as_int64(), 2);
  const auto& s = d.at("series");
  bool prepayment = false;
  for (const auto& f : s.at("flags_totals").as_array()) {
    if (f.at("category") == "prepayment") {
      prepayment = true;
      EXPECT_DOUBLE_EQ(f.at("per_1000").as_double(), 1000.0 * f.at("n").as_int64() / 2);
    }
  }
  EXPECT_TRUE(prepayment) << s.at("flags_totals");
  EXPECT_EQ(s.at("call_length").as_array()[1].at("n").as_int64(), 2);  // 90 s: the 1-3 min bucket
  std::int64_t analysed = 0;
  for (const auto& b : s.at("talk_ratio").at("histogram").as_array()) analysed += b.at("n").as_int64();
  EXPECT_EQ(analysed, 1);
  // The automatic case the scam opened is in the queue snapshot.
  EXPECT_EQ(s.at("sla").at("queue_size").as_int64(), 1);
  EXPECT_EQ(d.at("verticals").as_array().size(), 4u);  // the filter offers every vertical
  ExpectError(Call("GET", "/api/v1/analytics/dashboard?vertical=boats", analyst_.token), 400, "invalid_filter");
  EXPECT_EQ(calls_today("?vertical=realty").at("series").at("calls_per_day").as_array().back().at("n").as_int64(), 0);

  // A new call marks its day; the dashboard does not count it (it never reads calls) until the
  // next run does. The server queued its own run at start (the interval is a day here): wait for
  // it to be over first.
  for (int i = 0; i < 200; ++i) {
    auto busy = Store().Read([](store::Tx& tx) -> base::Result<bool> {
      for (const char* state : {"queued", "running"}) {
        for (const auto& j : TRY(tx.jobs().List(std::string(state), std::nullopt, 50))) {
          if (j.kind == "analytics.rollup") return true;
        }
      }
      return false;
    });
    if (busy && !*busy) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(server_->rollups().Run(nullptr));
  CallWithTranscript({{"buyer", 1'000, "hello"}}, "en");
  auto stale = calls_today("");
  EXPECT_EQ(stale.at("series").at("calls_per_day").as_array().back().at("n").as_int64(), 2);
  EXPECT_EQ(stale.at("pending_days").as_int64(), 1);
  ASSERT_TRUE(server_->rollups().Run(nullptr));
  EXPECT_EQ(calls_today("").at("series").at("calls_per_day").as_array().back().at("n").as_int64(), 3);
  const auto rebuilt = server_->rollups().Rebuild({});
  ASSERT_TRUE(rebuilt) << rebuilt.error().message;
  EXPECT_EQ(calls_today("").at("series"), calls_today("").at("series"));
  EXPECT_EQ(calls_today("").at("series").at("calls_per_day").as_array().back().at("n").as_int64(), 3);
}

TEST_F(AnalyticsTest, ExportsArePseudonymisedMaskedStreamedAndAudited) {
  const auto scam = CallWithTranscript(ScamCall());
  Analyze(scam);
  ExpectError(Call("GET", "/api/v1/analytics/export?kind=calls&format=csv", buyer_.token), 403, "forbidden");
  ExpectError(Call("GET", "/api/v1/analytics/export?kind=users&format=csv", analyst_.token), 400, "invalid_filter");
  ExpectError(Call("GET", "/api/v1/analytics/export?kind=calls&format=xlsx", analyst_.token), 400, "invalid_filter");

  auto calls = Call("GET", "/api/v1/analytics/export?kind=calls&format=csv", analyst_.token);
  ASSERT_EQ(calls.status, 200u) << calls.body;
  EXPECT_NE(calls.Header("content-type").find("text/csv"), std::string::npos);
  EXPECT_NE(calls.Header("content-disposition").find("attachment; filename=\"calls-"), std::string::npos);
  EXPECT_EQ(calls.body.rfind("call_id,started_at,duration_ms,vertical,outcome,buyer,seller,", 0), 0u) << calls.body;
  EXPECT_NE(calls.body.find(scam + ","), std::string::npos);
  EXPECT_NE(calls.body.find(",u_"), std::string::npos);
  EXPECT_NE(calls.body.find("prepayment"), std::string::npos);
  for (const auto& leak : {std::string("example.com"), std::string("Sergei"), "," + seller_.id + ","}) {
    EXPECT_EQ(calls.body.find(leak), std::string::npos) << leak << " in " << calls.body;
  }

  auto utterances = Call("GET", "/api/v1/analytics/export?kind=utterances&format=jsonl", analyst_.token);
  ASSERT_EQ(utterances.status, 200u) << utterances.body;
  int lines = 0;
  bool phone = false;
  for (std::size_t at = 0; at < utterances.body.size();) {
    const auto end = utterances.body.find('\n', at);
    const auto line = json::parse(utterances.body.substr(at, end - at)).as_object();
    ++lines;
    EXPECT_EQ(S(line.at("user")).rfind("u_", 0), 0u);
    phone |= S(line.at("text")).find("[phone]") != std::string::npos;
    at = end + 1;
  }
  EXPECT_EQ(lines, 4);
  EXPECT_TRUE(phone) << utterances.body;
  EXPECT_EQ(utterances.body.find("шестнадцать"), std::string::npos);

  // Audited with what was sent: rows and the SHA-256 of the bytes.
  auto audit = Store().Read([](store::Tx& tx) {
    store::AuditFilter f;
    f.action = "analytics.exported";
    return tx.audit().List(f);
  });
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 2u);
  const auto details = json::parse(audit->back().details).as_object();  // newest first: calls is last
  EXPECT_EQ(S(details.at("kind")), "calls");
  EXPECT_EQ(details.at("rows").as_int64(), 1);
  EXPECT_EQ(S(details.at("sha256")), base::Sha256Hex(calls.body));
  EXPECT_EQ(audit->back().actor_id, std::stoll(analyst_.id));
  // The spool file is gone once sent.
  EXPECT_TRUE(std::filesystem::is_empty(server_->config().data_dir + "/tmp/exports"));
}

}  // namespace
}  // namespace vitrina
