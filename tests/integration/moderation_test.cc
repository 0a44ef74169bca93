// Complaints to decisions through the API (docs/moderation.md): a complaint pinned to a moment
// and a quote, routing by priority and skills with leases, a ban with its effects and a
// reward, the statement of reasons, an appeal decided by a different moderator, every bad
// input refused with nothing changed, 1,000 cases taken by 8 moderators at once, and
// retention with its holds.
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "server_fixture.h"

namespace vitrina {
namespace {

constexpr std::int64_t kDay = 86'400'000;

class ModerationTest : public ServerTest {
 protected:
  void Configure(app::Config& c) override {
    c.job_workers = 0;  // retention runs when the test says so
    c.session_ttl_hours = 24 * 365;  // the tests move the clock by months
  }
  void SetUp() override {
    ServerTest::SetUp();
    seller_ = Register("seller@m.test", "Seller");
    buyer_ = Register("buyer@m.test", "Buyer");
    stranger_ = Register("stranger@m.test", "Stranger");
    mod1_ = Register("mod1@m.test", "Mod One");
    mod2_ = Register("mod2@m.test", "Mod Two");
    admin_ = Register("admin@m.test", "Admin");
    SetRoles(mod1_, {"user", "moderator"});
    SetRoles(mod2_, {"user", "moderator"});
    MakeAdmin(admin_);
    listing_ = CreateListing(seller_);
  }

  store::Store& Store() { return server_->store(); }

  // An ended 90-second call between buyer and seller (no media needed), optionally with a
  // transcript in which the seller asks for a prepayment at 61-64 s.
  store::Id InsertCall(const Account& buyer, const Account& seller, const std::string& listing,
                       bool transcript = false, std::string state = "ended") {
    const auto now = clock_.NowMs();
    auto conv = Store().Write([&](store::Tx& tx) {
      return tx.chat().FindOrCreateConversation(std::stoll(listing), std::stoll(buyer.id), std::stoll(seller.id), now);
    });
    EXPECT_TRUE(conv);
    store::Call c;
    c.conversation_id = conv->first.id;
    c.listing_id = std::stoll(listing);
    c.buyer_id = std::stoll(buyer.id);
    c.seller_id = std::stoll(seller.id);
    c.proposed_by = c.buyer_id;
    c.state = state;
    c.created_at = now - 200'000;
    c.join_opens_at = c.created_at;
    c.join_closes_at = c.created_at + 600'000;
    if (state == "ended") {
      c.started_at = now - 100'000;
      c.ended_at = now - 10'000;
      c.end_reason = "hangup";
    }
    c.updated_at = now;
    auto call = Store().Write([&](store::Tx& tx) { return tx.calls().Insert(c); });
    EXPECT_TRUE(call) << call.error().message;
    if (transcript) {
      store::NewTranscript t{"test", "test", "en", {}};
      auto seg = [](std::string speaker, std::int64_t start, std::vector<std::string> words) {
        store::TranscriptSegment s;
        s.speaker = std::move(speaker);
        s.start_ms = start;
        std::int64_t at = start;
        for (auto& w : words) {
          s.text += (s.text.empty() ? "" : " ") + w;
          s.words.push_back({w, at, at + 400, 0.9});
          at += 500;
        }
        s.end_ms = at;
        s.confidence = 0.9;
        return s;
      };
      t.segments.push_back(seg("buyer", 50'000, {"does", "the", "camera", "work"}));
      t.segments.push_back(seg("seller", 61'000, {"please", "send", "a", "prepayment", "to", "my", "card", "first"}));
      auto stored = Store().Write([&](store::Tx& tx) { return tx.transcripts().Insert(call->id, t, now); });
      EXPECT_TRUE(stored) << stored.error().message;
    }
    return call->id;
  }

  ClientResponse Complain(const Account& who, store::Id call, json::object body) {
    return Call("POST", "/api/v1/calls/" + std::to_string(call) + "/complaints", who.token, body);
  }
  json::object Complaint(const std::string& category = "prepayment_request") {
    return {{"category", category}, {"text", "He asked me to prepay to his card"}};
  }
  ClientResponse Next(const Account& mod) { return Call("POST", "/api/v1/moderation/next", mod.token); }
  ClientResponse Decide(const Account& mod, const std::string& case_id, json::object body) {
    return Call("POST", "/api/v1/moderation/cases/" + case_id + "/decision", mod.token, body);
  }
  json::array Notifications(const Account& who) {
    auto r = Call("GET", "/api/v1/notifications", who.token);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.status == 200u ? r.Json().at("items").as_array() : json::array{};
  }
  std::size_t ComplaintsOn(store::Id call) {
    auto r = Store().Read([&](store::Tx& tx) {
      store::ComplaintFilter f;
      f.call_id = call;
      f.limit = 1000;
      return tx.complaints().ListComplaints(f);
    });
    EXPECT_TRUE(r);
    return r ? r->size() : 0;
  }
  std::vector<store::AuditEntry> Audit(const std::string& action) {
    store::AuditFilter f;
    f.action = action;
    auto r = Store().Read([&](store::Tx& tx) { return tx.audit().List(f); });
    EXPECT_TRUE(r);
    return r ? *r : std::vector<store::AuditEntry>{};
  }

  Account seller_, buyer_, stranger_, mod1_, mod2_, admin_;
  std::string listing_;
};

TEST_F(ModerationTest, ComplaintBanRewardAppealOverturn) {
  const auto call = InsertCall(buyer_, seller_, listing_, /*transcript=*/true);
  const auto scall = std::to_string(call);

  // The buyer points at the moment and quotes the words (a little off, as people remember).
  auto body = Complaint();
  body["ranges"] = json::array{json::object{{"from_ms", 60'000}, {"to_ms", 66'000}}};
  body["quote"] = "send prepayment to my card";
  auto r = Complain(buyer_, call, body);
  ASSERT_EQ(r.status, 201u) << r.body;
  auto complaint = r.Json().as_object();
  const auto complaint_id = S(complaint.at("id"));
  EXPECT_EQ(S(complaint.at("accused_id")), seller_.id);
  EXPECT_EQ(S(complaint.at("status")), "open");
  EXPECT_TRUE(complaint.at("editable").as_bool());
  ASSERT_TRUE(complaint.at("quote_match").is_object()) << r.body;
  EXPECT_EQ(complaint.at("quote_match").at("from_ms").as_int64(), 61'500);  // "send"
  EXPECT_EQ(complaint.at("quote_match").at("to_ms").as_int64(), 64'400);    // "card"

  // The reporter sees it and may still edit it; the seller does not see it.
  EXPECT_EQ(Call("GET", "/api/v1/complaints/" + complaint_id, buyer_.token).status, 200u);
  ExpectError(Call("GET", "/api/v1/complaints/" + complaint_id, seller_.token), 404, "complaint_not_found");
  r = Call("PATCH", "/api/v1/complaints/" + complaint_id, buyer_.token, json::object{{"text", "Asked for a prepayment"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(S(r.Json().at("text")), "Asked for a prepayment");
  auto mine = Call("GET", "/api/v1/calls/" + scall + "/complaints", buyer_.token);
  ASSERT_EQ(mine.status, 200u);
  EXPECT_EQ(mine.Json().at("items").as_array().size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/calls/" + scall + "/complaints", seller_.token).Json().at("items").as_array().size(), 0u);

  // A moderator takes the case: prepayment requests are priority 1.
  r = Next(mod1_);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto c = r.Json().at("case").as_object();
  const auto case_id = S(c.at("id"));
  EXPECT_EQ(c.at("priority").as_int64(), 1);
  EXPECT_EQ(S(c.at("status")), "assigned");
  EXPECT_EQ(S(c.at("assignee_id")), mod1_.id);
  EXPECT_EQ(S(c.at("sla_state")), "on_time");
  EXPECT_EQ(S(c.at("accused").at("id")), seller_.id);
  ASSERT_EQ(c.at("complaints").as_array().size(), 1u);
  EXPECT_EQ(S(c.at("complaints").as_array()[0].at("status")), "in_review");
  ASSERT_EQ(c.at("calls").as_array().size(), 1u);
  EXPECT_EQ(S(c.at("calls").as_array()[0].at("id")), scall);
  // Now it is locked for the reporter, and nobody else gets the case.
  ExpectError(Call("PATCH", "/api/v1/complaints/" + complaint_id, buyer_.token, json::object{{"text", "x"}}), 409,
              "complaint_locked");
  EXPECT_EQ(Next(mod2_).status, 204u);
  // Only the assignee decides.
  ExpectError(Decide(mod2_, case_id, {{"action", "ban"}, {"reason", "x"}}), 403, "not_assignee");
  ExpectError(Decide(admin_, case_id, {{"action", "ban"}, {"reason", "x"}}), 403, "forbidden");

  // Ban, citing the moment, and reward the buyer.
  r = Decide(mod1_, case_id,
             {{"action", "ban"},
              {"reason", "Asked for a prepayment to a card (rule 4.2)"},
              {"evidence", json::array{json::object{{"call_id", scall}, {"from_ms", 61'000}, {"to_ms", 65'000}}}},
              {"reward", json::object{{"amount", 500}}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto decided = r.Json().as_object();
  EXPECT_EQ(S(decided.at("case").at("status")), "decided");
  const auto sanction_id = S(decided.at("sanction").at("id"));
  EXPECT_EQ(S(decided.at("sanction").at("kind")), "ban");
  ASSERT_EQ(decided.at("rewards").as_array().size(), 1u);
  EXPECT_EQ(S(decided.at("rewards").as_array()[0].at("user_id")), buyer_.id);
  EXPECT_EQ(decided.at("rewards").as_array()[0].at("amount").as_int64(), 500);
  ExpectError(Decide(mod1_, case_id, {{"action", "warn"}, {"reason", "again"}}), 409, "case_decided");

  // The seller is blocked everywhere but the statement of reasons and the appeal.
  ExpectError(Call("GET", "/api/v1/listings", seller_.token), 403, "user_blocked");
  ExpectError(Call("POST", "/api/v1/calls/" + scall + "/join", seller_.token, json::object{{"consent", true}}), 403,
              "user_blocked");
  EXPECT_EQ(Call("GET", "/api/v1/listings/" + listing_, buyer_.token).status, 404u);  // hidden from buyers
  const auto conversation = S(Call("GET", "/api/v1/calls/" + scall, buyer_.token).Json().at("conversation_id"));
  ExpectError(Call("POST", "/api/v1/conversations/" + conversation + "/calls", buyer_.token, json::object{}), 409,
              "counterpart_blocked");
  r = Call("POST", "/api/v1/auth/login", "", json::object{{"email", "seller@m.test"}, {"password", "password123"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string seller_session = S(r.Json().at("token"));
  EXPECT_EQ(S(r.Json().at("user").at("status")), "blocked");
  ExpectError(Call("GET", "/api/v1/conversations", seller_session), 403, "user_blocked");
  auto sn = Notifications(seller_);
  ASSERT_EQ(sn.size(), 1u);
  EXPECT_EQ(S(sn[0].at("kind")), "sanction");
  EXPECT_EQ(S(sn[0].at("payload").at("reason")), "Asked for a prepayment to a card (rule 4.2)");
  EXPECT_EQ(S(sn[0].at("payload").at("action")), "ban");
  EXPECT_EQ(sn[0].at("payload").at("evidence").as_array().size(), 1u);
  EXPECT_TRUE(sn[0].at("payload").at("appeal_until").is_string());
  auto bn = Notifications(buyer_);
  ASSERT_EQ(bn.size(), 1u);
  EXPECT_EQ(S(bn[0].at("kind")), "complaint_decided");
  EXPECT_EQ(S(bn[0].at("payload").at("outcome")), "upheld");
  EXPECT_EQ(bn[0].at("payload").at("reward").at("amount").as_int64(), 500);
  EXPECT_EQ(S(Call("GET", "/api/v1/complaints/" + complaint_id, buyer_.token).Json().at("status")), "upheld");
  auto ledger = Call("GET", "/api/v1/rewards", buyer_.token);
  ASSERT_EQ(ledger.status, 200u) << ledger.body;
  ASSERT_EQ(ledger.Json().at("items").as_array().size(), 1u);
  EXPECT_EQ(ledger.Json().at("totals").at("RUB").as_int64(), 500);
  EXPECT_TRUE(Call("GET", "/api/v1/rewards", stranger_.token).Json().at("items").as_array().empty());
  // Reading marks them read.
  EXPECT_EQ(Call("GET", "/api/v1/notifications", buyer_.token).Json().at("unread").as_int64(), 1);
  EXPECT_EQ(Call("POST", "/api/v1/notifications/read", buyer_.token, json::object{{"up_to", S(bn[0].at("id"))}}).status,
            204u);
  EXPECT_EQ(Call("GET", "/api/v1/notifications", buyer_.token).Json().at("unread").as_int64(), 0);

  // The seller appeals once; the moderator who banned never gets it, another one does.
  r = Call("GET", "/api/v1/sanctions", seller_session);
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_EQ(r.Json().at("items").as_array().size(), 1u);
  EXPECT_TRUE(r.Json().at("items").as_array()[0].at("can_appeal").as_bool());
  EXPECT_FALSE(r.Json().at("items").as_array()[0].as_object().contains("moderator_id"));
  ExpectError(Call("POST", "/api/v1/sanctions/" + sanction_id + "/appeal", buyer_.token, json::object{{"text", "x"}}),
              404, "sanction_not_found");
  r = Call("POST", "/api/v1/sanctions/" + sanction_id + "/appeal", seller_session,
           json::object{{"text", "I meant a deposit on delivery, not a card transfer"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  ExpectError(Call("POST", "/api/v1/sanctions/" + sanction_id + "/appeal", seller_session, json::object{{"text", "again"}}),
              409, "appeal_exists");
  EXPECT_EQ(Next(mod1_).status, 204u);
  r = Next(mod2_);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto appeal_case = r.Json().at("case").as_object();
  EXPECT_EQ(S(appeal_case.at("kind")), "appeal");
  EXPECT_EQ(appeal_case.at("priority").as_int64(), 2);
  EXPECT_EQ(S(appeal_case.at("appeal").at("sanction").at("id")), sanction_id);
  EXPECT_EQ(S(appeal_case.at("appeal").at("decision").at("action")), "ban");
  EXPECT_EQ(appeal_case.at("complaints").as_array().size(), 1u);  // the original case's evidence
  ExpectError(Decide(mod2_, S(appeal_case.at("id")), {{"action", "ban"}, {"reason", "x"}}), 400, "invalid_action");
  r = Decide(mod2_, S(appeal_case.at("id")), {{"action", "overturn"}, {"reason", "A deposit on delivery is allowed"}});
  ASSERT_EQ(r.status, 200u) << r.body;

  // Lifted at once, and told.
  EXPECT_EQ(Call("GET", "/api/v1/listings", seller_.token).status, 200u);
  EXPECT_EQ(Call("GET", "/api/v1/listings/" + listing_, buyer_.token).status, 200u);
  sn = Notifications(seller_);
  ASSERT_EQ(sn.size(), 2u);
  EXPECT_EQ(S(sn[0].at("kind")), "appeal_decided");
  EXPECT_EQ(S(sn[0].at("payload").at("outcome")), "overturned");
  auto sanctions = Call("GET", "/api/v1/sanctions", seller_.token).Json().at("items").as_array();
  EXPECT_EQ(S(sanctions[0].at("status")), "overturned");
  EXPECT_EQ(S(sanctions[0].at("appeal").at("status")), "overturned");
  EXPECT_EQ(S(sanctions[0].at("appeal").at("reason")), "A deposit on delivery is allowed");
  EXPECT_FALSE(sanctions[0].at("can_appeal").as_bool());

  // On the record, chained.
  auto decided_entries = Audit("case.decided");
  ASSERT_EQ(decided_entries.size(), 1u);
  EXPECT_EQ(decided_entries[0].actor_id, std::stoll(mod1_.id));
  EXPECT_NE(decided_entries[0].details.find("rule 4.2"), std::string::npos);
  EXPECT_EQ(Audit("appeal.filed").size(), 1u);
  EXPECT_EQ(Audit("appeal.decided").size(), 1u);
  EXPECT_EQ(Audit("complaint.filed").size(), 1u);
  auto verified = store::VerifyAuditChain(Store());
  ASSERT_TRUE(verified);
  EXPECT_FALSE(verified->first_broken);
  EXPECT_GE(verified->entries, 4);
}

// A moderator who is a party to a call in a case (every complainant is) never gets it from
// next, cannot decide it when it becomes theirs while they hold it, and never judges the
// appeal against it.
TEST_F(ModerationTest, NoOneDecidesACaseTheyAreAPartyTo) {
  const auto call = InsertCall(buyer_, seller_, listing_);
  ASSERT_EQ(Complain(buyer_, call, Complaint()).status, 201u);
  auto taken = Next(mod1_);
  ASSERT_EQ(taken.status, 200u) << taken.body;
  const auto case_id = S(taken.Json().at("case").at("id"));
  // While holding it, mod1 buys from the same seller and complains too: the complaint joins
  // the case mod1 holds, and mod1 may no longer decide it (nor reward themselves).
  const auto own = InsertCall(mod1_, seller_, CreateListing(seller_));
  ASSERT_EQ(Complain(mod1_, own, Complaint()).status, 201u);
  const json::object ban{{"action", "ban"}, {"reason", "Rule 4.2"}, {"reward", json::object{{"amount", 500}}}};
  ExpectError(Decide(mod1_, case_id, ban), 403, "conflict_of_interest");
  // Who first: an invalid decision gets the same answer.
  ExpectError(Decide(mod1_, case_id, json::object{{"action", "explode"}}), 403, "conflict_of_interest");
  EXPECT_TRUE(Audit("case.decided").empty());
  ASSERT_EQ(Call("POST", "/api/v1/moderation/cases/" + case_id + "/release", mod1_.token).status, 200u);
  EXPECT_EQ(Next(mod1_).status, 204u) << "a party never gets the case from next";
  auto theirs = Next(mod2_);
  ASSERT_EQ(theirs.status, 200u);
  EXPECT_EQ(S(theirs.Json().at("case").at("id")), case_id);
  auto decided = Decide(mod2_, case_id, ban);
  ASSERT_EQ(decided.status, 200u) << decided.body;
  const auto outcome = decided.Json();
  for (const auto& r : outcome.at("rewards").as_array()) {
    EXPECT_NE(S(r.at("user_id")), mod2_.id) << "never to the one who decides";
  }
  // The seller appeals: mod2 decided it, mod1 is a party to its calls; a third moderator takes it.
  const auto sanction = S(outcome.at("sanction").at("id"));
  ASSERT_EQ(Call("POST", "/api/v1/sanctions/" + sanction + "/appeal", seller_.token,
                 json::object{{"text", "I never asked for money"}})
                .status,
            201u);
  EXPECT_EQ(Next(mod1_).status, 204u);
  EXPECT_EQ(Next(mod2_).status, 204u);
  auto mod3 = Register("mod3@m.test", "Mod Three");
  SetRoles(mod3, {"user", "moderator"});
  auto appeal = Next(mod3);
  ASSERT_EQ(appeal.status, 200u);
  EXPECT_EQ(S(appeal.Json().at("case").at("kind")), "appeal");
}

TEST_F(ModerationTest, BadComplaintsAreRefusedAndChangeNothing) {
  const auto call = InsertCall(buyer_, seller_, listing_);
  auto with = [&](const std::string& key, json::value v) {
    auto b = Complaint();
    b[key] = std::move(v);
    return b;
  };
  ExpectError(Complain(buyer_, call, with("ranges", json::array{json::object{{"from_ms", 80'000}, {"to_ms", 95'000}}})),
              400, "invalid_ranges");  // the call is 90 s long
  ExpectError(Complain(buyer_, call, with("ranges", json::array{json::object{{"from_ms", 5'000}, {"to_ms", 5'000}}})),
              400, "invalid_ranges");
  ExpectError(Complain(buyer_, call, with("ranges", json::array{json::object{{"from_ms", -1}, {"to_ms", 5'000}}})), 400,
              "invalid_ranges");
  ExpectError(Complain(buyer_, call, with("ranges", json::array{"1:00"})), 400, "invalid_ranges");
  ExpectError(Complain(buyer_, call, with("category", "spam")), 400, "invalid_category");
  ExpectError(Complain(buyer_, call, with("text", "   ")), 400, "invalid_text");
  ExpectError(Complain(buyer_, call, with("text", json::value(std::string(2001, 'a')))), 400, "invalid_text");
  ExpectError(Complain(buyer_, call, with("quote", json::value(std::string(501, 'a')))), 400, "invalid_quote");
  ExpectError(Complain(buyer_, call, with("category", 7)), 400, "invalid_type");
  ExpectError(Call("POST", "/api/v1/calls/" + std::to_string(call) + "/complaints", buyer_.token, std::string("{not json")), 400,
              "invalid_json");
  ExpectError(Complain(stranger_, call, Complaint()), 403, "not_participant");
  ExpectError(Complain(buyer_, 999999, Complaint()), 404, "call_not_found");
  EXPECT_EQ(Complain(Account{"", ""}, call, Complaint()).status, 401u);
  EXPECT_EQ(ComplaintsOn(call), 0u);

  // One undecided complaint per reporter per call; the other party may complain too.
  ASSERT_EQ(Complain(buyer_, call, Complaint()).status, 201u);
  ExpectError(Complain(buyer_, call, Complaint("rude")), 409, "complaint_exists");
  EXPECT_EQ(Complain(seller_, call, Complaint("rude")).status, 201u);
  EXPECT_EQ(ComplaintsOn(call), 2u);

  // A call that never took place.
  const auto proposed = InsertCall(buyer_, seller_, CreateListing(seller_), false, "proposed");
  ExpectError(Complain(buyer_, proposed, Complaint()), 409, "call_not_complainable");
  EXPECT_EQ(ComplaintsOn(proposed), 0u);
}

TEST_F(ModerationTest, BadDecisionsAreRefusedAndChangeNothing) {
  const auto call = InsertCall(buyer_, seller_, listing_);
  ASSERT_EQ(Complain(buyer_, call, Complaint()).status, 201u);
  auto r = Next(mod1_);
  ASSERT_EQ(r.status, 200u);
  const auto case_id = S(r.Json().at("case").at("id"));
  const auto scall = std::to_string(call);
  const auto other_call = InsertCall(buyer_, stranger_, CreateListing(stranger_));
  auto bad = [&](json::object body, const std::string& code) {
    ExpectError(Decide(mod1_, case_id, std::move(body)), 400, code);
  };
  bad({{"action", "delete"}, {"reason", "x"}}, "invalid_action");
  bad({{"action", "block"}, {"reason", "x"}}, "invalid_days");
  bad({{"action", "block"}, {"days", 0}, {"reason", "x"}}, "invalid_days");
  bad({{"action", "block"}, {"days", 4000}, {"reason", "x"}}, "invalid_days");
  bad({{"action", "warn"}, {"days", 3}, {"reason", "x"}}, "invalid_days");
  bad({{"action", "warn"}, {"reason", " "}}, "invalid_reason");
  bad({{"action", "dismiss"}, {"reason", "x"}, {"reward", json::object{{"amount", 100}}}}, "invalid_reward");
  bad({{"action", "warn"}, {"reason", "x"}, {"reward", json::object{{"amount", 0}}}}, "invalid_reward");
  bad({{"action", "warn"}, {"reason", "x"}, {"reward", 100}}, "invalid_reward");
  bad({{"action", "warn"},
       {"reason", "x"},
       {"evidence", json::array{json::object{{"call_id", std::to_string(other_call)}, {"from_ms", 0}, {"to_ms", 1000}}}}},
      "invalid_evidence");  // not a call of the accused
  bad({{"action", "warn"},
       {"reason", "x"},
       {"evidence", json::array{json::object{{"call_id", scall}, {"from_ms", 0}, {"to_ms", 91'000}}}}},
      "invalid_evidence");
  // Nothing happened.
  auto c = Call("GET", "/api/v1/moderation/cases/" + case_id, mod1_.token);
  ASSERT_EQ(c.status, 200u);
  EXPECT_EQ(S(c.Json().at("status")), "assigned");
  EXPECT_TRUE(c.Json().at("decisions").as_array().empty());
  EXPECT_EQ(Call("GET", "/api/v1/sanctions", seller_.token).Json().at("items").as_array().size(), 0u);
  EXPECT_TRUE(Notifications(seller_).empty());
  EXPECT_TRUE(Audit("case.decided").empty());

  // A block for 3 days, then the appeal window: closed after 180 days.
  r = Decide(mod1_, case_id, {{"action", "block"}, {"days", 3}, {"reason", "Prepayment request"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto sanction_id = S(r.Json().at("sanction").at("id"));
  ExpectError(Call("GET", "/api/v1/listings", seller_.token), 403, "user_blocked");
  clock_.Advance(3 * kDay + 1000);
  EXPECT_EQ(Call("GET", "/api/v1/conversations", seller_.token).status, 200u);  // the block lapsed
  clock_.Advance(178 * kDay);
  ExpectError(Call("POST", "/api/v1/sanctions/" + sanction_id + "/appeal", seller_.token, json::object{{"text", "late"}}),
              409, "appeal_window_closed");
  ExpectError(Call("POST", "/api/v1/sanctions/" + sanction_id + "/appeal", seller_.token, json::object{{"text", ""}}),
              400, "invalid_text");
  EXPECT_TRUE(Audit("appeal.filed").empty());
}

TEST_F(ModerationTest, RoutingByPrioritySkillsLeasesAndCapacity) {
  // Three accused sellers: a no-show (P3) filed first, then rudeness (P2), then fraud (P1).
  auto s2 = Register("s2@m.test"), s3 = Register("s3@m.test");
  const auto auto_listing = CreateListing(s3, {{"vertical", "auto"}});
  ASSERT_EQ(Complain(buyer_, InsertCall(buyer_, seller_, listing_), Complaint("no_show")).status, 201u);
  clock_.Advance(1 * 1000);
  ASSERT_EQ(Complain(buyer_, InsertCall(buyer_, s2, CreateListing(s2)), Complaint("rude")).status, 201u);
  clock_.Advance(1 * 1000);
  ASSERT_EQ(Complain(buyer_, InsertCall(buyer_, s3, auto_listing), Complaint("fraud")).status, 201u);

  // The supervisors' queue, most urgent first.
  auto q = Call("GET", "/api/v1/moderation/queue", mod1_.token);
  ASSERT_EQ(q.status, 200u) << q.body;
  auto rows = q.Json().at("items").as_array();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].at("priority").as_int64(), 1);
  EXPECT_EQ(rows[1].at("priority").as_int64(), 2);
  EXPECT_EQ(rows[2].at("priority").as_int64(), 3);
  EXPECT_EQ(q.Json().at("summary").at("open").as_int64(), 3);
  ExpectError(Call("GET", "/api/v1/moderation/queue", buyer_.token), 403, "forbidden");

  // mod1 handles goods only: the fraud case (auto) is not theirs; rudeness is next.
  ASSERT_EQ(Call("PUT", "/api/v1/admin/users/" + mod1_.id + "/skills", admin_.token,
                 json::object{{"skills", json::array{"vertical:goods", "lang:en"}}})
                .status,
            200u);
  auto r = Next(mod1_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.Json().at("case").at("priority").as_int64(), 2);
  EXPECT_EQ(S(r.Json().at("case").at("vertical")), "goods");
  const auto rude_case = S(r.Json().at("case").at("id"));
  // mod2 (no skills: any) gets the fraud case.
  r = Next(mod2_);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.Json().at("case").at("priority").as_int64(), 1);
  const auto fraud_case = S(r.Json().at("case").at("id"));

  // Capacity: mod1 at 1 cannot take another until they release one.
  ASSERT_EQ(Call("PUT", "/api/v1/admin/moderators/" + mod1_.id, admin_.token, json::object{{"capacity", 1}}).status, 200u);
  ExpectError(Next(mod1_), 409, "at_capacity");
  // Off shift: nothing.
  ASSERT_EQ(Call("PUT", "/api/v1/moderation/me", mod2_.token, json::object{{"on_shift", false}}).status, 200u);
  ExpectError(Next(mod2_), 409, "off_shift");
  ASSERT_EQ(Call("PUT", "/api/v1/moderation/me", mod2_.token, json::object{{"on_shift", true}}).status, 200u);

  // A heartbeat keeps the lease; idleness past 15 minutes returns the case to the queue.
  clock_.Advance(10 * 60'000);
  ASSERT_EQ(Call("POST", "/api/v1/moderation/cases/" + rude_case + "/heartbeat", mod1_.token).status, 200u);
  ASSERT_EQ(Call("POST", "/api/v1/moderation/cases/" + fraud_case + "/heartbeat", mod2_.token).status, 200u);
  clock_.Advance(10 * 60'000);
  ASSERT_EQ(Call("POST", "/api/v1/moderation/cases/" + fraud_case + "/heartbeat", mod2_.token).status, 200u);
  ExpectError(Call("POST", "/api/v1/moderation/cases/" + fraud_case + "/heartbeat", mod1_.token), 403, "not_assignee");
  auto me = Call("GET", "/api/v1/moderation/me", mod1_.token);
  ASSERT_EQ(me.status, 200u);
  EXPECT_EQ(me.Json().at("assigned").as_array().size(), 1u);
  clock_.Advance(6 * 60'000);  // 16 minutes since the heartbeat
  r = Next(mod2_);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(S(r.Json().at("case").at("id")), rude_case);
  ExpectError(Decide(mod1_, rude_case, {{"action", "warn"}, {"reason", "x"}}), 403, "not_assignee");
  // The no-show case is next for mod1 (now free); mod2 releases the rude case to them later.
  ASSERT_EQ(Call("POST", "/api/v1/moderation/cases/" + rude_case + "/release", mod2_.token).status, 200u);
  r = Next(mod1_);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(S(r.Json().at("case").at("id")), rude_case);  // more urgent than the no-show

  // A moderator is never given a case against themselves.
  ASSERT_EQ(Complain(buyer_, InsertCall(buyer_, mod2_, CreateListing(mod2_)), Complaint("fraud")).status, 201u);
  r = Next(mod2_);
  if (r.status == 200u) {
    EXPECT_NE(S(r.Json().at("case").at("accused").at("id")), mod2_.id);
  }
}

TEST_F(ModerationTest, ComplaintsAgainstOneUserGatherInOneCaseAndRaiseItsPriority) {
  std::string case_id;
  for (int i = 0; i < 3; ++i) {
    auto b = Register("b" + std::to_string(i) + "@m.test");
    auto r = Complain(b, InsertCall(b, seller_, listing_), Complaint("other"));
    ASSERT_EQ(r.status, 201u) << r.body;
    if (i == 0) case_id = S(r.Json().at("case_id"));
    EXPECT_EQ(S(r.Json().at("case_id")), case_id);
  }
  auto c = Call("GET", "/api/v1/moderation/cases/" + case_id, mod1_.token);
  ASSERT_EQ(c.status, 200u);
  EXPECT_EQ(c.Json().at("complainants").as_int64(), 3);
  EXPECT_EQ(c.Json().at("priority").as_int64(), 2);  // "other" is P3, three complainants: P2
  EXPECT_EQ(c.Json().at("complaints").as_array().size(), 3u);
  EXPECT_EQ(c.Json().at("calls").as_array().size(), 3u);
  // Dismissed: the complainants are told, nobody is sanctioned, no reward.
  ASSERT_EQ(Next(mod1_).status, 200u);
  auto r = Decide(mod1_, case_id, {{"action", "dismiss"}, {"reason", "No rule was broken"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.Json().at("sanction").is_null());
  EXPECT_EQ(S(Notifications(seller_)[0].at("kind")), "complaint_dismissed_against_you");
  // A new complaint opens a new case, with the old one in the history.
  auto b = Register("b9@m.test");
  r = Complain(b, InsertCall(b, seller_, listing_), Complaint("rude"));
  ASSERT_EQ(r.status, 201u);
  EXPECT_NE(S(r.Json().at("case_id")), case_id);
  c = Call("GET", "/api/v1/moderation/cases/" + S(r.Json().at("case_id")), mod2_.token);
  ASSERT_EQ(c.status, 200u);
  ASSERT_EQ(c.Json().at("history").at("cases").as_array().size(), 1u);
  EXPECT_EQ(S(c.Json().at("history").at("cases").as_array()[0].at("action")), "dismiss");
  EXPECT_EQ(c.Json().at("history").at("complaints_against").as_array().size(), 3u);
}

// 1,000 cases, 8 moderators calling next at once: each case exactly once, skills respected.
TEST_F(ModerationTest, EightModeratorsTakeAThousandCasesEachExactlyOnce) {
  const std::vector<std::string> verticals = {"goods", "realty", "auto", "jobs"};
  const auto now = clock_.NowMs();
  // Accused users and cases straight in the store (the complaint path is tested above).
  std::vector<store::Id> accused;
  for (int i = 0; i < 1000; ++i) {
    store::NewUser u{"a" + std::to_string(i) + "@c.test", "A", "x", {"user"}, "UTC"};
    auto user = Store().Write([&](store::Tx& tx) { return tx.users().Insert(u, now); });
    ASSERT_TRUE(user);
    accused.push_back(user->id);
  }
  std::map<store::Id, std::string> vertical_of;
  ASSERT_TRUE(Store().Write([&](store::Tx& tx) -> base::Result<void> {
    for (int i = 0; i < 1000; ++i) {
      store::Case c;
      c.accused_id = accused[static_cast<std::size_t>(i)];
      c.priority = 1 + i % 3;
      c.sla_due_at = now + (i % 7) * 60'000;
      c.vertical = verticals[static_cast<std::size_t>(i) % 4];
      c.language = i % 5 == 0 ? "ru" : "en";
      c.opened_at = now;
      c.updated_at = now;
      auto stored = TRY(tx.cases().InsertCase(c));
      vertical_of[stored.id] = stored.vertical + "/" + stored.language;
    }
    return {};
  }));
  // Moderators 0-3: one vertical each, any language; 4-5: everything in Russian; 6-7: any.
  std::vector<store::User> mods;
  for (int i = 0; i < 8; ++i) {
    auto a = Register("cm" + std::to_string(i) + "@m.test");
    SetRoles(a, {"user", "moderator"});
    std::vector<std::string> skills;
    if (i < 4) skills = {"vertical:" + verticals[static_cast<std::size_t>(i)]};
    if (i == 4 || i == 5) skills = {"lang:ru"};
    ASSERT_TRUE(server_->accounts().SetSkills(std::stoll(a.id), skills));
    auto user = Store().Read([&](store::Tx& tx) { return tx.users().FindById(std::stoll(a.id)); });
    mods.push_back(**user);
  }
  std::mutex mu;
  std::map<store::Id, int> taken;
  std::vector<std::string> violations;
  std::atomic<int> errors{0};
  // Each moderator takes the next case and decides it, until nothing is left for them.
  auto worker = [&](const store::User& mod, int index) {
    while (true) {
      auto next = server_->moderation().queue().Next(mod);
      if (!next) {
        errors++;
        break;
      }
      if (!*next) break;
      const auto id = (*next)->c.id;
      {
        std::lock_guard lock(mu);
        taken[id]++;
        const auto& vl = vertical_of[id];
        if (index < 4 && vl.rfind(verticals[static_cast<std::size_t>(index)] + "/", 0) != 0) violations.push_back(vl);
        if ((index == 4 || index == 5) && vl.substr(vl.size() - 2) != "ru") violations.push_back(vl);
      }
      moderation::DecisionInput dismiss;
      dismiss.action = "dismiss";
      dismiss.reason = "checked";
      if (!server_->moderation().decisions().Decide(mod, id, dismiss)) errors++;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back(worker, std::cref(mods[static_cast<std::size_t>(i)]), i);
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_TRUE(violations.empty()) << violations.size() << " cases outside a moderator's skills, e.g. "
                                  << (violations.empty() ? "" : violations[0]);
  for (const auto& [id, n] : taken) EXPECT_EQ(n, 1) << "case " << id << " assigned " << n << " times";
  EXPECT_EQ(taken.size(), 1000u);
  auto left = Store().Read([&](store::Tx& tx) {
    store::CaseFilter f;
    f.statuses = {"open", "assigned"};
    f.limit = 1000;
    return tx.cases().ListCases(f);
  });
  ASSERT_TRUE(left);
  EXPECT_TRUE(left->empty());
}

TEST_F(ModerationTest, RetentionDeletesOldRecordingsUnlessACaseHoldsThem) {
  const auto recordings = fs::path(app::RecordingsDir(server_->config()));
  auto with_files = [&](store::Id call) {
    const auto dir = recordings / std::to_string(call) / "processed";
    fs::create_directories(dir);
    std::ofstream(dir / "combined.webm") << "video";
    store::RecordingFile f;
    f.call_id = call;
    f.participant = "combined";
    f.kind = "combined";
    f.path = std::to_string(call) + "/processed/combined.webm";
    f.bytes = 5;
    f.sha256 = "abc123";
    EXPECT_TRUE(Store().Write([&](store::Tx& tx) -> base::Result<void> {
      TRY(tx.calls().ReplaceFiles(call, {f}));
      auto c = TRY(tx.calls().FindById(call));
      c->recording_status = "ready";
      return tx.calls().Update(*c);
    }));
  };
  const auto plain = InsertCall(buyer_, seller_, listing_, true);
  const auto complained = InsertCall(buyer_, seller_, CreateListing(seller_), true);
  with_files(plain);
  with_files(complained);
  ASSERT_EQ(Complain(buyer_, complained, Complaint()).status, 201u);

  // Not yet 30 days: nothing.
  auto purged = server_->retention().Purge(nullptr);
  ASSERT_TRUE(purged) << purged.error().message;
  EXPECT_EQ(*purged, 0);
  clock_.Advance(31 * kDay);
  purged = server_->retention().Purge(nullptr);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);  // the complained-about call is held by its open case
  EXPECT_FALSE(fs::exists(recordings / std::to_string(plain)));
  EXPECT_TRUE(fs::exists(recordings / std::to_string(complained) / "processed" / "combined.webm"));
  auto call = Call("GET", "/api/v1/calls/" + std::to_string(plain), buyer_.token);
  ASSERT_EQ(call.status, 200u);
  EXPECT_EQ(S(call.Json().at("recording").at("status")), "deleted");
  EXPECT_EQ(S(call.Json().at("transcript").at("status")), "deleted");
  EXPECT_TRUE(call.Json().at("purged_at").is_string());
  ExpectError(Call("GET", "/api/v1/calls/" + std::to_string(plain) + "/transcript", buyer_.token), 404,
              "transcript_not_found");
  auto deleted = Audit("recording.deleted");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0].object_id, std::to_string(plain));
  EXPECT_FALSE(deleted[0].actor_id);
  EXPECT_NE(deleted[0].evidence.find("abc123"), std::string::npos);

  // A ban citing it keeps it while the sanction can be appealed (180 days), then it goes.
  auto r = Next(mod1_);
  ASSERT_EQ(r.status, 200u);
  r = Decide(mod1_, S(r.Json().at("case").at("id")),
             {{"action", "warn"},
              {"reason", "Prepayment request"},
              {"evidence",
               json::array{json::object{{"call_id", std::to_string(complained)}, {"from_ms", 0}, {"to_ms", 1000}}}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(*server_->retention().Purge(nullptr), 0);
  clock_.Advance(181 * kDay);
  EXPECT_EQ(*server_->retention().Purge(nullptr), 1);
  EXPECT_FALSE(fs::exists(recordings / std::to_string(complained)));
  EXPECT_EQ(Audit("recording.deleted").size(), 2u);
  // The job is queued by the server, once at a time.
  auto first = server_->retention().Schedule();
  ASSERT_TRUE(first);
  auto second = server_->retention().Schedule();
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
}

}  // namespace
}  // namespace vitrina
