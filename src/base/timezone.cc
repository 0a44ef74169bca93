#include "base/timezone.h"

#include <date/tz.h>

namespace vitrina::base {

namespace {
const date::time_zone* Find(const std::string& name) {
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {  // the library signals an unknown zone by throwing
    return nullptr;
  }
}
}  // namespace

bool IsValidTimeZone(const std::string& name) { return Find(name) != nullptr; }

std::optional<LocalTime> ToLocalTime(TimeMs t, const std::string& name) {
  const date::time_zone* zone = Find(name);
  if (zone == nullptr) return std::nullopt;
  const auto sys = date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(t));
  const auto local = zone->to_local(sys);
  const auto day = date::floor<date::days>(local);
  const date::weekday wd{day};
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  return LocalTime{static_cast<int>(wd.iso_encoding()), static_cast<int>(minutes)};
}

}  // namespace vitrina::base
