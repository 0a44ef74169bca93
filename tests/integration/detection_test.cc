// The dishonest-user ranking through the API (docs/analytics.md "## Dishonest-user ranking"):
// the store's signals of real calls (transcripts analysed as the job does, a no-show), scored
// and ranked; analysts see pseudonyms, moderators users; everyone else is refused. Moderators
// open a case from a row ("### Opening a case"): a `detection` item of the user's case.
#include <optional>
#include <set>

#include "recorded_call.h"
#include "server_fixture.h"
#include "store/store.h"

namespace vitrina {
namespace {

using testing::Line;

class DetectionTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    scammer_ = Register("scammer@example.com", "Sergei Scammer");
    honest_ = Register("honest@example.com", "Hanna Honest");
    for (int i = 0; i < 3; ++i) {
      buyers_.push_back(Register("buyer" + std::to_string(i) + "@example.com", "Boris Buyer"));
    }
    moderator_ = Register("mod@example.com", "Mod");
    analyst_ = Register("analyst@example.com", "Ann");
    admin_ = Register("admin@example.com", "Adm");
    SetRoles(moderator_, {"user", "moderator"});
    SetRoles(analyst_, {"user", "analyst"});
    SetRoles(admin_, {"user", "admin"});
    scam_listing_ = CreateListing(scammer_);
    honest_listing_ = CreateListing(honest_);
  }

  store::Store& Store() { return server_->store(); }

  // A call of `buyer` on `listing` (of `seller`): ended with a transcript of `lines`, or not
  // joined by the one `no_show` names.
  store::Id MakeCall(const Account& buyer, const Account& seller, const std::string& listing,
                     const std::vector<Line>& lines, const std::string& no_show = "") {
    const auto now = clock_.NowMs();
    auto id = Store().Write([&](store::Tx& tx) -> base::Result<store::Id> {
      auto conv = TRY(tx.chat().FindOrCreateConversation(std::stoll(listing), std::stoll(buyer.id),
                                                         std::stoll(seller.id), now));
      store::Call c;
      c.conversation_id = conv.first.id;
      c.listing_id = std::stoll(listing);
      c.buyer_id = std::stoll(buyer.id);
      c.seller_id = std::stoll(seller.id);
      c.proposed_by = c.buyer_id;
      c.created_at = now - 120'000;
      c.accepted_at = c.created_at;
      c.join_opens_at = c.created_at;
      c.join_closes_at = c.created_at + 60'000;
      c.updated_at = now;
      if (!no_show.empty()) {
        c.state = "missed";
        c.no_show = no_show;
        return TRY(tx.calls().Insert(c)).id;
      }
      c.state = "ended";
      c.started_at = now - 100'000;
      c.ended_at = now - 10'000;
      c.end_reason = "hangup";
      c.recording_status = "ready";
      c.recording_duration_ms = 90'000;
      c.transcript_status = "ready";
      auto call = TRY(tx.calls().Insert(c));
      const auto t = testing::SpokenTranscript(lines, "ru");
      TRY(tx.transcripts().Insert(call.id, t, now));
      return call.id;
    });
    EXPECT_TRUE(id) << id.error().message;
    if (id && no_show.empty()) {
      auto done = server_->analytics().AnalyzeCall(*id);
      EXPECT_TRUE(done) << done.error().message;
    }
    return id ? *id : 0;
  }

  // The scammer asks each of the three buyers for prepayment; the honest seller talks
  // politely to one and misses a call with another.
  void Population() {
    for (const auto& b : buyers_) {
      scam_calls_.insert(std::to_string(MakeCall(
          b, scammer_, scam_listing_,
          {{"buyer", 1'000, "здравствуйте велосипед ещё продаётся"},
           {"seller", 4'000, "да продаётся но нужна предоплата на карту пять тысяч"},
           {"buyer", 9'000, "хорошо спасибо"}})));
    }
    MakeCall(buyers_[0], honest_, honest_listing_,
             {{"buyer", 1'000, "добрый день"}, {"seller", 3'000, "здравствуйте приезжайте посмотреть"}});
    honest_no_show_ = std::to_string(MakeCall(buyers_[1], honest_, honest_listing_, {}, "seller"));
  }

  std::vector<store::AuditEntry> AuditOf(const std::string& action) {
    auto audit = Store().Read([&](store::Tx& tx) {
      store::AuditFilter f;
      f.action = action;
      return tx.audit().List(f);
    });
    EXPECT_TRUE(audit);
    return audit ? *audit : std::vector<store::AuditEntry>{};
  }
  std::size_t Audited() { return AuditOf("analytics.dishonest_listed").size(); }

  // The moderator's ranking row of `user` (null when not listed).
  json::value RowOf(const Account& user) {
    auto r = Call("GET", "/api/v1/analytics/dishonest", moderator_.token);
    EXPECT_EQ(r.status, 200u) << r.body;
    const auto v = r.Json();
    for (const auto& item : v.at("items").as_array()) {
      if (S(item.at("user").at("id")) == user.id) return item;
    }
    return nullptr;
  }

  std::string OpenCasePath(const std::string& user_id) { return "/api/v1/analytics/dishonest/" + user_id + "/case"; }

  // The user's undecided case, if any (the one automatic flags and complaints go to).
  std::optional<store::Case> OpenCaseOf(const Account& user) {
    auto c = Store().Read([&](store::Tx& tx) { return tx.cases().OpenComplaintsCase(std::stoll(user.id)); });
    EXPECT_TRUE(c);
    return c ? *c : std::nullopt;
  }

  Account scammer_, honest_, moderator_, analyst_, admin_;
  std::vector<Account> buyers_;
  std::string scam_listing_, honest_listing_, honest_no_show_;
  std::set<std::string> scam_calls_;
};

TEST_F(DetectionTest, ModeratorsSeeTheScammerAboveTheHonestSellerWithReasons) {
  Population();
  auto r = Call("GET", "/api/v1/analytics/dishonest", moderator_.token);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto v = r.Json();
  const auto& items = v.at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << r.body;  // the buyers have no signal: not listed
  EXPECT_EQ(S(items[0].at("user").at("id")), scammer_.id);
  EXPECT_EQ(S(items[0].at("user").at("display_name")), "Sergei Scammer");
  EXPECT_EQ(S(items[1].at("user").at("id")), honest_.id);
  EXPECT_GT(items[0].at("score").to_number<double>(), items[1].at("score").to_number<double>() + 10) << r.body;
  EXPECT_TRUE(v.at("next_cursor").is_null());

  std::set<std::string> codes;
  for (const auto& reason : items[0].at("reasons").as_array()) {
    codes.insert(S(reason.at("code")));
    EXPECT_GT(reason.at("weight").to_number<double>(), 0);
    EXPECT_FALSE(reason.at("evidence").as_array().empty()) << r.body;
    for (const auto& e : reason.at("evidence").as_array()) {
      EXPECT_TRUE(scam_calls_.contains(S(e.at("call_id")))) << r.body;
      EXPECT_TRUE(e.at("start_ms").is_int64());
      EXPECT_TRUE(e.at("end_ms").is_int64());
    }
  }
  EXPECT_TRUE(codes.contains("flags_high_severity")) << r.body;
  EXPECT_TRUE(codes.contains("repeated_phrase_across_counterparts")) << r.body;
  const auto& honest_reasons = items[1].at("reasons").as_array();
  ASSERT_EQ(honest_reasons.size(), 1u) << r.body;
  EXPECT_EQ(S(honest_reasons[0].at("code")), "no_shows");
  EXPECT_EQ(S(honest_reasons[0].at("evidence").as_array()[0].at("call_id")), honest_no_show_);
  EXPECT_EQ(Audited(), 1u);
}

TEST_F(DetectionTest, AnalystsSeePseudonymsAndEvidenceNeverUsers) {
  Population();
  auto r = Call("GET", "/api/v1/analytics/dishonest", analyst_.token);
  ASSERT_EQ(r.status, 200u) << r.body;
  for (const char* leak : {"Sergei", "Hanna", "Boris", "example.com", "\"user\"", "display_name", "user_id"}) {
    EXPECT_EQ(r.body.find(leak), std::string::npos) << leak << " in " << r.body;
  }
  const auto v = r.Json();
  const auto& items = v.at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << r.body;
  // Nothing but the pseudonym, the score and reasons whose evidence names calls (call ids and
  // user ids are both small numbers here, so the check is by key, not by value).
  for (const auto& item : items) {
    for (const auto& [key, value] : item.as_object()) {
      EXPECT_TRUE(key == "pseudonym" || key == "score" || key == "reasons") << key;
    }
    for (const auto& reason : item.at("reasons").as_array()) {
      for (const auto& [key, value] : reason.as_object()) {
        EXPECT_TRUE(key == "code" || key == "weight" || key == "evidence") << key;
      }
      for (const auto& e : reason.at("evidence").as_array()) {
        for (const auto& [key, value] : e.as_object()) {
          EXPECT_TRUE(key == "call_id" || key == "start_ms" || key == "end_ms") << key;
        }
      }
    }
  }
  EXPECT_EQ(S(items[0].at("pseudonym")), server_->analyst().pseudonyms().Of(std::stoll(scammer_.id)));
  EXPECT_EQ(S(items[1].at("pseudonym")), server_->analyst().pseudonyms().Of(std::stoll(honest_.id)));
  ASSERT_FALSE(items[0].at("reasons").as_array().empty());
  const auto& evidence = items[0].at("reasons").as_array()[0].at("evidence").as_array();
  ASSERT_FALSE(evidence.empty());
  EXPECT_TRUE(scam_calls_.contains(S(evidence[0].at("call_id"))));
  EXPECT_GE(evidence[0].at("start_ms").as_int64(), 4'000);  // the seller's words
  EXPECT_EQ(Audited(), 1u);
}

TEST_F(DetectionTest, OthersAreRefusedAndTheCursorPages) {
  Population();
  const std::string path = "/api/v1/analytics/dishonest";
  ExpectError(Call("GET", path), 401, "unauthenticated");
  ExpectError(Call("GET", path, buyers_[0].token), 403, "forbidden");
  ExpectError(Call("GET", path, scammer_.token), 403, "forbidden");
  ExpectError(Call("GET", path, admin_.token), 403, "forbidden");
  ExpectError(Call("GET", path + "?cursor=zzz", analyst_.token), 400, "invalid_cursor");
  ExpectError(Call("GET", path + "?cursor=5000.1", moderator_.token), 400, "invalid_cursor");
  ExpectError(Call("GET", path + "?limit=0", moderator_.token), 400, "invalid_limit");
  EXPECT_EQ(Audited(), 0u);

  auto first = Call("GET", path + "?limit=1", moderator_.token);
  ASSERT_EQ(first.status, 200u) << first.body;
  const auto fv = first.Json();
  ASSERT_EQ(fv.at("items").as_array().size(), 1u);
  EXPECT_EQ(S(fv.at("items").as_array()[0].at("user").at("id")), scammer_.id);
  ASSERT_TRUE(fv.at("next_cursor").is_string()) << first.body;
  auto second = Call("GET", path + "?limit=1&cursor=" + S(fv.at("next_cursor")), moderator_.token);
  ASSERT_EQ(second.status, 200u) << second.body;
  const auto sv = second.Json();
  ASSERT_EQ(sv.at("items").as_array().size(), 1u);
  EXPECT_EQ(S(sv.at("items").as_array()[0].at("user").at("id")), honest_.id);
  EXPECT_TRUE(sv.at("next_cursor").is_null()) << second.body;
  EXPECT_EQ(Audited(), 2u);
}

TEST_F(DetectionTest, OpeningACaseFromARowJoinsTheUsersCaseWithTheDetectionItemAndItsCalls) {
  Population();
  const auto row = RowOf(scammer_);
  ASSERT_TRUE(row.is_object());
  // The scammer's high-severity prepayment flags already opened their case (rules whose action
  // is `case`): the row joins it instead of opening a second one.
  const auto before = OpenCaseOf(scammer_);
  ASSERT_TRUE(before);
  const auto audit_before = AuditOf("case.opened_from_detection").size();

  auto r = Call("POST", OpenCasePath(scammer_.id), moderator_.token);
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto v = r.Json();
  EXPECT_EQ(S(v.at("case_id")), std::to_string(before->id));
  EXPECT_TRUE(v.at("created").as_bool());
  EXPECT_FALSE(v.at("case_opened").as_bool());
  EXPECT_EQ(S(v.at("item").at("source")), "detection");
  EXPECT_EQ(v.at("item").at("score"), row.at("score")) << r.body;
  EXPECT_EQ(v.at("item").at("reasons"), row.at("reasons")) << r.body;

  auto c = Call("GET", "/api/v1/moderation/cases/" + S(v.at("case_id")), moderator_.token);
  ASSERT_EQ(c.status, 200u) << c.body;
  const auto kase = c.Json();
  std::vector<json::object> detections;
  for (const auto& item : kase.at("items").as_array()) {
    if (S(item.at("source")) == "detection") detections.push_back(item.as_object());
  }
  ASSERT_EQ(detections.size(), 1u) << c.body;
  const auto& item = detections[0];
  EXPECT_EQ(S(item.at("id")), S(v.at("item").at("id")));
  EXPECT_EQ(S(item.at("user_id")), scammer_.id);
  EXPECT_EQ(S(item.at("opened_by")), moderator_.id);
  EXPECT_EQ(item.at("score"), row.at("score"));
  EXPECT_EQ(item.at("reasons"), row.at("reasons"));
  EXPECT_EQ(item.at("window_days").as_int64(), 180);
  // Every evidence call is one of the case's calls (the recordings are held for it).
  std::set<std::string> case_calls, evidence_calls;
  for (const auto& call : kase.at("calls").as_array()) case_calls.insert(S(call.at("id")));
  for (const auto& reason : item.at("reasons").as_array()) {
    for (const auto& e : reason.at("evidence").as_array()) evidence_calls.insert(S(e.at("call_id")));
  }
  EXPECT_EQ(evidence_calls, scam_calls_) << c.body;
  for (const auto& call : evidence_calls) EXPECT_TRUE(case_calls.contains(call)) << call << " in " << c.body;

  // On the record: the moderator, the case, the score and the reason codes.
  const auto audit = AuditOf("case.opened_from_detection");
  ASSERT_EQ(audit.size(), audit_before + 1);
  EXPECT_EQ(audit[0].actor_id, std::stoll(moderator_.id));
  EXPECT_EQ(audit[0].object_type, "case");
  EXPECT_EQ(audit[0].object_id, S(v.at("case_id")));
  const auto details = json::parse(audit[0].details);
  EXPECT_EQ(S(details.at("user_id")), scammer_.id);
  EXPECT_EQ(details.at("score"), row.at("score"));
  EXPECT_FALSE(details.at("case_opened").as_bool());
  std::set<std::string> codes, audited_codes;
  for (const auto& reason : row.at("reasons").as_array()) codes.insert(S(reason.at("code")));
  for (const auto& code : details.at("reasons").as_array()) audited_codes.insert(S(code));
  EXPECT_EQ(audited_codes, codes);
}

TEST_F(DetectionTest, OpeningACaseForAUserWithoutOneOpensItAndIsIdempotent) {
  Population();
  ASSERT_FALSE(OpenCaseOf(honest_));  // a no-show opens no case by itself
  auto first = Call("POST", OpenCasePath(honest_.id), moderator_.token);
  ASSERT_EQ(first.status, 201u) << first.body;
  const auto fv = first.Json();
  EXPECT_TRUE(fv.at("created").as_bool());
  EXPECT_TRUE(fv.at("case_opened").as_bool());
  EXPECT_EQ(S(fv.at("case_status")), "open");
  const auto opened = OpenCaseOf(honest_);
  ASSERT_TRUE(opened);
  EXPECT_EQ(S(fv.at("case_id")), std::to_string(opened->id));
  EXPECT_EQ(opened->accused_id, std::stoll(honest_.id));
  EXPECT_EQ(opened->kind, "complaints");

  auto c = Call("GET", "/api/v1/moderation/cases/" + S(fv.at("case_id")), moderator_.token);
  ASSERT_EQ(c.status, 200u) << c.body;
  const auto kase = c.Json();
  const auto& items = kase.at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << c.body;
  EXPECT_EQ(S(items[0].at("source")), "detection");
  const auto& reasons = items[0].at("reasons").as_array();
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(S(reasons[0].at("code")), "no_shows");
  ASSERT_EQ(kase.at("calls").as_array().size(), 1u) << c.body;
  EXPECT_EQ(S(kase.at("calls").as_array()[0].at("id")), honest_no_show_);

  // Again (a double click, another moderator): the same case and item, nothing new written.
  const auto audited = AuditOf("case.opened_from_detection").size();
  auto other = Register("mod2@example.com", "Mod Two");
  SetRoles(other, {"user", "moderator"});
  for (const auto* token : {&moderator_.token, &other.token}) {
    auto again = Call("POST", OpenCasePath(honest_.id), *token);
    ASSERT_EQ(again.status, 200u) << again.body;
    const auto av = again.Json();
    EXPECT_EQ(S(av.at("case_id")), S(fv.at("case_id")));
    EXPECT_FALSE(av.at("created").as_bool());
    EXPECT_FALSE(av.at("case_opened").as_bool());
    EXPECT_EQ(S(av.at("item").at("id")), S(fv.at("item").at("id")));
  }
  EXPECT_EQ(AuditOf("case.opened_from_detection").size(), audited);
  auto reread = Call("GET", "/api/v1/moderation/cases/" + S(fv.at("case_id")), moderator_.token);
  ASSERT_EQ(reread.status, 200u);
  EXPECT_EQ(reread.Json().at("items").as_array().size(), 1u) << reread.body;

  // Once that case is decided, the row opens a new one.
  auto decided = Store().Write([&](store::Tx& tx) -> base::Result<void> {
    auto k = *opened;
    k.status = "decided";
    k.decided_at = clock_.NowMs();
    return tx.cases().UpdateCase(k);
  });
  ASSERT_TRUE(decided);
  auto fresh = Call("POST", OpenCasePath(honest_.id), moderator_.token);
  ASSERT_EQ(fresh.status, 201u) << fresh.body;
  EXPECT_NE(S(fresh.Json().at("case_id")), S(fv.at("case_id")));
  EXPECT_TRUE(fresh.Json().at("case_opened").as_bool());
}

TEST_F(DetectionTest, OnlyModeratorsOpenCasesAndOnlyForRankedUsers) {
  Population();
  // Who before what: the analyst is refused whether or not the user exists or is ranked.
  for (const auto& user : {scammer_.id, std::string("999999"), buyers_[0].id, std::string("abc")}) {
    ExpectError(Call("POST", OpenCasePath(user)), 401, "unauthenticated");
    ExpectError(Call("POST", OpenCasePath(user), analyst_.token), 403, "forbidden");
    ExpectError(Call("POST", OpenCasePath(user), admin_.token), 403, "forbidden");
    ExpectError(Call("POST", OpenCasePath(user), buyers_[1].token), 403, "forbidden");
    ExpectError(Call("POST", OpenCasePath(user), scammer_.token), 403, "forbidden");
  }
  ExpectError(Call("POST", OpenCasePath("999999"), moderator_.token), 404, "user_not_found");
  ExpectError(Call("POST", OpenCasePath("abc"), moderator_.token), 404, "user_not_found");
  // A buyer who only listened has no signal: not in the ranking, no case.
  ExpectError(Call("POST", OpenCasePath(buyers_[0].id), moderator_.token), 409, "no_signal");
  EXPECT_FALSE(OpenCaseOf(buyers_[0]));
  EXPECT_TRUE(AuditOf("case.opened_from_detection").empty());
}

}  // namespace
}  // namespace vitrina
