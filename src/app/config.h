#pragma once
// Configuration: embedded defaults, then a TOML file, then VITRINA_* environment
// variables, then command-line flags. Every key is listed in Keys() (and documented in
// docs/configuration.md); loading happens once at start-up, so errors here are thrown
// as ConfigError and reported by main.

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vitrina::app {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Config {
  // [server]
  std::string host = "127.0.0.1";
  int port = 8080;
  int io_threads = 2;
  int workers = 0;  // 0: twice the number of cores
  std::int64_t body_limit_bytes = 1 << 20;
  std::int64_t header_timeout_ms = 30'000;
  std::int64_t body_timeout_ms = 30'000;
  std::int64_t drain_timeout_ms = 10'000;
  std::int64_t refusal_delay_ms = 1000;
  int sign_in_workers = 0;  // 0: password hashing's concurrency + queue + 1
  int sign_in_nice = 19;
  int ws_max_per_user = 8;
  int ws_max_total = 20'000;
  std::int64_t ws_revalidate_seconds = 30;
  std::string static_dir;  // built web UI (web/dist); empty: API only
  bool cookie_secure = false;
  bool trust_forwarded_for = false;
  std::string allowed_origins;  // comma-separated
  // [storage]
  std::string data_dir = "./var";
  std::string db_driver = "sqlite";
  std::string sqlite_path;  // empty: <data_dir>/vitrina.db
  std::string db_url;       // postgres: libpq URL (postgresql://user:password@host:port/db)
  int db_statement_timeout_ms = 30000;
  int db_pool_size = 8;
  // [auth]
  std::int64_t session_ttl_hours = 720;
  int login_max_failures_per_email = 10;
  int login_max_failures_per_ip = 50;
  std::int64_t login_window_minutes = 15;
  std::int64_t password_opslimit = 2;
  std::int64_t password_memlimit_kib = 65536;
  int password_hash_concurrency = 0;  // 0: a quarter of the request workers, at least 1
  int password_hash_queue = 0;        // 0: as many as password_hash_concurrency
  std::int64_t password_hash_wait_ms = 1000;
  int register_max_per_ip = 200;
  int register_max_taken_per_ip = 20;
  std::int64_t register_window_minutes = 60;
  // [media]
  std::string janus_url;         // comma-separated Janus HTTP API URLs; empty: embedded Janus
  std::string janus_public_url;  // comma-separated browser WebSocket URLs, paired with janus_url
  std::string janus_bin = "janus";
  std::string janus_lib_dir;     // plugins etc.; empty: the Debian path
  int janus_http_port = 8088;
  int janus_ws_port = 8188;
  std::string media_interface;   // address Janus gathers ICE candidates on / puts in SDP
  std::string ice_enforce_list;  // interfaces or prefixes ICE may use (default: interface)
  std::string rtp_port_range = "20000-40000";
  std::string nat_1_1_mapping;   // public IP of a 1:1 NAT in front of Janus
  std::string stun_server;       // host:port for Janus
  std::string turn_server;       // host:port for Janus
  std::string turn_user;
  std::string turn_password;
  std::string ice_servers = "[]";  // RTCIceServer[] JSON handed to browsers (TURN)
  std::string media_admin_key;     // VideoRoom admin_key; empty: random per start (embedded)
  std::string media_events_secret;  // event-handler secret; empty: random per start (embedded)
  std::string media_event_sources;  // extra addresses nodes post events from (comma-separated)
  int room_bitrate = 512'000;
  std::string recordings_dir;  // empty: <data_dir>/recordings
  std::string janus_pp_rec = "janus-pp-rec";
  std::string ffmpeg = "ffmpeg";
  std::string ffprobe = "ffprobe";
  // [calls]
  std::int64_t early_join_minutes = 5;
  std::int64_t no_show_grace_minutes = 10;
  std::int64_t leave_grace_seconds = 60;
  // [jobs]
  int job_workers = 2;
  std::int64_t job_lease_seconds = 60;
  std::int64_t job_retry_base_seconds = 5;
  // [asr]
  std::string asr_language = "en";  // language of calls (until a call carries its own)
  // Recognizer per language (JSON object), see docs/configuration.md.
  std::string asr_languages = R"({"en": {"engine": "pocketsphinx"}})";
  bool asr_preload = true;  // load the models at start-up (fail fast on a bad path)
  // pocketsphinx decoders per language (~100 MB each). A job recognises both tracks at once,
  // so 2 job threads could use 4; more decoders than cores buy nothing.
  int asr_decoders = 2;
  // [live] (docs/live.md): captions and warnings during calls.
  bool live_enabled = true;
  std::string live_bind = "127.0.0.1";  // the tap's UDP address (Janus sends to it)
  int live_port = 0;                    // 0: any free port
  int live_max_sessions = 16;           // live participants per media node
  int live_workers = 0;                 // 0: one per core
  std::int64_t live_end_silence_ms = 500;
  // External media nodes: each node's tap as Janus on that node sends to it ("host:port"),
  // comma-separated, paired with media.janus_url; an empty entry: no live path on that node.
  std::string live_taps;
  // [moderation] (docs/moderation.md)
  std::int64_t sla_p1_minutes = 60;
  std::int64_t sla_p2_minutes = 480;
  std::int64_t sla_p3_minutes = 2880;
  std::int64_t case_lease_minutes = 15;
  std::int64_t appeal_window_days = 180;
  std::int64_t retention_days = 30;
  std::int64_t retention_check_minutes = 60;
  std::string reward_currency = "RUB";
  std::int64_t honeypot_rate = 20;
  std::int64_t double_review_percent = 5;
  // [analytics] (docs/analytics.md): conversation-metric thresholds.
  std::int64_t analytics_silence_min_ms = 3000;
  std::int64_t analytics_overlap_min_ms = 1000;
  std::int64_t analytics_span_merge_pause_ms = 1000;
  // The key of analysts' pseudonyms (made on first start, 0600); "": <data_dir>/pseudonym.key.
  std::string analytics_pseudonym_key_file;
  std::int64_t rollup_interval_seconds = 60;
  // [log]
  std::string log_level = "info";
};

// One configuration key: its TOML path, environment variable, and how to set it.
struct ConfigKey {
  std::string toml_path;  // e.g. "server.port"
  std::string env;        // e.g. "VITRINA_PORT"
  std::string help;
  std::function<void(Config&, const std::string&)> set;  // throws ConfigError on bad value
};

const std::vector<ConfigKey>& Keys();

// Applies a TOML file (unknown keys are an error, so typos do not pass silently).
void ApplyTomlFile(Config& config, const std::string& path);
// Applies every VITRINA_* variable present in the environment.
void ApplyEnvironment(Config& config);
// Applies one key by TOML path (used for flags).
void ApplyValue(Config& config, const std::string& toml_path, const std::string& value);

std::string SqlitePath(const Config& config);
std::string RecordingsDir(const Config& config);

}  // namespace vitrina::app
