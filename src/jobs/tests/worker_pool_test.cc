#include "jobs/worker_pool.h"
#include "store/open.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

namespace vitrina::jobs {
namespace {

namespace fs = std::filesystem;

// Polls `pred` until it holds or `limit` passes (no fixed sleeps).
template <typename P>
bool WaitFor(P pred, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

class WorkerPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vitrina-jobs-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    store::StoreOptions options;
    options.sqlite.path = (dir_ / "jobs.db").string();
    store_ = std::move(*store::OpenStore(options));
    ASSERT_TRUE(store_->Migrate());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  store::Id Enqueue(const std::string& kind, const std::string& payload, int max_attempts = 3) {
    auto id = store_->Write([&](store::Tx& tx) {
      return tx.jobs().Insert(store::NewJob{kind, payload, std::nullopt, max_attempts, 0},
                              clock_.NowMs());
    });
    EXPECT_TRUE(id && *id);
    return **id;
  }
  store::Job Get(store::Id id) {
    return **store_->Read([&](store::Tx& tx) { return tx.jobs().FindById(id); });
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  base::ManualClock clock_{1'000'000};
  base::Metrics metrics_;
};

TEST(RetryDelay, DoublesUpToTheCap) {
  WorkerOptions o;
  o.retry_base_ms = 100;
  o.retry_max_ms = 1000;
  EXPECT_EQ(RetryDelayMs(o, 1), 100);
  EXPECT_EQ(RetryDelayMs(o, 2), 200);
  EXPECT_EQ(RetryDelayMs(o, 4), 800);
  EXPECT_EQ(RetryDelayMs(o, 5), 1000);
  EXPECT_EQ(RetryDelayMs(o, 60), 1000);
}

TEST_F(WorkerPoolTest, EveryJobRunsExactlyOnceAcrossWorkers) {
  constexpr int kJobs = 200;
  std::vector<std::atomic<int>> runs(kJobs + 1);
  std::atomic<int> concurrent{0};
  std::atomic<bool> overlap{false};
  WorkerOptions o;
  o.threads = 4;
  o.poll_ms = 5;
  WorkerPool pool(*store_, clock_, metrics_, o);
  pool.Register("count", [&](const store::Job& job, JobContext&) -> base::Result<void> {
    if (++concurrent > 4) overlap = true;
    runs[static_cast<std::size_t>(std::stoi(job.payload))]++;
    --concurrent;
    return {};
  });
  for (int i = 1; i <= kJobs; ++i) Enqueue("count", std::to_string(i));
  pool.Start();
  ASSERT_TRUE(WaitFor([&] {
    return store_->Read([](store::Tx& tx) { return tx.jobs().List("done", std::nullopt, 1000); })
               ->size() == kJobs;
  }));
  pool.Stop();
  for (int i = 1; i <= kJobs; ++i) EXPECT_EQ(runs[static_cast<std::size_t>(i)].load(), 1) << i;
  EXPECT_FALSE(overlap);
}

TEST_F(WorkerPoolTest, TwoWorkerProcessesNeverRunTheSameJobAtOnce) {
  // Two pools, each with its own connections to the same database file, as `vitrina serve`
  // and `vitrina worker` would be: every job runs once, and never on both at the same time.
  store::StoreOptions options;
  options.sqlite.path = (dir_ / "jobs.db").string();
  auto other_store = std::move(*store::OpenStore(options));
  constexpr int kJobs = 150;
  std::vector<std::atomic<int>> running(kJobs + 1), runs(kJobs + 1);
  std::atomic<bool> overlap{false};
  std::atomic<int> by_second{0};
  auto handler = [&](bool second) {
    return [&, second](const store::Job& job, JobContext&) -> base::Result<void> {
      const auto i = static_cast<std::size_t>(std::stoi(job.payload));
      if (++running[i] > 1) overlap = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(3));  // a little work to overlap with
      runs[i]++;
      if (second) by_second++;
      --running[i];
      return {};
    };
  };
  WorkerOptions o;
  o.threads = 2;
  o.poll_ms = 5;
  o.owner_prefix = "first";
  WorkerPool first(*store_, clock_, metrics_, o);
  o.owner_prefix = "second";
  WorkerPool second(*other_store, clock_, metrics_, o);
  first.Register("count", handler(false));
  second.Register("count", handler(true));
  // Both pools poll before the first job is there (a pool started alone on a loaded machine
  // could drain all of them before the other's first poll: the test once saw 150 to 0).
  first.Start();
  second.Start();
  for (int i = 1; i <= kJobs; ++i) Enqueue("count", std::to_string(i));
  ASSERT_TRUE(WaitFor([&] {
    return store_->Read([](store::Tx& tx) { return tx.jobs().List("done", std::nullopt, 1000); })
               ->size() == kJobs;
  }));
  first.Stop();
  second.Stop();
  for (int i = 1; i <= kJobs; ++i) EXPECT_EQ(runs[static_cast<std::size_t>(i)].load(), 1) << i;
  EXPECT_FALSE(overlap);
  EXPECT_GT(by_second.load(), 0) << "both pools took jobs";
  EXPECT_LT(by_second.load(), kJobs) << "both pools took jobs";
}

TEST_F(WorkerPoolTest, FailingJobIsRetriedWithBackoffThenFailedWithItsError) {
  std::atomic<int> attempts{0};
  WorkerOptions o;
  o.threads = 1;
  o.poll_ms = 5;
  o.retry_base_ms = 60'000;
  WorkerPool pool(*store_, clock_, metrics_, o);
  pool.Register("flaky", [&](const store::Job&, JobContext& ctx) -> base::Result<void> {
    ctx.Progress("trying");
    ++attempts;
    return base::Fail(base::ErrorKind::kInternal, "ffmpeg_failed", "exit 1: bad input");
  });
  const auto id = Enqueue("flaky", "{}", 2);
  pool.Start();
  ASSERT_TRUE(WaitFor([&] { return Get(id).attempts == 1 && Get(id).state == "queued"; }));
  EXPECT_EQ(Get(id).last_error, "ffmpeg_failed: exit 1: bad input");
  EXPECT_EQ(Get(id).run_after, clock_.NowMs() + 60'000) << "backoff";
  clock_.Advance(60'000);
  pool.Wake();
  ASSERT_TRUE(WaitFor([&] { return Get(id).state == "failed"; }));
  EXPECT_EQ(attempts.load(), 2);
  pool.Stop();
}

// A job running when the pool stops gives up (ctx.Stopping()); Stop then returns as soon as it
// has, not at the heartbeat thread's next round (a third of the lease: 100 s here).
TEST_F(WorkerPoolTest, StopReturnsOnceTheRunningJobGivesUp) {
  WorkerOptions o;
  o.threads = 1;
  o.poll_ms = 5;
  o.lease_ms = 300'000;
  WorkerPool pool(*store_, clock_, metrics_, o);
  std::atomic<bool> started{false};
  pool.Register("long", [&](const store::Job&, JobContext& ctx) -> base::Result<void> {
    started = true;
    while (!ctx.Stopping()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return base::Fail(base::ErrorKind::kUnavailable, "stopping", "pool stopping");
  });
  Enqueue("long", "{}");
  pool.Start();
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  const auto t0 = std::chrono::steady_clock::now();
  pool.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
}

TEST_F(WorkerPoolTest, JobOfADeadWorkerIsClaimedAgainAfterItsLease) {
  const auto id = Enqueue("resume", "{}");
  // A worker that claimed it and died (kill -9): nobody heart-beats the lease.
  ASSERT_TRUE(*store_->Write([&](store::Tx& tx) {
    return tx.jobs().Claim({"resume"}, "dead-worker", clock_.NowMs(), 30'000);
  }));
  std::atomic<int> runs{0};
  WorkerOptions o;
  o.threads = 1;
  o.poll_ms = 5;
  WorkerPool pool(*store_, clock_, metrics_, o);
  pool.Register("resume", [&](const store::Job&, JobContext&) -> base::Result<void> {
    ++runs;
    return {};
  });
  pool.Start();
  clock_.Advance(30'001);
  pool.Wake();
  ASSERT_TRUE(WaitFor([&] { return Get(id).state == "done"; }));
  pool.Stop();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(Get(id).attempts, 2);
}

// Its worker died on each of its attempts (kill -9 in the middle, every time): the pool takes
// it once more only to give it up, runs the kind's GiveUp handler (which settles what users
// see) instead of the job, and the job ends `failed` saying why.
TEST_F(WorkerPoolTest, AJobWhoseWorkerDiedOnEveryAttemptIsGivenUpThroughItsHandler) {
  const auto id = Enqueue("deadly", R"({"call_id":7})", 2);
  for (int attempt = 0; attempt < 2; ++attempt) {  // two workers that claimed it and died
    ASSERT_TRUE(*store_->Write([&](store::Tx& tx) {
      return tx.jobs().Claim({"deadly"}, "dead-" + std::to_string(attempt), clock_.NowMs(), 30'000);
    }));
    clock_.Advance(30'001);
  }
  std::atomic<int> runs{0}, given_up{0};
  std::string reason;
  WorkerOptions o;
  o.threads = 1;
  o.poll_ms = 5;
  WorkerPool pool(*store_, clock_, metrics_, o);
  pool.Register(
      "deadly",
      [&](const store::Job&, JobContext&) -> base::Result<void> {
        ++runs;
        return {};
      },
      [&](const store::Job& job, const std::string& why) {
        EXPECT_EQ(job.payload, R"({"call_id":7})");
        reason = why;
        ++given_up;
      });
  pool.Start();
  pool.Wake();
  ASSERT_TRUE(WaitFor([&] { return Get(id).state == "failed"; }));
  pool.Stop();
  EXPECT_EQ(runs.load(), 0) << "the job that killed its workers is not run again";
  EXPECT_EQ(given_up.load(), 1);
  EXPECT_NE(reason.find("worker_stopped"), std::string::npos) << reason;
  EXPECT_NE(Get(id).last_error.value_or("").find("each of its 2 attempts"), std::string::npos);
  EXPECT_NE(metrics_.RenderPrometheus().find(R"(vitrina_jobs_total{kind="deadly",outcome="given_up"} 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace vitrina::jobs
