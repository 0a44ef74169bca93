// The fixed-window counters the rate limits share across processes (store/limits.h, migration
// 11): count, upsert, reset, expiry, and concurrent adds from several Store objects on one
// database (as several server processes) that each count exactly once.
#include "store/limits.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "store/open.h"
#include "store/tests/test_backends.h"

namespace vitrina::store {
namespace {

namespace fs = std::filesystem;

class RateLimitStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vitrina-limits-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_ = test_backends::FreshStoreOptions(GetParam(), dir_);
    auto opened = OpenStore(options_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto version = store_->Migrate();
    ASSERT_TRUE(version) << version.error().message;
    ASSERT_GE(*version, 11);
  }
  void TearDown() override {
    store_.reset();
    test_backends::DropFreshStore(options_);
    fs::remove_all(dir_);
  }

  std::int64_t Count(const std::string& key, TimeMs window) {
    auto n = store_->Read([&](Tx& tx) { return tx.limits().Count(key, window); });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  }
  std::int64_t Add(const std::string& key, TimeMs window, TimeMs expires) {
    auto n = store_->WriteClaim([&](Tx& tx) { return tx.limits().Add(key, window, expires); });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  }

  fs::path dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_P(RateLimitStoreTest, AddCountsPerKeyAndWindow) {
  EXPECT_EQ(Count("a", 1000), 0);
  EXPECT_EQ(Add("a", 1000, 2000), 1);
  EXPECT_EQ(Add("a", 1000, 2000), 2);
  EXPECT_EQ(Add("a", 1000, 2000), 3);
  EXPECT_EQ(Add("b", 1000, 2000), 1);
  EXPECT_EQ(Add("a", 2000, 3000), 1);  // the next window starts from one
  EXPECT_EQ(Count("a", 1000), 3);
  EXPECT_EQ(Count("a", 2000), 1);
  EXPECT_EQ(Count("b", 1000), 1);
  EXPECT_EQ(Count("c", 1000), 0);
  // In a serializable write too.
  auto n = store_->Write([&](Tx& tx) { return tx.limits().Add("b", 1000, 2000); });
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 2);
}

TEST_P(RateLimitStoreTest, ResetForgetsEveryWindowOfTheKey) {
  Add("a", 1000, 2000);
  Add("a", 2000, 3000);
  Add("b", 1000, 2000);
  ASSERT_TRUE(store_->WriteClaim([&](Tx& tx) { return tx.limits().Reset("a"); }));
  EXPECT_EQ(Count("a", 1000), 0);
  EXPECT_EQ(Count("a", 2000), 0);
  EXPECT_EQ(Count("b", 1000), 1);
  EXPECT_EQ(Add("a", 2000, 3000), 1);
}

TEST_P(RateLimitStoreTest, DeleteExpiredTakesLapsedCountersInBatches) {
  for (int i = 0; i < 5; ++i) Add("old" + std::to_string(i), 1000, 2000);
  Add("edge", 1000, 2500);
  Add("live", 3000, 4000);
  auto deleted = store_->WriteClaim([&](Tx& tx) { return tx.limits().DeleteExpired(2500, 3); });
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, 3);
  deleted = store_->WriteClaim([&](Tx& tx) { return tx.limits().DeleteExpired(2500, 100); });
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, 3);  // the other two old ones and the one expiring exactly now
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Count("old" + std::to_string(i), 1000), 0);
  EXPECT_EQ(Count("edge", 1000), 0);
  EXPECT_EQ(Count("live", 3000), 1);
  deleted = store_->WriteClaim([&](Tx& tx) { return tx.limits().DeleteExpired(2500, 100); });
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 0);
}

// Six "processes" (Store objects of their own) add 50 failures each to one key at once: every
// add counts once, none fails (no serialization failures in WriteClaim), and the counts each
// add returned are exactly 1..300.
TEST_P(RateLimitStoreTest, ConcurrentAddsFromSeparateStoresEachCountOnce) {
  constexpr int kProcesses = 6, kAdds = 50;
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::int64_t> returned;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kProcesses; ++t) {
    threads.emplace_back([&] {
      auto opened = OpenStore(options_);
      if (!opened) {
        std::lock_guard lock(mu);
        errors.push_back("open: " + opened.error().message);
        ready++;
        return;
      }
      auto& store = **opened;
      ready++;
      while (ready.load() < kProcesses) std::this_thread::yield();
      for (int i = 0; i < kAdds; ++i) {
        auto n = store.WriteClaim([&](Tx& tx) { return tx.limits().Add("shared", 60'000, 120'000); });
        std::lock_guard lock(mu);
        if (!n) {
          errors.push_back("add: " + n.error().code + ": " + n.error().message);
        } else {
          returned.push_back(*n);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();
  EXPECT_EQ(Count("shared", 60'000), kProcesses * kAdds);
  std::sort(returned.begin(), returned.end());
  ASSERT_EQ(returned.size(), static_cast<std::size_t>(kProcesses * kAdds));
  for (int i = 0; i < kProcesses * kAdds; ++i) EXPECT_EQ(returned[i], i + 1) << "add " << i;
}

INSTANTIATE_TEST_SUITE_P(Backends, RateLimitStoreTest, ::testing::ValuesIn(test_backends::Backends()),
                         test_backends::BackendName());

}  // namespace
}  // namespace vitrina::store
