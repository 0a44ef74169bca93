#include "listings/call_hours.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace vitrina::listings {
namespace {

CallHours Parse(std::string_view text) {
  auto parsed = ParseCallHours(boost::json::parse(text));
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed.value_or(CallHours{});
}

// 2026-11-18 is a Wednesday. 1795000000000 = 11:06:40 UTC = 14:06:40 Moscow.
constexpr base::TimeMs kWed1106Utc = 1795000000000;

TEST(CallHoursTest, RoundTripsJson) {
  auto hours = Parse(R"({"timezone":"Europe/Moscow","weekly":[{"day":"wed","from":"09:00","to":"18:30"}]})");
  EXPECT_EQ(boost::json::serialize(CallHoursToJson(hours)),
            R"({"timezone":"Europe/Moscow","weekly":[{"day":"wed","from":"09:00","to":"18:30"}]})");
}

TEST(CallHoursTest, AvailabilityUsesTheSellersZone) {
  auto moscow = Parse(R"({"timezone":"Europe/Moscow","weekly":[{"day":"wed","from":"14:00","to":"15:00"}]})");
  EXPECT_TRUE(IsWithinCallHours(moscow, kWed1106Utc));
  auto utc = Parse(R"({"timezone":"UTC","weekly":[{"day":"wed","from":"14:00","to":"15:00"}]})");
  EXPECT_FALSE(IsWithinCallHours(utc, kWed1106Utc));
}

TEST(CallHoursTest, OvernightRangesAndEmptyMeansAnyTime) {
  auto night = Parse(R"({"timezone":"UTC","weekly":[{"day":"tue","from":"22:00","to":"12:00"}]})");
  EXPECT_TRUE(IsWithinCallHours(night, kWed1106Utc));  // Tuesday night into Wednesday
  auto other = Parse(R"({"timezone":"UTC","weekly":[{"day":"mon","from":"22:00","to":"12:00"}]})");
  EXPECT_FALSE(IsWithinCallHours(other, kWed1106Utc));
  EXPECT_TRUE(IsWithinCallHours(Parse(R"({"timezone":"UTC","weekly":[]})"), kWed1106Utc));
}

TEST(CallHoursTest, RejectsBadInput) {
  for (const char* bad : {R"([])", R"({"timezone":"Nope/Nope"})",
                          R"({"weekly":[{"day":"xyz","from":"09:00","to":"10:00"}]})",
                          R"({"weekly":[{"day":"mon","from":"9:00","to":"10:00"}]})",
                          R"({"weekly":[{"day":"mon","from":"25:00","to":"10:00"}]})",
                          R"({"weekly":[{"day":"mon","from":"10:00","to":"10:00"}]})",
                          R"({"weekly":"mon"})"}) {
    EXPECT_FALSE(ParseCallHours(boost::json::parse(bad))) << bad;
  }
}

}  // namespace
}  // namespace vitrina::listings
