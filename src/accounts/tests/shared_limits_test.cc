// Login and registration limits with several server processes on one database: with
// shared_limits (what the server sets on PostgreSQL) two AccountService objects on two Store
// objects of one PostgreSQL database — two processes — draw on one budget; on SQLite (one
// process) the limits stay in memory and a failed login writes nothing.
#include <gtest/gtest.h>

#include <filesystem>

#include "accounts/account_service.h"
#include "base/random.h"
#include "store/open.h"
#include "store/tests/test_backends.h"

namespace vitrina::accounts {
namespace {

namespace fs = std::filesystem;

// A moment at the start of a 15-minute window (fixed windows are multiples of the window).
constexpr base::TimeMs kStart = 1'700'000'100'000;
static_assert(kStart % (15 * 60 * 1000) == 0);

class SharedLimitsTest : public ::testing::Test {
 protected:
  void Open(const std::string& driver, bool shared_limits) {
    ASSERT_TRUE(base::InitCrypto());
    dir_ = fs::temp_directory_path() / ("vitrina-shared-limits-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_ = store::test_backends::FreshStoreOptions(driver, dir_);
    for (auto* s : {&store_a_, &store_b_}) {
      auto opened = store::OpenStore(options_);
      ASSERT_TRUE(opened) << opened.error().message;
      *s = std::move(*opened);
      ASSERT_TRUE((*s)->Migrate());
    }
    AuthOptions ao;
    ao.password_hash = {1, 8192};  // minimum cost: tests check behaviour, not hashing cost
    ao.login_max_failures_per_email = 10;
    ao.login_max_failures_per_ip = 50;
    ao.register_max_per_ip = 4;
    ao.register_max_taken_per_ip = 20;
    ao.login_window_ms = ao.register_window_ms = 15 * 60 * 1000;  // windows start at kStart
    ao.shared_limits = shared_limits;
    a_ = std::make_unique<AccountService>(*store_a_, clock_, ao);
    b_ = std::make_unique<AccountService>(*store_b_, clock_, ao);
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    store_a_.reset();
    store_b_.reset();
    store::test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  // The counter of `key` as SharedFailureLimiter `name` stores it, in the current window.
  std::int64_t StoredCount(const std::string& name, const std::string& key) {
    const std::string stored = base::Sha256Hex(name + ":" + key);
    auto n = store_a_->Read([&](store::Tx& tx) { return tx.limits().Count(stored, kStart); });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  }

  fs::path dir_;
  store::StoreOptions options_;
  base::ManualClock clock_{kStart};
  std::unique_ptr<store::Store> store_a_, store_b_;
  std::unique_ptr<AccountService> a_, b_;
};

TEST_F(SharedLimitsTest, TwoServersOnOnePostgresDatabaseShareTheLoginBudget) {
  Open("postgres", /*shared_limits=*/true);
  ASSERT_TRUE(a_->Register({"victim@x.test", "password1", "V"}, "10.0.0.1"));
  // Ten failures in all, six through one process and four through the other, from several
  // addresses (the per-IP limit is not what stops them).
  for (int i = 0; i < 10; ++i) {
    auto& service = i < 6 ? *a_ : *b_;
    auto bad = service.Login("victim@x.test", "wrong-password", "203.0.113." + std::to_string(i % 3));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "invalid_credentials") << "attempt " << i + 1;
  }
  // The eleventh is refused by either process, the right password included.
  for (auto* service : {a_.get(), b_.get()}) {
    auto limited = service->Login("victim@x.test", "password1", "198.51.100.7");
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.error().code, "rate_limited");
    EXPECT_EQ(limited.error().retry_after_s, 15 * 60);  // until the window ends
  }
  // Stored under a hash of the limiter and key, never the address itself.
  EXPECT_EQ(StoredCount("login_email", "email:victim@x.test"), 10);
  auto raw = store_a_->Read([&](store::Tx& tx) { return tx.limits().Count("email:victim@x.test", kStart); });
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, 0);
  EXPECT_EQ(StoredCount("login_ip", "ip:203.0.113.0"), 4);

  // The next window: a success through B clears the email's count for A too.
  clock_.Advance(15 * 60 * 1000);
  ASSERT_FALSE(a_->Login("victim@x.test", "wrong-password", "203.0.113.9"));
  EXPECT_TRUE(b_->Login("victim@x.test", "password1", "203.0.113.9"));
  auto more = store_a_->Read([&](store::Tx& tx) {
    return tx.limits().Count(base::Sha256Hex("login_email:email:victim@x.test"), kStart + 15 * 60 * 1000);
  });
  ASSERT_TRUE(more);
  EXPECT_EQ(*more, 0);

  // What is left: the first window's three addresses and registration, the second's address.
  EXPECT_EQ(StoredCount("login_ip", "ip:203.0.113.1"), 3);
  EXPECT_EQ(StoredCount("register_ip", "ip:10.0.0.1"), 1);
  EXPECT_EQ(StoredCount("login_email", "email:victim@x.test"), 0);
  auto second_ip = store_a_->Read([&](store::Tx& tx) {
    return tx.limits().Count(base::Sha256Hex("login_ip:ip:203.0.113.9"), kStart + 15 * 60 * 1000);
  });
  ASSERT_TRUE(second_ip);
  EXPECT_EQ(*second_ip, 1);

  // Housekeeping deletes the lapsed windows' counters.
  clock_.Advance(15 * 60 * 1000);
  auto purged = a_->PurgeExpiredRateLimits();
  ASSERT_TRUE(purged) << purged.error().message;
  // The first window's three addresses and registration, the second's address (the email's
  // counters went with the successful login).
  EXPECT_EQ(*purged, 5);
  EXPECT_EQ(StoredCount("login_ip", "ip:203.0.113.0"), 0);
}

TEST_F(SharedLimitsTest, TwoServersOnOnePostgresDatabaseShareTheRegistrationBudget) {
  Open("postgres", /*shared_limits=*/true);
  ASSERT_TRUE(a_->Register({"r1@x.test", "password1", "R"}, "10.9.9.9"));
  ASSERT_TRUE(b_->Register({"r2@x.test", "password1", "R"}, "10.9.9.9"));
  ASSERT_TRUE(a_->Register({"r3@x.test", "password1", "R"}, "10.9.9.9"));
  ASSERT_TRUE(b_->Register({"r4@x.test", "password1", "R"}, "10.9.9.9"));
  EXPECT_EQ(a_->Register({"r5@x.test", "password1", "R"}, "10.9.9.9").error().code, "rate_limited");
  EXPECT_EQ(b_->Register({"r5@x.test", "password1", "R"}, "10.9.9.9").error().code, "rate_limited");
  EXPECT_TRUE(b_->Register({"r5@x.test", "password1", "R"}, "10.9.9.10"));
}

TEST_F(SharedLimitsTest, SqliteLimitsInMemoryAndWritesNothingPerFailure) {
  Open("sqlite", /*shared_limits=*/false);
  ASSERT_TRUE(a_->Register({"victim@x.test", "password1", "V"}, "10.0.0.1"));
  for (int i = 0; i < 10; ++i) {
    auto bad = a_->Login("victim@x.test", "wrong-password", "203.0.113.1");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "invalid_credentials") << "attempt " << i + 1;
  }
  auto limited = a_->Login("victim@x.test", "password1", "203.0.113.1");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, "rate_limited");
  EXPECT_EQ(StoredCount("login_email", "email:victim@x.test"), 0);  // counted in memory only
  // One process per SQLite site: another service object counts on its own.
  EXPECT_TRUE(b_->Login("victim@x.test", "password1", "203.0.113.1"));
}

}  // namespace
}  // namespace vitrina::accounts
