#pragma once
// The fixture of the API integration tests: the whole server in-process on port 0, real
// SQLite, real HTTP, a ManualClock. Subclasses may override Configure().
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "app/server.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/random.h"
#include "support/http_client.h"

namespace vitrina {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::ClientResponse;
using testing::HttpClient;
using Headers = std::vector<std::pair<std::string, std::string>>;

// A JSON string value as std::string (other values serialised), for comparisons.
inline std::string S(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(base::InitCrypto());
    base::log::Init("warn");
    dir_ = fs::temp_directory_path() /
           ("vitrina-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    app::Config config;
    config.port = 0;
    config.data_dir = dir_.string();
    config.body_limit_bytes = 64 * 1024;
    config.password_opslimit = 1;  // behaviour, not hashing cost, is under test
    config.password_memlimit_kib = 8;
    config.login_max_failures_per_email = 3;
    config.login_max_failures_per_ip = 5;
    // Tests register many users from 127.0.0.1 under a clock that stands still.
    config.register_max_per_ip = 1'000'000;
    config.register_max_taken_per_ip = 1'000'000;
    config.refusal_delay_ms = 0;  // refusals at once; SecurityTest checks the delay
    config.session_ttl_hours = 1;
    // No media server unless a test asks for one: calls then answer 503.
    config.janus_url = "http://127.0.0.1:9/janus";
    config.media_admin_key = "test-admin-key";
    config.media_events_secret = "test-events-secret";
    config.job_retry_base_seconds = 0;
    config.asr_preload = false;  // most tests never transcribe: load the model on first use
    config.double_review_percent = 0;  // no random second reviews unless a test asks for them
    Configure(config);
    server_ = std::make_unique<app::Server>(config, &clock_);
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().message;
    client_ = std::make_unique<HttpClient>(server_->port());
  }
  // Tests override this to change the configuration before the server starts.
  virtual void Configure(app::Config&) {}
  void TearDown() override {
    client_.reset();
    server_.reset();
    fs::remove_all(dir_);
  }

  ClientResponse Call(const std::string& method, const std::string& path, const std::string& token = "",
                      const std::string& body = "", Headers headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return client_->Send(method, path, body, headers);
  }
  ClientResponse Call(const std::string& method, const std::string& path, const std::string& token,
                      const json::value& body) {
    return Call(method, path, token, json::serialize(body));
  }

  struct Account {
    std::string id;
    std::string token;
  };
  Account Register(const std::string& email, const std::string& name = "Someone") {
    auto r = Call("POST", "/api/v1/auth/register", "",
                  json::object{{"email", email}, {"password", "password123"}, {"display_name", name}});
    EXPECT_EQ(r.status, 201u) << r.body;
    auto v = r.Json();
    return {std::string(v.at("user").at("id").as_string()), std::string(v.at("token").as_string())};
  }
  std::string CreateListing(const Account& seller, json::object extra = {}) {
    json::object body{{"title", "Bike"}, {"description", "Red"}, {"price", 100}, {"vertical", "goods"}};
    for (auto& [k, v] : extra) body[k] = v;
    auto r = Call("POST", "/api/v1/listings", seller.token, body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return std::string(r.Json().at("id").as_string());
  }
  void MakeAdmin(const Account& a) {
    ASSERT_TRUE(server_->accounts().SetRoles(std::stoll(a.id), {"admin"}));
  }
  void SetRoles(const Account& a, std::vector<std::string> roles) {
    ASSERT_TRUE(server_->accounts().SetRoles(std::stoll(a.id), roles));
  }

  static void ExpectError(const ClientResponse& r, unsigned status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.ErrorCode(), code) << r.body;
    auto v = r.Json();
    ASSERT_TRUE(v.is_object()) << r.body;
    EXPECT_TRUE(v.at("error").at("message").is_string()) << r.body;
  }

  fs::path dir_;
  base::ManualClock clock_{base::SystemClock().NowMs()};
  std::unique_ptr<app::Server> server_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace vitrina
