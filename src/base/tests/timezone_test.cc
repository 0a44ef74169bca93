#include "base/timezone.h"

#include <gtest/gtest.h>

namespace vitrina::base {
namespace {

TEST(TimeZoneTest, ValidatesNames) {
  EXPECT_TRUE(IsValidTimeZone("Europe/Moscow"));
  EXPECT_TRUE(IsValidTimeZone("UTC"));
  EXPECT_FALSE(IsValidTimeZone("Mars/Olympus"));
  EXPECT_FALSE(IsValidTimeZone(""));
}

TEST(TimeZoneTest, ConvertsToLocalWeekdayAndMinute) {
  // 2026-11-18T11:06:40Z is a Wednesday; Moscow is UTC+3 all year.
  auto local = ToLocalTime(1795000000000, "Europe/Moscow");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->weekday, 3);
  EXPECT_EQ(local->minute_of_day, 14 * 60 + 6);
  // Late evening UTC is already Thursday in Vladivostok (UTC+10).
  auto vl = ToLocalTime(1795000000000 + 10 * 3600 * 1000, "Asia/Vladivostok");
  ASSERT_TRUE(vl);
  EXPECT_EQ(vl->weekday, 4);
}

}  // namespace
}  // namespace vitrina::base
