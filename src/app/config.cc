#include "app/config.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>

#include <toml++/toml.h>

namespace vitrina::app {

namespace {

std::int64_t ToInt(const std::string& key, const std::string& v, std::int64_t lo, std::int64_t hi) {
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size() || out < lo || out > hi) {
    throw ConfigError(key + ": expected an integer from " + std::to_string(lo) + " to " +
                      std::to_string(hi) + ", got '" + v + "'");
  }
  return out;
}

bool ToBool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw ConfigError(key + ": expected true or false, got '" + v + "'");
}

template <typename T>
ConfigKey IntKey(std::string path, std::string env, std::string help, T Config::*field,
                 std::int64_t lo, std::int64_t hi) {
  return {path, env, std::move(help), [=](Config& c, const std::string& v) {
            c.*field = static_cast<T>(ToInt(path, v, lo, hi));
          }};
}

ConfigKey StringKey(std::string path, std::string env, std::string help,
                    std::string Config::*field) {
  return {path, env, std::move(help), [=](Config& c, const std::string& v) { c.*field = v; }};
}

ConfigKey BoolKey(std::string path, std::string env, std::string help, bool Config::*field) {
  return {path, env, std::move(help),
          [=](Config& c, const std::string& v) { c.*field = ToBool(path, v); }};
}

}  // namespace

const std::vector<ConfigKey>& Keys() {
  static const std::vector<ConfigKey> keys = {
      StringKey("server.host", "VITRINA_HOST", "Address to listen on", &Config::host),
      IntKey("server.port", "VITRINA_PORT", "TCP port (0: any free port)", &Config::port, 0, 65535),
      IntKey("server.io_threads", "VITRINA_IO_THREADS", "Network I/O threads", &Config::io_threads, 1, 64),
      IntKey("server.workers", "VITRINA_WORKERS",
             "Request worker threads (database work); 0: twice the number of cores",
             &Config::workers, 0, 256),
      IntKey("server.body_limit_bytes", "VITRINA_BODY_LIMIT_BYTES", "Largest request body (413 above)",
             &Config::body_limit_bytes, 1024, 1ll << 32),
      IntKey("server.header_timeout_ms", "VITRINA_HEADER_TIMEOUT_MS",
             "Time to receive request headers (also the keep-alive idle limit)",
             &Config::header_timeout_ms, 100, 3'600'000),
      IntKey("server.body_timeout_ms", "VITRINA_BODY_TIMEOUT_MS", "Time to receive a request body",
             &Config::body_timeout_ms, 100, 3'600'000),
      IntKey("server.drain_timeout_ms", "VITRINA_DRAIN_TIMEOUT_MS",
             "On SIGTERM, how long in-flight requests may take to finish", &Config::drain_timeout_ms,
             0, 3'600'000),
      StringKey("server.static_dir", "VITRINA_STATIC_DIR", "Directory of the built web UI",
                &Config::static_dir),
      BoolKey("server.cookie_secure", "VITRINA_COOKIE_SECURE",
              "Mark cookies Secure (set behind HTTPS)", &Config::cookie_secure),
      BoolKey("server.trust_forwarded_for", "VITRINA_TRUST_FORWARDED_FOR",
              "Behind a reverse proxy: client IP from the last X-Forwarded-For entry",
              &Config::trust_forwarded_for),
      StringKey("server.allowed_origins", "VITRINA_ALLOWED_ORIGINS",
                "Comma-separated extra WebSocket origins (e.g. https://video.example.com)",
                &Config::allowed_origins),
      StringKey("storage.data_dir", "VITRINA_DATA_DIR", "Directory for the database and media",
                &Config::data_dir),
      StringKey("storage.driver", "VITRINA_DB_DRIVER", "Database backend: sqlite", &Config::db_driver),
      StringKey("storage.sqlite_path", "VITRINA_SQLITE_PATH",
                "SQLite file (default <data_dir>/vitrina.db)", &Config::sqlite_path),
      IntKey("storage.pool_size", "VITRINA_DB_POOL_SIZE", "Database connections",
             &Config::db_pool_size, 1, 256),
      IntKey("auth.session_ttl_hours", "VITRINA_SESSION_TTL_HOURS", "Session lifetime",
             &Config::session_ttl_hours, 1, 24 * 365),
      IntKey("auth.login_max_failures_per_email", "VITRINA_LOGIN_MAX_FAILURES_PER_EMAIL",
             "Failed logins per email per window before 429", &Config::login_max_failures_per_email,
             1, 1'000'000),
      IntKey("auth.login_max_failures_per_ip", "VITRINA_LOGIN_MAX_FAILURES_PER_IP",
             "Failed logins per client IP per window before 429", &Config::login_max_failures_per_ip,
             1, 1'000'000),
      IntKey("auth.login_window_minutes", "VITRINA_LOGIN_WINDOW_MINUTES",
             "Window of the login failure counters", &Config::login_window_minutes, 1, 24 * 60),
      IntKey("auth.password_opslimit", "VITRINA_PASSWORD_OPSLIMIT",
             "Argon2id passes (libsodium opslimit)", &Config::password_opslimit, 1, 16),
      IntKey("auth.password_memlimit_kib", "VITRINA_PASSWORD_MEMLIMIT_KIB",
             "Argon2id memory in KiB", &Config::password_memlimit_kib, 8, 4 * 1024 * 1024),
      StringKey("log.level", "VITRINA_LOG_LEVEL", "trace, debug, info, warn, error, off",
                &Config::log_level),
  };
  return keys;
}

void ApplyValue(Config& config, const std::string& toml_path, const std::string& value) {
  for (const auto& key : Keys()) {
    if (key.toml_path == toml_path) return key.set(config, value);
  }
  throw ConfigError("unknown configuration key '" + toml_path + "'");
}

void ApplyTomlFile(Config& config, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(path + ": " + std::string(e.description()));
  }
  for (const auto& [section, node] : table) {
    const auto* inner = node.as_table();
    if (inner == nullptr) throw ConfigError(path + ": '" + std::string(section.str()) + "' must be a table");
    for (const auto& [name, value] : *inner) {
      const std::string key = std::string(section.str()) + "." + std::string(name.str());
      std::string text;
      if (auto s = value.value<std::string>(); s && value.is_string()) {
        text = *s;
      } else if (auto i = value.value<std::int64_t>(); i && value.is_integer()) {
        text = std::to_string(*i);
      } else if (auto b = value.value<bool>(); b && value.is_boolean()) {
        text = *b ? "true" : "false";
      } else {
        throw ConfigError(path + ": '" + key + "' must be a string, integer or boolean");
      }
      ApplyValue(config, key, text);
    }
  }
}

void ApplyEnvironment(Config& config) {
  for (const auto& key : Keys()) {
    if (const char* v = std::getenv(key.env.c_str()); v != nullptr && *v != '\0') {
      key.set(config, v);
    }
  }
}

std::string SqlitePath(const Config& config) {
  if (!config.sqlite_path.empty()) return config.sqlite_path;
  return (std::filesystem::path(config.data_dir) / "vitrina.db").string();
}

}  // namespace vitrina::app
