#include "accounts/password.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "base/random.h"

namespace vitrina::accounts {
namespace {

// Slow enough that a second request surely arrives while the first runs.
PasswordHashOptions Slow(int max_waiting, std::chrono::milliseconds max_wait) {
  PasswordHashOptions o;
  o.opslimit = 4;
  o.memlimit_bytes = 32ull << 20;
  o.max_concurrent = 1;
  o.max_waiting = max_waiting;
  o.max_wait = max_wait;
  return o;
}

// Runs `attempt` while another thread's hash holds the only slot; false if that hash ended
// before `attempt` could be made (then the caller tries again).
template <typename Attempt>
bool WhileOneHashRuns(const PasswordHasher& hasher, Attempt attempt) {
  auto first = std::async(std::launch::async, [&] { return hasher.Hash("first password"); });
  while (hasher.running() == 0 && first.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    std::this_thread::yield();
  }
  const bool overlapped = hasher.running() == 1;
  if (overlapped) attempt();
  EXPECT_TRUE(first.get());
  return overlapped;
}

TEST(PasswordHasherTest, HashesAndVerifies) {
  ASSERT_TRUE(base::InitCrypto());
  PasswordHasher hasher({1, 8192});
  auto hash = hasher.Hash("correct horse");
  ASSERT_TRUE(hash);
  EXPECT_TRUE(*hasher.Verify(*hash, "correct horse"));
  EXPECT_FALSE(*hasher.Verify(*hash, "wrong horse"));
  EXPECT_EQ(hasher.completed(), 3u);
}

TEST(PasswordHasherTest, BeyondTheSlotsAndTheQueueRequestsAreRefusedAtOnce) {
  ASSERT_TRUE(base::InitCrypto());
  PasswordHasher hasher(Slow(0, std::chrono::milliseconds(0)));
  bool checked = false;
  for (int i = 0; i < 5 && !checked; ++i) {
    checked = WhileOneHashRuns(hasher, [&] {
      auto busy = hasher.Verify("$argon2id$whatever", "pw");
      ASSERT_FALSE(busy);
      EXPECT_EQ(busy.error().code, "busy");
      EXPECT_EQ(busy.error().kind, base::ErrorKind::kUnavailable);
      EXPECT_EQ(busy.error().retry_after_s, 1);
    });
  }
  EXPECT_TRUE(checked) << "never caught a hash running";
  EXPECT_EQ(hasher.running(), 0);
}

TEST(PasswordHasherTest, AQueuedRequestGetsTheSlotWhenItFrees) {
  ASSERT_TRUE(base::InitCrypto());
  PasswordHasher hasher(Slow(1, std::chrono::seconds(60)));
  bool checked = false;
  for (int i = 0; i < 5 && !checked; ++i) {
    checked = WhileOneHashRuns(hasher, [&] {
      auto queued = std::async(std::launch::async, [&] { return hasher.Hash("second password"); });
      while (hasher.waiting() == 0 && queued.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        std::this_thread::yield();
      }
      // The queue (one place) is full: a third is refused without waiting.
      if (hasher.waiting() == 1) {
        EXPECT_EQ(hasher.Hash("third").error().code, "busy");
      }
      EXPECT_TRUE(queued.get()) << "the queued one ran once the slot freed";
    });
  }
  EXPECT_TRUE(checked);
}

}  // namespace
}  // namespace vitrina::accounts
