// The hardening of issue 11 through the real server: request bodies must be JSON (no cross-site
// form can sign anyone in), a cookie on a request another site started acts for no one,
// registration is limited and does not hash for a taken address, the client address behind a
// proxy is the proxy's last hop, and live sockets end with their session and are capped.
#include <fstream>

#include "server_fixture.h"

namespace vitrina {
namespace {

class SecurityTest : public ServerTest {
 protected:
  void Configure(app::Config& c) override {
    c.ws_max_per_user = 2;
    c.ws_revalidate_seconds = 1;
  }
  std::string CookieOf(const ClientResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == "set-cookie" && v.starts_with(name + "=")) return v;
    }
    return "";
  }
};

TEST_F(SecurityTest, BodiesMustBeJsonSoNoCrossSiteFormSignsAnyoneIn) {
  Register("victim@s.test");
  const std::string form = R"({"email": "victim@s.test", "password": "password123"})";
  // What a cross-site <form enctype="text/plain"> (or urlencoded, multipart) sends.
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                 "application/jsonp", "text/json"}) {
    ExpectError(Call("POST", "/api/v1/auth/login", "", form, {{"Content-Type", type}}), 415, "unsupported_media_type");
    ExpectError(Call("POST", "/api/v1/auth/register", "", form, {{"Content-Type", type}}), 415,
                "unsupported_media_type");
  }
  // JSON in any spelling of its media type.
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", "", form, {{"Content-Type", "application/json"}}).status, 200u);
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", "", form, {{"Content-Type", "Application/JSON; charset=utf-8"}}).status,
            200u);
  // A signed-in write with a form body is refused too, after who may act was checked.
  auto a = Register("writer@s.test");
  ExpectError(Call("PATCH", "/api/v1/me", a.token, R"({"display_name": "X"})", {{"Content-Type", "text/plain"}}), 415,
              "unsupported_media_type");
  ExpectError(Call("PATCH", "/api/v1/me", "", R"({"display_name": "X"})", {{"Content-Type", "text/plain"}}), 401,
              "unauthenticated");
  // Bodiless writes need no type.
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", a.token).status, 204u);
}

TEST_F(SecurityTest, ACookieOnARequestAnotherSiteStartedActsForNoOne) {
  auto mod = Register("mod@s.test");
  SetRoles(mod, {"user", "moderator"});
  auto login = Call("POST", "/api/v1/auth/login", "", json::object{{"email", "mod@s.test"}, {"password", "password123"}});
  ASSERT_EQ(login.status, 200u);
  const auto session = CookieOf(login, "vitrina_session");
  EXPECT_NE(session.find("SameSite=Strict"), std::string::npos) << session;
  EXPECT_NE(session.find("HttpOnly"), std::string::npos) << session;
  EXPECT_NE(CookieOf(login, "vitrina_csrf").find("SameSite=Strict"), std::string::npos);
  const std::string cookie = "vitrina_session=" + S(login.Json().at("token"));
  // A link on another site to the moderator's search: refused, and nothing is written in their name.
  auto admin = Register("admin@s.test");
  MakeAdmin(admin);
  auto planted = Call("GET", "/api/v1/search?q=attacker+text", "", "",
                      {{"Cookie", cookie}, {"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Mode", "navigate"}});
  ExpectError(planted, 403, "cross_site");
  auto entries = Call("GET", "/api/v1/admin/audit?action=transcript.searched", admin.token).Json();
  EXPECT_TRUE(entries.at("items").as_array().empty()) << json::serialize(entries);
  // The same search from our own page is the moderator's, and on the record.
  EXPECT_EQ(Call("GET", "/api/v1/search?q=own+text", "", "", {{"Cookie", cookie}, {"Sec-Fetch-Site", "same-origin"}})
                .status,
            200u);
  entries = Call("GET", "/api/v1/admin/audit?action=transcript.searched", admin.token).Json();
  EXPECT_EQ(entries.at("items").as_array().size(), 1u);
  // A Bearer token is no ambient credential: the header does not matter to it.
  EXPECT_EQ(Call("GET", "/api/v1/me", mod.token, "", {{"Sec-Fetch-Site", "cross-site"}}).status, 200u);
}

class RegistrationLimitTest : public ServerTest {
 protected:
  void Configure(app::Config& c) override {
    c.register_max_per_ip = 3;
    c.register_max_taken_per_ip = 1000;
    c.refusal_delay_ms = 300;
  }
};

TEST_F(RegistrationLimitTest, RegistrationIsRateLimitedPerAddressWithRetryAfter) {
  Register("r1@s.test");
  Register("r2@s.test");
  ExpectError(Call("POST", "/api/v1/auth/register", "",
                   json::object{{"email", "r1@s.test"}, {"password", "password123"}, {"display_name", "R"}}),
              409, "email_taken");  // the third attempt: counted too
  // The refusal is held (a timer, no thread) before it is sent: a flood that waits for its
  // answers slows to one request per connection per delay.
  const auto asked = std::chrono::steady_clock::now();
  auto limited = Call("POST", "/api/v1/auth/register", "",
                      json::object{{"email", "r4@s.test"}, {"password", "password123"}, {"display_name", "R"}});
  EXPECT_GE(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(300));
  ExpectError(limited, 429, "rate_limited");
  EXPECT_GT(std::stoi(limited.Header("retry-after")), 0);
  // Logins are not registrations: the address still signs in.
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", "", json::object{{"email", "r1@s.test"}, {"password", "password123"}})
                .status,
            200u);
}

class ProxiedTest : public ServerTest {
 protected:
  void Configure(app::Config& c) override {
    c.trust_forwarded_for = true;
    c.login_max_failures_per_ip = 2;
  }
};

TEST_F(ProxiedTest, TheClientAddressIsTheLastHopOfEveryForwardedForLine) {
  Register("p@s.test");
  // The client forges a first line; our proxy appends its own line naming the real client.
  auto forged = [](const std::string& fake) {
    return Headers{{"X-Forwarded-For", fake}, {"X-Forwarded-For", "203.0.113.7"}};
  };
  auto post = [&](const Headers& h) {
    return client_->Send("POST", "/api/v1/auth/login",
                         json::serialize(json::object{{"email", "p@s.test"}, {"password", "wrong-password"}}), h);
  };
  EXPECT_EQ(post(forged("10.0.0.1")).status, 401u);
  EXPECT_EQ(post(forged("10.0.0.2")).status, 401u);
  // A third forged first line does not make a new client: 203.0.113.7 is limited.
  EXPECT_EQ(post(forged("10.0.0.3")).status, 429u);
  EXPECT_EQ(post({{"X-Forwarded-For", "10.9.9.9, 203.0.113.7"}}).status, 429u);
  // Another real client is not.
  EXPECT_EQ(post({{"X-Forwarded-For", "198.51.100.1"}}).status, 401u);
}

TEST_F(SecurityTest, LiveSocketsEndWithTheirSessionAndAreCappedPerUser) {
  auto a = Register("ws1@s.test");
  const Headers bearer = {{"Authorization", "Bearer " + a.token}};
  testing::WsClient first(server_->port(), "/api/v1/ws", bearer);
  ASSERT_TRUE(first.Read());  // hello
  testing::WsClient second(server_->port(), "/api/v1/ws", bearer);
  ASSERT_TRUE(second.Read());
  // A third socket of the same account is closed at once with a code the page can read.
  testing::WsClient third(server_->port(), "/api/v1/ws", bearer);
  EXPECT_FALSE(third.Read());
  EXPECT_TRUE(third.closed());
  EXPECT_EQ(third.close_code(), 4029u);
  // Another account is not affected.
  auto b = Register("ws2@s.test");
  testing::WsClient other(server_->port(), "/api/v1/ws", {{"Authorization", "Bearer " + b.token}});
  ASSERT_TRUE(other.Read());

  // The session expires (the fixture's sessions last an hour): its sockets close with 4001.
  clock_.Advance(3'600'001);
  EXPECT_FALSE(first.Read(10'000));
  EXPECT_TRUE(first.closed());
  EXPECT_EQ(first.close_code(), 4001u);
  EXPECT_FALSE(second.Read(10'000));
  EXPECT_EQ(second.close_code(), 4001u);
}

TEST_F(SecurityTest, ASocketWhoseSessionIsRevokedElsewhereIsClosed) {
  auto a = Register("ws3@s.test");
  testing::WsClient ws(server_->port(), "/api/v1/ws", {{"Authorization", "Bearer " + a.token}});
  ASSERT_TRUE(ws.Read());
  // Revoked without going through this process (another node, an operator, a purge).
  ASSERT_TRUE(server_->store().Write([&](store::Tx& tx) {
    return tx.sessions().Delete(base::Sha256Hex(a.token));
  }));
  EXPECT_FALSE(ws.Read(10'000));
  EXPECT_TRUE(ws.closed());
  EXPECT_EQ(ws.close_code(), 4001u);
}

}  // namespace
}  // namespace vitrina
