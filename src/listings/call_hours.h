#pragma once
// Weekly hours in which a seller takes video calls, in the seller's IANA time zone.
// JSON form: {"timezone": "Europe/Moscow", "weekly": [{"day": "mon", "from": "09:00",
// "to": "18:00"}]}. A range with to <= from runs past midnight into the next day.
// An empty `weekly` means "any time".

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "base/clock.h"
#include "base/result.h"

namespace vitrina::listings {

struct CallHours {
  struct Range {
    int day = 1;         // 1 = Monday ... 7 = Sunday
    int from_minute = 0;  // minutes after local midnight
    int to_minute = 0;
  };
  std::string timezone = "UTC";
  std::vector<Range> weekly;
};

// `default_timezone` applies when the object has no "timezone" (the seller's own zone).
base::Result<CallHours> ParseCallHours(const boost::json::value& json,
                                       const std::string& default_timezone = "UTC");
boost::json::value CallHoursToJson(const CallHours& hours);

// Whether `t` falls inside the hours (in their time zone).
bool IsWithinCallHours(const CallHours& hours, base::TimeMs t);

}  // namespace vitrina::listings
