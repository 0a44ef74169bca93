// The seller service level through the API (docs/service-level.md): the seller's page data
// from their stored activity, the history row, the reliable-seller badge on listings and in
// the feed filter — appearing when verified + 30 ratings ≥ 4.5 + green hold and going when
// one stops holding — and the admins' audited verified flag.
#include <chrono>
#include <thread>

#include "server_fixture.h"

namespace vitrina {
namespace {

constexpr base::TimeMs kHour = 3'600'000;

class ServiceLevelTest : public ServerTest {
 protected:
  // The tests move the clock a day on: sessions must outlive that.
  void Configure(app::Config& config) override { config.session_ttl_hours = 24 * 30; }
  void SetUp() override {
    ServerTest::SetUp();
    // Noon UTC: the calls placed hours back stay on today's (active) day.
    clock_.Set(service_level::DayStart(service_level::DayOf(clock_.NowMs())) + 12 * kHour);
  }
  json::object Level(const Account& seller, const std::string& accept_language = "") {
    Headers headers;
    if (!accept_language.empty()) headers.emplace_back("Accept-Language", accept_language);
    auto r = Call("GET", "/api/v1/me/service-level", seller.token, "", headers);
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200u) return {};
    return r.Json().as_object();
  }
  static const json::object& Param(const json::object& level, const std::string& code) {
    for (const auto& p : level.at("parameters").as_array()) {
      if (p.at("code").as_string() == code) return p.as_object();
    }
    ADD_FAILURE() << "no parameter " << code;
    static json::object none;
    return none;
  }
  // A buyer opens a conversation on the listing and writes; nobody answers.
  void UnansweredConversation(const std::string& listing, const std::string& email) {
    auto buyer = Register(email, "Buyer");
    auto r = Call("POST", "/api/v1/listings/" + listing + "/conversations", buyer.token, json::object{});
    ASSERT_TRUE(r.status == 201u || r.status == 200u) << r.body;
    const auto conversation = S(r.Json().at("id"));
    r = Call("POST", "/api/v1/conversations/" + conversation + "/messages", buyer.token,
             json::object{{"text", "Is it still available?"}});
    ASSERT_EQ(r.status, 201u) << r.body;
  }
  // `n` calls the buyer proposed, the seller accepted and attended, ended an hour ago, each
  // rated `stars` by the buyer.
  void RatedCalls(const std::string& listing, const Account& buyer, const Account& seller, int n, int stars) {
    for (int i = 0; i < n; ++i) {
      const auto call = EndedCall(listing, buyer, seller);
      store::CallRating rating;
      rating.call_id = call;
      rating.buyer_id = std::stoll(buyer.id);
      rating.seller_id = std::stoll(seller.id);
      rating.stars = stars;
      rating.created_at = clock_.NowMs();
      auto done = server_->store().Write([&](store::Tx& tx) { return tx.calls().InsertRating(rating); });
      ASSERT_TRUE(done) << done.error().message;
    }
  }
  // One ended call the buyer proposed and both attended, an hour ago, not rated.
  store::Id EndedCall(const std::string& listing, const Account& buyer, const Account& seller) {
    const auto now = clock_.NowMs();
    auto call = server_->store().Write([&](store::Tx& tx) -> base::Result<store::Id> {
      auto conversation = TRY(tx.chat().FindOrCreateConversation(std::stoll(listing), std::stoll(buyer.id),
                                                                  std::stoll(seller.id), now));
      store::Call c;
      c.conversation_id = conversation.first.id;
      c.listing_id = std::stoll(listing);
      c.buyer_id = std::stoll(buyer.id);
      c.seller_id = std::stoll(seller.id);
      c.proposed_by = c.buyer_id;
      c.state = "ended";
      c.created_at = now - 3 * kHour;
      c.accepted_at = now - 3 * kHour + 60'000;
      c.join_opens_at = now - 2 * kHour;
      c.join_closes_at = now - 2 * kHour + 600'000;
      c.started_at = now - 2 * kHour;
      c.ended_at = now - kHour;
      c.end_reason = "hangup";
      c.updated_at = now;
      return TRY(tx.calls().Insert(c)).id;
    });
    EXPECT_TRUE(call) << call.error().message;
    return call ? *call : 0;
  }
  json::array Badges(const std::string& listing) {
    auto r = Call("GET", "/api/v1/listings/" + listing);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.Json().at("seller_badges").as_array();
  }
  std::vector<std::string> ReliableFeed() {
    auto r = Call("GET", "/api/v1/listings?reliable_seller=true");
    EXPECT_EQ(r.status, 200u) << r.body;
    std::vector<std::string> ids;
    const auto body = r.Json();
    for (const auto& l : body.at("items").as_array()) ids.push_back(S(l.at("id")));
    return ids;
  }
  void SetVerified(const Account& admin, const Account& user, bool verified) {
    auto r = Call("PUT", "/api/v1/admin/users/" + user.id + "/verified", admin.token,
                  json::object{{"verified", verified}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.Json().at("verified").as_bool(), verified);
  }
};

TEST_F(ServiceLevelTest, NewSellerIsGreenWithOnlyWhatIsKnown) {
  auto seller = Register("new@s.test", "New");
  auto level = Level(seller);  // no listing, no activity: no level, green
  EXPECT_TRUE(level.at("level").is_null());
  EXPECT_EQ(level.at("zone").as_string(), "green");
  EXPECT_EQ(level.at("badge").at("missing").as_array()[0].as_string(), "level_unknown");

  CreateListing(seller);
  level = Level(seller);
  // Only listing_freshness knows something: one fresh listing.
  ASSERT_EQ(level.at("parameters").as_array().size(), 7u);
  EXPECT_TRUE(Param(level, "listing_freshness").at("applicable").as_bool());
  EXPECT_FALSE(Param(level, "answers_messages").at("applicable").as_bool());
  EXPECT_TRUE(Param(level, "answers_messages").at("score").is_null());
  EXPECT_EQ(level.at("level").as_int64(), 100);
  EXPECT_EQ(level.at("zone").as_string(), "green");
  EXPECT_FALSE(level.at("badge").at("reliable").as_bool());
}

TEST_F(ServiceLevelTest, OneWeakParameterMakesTheSellerRedWithItsRecommendation) {
  auto seller = Register("slow@s.test", "Slow");
  const auto listing = CreateListing(seller);
  for (int i = 0; i < 5; ++i) UnansweredConversation(listing, "buyer" + std::to_string(i) + "@s.test");
  // Younger than 24 h: not decided yet, so not counted.
  auto level = Level(seller);
  EXPECT_FALSE(Param(level, "answers_messages").at("applicable").as_bool());
  EXPECT_EQ(level.at("zone").as_string(), "green");

  clock_.Advance(25 * kHour);
  level = Level(seller);
  const json::object messages = Param(level, "answers_messages");  // a copy: `level` is reused
  EXPECT_TRUE(messages.at("applicable").as_bool());
  EXPECT_EQ(messages.at("score").as_int64(), 0);
  EXPECT_EQ(level.at("level").as_int64(), 0);
  EXPECT_EQ(level.at("zone").as_string(), "red");
  EXPECT_EQ(level.at("weakest").as_string(), "answers_messages");
  EXPECT_EQ(S(messages.at("recommendation")),
            "Answer buyers within 24 hours, even briefly; turn on notifications for new messages.");
  // Parameters in good shape carry no recommendation; the freshness one is 100.
  EXPECT_EQ(Param(level, "listing_freshness").at("score").as_int64(), 100);
  EXPECT_TRUE(Param(level, "listing_freshness").at("recommendation").is_null());
  EXPECT_TRUE(Param(level, "answers_calls").at("score").is_null());
  // The badge lists what is missing, in order.
  const auto& missing = level.at("badge").at("missing").as_array();
  ASSERT_EQ(missing.size(), 3u);
  EXPECT_EQ(missing[0].as_string(), "level_red");
  EXPECT_EQ(missing[1].as_string(), "ratings_few");
  EXPECT_EQ(missing[2].as_string(), "not_verified");

  // In Russian when the browser asks for it.
  level = Level(seller, "ru-RU,ru;q=0.9,en;q=0.8");
  EXPECT_EQ(level.at("language").as_string(), "ru");
  const std::string ru = S(Param(level, "answers_messages").at("recommendation"));
  EXPECT_NE(ru.find("24"), std::string::npos);
  EXPECT_NE(ru, S(messages.at("recommendation")));

  // An answer within 24 h is what counts: answering now does not repair the past.
  // The history keeps one row per day (upserted), with the parameters.
  auto rows = server_->store().Read([&](store::Tx& tx) { return tx.sellers().Levels(std::stoll(seller.id), 10); });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);  // today and the day 25 h ago
  EXPECT_EQ(rows->front().zone, "red");
  EXPECT_EQ(rows->front().level.value_or(-1), 0);
  EXPECT_NE(rows->front().parameters.find("answers_messages"), std::string::npos);
  EXPECT_EQ(rows->back().zone, "green");
}

TEST_F(ServiceLevelTest, ReliableSellerBadgeAppearsAndDisappears) {
  auto admin = Register("admin@s.test", "Admin");
  MakeAdmin(admin);
  auto seller = Register("good@s.test", "Good");
  auto other = Register("other@s.test", "Other");
  auto buyer = Register("buyer@s.test", "Buyer");
  const auto listing = CreateListing(seller);
  const auto other_listing = CreateListing(other);
  RatedCalls(listing, buyer, seller, 29, 5);

  // Green, verified, but 29 ratings: no badge.
  SetVerified(admin, seller, true);
  auto level = Level(seller);
  EXPECT_EQ(level.at("zone").as_string(), "green");
  ASSERT_FALSE(level.at("level").is_null());
  EXPECT_EQ(level.at("level").as_int64(), 100);
  EXPECT_FALSE(level.at("badge").at("reliable").as_bool());
  ASSERT_EQ(level.at("badge").at("missing").as_array().size(), 1u);
  EXPECT_EQ(level.at("badge").at("missing").as_array()[0].as_string(), "ratings_few");
  EXPECT_TRUE(Badges(listing).empty());

  // The 30th rating (4 stars: the average stays above 4.5): the badge, on the listing and in
  // the feed filter, once the level is recomputed (the seller opens the page).
  RatedCalls(listing, buyer, seller, 1, 4);
  level = Level(seller);
  EXPECT_TRUE(level.at("badge").at("reliable").as_bool()) << json::serialize(level);
  EXPECT_TRUE(level.at("badge").at("missing").as_array().empty());
  auto badges = Badges(listing);
  ASSERT_EQ(badges.size(), 1u);
  EXPECT_EQ(badges[0].as_string(), "reliable_seller");
  EXPECT_TRUE(Badges(other_listing).empty());
  auto feed = ReliableFeed();
  EXPECT_EQ(feed, std::vector<std::string>{listing});
  auto all = Call("GET", "/api/v1/listings?reliable_seller=false");
  ASSERT_EQ(all.status, 200u);
  ASSERT_EQ(all.Json().at("items").as_array().size(), 1u);
  EXPECT_EQ(S(all.Json().at("items").as_array()[0].at("id")), other_listing);
  ExpectError(Call("GET", "/api/v1/listings?reliable_seller=maybe"), 400, "invalid_reliable_seller");

  // Unverified by an admin: gone at once.
  SetVerified(admin, seller, false);
  EXPECT_TRUE(Badges(listing).empty());
  EXPECT_TRUE(ReliableFeed().empty());
  SetVerified(admin, seller, true);
  EXPECT_EQ(Badges(listing).size(), 1u);

  // The level turns red (five buyers left without an answer for a day): gone at the next
  // computation.
  for (int i = 0; i < 5; ++i) UnansweredConversation(listing, "asker" + std::to_string(i) + "@s.test");
  clock_.Advance(25 * kHour);
  level = Level(seller);
  EXPECT_EQ(level.at("zone").as_string(), "red");
  EXPECT_FALSE(level.at("badge").at("reliable").as_bool());
  EXPECT_EQ(level.at("badge").at("missing").as_array()[0].as_string(), "level_red");
  EXPECT_TRUE(Badges(listing).empty());
  EXPECT_TRUE(ReliableFeed().empty());
}

TEST_F(ServiceLevelTest, ARatingRecomputesTheSellersBadgeAtOnce) {
  auto admin = Register("admin@s.test", "Admin");
  MakeAdmin(admin);
  auto seller = Register("good@s.test", "Good");
  auto buyer = Register("buyer@s.test", "Buyer");
  const auto listing = CreateListing(seller);
  RatedCalls(listing, buyer, seller, 29, 5);
  SetVerified(admin, seller, true);
  EXPECT_TRUE(Badges(listing).empty());
  // One more ended call, rated through the API by its buyer: the badge follows without the
  // seller opening their page and without waiting for the daily job.
  const auto call = EndedCall(listing, buyer, seller);
  auto rated = Call("POST", "/api/v1/calls/" + std::to_string(call) + "/rating", buyer.token,
                    json::object{{"stars", 5}});
  ASSERT_EQ(rated.status, 201u) << rated.body;
  auto badges = Badges(listing);
  ASSERT_EQ(badges.size(), 1u);
  EXPECT_EQ(badges[0].as_string(), "reliable_seller");
}

TEST_F(ServiceLevelTest, AModeratorsDecisionRecomputesTheAccusedSellersLevel) {
  auto mod = Register("mod@s.test", "Mod");
  SetRoles(mod, {"user", "moderator"});
  auto seller = Register("seller@s.test", "Seller");
  auto buyer = Register("buyer@s.test", "Buyer");
  const auto listing = CreateListing(seller);
  const auto call = EndedCall(listing, buyer, seller);
  // The rows computed at this very moment (the clock stands still unless a test moves it).
  auto computed_now = [&] {
    auto rows = server_->store().Read([&](store::Tx& tx) { return tx.sellers().Levels(std::stoll(seller.id), 10); });
    EXPECT_TRUE(rows);
    std::size_t n = 0;
    for (const auto& r : rows ? *rows : std::vector<store::ServiceLevelRow>{}) n += r.computed_at == clock_.NowMs();
    return n;
  };
  // The daily job the server queues at start is done before the clock moves on a minute.
  bool daily_done = false;
  for (int i = 0; i < 400 && !daily_done; ++i) {
    auto done = server_->store().Read([](store::Tx& tx) -> base::Result<bool> {
      for (const auto& j : TRY(tx.jobs().List(std::string("done"), std::nullopt, 50))) {
        if (j.kind == "service_level_daily") return true;
      }
      return false;
    });
    daily_done = done && *done;
    if (!daily_done) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(daily_done);
  clock_.Advance(60'000);
  auto complained = Call("POST", "/api/v1/calls/" + std::to_string(call) + "/complaints", buyer.token,
                         json::object{{"category", "not_as_described"}, {"text", "The bike was not the one shown"}});
  ASSERT_EQ(complained.status, 201u) << complained.body;
  ASSERT_EQ(computed_now(), 0u);  // the seller has not visited; the daily job ran a minute ago
  auto next = Call("POST", "/api/v1/moderation/next", mod.token);
  ASSERT_EQ(next.status, 200u) << next.body;
  const auto case_id = S(next.Json().at("case").at("id"));
  auto decided = Call("POST", "/api/v1/moderation/cases/" + case_id + "/decision", mod.token,
                      json::object{{"action", "warn"}, {"reason", "The listing did not match the item shown"}});
  ASSERT_EQ(decided.status, 200u) << decided.body;
  EXPECT_EQ(computed_now(), 1u);  // recomputed with the decision
}

TEST_F(ServiceLevelTest, AdminSetsVerifiedAndItIsAudited) {
  auto admin = Register("admin@v.test", "Admin");
  MakeAdmin(admin);
  auto user = Register("user@v.test", "User");
  auto me = Call("GET", "/api/v1/me", user.token);
  EXPECT_FALSE(me.Json().at("verified").as_bool());

  SetVerified(admin, user, true);
  me = Call("GET", "/api/v1/me", user.token);
  EXPECT_TRUE(me.Json().at("verified").as_bool());

  auto audit = Call("GET", "/api/v1/admin/audit?action=user.verified_changed", admin.token);
  ASSERT_EQ(audit.status, 200u) << audit.body;
  const auto audit_body = audit.Json();
  const auto& items = audit_body.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(S(items[0].at("actor_id")), admin.id);
  EXPECT_EQ(S(items[0].at("object_id")), user.id);
  EXPECT_TRUE(items[0].at("details").at("verified").as_bool());

  ExpectError(Call("PUT", "/api/v1/admin/users/" + user.id + "/verified", admin.token,
                   json::object{{"verified", "yes"}}),
              400, "invalid_verified");
  ExpectError(Call("PUT", "/api/v1/admin/users/999999/verified", admin.token,
                   json::object{{"verified", true}}),
              404, "user_not_found");
  ExpectError(Call("PUT", "/api/v1/admin/users/" + user.id + "/verified", user.token,
                   json::object{{"verified", true}}),
              403, "forbidden");
  ExpectError(Call("GET", "/api/v1/me/service-level"), 401, "unauthenticated");
}

TEST_F(ServiceLevelTest, DailyJobRecomputesSellersWithActiveListings) {
  auto seller = Register("job@s.test", "Job");
  CreateListing(seller);
  Register("idle@s.test", "Idle");  // no listing: not computed
  seller::ServiceLevelService service(server_->store(), clock_);
  auto n = service.RecomputeAll(nullptr);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  auto rows = server_->store().Read([&](store::Tx& tx) { return tx.sellers().Levels(std::stoll(seller.id), 10); });
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 1u);
}

}  // namespace
}  // namespace vitrina
