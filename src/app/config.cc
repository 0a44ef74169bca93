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
      IntKey("server.refusal_delay_ms", "VITRINA_REFUSAL_DELAY_MS",
             "How long a 429 rate_limited, a 503 busy and a failed sign-in or registration are held before they are sent (slows floods)",
             &Config::refusal_delay_ms, 0, 60'000),
      IntKey("server.sign_in_workers", "VITRINA_SIGN_IN_WORKERS",
             "Threads of the sign-in lane (login, register); 0: password hashing's concurrency + queue + 1",
             &Config::sign_in_workers, 0, 256),
      IntKey("server.sign_in_nice", "VITRINA_SIGN_IN_NICE",
             "How much lower the sign-in lane's CPU priority is (nice; 0: the same as the workers)",
             &Config::sign_in_nice, 0, 19),
      IntKey("server.ws_max_per_user", "VITRINA_WS_MAX_PER_USER",
             "Live WebSockets one account may hold (more are closed with code 4029)", &Config::ws_max_per_user,
             1, 1000),
      IntKey("server.ws_max_total", "VITRINA_WS_MAX_TOTAL",
             "Live WebSockets this process holds (more are closed with code 4503)", &Config::ws_max_total, 1,
             10'000'000),
      IntKey("server.ws_revalidate_seconds", "VITRINA_WS_REVALIDATE_SECONDS",
             "How often live WebSockets' sessions are checked against the store (revoked: closed, 4001)",
             &Config::ws_revalidate_seconds, 1, 3600),
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
      StringKey("storage.driver", "VITRINA_DB_DRIVER", "Database backend: sqlite or postgres", &Config::db_driver),
      StringKey("storage.url", "VITRINA_DB_URL",
                "PostgreSQL database URL (driver postgres): postgresql://user:password@host:port/db",
                &Config::db_url),
      IntKey("storage.statement_timeout_ms", "VITRINA_DB_STATEMENT_TIMEOUT_MS",
             "PostgreSQL: a statement running longer is cancelled (0: no limit)",
             &Config::db_statement_timeout_ms, 0, 3600000),
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
      IntKey("auth.password_hash_concurrency", "VITRINA_PASSWORD_HASH_CONCURRENCY",
             "Password hashes running at once (0: a quarter of server.workers, at least 1)",
             &Config::password_hash_concurrency, 0, 256),
      IntKey("auth.password_hash_queue", "VITRINA_PASSWORD_HASH_QUEUE",
             "Requests waiting for a hashing slot before 503 busy (0: as many as the concurrency)",
             &Config::password_hash_queue, 0, 256),
      IntKey("auth.password_hash_wait_ms", "VITRINA_PASSWORD_HASH_WAIT_MS",
             "How long a request waits for a hashing slot before 503 busy", &Config::password_hash_wait_ms,
             0, 60'000),
      IntKey("auth.register_max_per_ip", "VITRINA_REGISTER_MAX_PER_IP",
             "Registration attempts per client IP per window before 429", &Config::register_max_per_ip, 1,
             1'000'000),
      IntKey("auth.register_max_taken_per_ip", "VITRINA_REGISTER_MAX_TAKEN_PER_IP",
             "'Email taken' answers per client IP per window before 429 (bounds the email oracle)",
             &Config::register_max_taken_per_ip, 1, 1'000'000),
      IntKey("auth.register_window_minutes", "VITRINA_REGISTER_WINDOW_MINUTES",
             "Window of the registration counters", &Config::register_window_minutes, 1, 24 * 60),
      StringKey("media.janus_url", "VITRINA_MEDIA_JANUS_URL",
                "Comma-separated HTTP API URLs of external Janus nodes (e.g. http://10.0.0.5:8088/janus); "
                "empty: run the embedded Janus",
                &Config::janus_url),
      StringKey("media.janus_public_url", "VITRINA_MEDIA_JANUS_PUBLIC_URL",
                "Comma-separated WebSocket URLs browsers use for those nodes, in the same order "
                "(empty: ws://<the host the browser used>:<janus_ws_port>/)",
                &Config::janus_public_url),
      StringKey("media.janus_bin", "VITRINA_MEDIA_JANUS_BIN", "The Janus executable (embedded)",
                &Config::janus_bin),
      StringKey("media.janus_lib_dir", "VITRINA_MEDIA_JANUS_LIB_DIR",
                "Janus module directory (embedded; empty: the Debian path)", &Config::janus_lib_dir),
      IntKey("media.janus_http_port", "VITRINA_MEDIA_JANUS_HTTP_PORT",
             "Embedded Janus HTTP API port (loopback only)", &Config::janus_http_port, 1, 65535),
      IntKey("media.janus_ws_port", "VITRINA_MEDIA_JANUS_WS_PORT",
             "Embedded Janus WebSocket port (browsers connect here)", &Config::janus_ws_port, 1, 65535),
      StringKey("media.interface", "VITRINA_MEDIA_INTERFACE",
                "Address Janus gathers ICE candidates on and puts in SDP (empty: all but loopback)",
                &Config::media_interface),
      StringKey("media.ice_enforce_list", "VITRINA_MEDIA_ICE_ENFORCE_LIST",
                "Interfaces or address prefixes ICE may use, e.g. eth0 (default: media.interface)",
                &Config::ice_enforce_list),
      StringKey("media.rtp_port_range", "VITRINA_MEDIA_RTP_PORTS", "UDP port range for media, e.g. 20000-40000",
                &Config::rtp_port_range),
      StringKey("media.nat_1_1_mapping", "VITRINA_MEDIA_NAT_1_1_MAPPING",
                "Public IP address Janus advertises when it sits behind a 1:1 NAT",
                &Config::nat_1_1_mapping),
      StringKey("media.stun_server", "VITRINA_MEDIA_STUN_SERVER", "STUN server host:port for Janus",
                &Config::stun_server),
      StringKey("media.turn_server", "VITRINA_MEDIA_TURN_SERVER", "TURN server host:port for Janus",
                &Config::turn_server),
      StringKey("media.turn_user", "VITRINA_MEDIA_TURN_USER", "TURN user for Janus", &Config::turn_user),
      StringKey("media.turn_password", "VITRINA_MEDIA_TURN_PASSWORD", "TURN password for Janus",
                &Config::turn_password),
      {"media.ice_servers", "VITRINA_MEDIA_ICE_SERVERS",
       "RTCIceServer list (JSON) given to browsers, e.g. [{\"urls\":\"turn:turn.example.com:3478\",...}]",
       [](Config& c, const std::string& v) {
         if (v.empty() || v.front() != '[' || v.back() != ']') {
           throw ConfigError("media.ice_servers: expected a JSON array, got '" + v + "'");
         }
         c.ice_servers = v;
       }},
      StringKey("media.admin_key", "VITRINA_MEDIA_ADMIN_KEY",
                "Janus VideoRoom admin_key (required with external nodes; embedded: random per start)",
                &Config::media_admin_key),
      StringKey("media.events_secret", "VITRINA_MEDIA_EVENTS_SECRET",
                "Secret Janus's event handler sends (HTTP Basic, user janus); embedded: random per start",
                &Config::media_events_secret),
      StringKey("media.event_sources", "VITRINA_MEDIA_EVENT_SOURCES",
                "Comma-separated IP addresses media nodes post events from, besides this machine and the hosts of media.janus_url",
                &Config::media_event_sources),
      IntKey("media.room_bitrate", "VITRINA_MEDIA_ROOM_BITRATE", "Video bitrate cap per participant (bit/s)",
             &Config::room_bitrate, 64'000, 8'000'000),
      StringKey("media.recordings_dir", "VITRINA_MEDIA_RECORDINGS_DIR",
                "Where recordings go (default <data_dir>/recordings; shared with external Janus nodes)",
                &Config::recordings_dir),
      StringKey("media.janus_pp_rec", "VITRINA_MEDIA_JANUS_PP_REC", "janus-pp-rec executable",
                &Config::janus_pp_rec),
      StringKey("media.ffmpeg", "VITRINA_MEDIA_FFMPEG", "ffmpeg executable", &Config::ffmpeg),
      StringKey("media.ffprobe", "VITRINA_MEDIA_FFPROBE", "ffprobe executable", &Config::ffprobe),
      IntKey("calls.early_join_minutes", "VITRINA_CALLS_EARLY_JOIN_MINUTES",
             "How long before a scheduled call Join opens", &Config::early_join_minutes, 0, 120),
      IntKey("calls.no_show_grace_minutes", "VITRINA_CALLS_NO_SHOW_GRACE_MINUTES",
             "How long after the call time a party may still join before it is a no-show",
             &Config::no_show_grace_minutes, 1, 240),
      IntKey("calls.leave_grace_seconds", "VITRINA_CALLS_LEAVE_GRACE_SECONDS",
             "A call both parties left this long ago (without hanging up) is ended",
             &Config::leave_grace_seconds, 5, 3600),
      IntKey("jobs.workers", "VITRINA_JOBS_WORKERS", "Background job threads in this process (0: none)",
             &Config::job_workers, 0, 64),
      IntKey("jobs.lease_seconds", "VITRINA_JOBS_LEASE_SECONDS",
             "A job whose worker stops heart-beating is taken over after this", &Config::job_lease_seconds,
             5, 3600),
      IntKey("jobs.retry_base_seconds", "VITRINA_JOBS_RETRY_BASE_SECONDS",
             "First retry delay of a failed job (doubles per attempt, up to 10 minutes)",
             &Config::job_retry_base_seconds, 0, 3600),
      StringKey("asr.language", "VITRINA_ASR_LANGUAGE",
                "Language calls are transcribed in (a key of asr.languages)", &Config::asr_language),
      {"asr.languages", "VITRINA_ASR_LANGUAGES",
       "Recognizer per language (JSON object), e.g. {\"en\": {\"engine\": \"pocketsphinx\"}, \"ru\": "
       "{\"engine\": \"openai-http\", \"url\": \"http://gpu:8000/v1/audio/transcriptions\", "
       "\"model\": \"large-v3\"}}",
       [](Config& c, const std::string& raw) {
         const auto first = raw.find_first_not_of(" \t\r\n");
         const auto last = raw.find_last_not_of(" \t\r\n");
         const std::string v = first == std::string::npos ? "" : raw.substr(first, last - first + 1);
         if (v.empty() || v.front() != '{' || v.back() != '}') {
           throw ConfigError("asr.languages: expected a JSON object");
         }
         c.asr_languages = v;
       }},
      BoolKey("asr.preload", "VITRINA_ASR_PRELOAD", "Load speech models at start-up (else at the first job)",
              &Config::asr_preload),
      IntKey("asr.decoders", "VITRINA_ASR_DECODERS",
             "pocketsphinx decoders kept per language (~100 MB each)", &Config::asr_decoders, 1, 16),
      BoolKey("live.enabled", "VITRINA_LIVE_ENABLED",
              "Live captions and scam warnings during calls (docs/live.md)", &Config::live_enabled),
      StringKey("live.bind", "VITRINA_LIVE_BIND", "Address the live audio tap receives Janus's RTP on",
                &Config::live_bind),
      IntKey("live.port", "VITRINA_LIVE_PORT", "UDP port of the live audio tap (0: any free port)",
             &Config::live_port, 0, 65535),
      IntKey("live.max_sessions", "VITRINA_LIVE_MAX_SESSIONS",
             "Live participants one media node's tap serves at once; beyond it calls go on without captions",
             &Config::live_max_sessions, 1, 1000),
      IntKey("live.workers", "VITRINA_LIVE_WORKERS", "Threads of the live audio tap (0: one per core)",
             &Config::live_workers, 0, 64),
      IntKey("live.end_silence_ms", "VITRINA_LIVE_END_SILENCE_MS",
             "Silence that ends an utterance (its final words and rules then run)",
             &Config::live_end_silence_ms, 200, 3000),
      StringKey("live.taps", "VITRINA_LIVE_TAPS",
                "External media nodes: each node's live tap (host:port as Janus there sends to it), "
                "paired with media.janus_url",
                &Config::live_taps),
      IntKey("moderation.sla_p1_minutes", "VITRINA_MODERATION_SLA_P1_MINUTES",
             "Time to decide a priority-1 case (fraud, prepayment requests)", &Config::sla_p1_minutes, 1, 525600),
      IntKey("moderation.sla_p2_minutes", "VITRINA_MODERATION_SLA_P2_MINUTES",
             "Time to decide a priority-2 case (rudeness, not as described; appeals)", &Config::sla_p2_minutes, 1,
             525600),
      IntKey("moderation.sla_p3_minutes", "VITRINA_MODERATION_SLA_P3_MINUTES",
             "Time to decide a priority-3 case (no-shows, other)", &Config::sla_p3_minutes, 1, 525600),
      IntKey("moderation.lease_minutes", "VITRINA_MODERATION_LEASE_MINUTES",
             "A case whose moderator is idle this long goes back to the queue", &Config::case_lease_minutes, 1,
             1440),
      IntKey("moderation.appeal_window_days", "VITRINA_MODERATION_APPEAL_WINDOW_DAYS",
             "How long a sanction can be appealed (EU DSA Art. 20: at least six months)",
             &Config::appeal_window_days, 1, 3650),
      IntKey("moderation.retention_days", "VITRINA_MODERATION_RETENTION_DAYS",
             "Recordings and transcripts are deleted this long after the call unless a case holds them",
             &Config::retention_days, 1, 3650),
      IntKey("moderation.retention_check_minutes", "VITRINA_MODERATION_RETENTION_CHECK_MINUTES",
             "How often the retention job is queued", &Config::retention_check_minutes, 1, 1440),
      IntKey("moderation.honeypot_rate", "VITRINA_MODERATION_HONEYPOT_RATE",
             "One honeypot test case in every this-many assignments of a moderator (0: none)",
             &Config::honeypot_rate, 0, 10000),
      IntKey("moderation.double_review_percent", "VITRINA_MODERATION_DOUBLE_REVIEW_PERCENT",
             "Percent of decided cases given blind to a second moderator (0: none)", &Config::double_review_percent,
             0, 100),
      StringKey("moderation.reward_currency", "VITRINA_MODERATION_REWARD_CURRENCY",
                "Currency of complainants' rewards (amounts in minor units)", &Config::reward_currency),
      IntKey("analytics.silence_min_ms", "VITRINA_ANALYTICS_SILENCE_MIN_MS",
             "A gap in which neither party speaks counts as silence from this length on",
             &Config::analytics_silence_min_ms, 100, 600'000),
      IntKey("analytics.overlap_min_ms", "VITRINA_ANALYTICS_OVERLAP_MIN_MS",
             "Both parties speaking counts as an overlap (an interruption) from this length on",
             &Config::analytics_overlap_min_ms, 100, 60'000),
      IntKey("analytics.span_merge_pause_ms", "VITRINA_ANALYTICS_SPAN_MERGE_PAUSE_MS",
             "A party's pause shorter than this is still their talk time", &Config::analytics_span_merge_pause_ms, 0,
             10'000),
      IntKey("analytics.rollup_interval_seconds", "VITRINA_ANALYTICS_ROLLUP_INTERVAL_SECONDS",
             "How often the dashboards' daily rollups catch up with new calls, complaints and decisions",
             &Config::rollup_interval_seconds, 1, 86400),
      StringKey("analytics.pseudonym_key_file", "VITRINA_ANALYTICS_PSEUDONYM_KEY_FILE",
                "Key of analysts' user pseudonyms (made on first start, mode 0600; rotating it renames everyone)",
                &Config::analytics_pseudonym_key_file),
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

std::string RecordingsDir(const Config& config) {
  if (!config.recordings_dir.empty()) return config.recordings_dir;
  return (std::filesystem::path(config.data_dir) / "recordings").string();
}

std::string SqlitePath(const Config& config) {
  if (!config.sqlite_path.empty()) return config.sqlite_path;
  return (std::filesystem::path(config.data_dir) / "vitrina.db").string();
}

}  // namespace vitrina::app
