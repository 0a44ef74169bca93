#include "base/time_format.h"

#include <chrono>
#include <sstream>

#include <date/date.h>

namespace vitrina::base {

std::string FormatRfc3339(TimeMs t) {
  const auto tp = std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(t));
  return date::format("%FT%TZ", tp);
}

std::optional<TimeMs> ParseRfc3339(std::string_view text) {
  std::istringstream in{std::string(text)};
  date::sys_time<std::chrono::milliseconds> tp;
  std::string rest;
  if (text.ends_with('Z') || text.ends_with('z')) {
    in >> date::parse("%FT%T", tp);
    if (in.fail()) return std::nullopt;
    in >> rest;
    if (rest != "Z" && rest != "z") return std::nullopt;
  } else {
    in >> date::parse("%FT%T%Ez", tp);
    if (in.fail()) return std::nullopt;
    if (in >> rest) return std::nullopt;
  }
  return tp.time_since_epoch().count();
}

}  // namespace vitrina::base
