#pragma once
// IANA time zones (system tzdata through Howard Hinnant's date/tz).

#include <optional>
#include <string>

#include "base/clock.h"

namespace vitrina::base {

bool IsValidTimeZone(const std::string& name);

// Local wall-clock time of `t` in zone `name`.
struct LocalTime {
  int weekday;  // 1 = Monday ... 7 = Sunday (ISO)
  int minute_of_day;
};
std::optional<LocalTime> ToLocalTime(TimeMs t, const std::string& name);

}  // namespace vitrina::base
