// API integration tests: the whole server in-process on port 0, real SQLite, real HTTP.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <thread>

#include "app/server.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/random.h"
#include "base/timezone.h"
#include "support/http_client.h"
#include <set>

#include "server_fixture.h"

namespace vitrina {
namespace {

class ApiTest : public ServerTest {};

TEST_F(ApiTest, RegisterLoginMeLogout) {
  Account a = Register("ann@example.test", "Ann");
  auto me = Call("GET", "/api/v1/me", a.token);
  ASSERT_EQ(me.status, 200u);
  EXPECT_EQ(me.Json().at("email"), "ann@example.test");
  EXPECT_EQ(me.Json().at("roles").as_array().size(), 1u);
  EXPECT_EQ(me.Json().as_object().if_contains("password_hash"), nullptr);

  auto login = Call("POST", "/api/v1/auth/login", "",
                    json::object{{"email", "ANN@example.test"}, {"password", "password123"}});
  ASSERT_EQ(login.status, 200u) << login.body;
  const std::string token2(login.Json().at("token").as_string());
  EXPECT_NE(token2, a.token);

  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", token2).status, 204u);
  ExpectError(Call("GET", "/api/v1/me", token2), 401, "invalid_token");
  EXPECT_EQ(Call("GET", "/api/v1/me", a.token).status, 200u);  // other session unaffected

  ExpectError(Call("POST", "/api/v1/auth/login", "",
                   json::object{{"email", "ann@example.test"}, {"password", "wrong-one"}}),
              401, "invalid_credentials");
  ExpectError(Call("GET", "/api/v1/me"), 401, "unauthenticated");
  ExpectError(Call("GET", "/api/v1/me", "made-up-token"), 401, "invalid_token");
  ExpectError(Call("POST", "/api/v1/auth/register", "",
                   json::object{{"email", "ann@example.test"}, {"password", "password123"},
                                {"display_name", "Again"}}),
              409, "email_taken");
}

TEST_F(ApiTest, TokensExpire) {
  Account a = Register("exp@example.test");
  EXPECT_EQ(Call("GET", "/api/v1/me", a.token).status, 200u);
  clock_.Advance(3600 * 1000 + 1);
  ExpectError(Call("GET", "/api/v1/me", a.token), 401, "invalid_token");
}

TEST_F(ApiTest, RolesAreChecked) {
  Account user = Register("user@example.test");
  Account admin = Register("admin@example.test");
  MakeAdmin(admin);
  ExpectError(Call("GET", "/api/v1/admin/users", user.token), 403, "forbidden");
  ExpectError(Call("POST", "/api/v1/admin/users/" + user.id + "/roles", user.token,
                   json::object{{"roles", json::array{"admin"}}}),
              403, "forbidden");
  ExpectError(Call("GET", "/api/v1/admin/users"), 401, "unauthenticated");

  auto list = Call("GET", "/api/v1/admin/users", admin.token);
  ASSERT_EQ(list.status, 200u);
  EXPECT_EQ(list.Json().at("items").as_array().size(), 2u);

  auto granted = Call("POST", "/api/v1/admin/users/" + user.id + "/roles", admin.token,
                      json::object{{"roles", json::array{"moderator"}}});
  ASSERT_EQ(granted.status, 200u) << granted.body;
  EXPECT_EQ(granted.Json().at("roles").as_array().size(), 2u);
  ExpectError(Call("POST", "/api/v1/admin/users/" + user.id + "/roles", admin.token,
                   json::object{{"roles", json::array{"emperor"}}}),
              400, "invalid_role");
  ExpectError(Call("POST", "/api/v1/admin/users/999999/roles", admin.token,
                   json::object{{"roles", json::array{"moderator"}}}),
              404, "user_not_found");
  auto skills = Call("PUT", "/api/v1/admin/users/" + user.id + "/skills", admin.token,
                     json::object{{"skills", json::array{"vertical:auto", "lang:ru"}}});
  ASSERT_EQ(skills.status, 200u) << skills.body;
  EXPECT_EQ(skills.Json().at("skills").as_array().size(), 2u);
  ExpectError(Call("PUT", "/api/v1/admin/users/" + user.id + "/skills", admin.token,
                   json::object{{"skills", json::array{"vertical:boats"}}}),
              400, "invalid_skill");
}

TEST_F(ApiTest, OnlyTheSellerEditsAListing) {
  Account seller = Register("seller@example.test");
  Account other = Register("other@example.test");
  const std::string id = CreateListing(seller);
  ExpectError(Call("PATCH", "/api/v1/listings/" + id, other.token, json::object{{"price", 1}}),
              403, "not_listing_owner");
  ExpectError(Call("POST", "/api/v1/listings/" + id + "/archive", other.token), 403,
              "not_listing_owner");
  auto still = Call("GET", "/api/v1/listings/" + id);
  EXPECT_EQ(still.Json().at("price"), 100);
  auto edited = Call("PATCH", "/api/v1/listings/" + id, seller.token, json::object{{"price", 90}});
  ASSERT_EQ(edited.status, 200u);
  EXPECT_EQ(edited.Json().at("price"), 90);
  ExpectError(Call("PATCH", "/api/v1/listings/424242", seller.token, json::object{{"price", 1}}),
              404, "listing_not_found");
  ExpectError(Call("PATCH", "/api/v1/listings/abc", seller.token, json::object{{"price", 1}}),
              404, "listing_not_found");
}

TEST_F(ApiTest, BadInputGetsClearJsonErrors) {
  Account a = Register("bad@example.test");
  ExpectError(Call("POST", "/api/v1/listings", a.token, std::string("{\"title\": ")), 400, "invalid_json");
  ExpectError(Call("POST", "/api/v1/listings", a.token, std::string("[1,2]")), 400, "invalid_json");
  ExpectError(Call("POST", "/api/v1/listings", a.token, std::string("")), 400, "invalid_json");
  ExpectError(Call("POST", "/api/v1/listings", a.token,
                   json::object{{"title", "x"}, {"price", "100"}, {"vertical", "goods"}}),
              400, "invalid_type");
  ExpectError(Call("POST", "/api/v1/listings", a.token,
                   json::object{{"title", "x"}, {"price", 1.5}, {"vertical", "goods"}}),
              400, "invalid_type");
  ExpectError(Call("POST", "/api/v1/listings", a.token,
                   json::object{{"title", 5}, {"price", 1}, {"vertical", "goods"}}),
              400, "invalid_type");
  ExpectError(Call("POST", "/api/v1/listings", a.token, json::object{{"title", "x"}}), 400,
              "missing_field");
  ExpectError(Call("POST", "/api/v1/listings", a.token,
                   json::object{{"title", "x"}, {"price", -1}, {"vertical", "goods"}}),
              400, "invalid_price");
  ExpectError(Call("POST", "/api/v1/listings", a.token,
                   json::object{{"title", "x"}, {"price", 1}, {"vertical", "boats"}}),
              400, "invalid_vertical");
  ExpectError(Call("POST", "/api/v1/auth/register", "", json::object{{"email", "a@b.test"}}), 400,
              "missing_field");
  // Invalid UTF-8 inside a JSON string.
  ExpectError(Call("POST", "/api/v1/listings", a.token,
                   std::string("{\"title\":\"\xC3\x28\",\"price\":1,\"vertical\":\"goods\"}")),
              400, "invalid_json");
  // Oversized body (limit 64 KiB in this test).
  ExpectError(Call("POST", "/api/v1/listings", a.token,
                   json::object{{"title", std::string(100 * 1024, 'x')}, {"price", 1},
                                {"vertical", "goods"}}),
              413, "body_too_large");
  ExpectError(Call("GET", "/api/v1/listings?limit=0"), 400, "invalid_limit");
  ExpectError(Call("GET", "/api/v1/listings?video_call_ready=maybe"), 400, "invalid_video_call_ready");
  ExpectError(Call("GET", "/api/v1/listings?cursor=-5"), 400, "invalid_cursor");
  ExpectError(Call("GET", "/api/v1/nothing-here"), 404, "not_found");
  auto not_allowed = Call("DELETE", "/api/v1/me", a.token);
  ExpectError(not_allowed, 405, "method_not_allowed");
  EXPECT_EQ(not_allowed.Header("allow"), "GET, PATCH");
  // Nothing was half-written by all of the above.
  auto mine = Call("GET", "/api/v1/listings?seller_id=" + a.id + "&status=all", a.token);
  ASSERT_EQ(mine.status, 200u) << mine.body;
  EXPECT_TRUE(mine.Json().at("items").as_array().empty());
  // The server is still fine.
  EXPECT_EQ(Call("GET", "/healthz").status, 200u);
}

TEST_F(ApiTest, SqlIshStringsAreStoredVerbatim) {
  Account a = Register("sql@example.test", "Robert'); DROP TABLE users;--");
  const std::string evil = "'; DELETE FROM listings WHERE '1'='1 \" OR 1=1 -- %_";
  const std::string id = CreateListing(a, json::object{{"title", evil}, {"description", evil}});
  auto got = Call("GET", "/api/v1/listings/" + id);
  EXPECT_EQ(S(got.Json().at("title")), evil);
  EXPECT_EQ(got.Json().at("seller_name"), "Robert'); DROP TABLE users;--");
  auto search = Call("GET", "/api/v1/listings?q=%25_");
  EXPECT_EQ(search.Json().at("items").as_array().size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/me", a.token).status, 200u);
}

TEST_F(ApiTest, CookieSessionsNeedCsrfTokenForWrites) {
  auto reg = Call("POST", "/api/v1/auth/register", "",
                  json::object{{"email", "cookie@example.test"}, {"password", "password123"},
                               {"display_name", "C"}});
  ASSERT_EQ(reg.status, 201u);
  std::string session_cookie, csrf_cookie;
  for (auto [it, end] = reg.headers.equal_range("set-cookie"); it != end; ++it) {
    const auto& v = it->second;
    if (v.starts_with("vitrina_session=")) {
      session_cookie = v.substr(0, v.find(';'));
      EXPECT_NE(v.find("HttpOnly"), std::string::npos);
      EXPECT_NE(v.find("SameSite=Strict"), std::string::npos);
    }
    if (v.starts_with("vitrina_csrf=")) csrf_cookie = v.substr(0, v.find(';'));
  }
  ASSERT_FALSE(session_cookie.empty());
  ASSERT_FALSE(csrf_cookie.empty());
  const std::string csrf = csrf_cookie.substr(csrf_cookie.find('=') + 1);
  EXPECT_EQ(csrf, S(reg.Json().at("csrf_token")));
  const Headers cookie = {{"Cookie", session_cookie + "; " + csrf_cookie}};

  EXPECT_EQ(Call("GET", "/api/v1/me", "", "", cookie).status, 200u);
  const std::string body = R"({"title":"t","price":1,"vertical":"goods"})";
  ExpectError(Call("POST", "/api/v1/listings", "", body, cookie), 403, "csrf_failed");
  Headers wrong = cookie;
  wrong.emplace_back("X-CSRF-Token", "nope");
  ExpectError(Call("POST", "/api/v1/listings", "", body, wrong), 403, "csrf_failed");
  Headers right = cookie;
  right.emplace_back("X-CSRF-Token", csrf);
  EXPECT_EQ(Call("POST", "/api/v1/listings", "", body, right).status, 201u);
  // A stale cookie does not break public pages.
  EXPECT_EQ(Call("GET", "/api/v1/listings", "", "", {{"Cookie", "vitrina_session=stale"}}).status, 200u);
}

TEST_F(ApiTest, BlockedUserGets403EverywhereButTheirSanctionsAndAppeal) {
  Account a = Register("blocked@example.test");
  const std::string listing = CreateListing(a);
  ASSERT_TRUE(server_->store().Write([&](store::Tx& tx) {
    return tx.users().SetStatus(std::stoll(a.id), "blocked", std::nullopt, clock_.NowMs());
  }));
  ExpectError(Call("GET", "/api/v1/listings", a.token), 403, "user_blocked");
  ExpectError(Call("POST", "/api/v1/listings", a.token, json::object{{"title", "x"}}), 403,
              "user_blocked");
  ExpectError(Call("GET", "/api/v1/conversations", a.token), 403, "user_blocked");
  // What a blocked user may still do (docs/moderation.md): see who they are, their
  // sanctions and notifications, appeal, sign out; and sign in again to do so.
  auto me = Call("GET", "/api/v1/me", a.token);
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(S(me.Json().at("status")), "blocked");
  EXPECT_EQ(Call("GET", "/api/v1/sanctions", a.token).status, 200u);
  EXPECT_EQ(Call("GET", "/api/v1/notifications", a.token).status, 200u);
  auto login = Call("POST", "/api/v1/auth/login", "",
                    json::object{{"email", "blocked@example.test"}, {"password", "password123"}});
  ASSERT_EQ(login.status, 200u) << login.body;
  EXPECT_EQ(S(login.Json().at("user").at("status")), "blocked");
  ExpectError(Call("GET", "/api/v1/listings", S(login.Json().at("token"))), 403, "user_blocked");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", a.token).status, 204u);
  // Their listings are hidden from everyone else.
  ExpectError(Call("GET", "/api/v1/listings/" + listing), 404, "listing_not_found");
  EXPECT_TRUE(Call("GET", "/api/v1/listings").Json().at("items").as_array().empty());
}

TEST_F(ApiTest, ForwardedForIsIgnoredUnlessTrusted) {
  // Without trust_forwarded_for, a client cannot dodge the per-IP limit by inventing
  // X-Forwarded-For: failures on five different emails all count against 127.0.0.1.
  Register("fwd@example.test");
  for (int i = 0; i < 5; ++i) {
    Call("POST", "/api/v1/auth/login", "",
         json::serialize(json::object{{"email", "nobody" + std::to_string(i) + "@example.test"},
                                      {"password", "bad-pass"}}),
         {{"X-Forwarded-For", "10.0.0." + std::to_string(i)}});
  }
  auto r = Call("POST", "/api/v1/auth/login", "",
                json::serialize(json::object{{"email", "fwd@example.test"}, {"password", "password123"}}),
                {{"X-Forwarded-For", "10.9.9.9"}});
  ExpectError(r, 429, "rate_limited");
}

TEST_F(ApiTest, LoginIsRateLimited) {
  Register("rl@example.test");
  for (int i = 0; i < 3; ++i) {
    Call("POST", "/api/v1/auth/login", "", json::object{{"email", "rl@example.test"}, {"password", "bad-pass"}});
  }
  auto r = Call("POST", "/api/v1/auth/login", "",
                json::object{{"email", "rl@example.test"}, {"password", "password123"}});
  ExpectError(r, 429, "rate_limited");
  const int retry = std::stoi(r.Header("retry-after"));
  EXPECT_GT(retry, 60);  // the rest of the 15-minute window
  EXPECT_LE(retry, 15 * 60);
}

TEST_F(ApiTest, VideoCallFlagHoursAndFeedFilter) {
  Account seller = Register("vc@example.test");
  const std::string plain = CreateListing(seller);
  const std::string ready = CreateListing(seller, json::object{{"video_call_ready", true}});
  // Hours that never include now: the day before yesterday..., use a range on another day.
  const auto local = base::ToLocalTime(clock_.NowMs(), "UTC");
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  const std::string other_day = kDays[(local->weekday + 2) % 7];
  const std::string later = CreateListing(
      seller, json::object{{"video_call_ready", true},
                           {"call_hours", json::object{{"timezone", "UTC"},
                                                       {"weekly", json::array{json::object{
                                                                      {"day", other_day},
                                                                      {"from", "10:00"},
                                                                      {"to", "11:00"}}}}}}});
  EXPECT_EQ(Call("GET", "/api/v1/listings/" + plain).Json().at("video_call_available_now"), false);
  EXPECT_EQ(Call("GET", "/api/v1/listings/" + ready).Json().at("video_call_available_now"), true);
  auto later_json = Call("GET", "/api/v1/listings/" + later).Json();
  EXPECT_EQ(later_json.at("video_call_ready"), true);
  EXPECT_EQ(later_json.at("video_call_available_now"), false);
  EXPECT_EQ(later_json.at("call_hours").at("weekly").as_array().size(), 1u);

  auto feed = Call("GET", "/api/v1/listings?video_call_ready=true").Json().at("items").as_array();
  ASSERT_EQ(feed.size(), 2u);
  for (auto& item : feed) EXPECT_EQ(item.at("video_call_ready"), true);
  EXPECT_EQ(Call("GET", "/api/v1/listings").Json().at("items").as_array().size(), 3u);
  auto now = Call("GET", "/api/v1/listings?available_now=true").Json().at("items").as_array();
  ASSERT_EQ(now.size(), 1u);  // ready with no hours (any time); not the one with other-day hours
  EXPECT_EQ(S(now[0].at("id")), ready);

  ExpectError(Call("PATCH", "/api/v1/listings/" + ready, seller.token,
                   json::object{{"call_hours", json::object{{"timezone", "Mars/Base"}}}}),
              400, "invalid_timezone");
  // Pagination: two pages of one and two, no overlap.
  auto p1 = Call("GET", "/api/v1/listings?limit=1").Json();
  ASSERT_TRUE(p1.at("next_cursor").is_string());
  auto p2 = Call("GET", "/api/v1/listings?limit=5&cursor=" +
                            std::string(p1.at("next_cursor").as_string())).Json();
  EXPECT_EQ(p2.at("items").as_array().size(), 2u);
  EXPECT_TRUE(p2.at("next_cursor").is_null());
  // Archive hides from the feed; the seller still sees it with status=all.
  EXPECT_EQ(Call("POST", "/api/v1/listings/" + plain + "/archive", seller.token).status, 200u);
  EXPECT_EQ(Call("GET", "/api/v1/listings").Json().at("items").as_array().size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/listings?seller_id=" + seller.id + "&status=all", seller.token)
                .Json().at("items").as_array().size(), 3u);
  ExpectError(Call("GET", "/api/v1/listings?seller_id=" + seller.id + "&status=all"), 403,
              "not_listing_owner");
}

// At the largest page sizes (200 messages, 100 conversations) a longer list still gives a
// next_cursor, and the pages together hold every row once (the route asks the service for one
// row more than the page; the service must not clamp that row away).
TEST_F(ApiTest, TheLargestPagesStillLeadToTheRest) {
  auto seller = Register("bigpage-seller@x.test");
  auto buyer = Register("bigpage-buyer@x.test");
  const auto now = clock_.NowMs();
  std::string conv;
  ASSERT_TRUE(server_->store().Write([&](store::Tx& tx) -> base::Result<void> {
    for (int i = 0; i < 102; ++i) {  // 102 listings of the seller, a conversation with the buyer on each
      store::Listing l;
      l.seller_id = std::stoll(seller.id);
      l.title = "Item " + std::to_string(i);
      l.description = "d";
      l.vertical = "goods";
      l.call_hours_json = R"({"timezone":"UTC","weekly":[]})";
      auto listing = TRY(tx.listings().Insert(l));
      auto c = TRY(tx.chat().FindOrCreateConversation(listing.id, std::stoll(buyer.id), l.seller_id, now + i));
      TRY(tx.chat().InsertMessage(c.first.id, std::stoll(buyer.id), "hi " + std::to_string(i), now + i));
      conv = std::to_string(c.first.id);
    }
    for (int i = 0; i < 250; ++i) {
      TRY(tx.chat().InsertMessage(std::stoll(conv), std::stoll(buyer.id), "m" + std::to_string(i), now + 200 + i));
    }
    return {};
  }));
  std::set<std::string> seen;
  auto page = Call("GET", "/api/v1/conversations/" + conv + "/messages?limit=200", seller.token).Json();
  ASSERT_EQ(page.at("items").as_array().size(), 200u);
  ASSERT_TRUE(page.at("next_cursor").is_string()) << "251 messages, a page of 200: there is more";
  for (auto& m : page.at("items").as_array()) seen.insert(S(m.at("id")));
  page = Call("GET", "/api/v1/conversations/" + conv + "/messages?limit=200&cursor=" +
                         std::string(page.at("next_cursor").as_string()),
              seller.token).Json();
  EXPECT_EQ(page.at("items").as_array().size(), 51u);
  EXPECT_TRUE(page.at("next_cursor").is_null());
  for (auto& m : page.at("items").as_array()) seen.insert(S(m.at("id")));
  EXPECT_EQ(seen.size(), 251u);

  auto convs = Call("GET", "/api/v1/conversations?limit=100", buyer.token).Json();
  ASSERT_EQ(convs.at("items").as_array().size(), 100u);
  ASSERT_TRUE(convs.at("next_cursor").is_string()) << "102 conversations, a page of 100: there is more";
  convs = Call("GET", "/api/v1/conversations?limit=100&cursor=" + std::string(convs.at("next_cursor").as_string()),
               buyer.token).Json();
  EXPECT_EQ(convs.at("items").as_array().size(), 2u);
}

TEST_F(ApiTest, ChatBetweenBuyerAndSellerWithLiveDelivery) {
  Account seller = Register("s@example.test", "Seller");
  Account buyer = Register("b@example.test", "Buyer");
  Account stranger = Register("x@example.test", "Stranger");
  const std::string listing = CreateListing(seller);

  ExpectError(Call("POST", "/api/v1/listings/" + listing + "/conversations", seller.token), 409,
              "own_listing");
  auto opened = Call("POST", "/api/v1/listings/" + listing + "/conversations", buyer.token);
  ASSERT_EQ(opened.status, 201u) << opened.body;
  const std::string conv(opened.Json().at("id").as_string());
  EXPECT_EQ(S(opened.Json().at("buyer_id")), buyer.id);
  EXPECT_EQ(S(opened.Json().at("seller_id")), seller.id);
  auto again = Call("POST", "/api/v1/listings/" + listing + "/conversations", buyer.token);
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(S(again.Json().at("id")), conv);

  testing::WsClient ws(server_->port(), "/api/v1/ws", {{"Authorization", "Bearer " + seller.token}});
  auto hello = ws.Read();
  ASSERT_TRUE(hello);
  EXPECT_NE(hello->find("\"hello\""), std::string::npos);

  for (int i = 0; i < 3; ++i) {
    auto sent = Call("POST", "/api/v1/conversations/" + conv + "/messages", buyer.token,
                     json::object{{"text", "hello " + std::to_string(i)}});
    ASSERT_EQ(sent.status, 201u) << sent.body;
  }
  auto pushed = ws.Read();
  ASSERT_TRUE(pushed);
  auto event = json::parse(*pushed);
  EXPECT_EQ(event.at("type"), "message");
  EXPECT_EQ(S(event.at("conversation_id")), conv);
  EXPECT_EQ(S(event.at("message").at("text")), "hello 0");

  ExpectError(Call("GET", "/api/v1/conversations/" + conv, stranger.token), 404, "conversation_not_found");
  ExpectError(Call("GET", "/api/v1/conversations/" + conv + "/messages", stranger.token), 404,
              "conversation_not_found");
  ExpectError(Call("POST", "/api/v1/conversations/" + conv + "/messages", stranger.token,
                   json::object{{"text", "spam"}}),
              404, "conversation_not_found");
  ExpectError(Call("POST", "/api/v1/conversations/" + conv + "/messages", buyer.token,
                   json::object{{"text", "   "}}),
              400, "invalid_text");

  auto list = Call("GET", "/api/v1/conversations", seller.token).Json();
  EXPECT_EQ(list.at("unread_total"), 3);
  EXPECT_EQ(list.at("items").as_array()[0].at("unread_count"), 3);
  EXPECT_EQ(list.at("items").as_array()[0].at("last_message").at("text"), "hello 2");
  EXPECT_TRUE(Call("GET", "/api/v1/conversations", stranger.token).Json().at("items").as_array().empty());

  auto page1 = Call("GET", "/api/v1/conversations/" + conv + "/messages?limit=2", seller.token).Json();
  ASSERT_EQ(page1.at("items").as_array().size(), 2u);
  EXPECT_EQ(page1.at("items").as_array()[0].at("text"), "hello 1");
  auto page2 = Call("GET", "/api/v1/conversations/" + conv + "/messages?limit=2&cursor=" +
                               std::string(page1.at("next_cursor").as_string()),
                    seller.token).Json();
  ASSERT_EQ(page2.at("items").as_array().size(), 1u);
  EXPECT_EQ(page2.at("items").as_array()[0].at("text"), "hello 0");
  EXPECT_TRUE(page2.at("next_cursor").is_null());

  EXPECT_EQ(Call("POST", "/api/v1/conversations/" + conv + "/read", seller.token).status, 204u);
  EXPECT_EQ(Call("GET", "/api/v1/conversations", seller.token).Json().at("unread_total"), 0);

  // Archived: the buyer's conversation stays reachable, nobody can start a new one.
  EXPECT_EQ(Call("POST", "/api/v1/listings/" + listing + "/archive", seller.token).status, 200u);
  auto reopened = Call("POST", "/api/v1/listings/" + listing + "/conversations", buyer.token);
  EXPECT_EQ(reopened.status, 200u);
  EXPECT_EQ(S(reopened.Json().at("id")), conv);
  ExpectError(Call("POST", "/api/v1/listings/" + listing + "/conversations", stranger.token), 409,
              "listing_archived");
}

TEST_F(ApiTest, WebSocketNeedsAuthAndSameOrigin) {
  EXPECT_ANY_THROW(testing::WsClient(server_->port(), "/api/v1/ws", {}));
  Account a = Register("ws@example.test");
  EXPECT_ANY_THROW(testing::WsClient(server_->port(), "/api/v1/ws",
                                     {{"Authorization", "Bearer " + a.token},
                                      {"Origin", "https://evil.example"}}));
  testing::WsClient ok(server_->port(), "/api/v1/ws", {{"Authorization", "Bearer " + a.token}});
  ASSERT_TRUE(ok.Read());
  ok.Write(R"({"type":"ping"})");
  EXPECT_EQ(ok.Read(), R"({"type":"pong"})");
  // Logging out closes the sockets of that session.
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", a.token).status, 204u);
  EXPECT_FALSE(ok.Read(5000));
  EXPECT_TRUE(ok.closed());
}

TEST_F(ApiTest, OperationsEndpoints) {
  EXPECT_EQ(Call("GET", "/healthz").Json().at("status"), "ok");
  // Health checks and public reads never trip over a stale or malformed token.
  EXPECT_EQ(Call("GET", "/healthz", "stale-token").status, 200u);
  EXPECT_EQ(Call("GET", "/api/v1/listings", "stale-token").status, 200u);
  EXPECT_EQ(Call("GET", "/readyz", "", "", {{"Authorization", "Basic abc"}}).status, 200u);
  auto ready = Call("GET", "/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_GE(ready.Json().at("schema_version").as_int64(), 1);
  Call("GET", "/api/v1/listings");
  auto metrics = Call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.Header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("vitrina_http_requests_total{route=\"/api/v1/listings\",method=\"GET\",status=\"200\"}"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("vitrina_http_request_duration_seconds_bucket{route=\"/api/v1/listings\""),
            std::string::npos);
  auto traced = Call("GET", "/healthz", "", "", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(traced.Header("x-request-id"), "abc-123");
  const auto fresh1 = Call("GET", "/healthz", "", "", {{"X-Request-Id", "bad id\"<>"}}).Header("x-request-id");
  const auto fresh2 = Call("GET", "/healthz").Header("x-request-id");
  EXPECT_FALSE(fresh1.empty());
  EXPECT_EQ(fresh1.find_first_of(" \"<>"), std::string::npos);
  EXPECT_NE(fresh1, fresh2);
  auto openapi = Call("GET", "/api/v1/openapi.yaml");
  EXPECT_EQ(openapi.status, 200u);
  EXPECT_NE(openapi.body.find("openapi: 3"), std::string::npos);
}

// /readyz is open to anyone: it counts the media nodes but never names their internal
// addresses; an admin gets each node at GET /api/v1/admin/status.
TEST_F(ApiTest, ReadinessNamesNoInternalAddressesTheAdminStatusDoes) {
  const std::string node = "janus:" + server_->config().janus_url;  // the fixture's unreachable node
  auto ready = Call("GET", "/readyz");
  ASSERT_EQ(ready.status, 200u) << ready.body;
  EXPECT_EQ(ready.body.find(server_->config().janus_url), std::string::npos) << ready.body;
  EXPECT_EQ(ready.body.find("127.0.0.1"), std::string::npos) << ready.body;
  EXPECT_EQ(ready.body.find("janus"), std::string::npos) << ready.body;
  const auto ready_json = ready.Json();
  EXPECT_EQ(ready_json.at("status"), "ready");
  ASSERT_TRUE(ready_json.at("media").is_object()) << ready.body;
  EXPECT_EQ(ready_json.at("media").at("nodes").as_int64(), 1);
  EXPECT_EQ(ready_json.at("media").at("up").as_int64(), 0);

  const std::string path = "/api/v1/admin/status";
  ExpectError(Call("GET", path), 401, "unauthenticated");
  auto user = Register("user@x.test");
  ExpectError(Call("GET", path, user.token), 403, "forbidden");
  auto moderator = Register("moderator@x.test");
  SetRoles(moderator, {"moderator"});
  ExpectError(Call("GET", path, moderator.token), 403, "forbidden");
  auto admin = Register("admin@x.test");
  MakeAdmin(admin);
  auto status = Call("GET", path, admin.token);
  ASSERT_EQ(status.status, 200u) << status.body;
  const auto status_json = status.Json();
  EXPECT_EQ(status_json.at("status"), "ready");
  EXPECT_EQ(status_json.at("database").at("ready"), true);
  EXPECT_GE(status_json.at("database").at("schema_version").as_int64(), 1);
  const auto& media = status_json.at("media").as_array();
  ASSERT_EQ(media.size(), 1u) << status.body;
  EXPECT_EQ(S(media[0].at("node")), node);
  EXPECT_EQ(media[0].at("up"), false);
}

}  // namespace
}  // namespace vitrina
