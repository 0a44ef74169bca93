#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace vitrina::base {

// "2026-11-24T10:15:30.123Z" (RFC 3339, UTC, millisecond precision).
std::string FormatRfc3339(TimeMs t);

// Parses RFC 3339 with 'Z' or a numeric offset, optional fractional seconds.
std::optional<TimeMs> ParseRfc3339(std::string_view text);

}  // namespace vitrina::base
