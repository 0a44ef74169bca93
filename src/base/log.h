#pragma once
// Structured logging: one JSON object per line on stderr (spdlog underneath).
//   log::Info("http_request", {{"route", "/api/v1/me"}, {"status", 200}, {"ms", 1.3}});
// prints {"ts":"...","level":"info","event":"http_request","route":"/api/v1/me",...}.
// Thread-safe.

#include <initializer_list>
#include <string_view>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/json/value.hpp>

namespace vitrina::base::log {

// One key/value of a log line; values are strings, numbers or booleans.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  template <typename I>
    requires std::is_integral_v<I>
  Field(std::string_view k, I v) : key(k), value(static_cast<std::int64_t>(v)) {}

  std::string_view key;
  boost::json::value value;
};

// Sets up the process-wide logger. `level`: trace, debug, info, warn, error, off.
// May be called again to change the level.
void Init(std::string_view level);

void Debug(std::string_view event, std::initializer_list<Field> fields = {});
void Info(std::string_view event, std::initializer_list<Field> fields = {});
void Warn(std::string_view event, std::initializer_list<Field> fields = {});
void Error(std::string_view event, std::initializer_list<Field> fields = {});

}  // namespace vitrina::base::log
