#include "listings/call_hours.h"

#include <array>
#include <cstdio>

#include <boost/json.hpp>

#include "base/timezone.h"

namespace vitrina::listings {

namespace {

constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::size_t kMaxRanges = 28;

base::Result<int> ParseClock(const boost::json::value* v, const char* field) {
  auto bad = [&] {
    return base::InvalidArgument("invalid_call_hours",
                                 std::string("call_hours.weekly[].") + field + " must be \"HH:MM\"");
  };
  if (v == nullptr || !v->is_string()) return bad();
  const auto& s = v->as_string();
  if (s.size() != 5 || s[2] != ':') return bad();
  for (int i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return bad();
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return bad();
  return h * 60 + m;
}

std::string FormatClock(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

base::Result<CallHours> ParseCallHours(const boost::json::value& json,
                                       const std::string& default_timezone) {
  if (!json.is_object()) {
    return base::InvalidArgument("invalid_call_hours", "call_hours must be an object");
  }
  const auto& obj = json.as_object();
  CallHours hours;
  hours.timezone = default_timezone;
  if (const auto* tz = obj.if_contains("timezone")) {
    if (!tz->is_string() || !base::IsValidTimeZone(std::string(tz->as_string()))) {
      return base::InvalidArgument("invalid_timezone",
                                   "call_hours.timezone must be an IANA time zone name");
    }
    hours.timezone = std::string(tz->as_string());
  }
  if (const auto* weekly = obj.if_contains("weekly")) {
    if (!weekly->is_array() || weekly->as_array().size() > kMaxRanges) {
      return base::InvalidArgument("invalid_call_hours",
                                   "call_hours.weekly must be an array of at most 28 ranges");
    }
    for (const auto& item : weekly->as_array()) {
      if (!item.is_object()) {
        return base::InvalidArgument("invalid_call_hours", "call_hours.weekly[] must be objects");
      }
      const auto& r = item.as_object();
      CallHours::Range range;
      const auto* day = r.if_contains("day");
      int day_index = 0;
      if (day && day->is_string()) {
        for (std::size_t i = 0; i < kDays.size(); ++i) {
          if (day->as_string() == kDays[i]) day_index = static_cast<int>(i) + 1;
        }
      }
      if (day_index == 0) {
        return base::InvalidArgument("invalid_call_hours",
                                     "call_hours.weekly[].day must be one of mon..sun");
      }
      range.day = day_index;
      range.from_minute = TRY(ParseClock(r.if_contains("from"), "from"));
      range.to_minute = TRY(ParseClock(r.if_contains("to"), "to"));
      if (range.from_minute == range.to_minute) {
        return base::InvalidArgument("invalid_call_hours",
                                     "call_hours.weekly[] range must not be empty");
      }
      hours.weekly.push_back(range);
    }
  }
  return hours;
}

boost::json::value CallHoursToJson(const CallHours& hours) {
  boost::json::array weekly;
  for (const auto& r : hours.weekly) {
    weekly.push_back(boost::json::object{{"day", kDays[static_cast<std::size_t>(r.day - 1)]},
                                         {"from", FormatClock(r.from_minute)},
                                         {"to", FormatClock(r.to_minute)}});
  }
  return boost::json::object{{"timezone", hours.timezone}, {"weekly", std::move(weekly)}};
}

bool IsWithinCallHours(const CallHours& hours, base::TimeMs t) {
  if (hours.weekly.empty()) return true;
  const auto local = base::ToLocalTime(t, hours.timezone);
  if (!local) return false;
  const int prev_day = local->weekday == 1 ? 7 : local->weekday - 1;
  for (const auto& r : hours.weekly) {
    if (r.from_minute < r.to_minute) {
      if (r.day == local->weekday && local->minute_of_day >= r.from_minute &&
          local->minute_of_day < r.to_minute) {
        return true;
      }
    } else {  // runs past midnight
      if (r.day == local->weekday && local->minute_of_day >= r.from_minute) return true;
      if (r.day == prev_day && local->minute_of_day < r.to_minute) return true;
    }
  }
  return false;
}

}  // namespace vitrina::listings
