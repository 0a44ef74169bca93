#pragma once

#include <string_view>

namespace vitrina::app {

inline constexpr std::string_view kVersion = VITRINA_VERSION;

}  // namespace vitrina::app
