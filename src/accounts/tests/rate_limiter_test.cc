#include "accounts/rate_limiter.h"

#include <gtest/gtest.h>

namespace vitrina::accounts {
namespace {

TEST(FailureLimiterTest, BlocksAfterMaxFailuresUntilWindowEnds) {
  InMemoryFailureLimiter limiter(2, 1000);
  EXPECT_EQ(*limiter.RetryAfter("k", 0), 0);
  ASSERT_TRUE(limiter.RecordFailure("k", 0));
  EXPECT_EQ(*limiter.RetryAfter("k", 10), 0);
  ASSERT_TRUE(limiter.RecordFailure("k", 10));
  EXPECT_EQ(*limiter.RetryAfter("k", 100), 900);
  EXPECT_EQ(*limiter.RetryAfter("other", 100), 0);
  EXPECT_EQ(*limiter.RetryAfter("k", 1000), 0);
}

TEST(FailureLimiterTest, ResetClears) {
  InMemoryFailureLimiter limiter(1, 1000);
  ASSERT_TRUE(limiter.RecordFailure("k", 0));
  EXPECT_GT(*limiter.RetryAfter("k", 1), 0);
  ASSERT_TRUE(limiter.Reset("k"));
  EXPECT_EQ(*limiter.RetryAfter("k", 1), 0);
}

}  // namespace
}  // namespace vitrina::accounts
