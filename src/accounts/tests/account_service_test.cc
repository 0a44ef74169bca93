#include "accounts/account_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/random.h"
#include "store/open.h"

namespace vitrina::accounts {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIp = "10.0.0.1";

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(base::InitCrypto());
    dir_ = fs::temp_directory_path() / ("vitrina-accounts-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    store::StoreOptions so;
    so.sqlite.path = (dir_ / "a.db").string();
    store_ = std::move(*store::OpenStore(so));
    ASSERT_TRUE(store_->Migrate());
    AuthOptions ao;
    ao.password_hash = {1, 8192};  // minimum cost: tests check behaviour, not hashing cost
    ao.session_ttl_ms = 60'000;
    ao.login_max_failures_per_email = 3;
    service_ = std::make_unique<AccountService>(*store_, clock_, ao);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  base::ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AccountService> service_;
};

TEST_F(AccountServiceTest, RegisterLoginAuthenticateLogout) {
  auto reg = service_->Register({" Ann@Example.TEST ", "correct horse", "Ann"}, kIp);
  ASSERT_TRUE(reg) << reg.error().message;
  EXPECT_EQ(reg->user.email, "ann@example.test");
  EXPECT_NE(reg->user.password_hash.find("$argon2id$"), std::string::npos);

  auto login = service_->Login("ann@example.test", "correct horse", "1.2.3.4");
  ASSERT_TRUE(login);
  auto who = service_->Authenticate(login->token);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->user.id, reg->user.id);

  ASSERT_TRUE(service_->Logout(login->token));
  auto after = service_->Authenticate(login->token);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, "invalid_token");
}

TEST_F(AccountServiceTest, TokensExpire) {
  auto reg = service_->Register({"b@x.test", "password1", "B"}, kIp);
  ASSERT_TRUE(reg);
  EXPECT_TRUE(service_->Authenticate(reg->token));
  clock_.Advance(60'001);
  auto expired = service_->Authenticate(reg->token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().kind, base::ErrorKind::kUnauthenticated);
}

TEST_F(AccountServiceTest, TokenIsStoredOnlyHashed) {
  auto reg = service_->Register({"c@x.test", "password1", "C"}, kIp);
  ASSERT_TRUE(reg);
  auto raw = store_->Read([&](store::Tx& tx) { return tx.sessions().Find(reg->token); });
  ASSERT_TRUE(raw);
  EXPECT_FALSE(*raw);  // looking up by the token itself finds nothing
  auto hashed = store_->Read(
      [&](store::Tx& tx) { return tx.sessions().Find(base::Sha256Hex(reg->token)); });
  ASSERT_TRUE(hashed && *hashed);
}

TEST_F(AccountServiceTest, LoginIsRateLimitedPerEmail) {
  ASSERT_TRUE(service_->Register({"d@x.test", "password1", "D"}, kIp));
  for (int i = 0; i < 3; ++i) {
    auto bad = service_->Login("d@x.test", "wrong-password", "9.9.9.9");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "invalid_credentials");
  }
  auto limited = service_->Login("d@x.test", "password1", "9.9.9.9");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, "rate_limited");
  clock_.Advance(15 * 60 * 1000 + 1);
  EXPECT_TRUE(service_->Login("d@x.test", "password1", "9.9.9.9"));
}

TEST_F(AccountServiceTest, BlockedUserIsRefusedButMaySignInToAppeal) {
  auto reg = service_->Register({"e@x.test", "password1", "E"}, kIp);
  ASSERT_TRUE(reg);
  const auto until = clock_.NowMs() + 1000;
  ASSERT_TRUE(store_->Write([&](store::Tx& tx) {
    return tx.users().SetStatus(reg->user.id, "blocked", until, clock_.NowMs());
  }));
  auto auth = service_->Authenticate(reg->token);
  ASSERT_FALSE(auth);
  EXPECT_EQ(auth.error().code, "user_blocked");
  // Signing in works (the session reaches only the statement of reasons and the appeal,
  // which the API asks for with allow_blocked).
  auto login = service_->Login("e@x.test", "password1", "1.1.1.1");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->user.status, "blocked");
  EXPECT_FALSE(service_->Authenticate(login->token));
  EXPECT_TRUE(service_->Authenticate(login->token, /*allow_blocked=*/true));
  clock_.Advance(1001);  // a temporary block lapses by itself
  EXPECT_TRUE(service_->Authenticate(reg->token));
}

TEST_F(AccountServiceTest, RejectsBadInput) {
  EXPECT_EQ(service_->Register({"not-an-email", "password1", "X"}, kIp).error().code, "invalid_email");
  EXPECT_EQ(service_->Register({"x@y.test", "short", "X"}, kIp).error().code, "invalid_password");
  EXPECT_EQ(service_->Register({"x@y.test", "password1", "  "}, kIp).error().code,
            "invalid_display_name");
  EXPECT_EQ(service_->Register({"x@y.test", "password1", "X", "Nowhere/Land"}, kIp).error().code,
            "invalid_timezone");
  ASSERT_TRUE(service_->Register({"x@y.test", "password1", "X"}, kIp));
  EXPECT_EQ(service_->Register({"X@Y.test", "password1", "X"}, kIp).error().code, "email_taken");
}

TEST_F(AccountServiceTest, SelfRegistrationNeverGrantsStaffRoles) {
  Registration r{"f@x.test", "password1", "F"};
  r.roles = {Role::kAdmin};
  auto reg = service_->Register(r, kIp);
  ASSERT_TRUE(reg);
  EXPECT_FALSE(HasRole(reg->user, Role::kAdmin));
  auto promoted = service_->SetRoles(reg->user.id, {"moderator"});
  ASSERT_TRUE(promoted);
  EXPECT_TRUE(HasRole(*promoted, Role::kModerator));
  EXPECT_TRUE(HasRole(*promoted, Role::kUser));
  EXPECT_EQ(service_->SetRoles(reg->user.id, {"emperor"}).error().code, "invalid_role");
}

TEST_F(AccountServiceTest, RegistrationIsLimitedPerAddressAndChecksTheEmailBeforeHashing) {
  AuthOptions ao;
  ao.password_hash = {1, 8192};
  ao.register_max_per_ip = 4;
  ao.register_max_taken_per_ip = 2;
  ao.register_window_ms = 60'000;
  AccountService service(*store_, clock_, ao);
  ASSERT_TRUE(service.Register({"g1@x.test", "password1", "G"}, "10.1.1.1"));
  // A taken address is answered without hashing the password.
  const auto hashed = service.hasher().completed();
  EXPECT_EQ(service.Register({"g1@x.test", "password1", "G"}, "10.1.1.1").error().code, "email_taken");
  EXPECT_EQ(service.hasher().completed(), hashed) << "the address is checked before the hash";
  EXPECT_EQ(service.Register({"G1@x.test", "password1", "G"}, "10.1.1.1").error().code, "email_taken");
  // Two "taken" answers: this address probes no more in this window, new addresses included.
  auto limited = service.Register({"g2@x.test", "password1", "G"}, "10.1.1.1");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, "rate_limited");
  EXPECT_GT(limited.error().retry_after_s, 0);
  // Another address registers; after four attempts it is limited too, taken or not.
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(service.Register({"h" + std::to_string(i) + "@x.test", "password1", "H"}, "10.2.2.2"));
  }
  EXPECT_EQ(service.Register({"h9@x.test", "password1", "H"}, "10.2.2.2").error().code, "rate_limited");
  // The window passes.
  clock_.Advance(60'001);
  EXPECT_TRUE(service.Register({"g2@x.test", "password1", "G"}, "10.1.1.1"));
}

}  // namespace
}  // namespace vitrina::accounts
