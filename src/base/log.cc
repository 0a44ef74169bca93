#include "base/log.h"

#include <boost/json/serialize.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace vitrina::base::log {
namespace {

void Write(spdlog::level::level_enum level, std::string_view event,
           std::initializer_list<Field> fields) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  boost::json::object obj;
  obj["event"] = event;
  for (const auto& field : fields) obj[field.key] = field.value;
  std::string body = boost::json::serialize(obj);
  // Drop the outer braces: the pattern supplies them around ts and level.
  std::string_view inner(body);
  inner.remove_prefix(1);
  inner.remove_suffix(1);
  spdlog::default_logger_raw()->log(level, "{}", inner);
}

}  // namespace

void Init(std::string_view level) {
  spdlog::drop("vitrina");  // Init may be called again (tests, benchmarks)
  auto logger = spdlog::stderr_logger_mt("vitrina");
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

void Debug(std::string_view e, std::initializer_list<Field> f) { Write(spdlog::level::debug, e, f); }
void Info(std::string_view e, std::initializer_list<Field> f) { Write(spdlog::level::info, e, f); }
void Warn(std::string_view e, std::initializer_list<Field> f) { Write(spdlog::level::warn, e, f); }
void Error(std::string_view e, std::initializer_list<Field> f) { Write(spdlog::level::err, e, f); }

}  // namespace vitrina::base::log
