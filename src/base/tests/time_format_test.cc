#include "base/time_format.h"

#include <gtest/gtest.h>

namespace vitrina::base {
namespace {

TEST(TimeFormatTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1795000000123), "2026-11-18T11:06:40.123Z");
}

TEST(TimeFormatTest, ParsesZuluAndOffsets) {
  EXPECT_EQ(ParseRfc3339("2026-11-18T11:06:40.123Z"), 1795000000123);
  EXPECT_EQ(ParseRfc3339("2026-11-18T14:06:40+03:00"), 1795000000000);
  EXPECT_EQ(ParseRfc3339("2026-11-18T11:06:40Z"), 1795000000000);
}

TEST(TimeFormatTest, RejectsGarbage) {
  EXPECT_FALSE(ParseRfc3339("yesterday"));
  EXPECT_FALSE(ParseRfc3339("2026-11-18"));
  EXPECT_FALSE(ParseRfc3339("2026-11-18T08:26:40Zjunk"));
  EXPECT_FALSE(ParseRfc3339(""));
}

}  // namespace
}  // namespace vitrina::base
