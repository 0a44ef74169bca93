// The dishonest-user ranking through the API (docs/analytics.md "## Dishonest-user ranking"):
// the store's signals of real calls (transcripts analysed as the job does, a no-show), scored
// and ranked; analysts see pseudonyms, moderators users; everyone else is refused.
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

  std::size_t Audited() {
    auto audit = Store().Read([](store::Tx& tx) {
      store::AuditFilter f;
      f.action = "analytics.dishonest_listed";
      return tx.audit().List(f);
    });
    EXPECT_TRUE(audit);
    return audit ? audit->size() : 0;
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

}  // namespace
}  // namespace vitrina
