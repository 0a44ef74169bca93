#include "media/janus_supervisor.h"

#include <csignal>
#include <sstream>

#include "base/log.h"
#include "base/subprocess.h"
#include "media/private_file.h"

namespace vitrina::media {

namespace fs = std::filesystem;

namespace {

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string FindLibDir(const std::string& configured) {
  if (!configured.empty()) return configured;
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu/janus", "/usr/lib/aarch64-linux-gnu/janus",
                          "/usr/lib/janus", "/usr/local/lib/janus", "/opt/janus/lib/janus"}) {
    if (fs::is_directory(fs::path(dir) / "plugins")) return dir;
  }
  return "/usr/lib/x86_64-linux-gnu/janus";
}

// Every module in `dir` except the ones we use, as Janus's "disable" list.
std::string DisableAllBut(const fs::path& dir, std::initializer_list<std::string_view> keep) {
  std::string out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.ends_with(".so")) continue;
    bool kept = false;
    for (auto k : keep) kept = kept || name == k;
    if (kept) continue;
    if (!out.empty()) out += ",";
    out += name;
  }
  return out;
}

// Every file written here may hold a secret (admin_key, the event handler's password, the
// TURN password): each is created 0600 from the start (private_file.h).
base::Result<void> WriteFile(const fs::path& path, const std::string& text) {
  return WritePrivateFile(path, text);
}

}  // namespace

base::Result<void> WriteJanusConfig(const JanusLaunchOptions& o) {
  std::error_code ec;
  fs::create_directories(o.work_dir, ec);
  if (ec) return base::Internal("cannot create " + o.work_dir.string() + ": " + ec.message());
  const fs::path lib = FindLibDir(o.lib_dir);
  std::ostringstream core;
  core << "# " << o.note << "\n"
       << "general: {\n"
       << "  configs_folder = " << Quote(o.work_dir.string()) << "\n"
       << "  plugins_folder = " << Quote((lib / "plugins").string()) << "\n"
       << "  transports_folder = " << Quote((lib / "transports").string()) << "\n"
       << "  events_folder = " << Quote((lib / "events").string()) << "\n"
       << "  loggers_folder = " << Quote((lib / "loggers").string()) << "\n"
       << "  log_to_stdout = true\n"
       << "  debug_level = " << o.debug_level << "\n"
       << "  debug_timestamps = true\n"
       << "  admin_secret = " << Quote(o.admin_key) << "\n"
       << "  server_name = \"vitrina-janus\"\n"
       << "  session_timeout = 60\n"
       << "  reclaim_session_timeout = 0\n"
       << "  event_handlers = true\n";
  if (!o.interface.empty()) core << "  interface = " << Quote(o.interface) << "\n";
  core << "}\n"
       << "certificates: {\n}\n"
       << "media: {\n"
       << "  rtp_port_range = " << Quote(o.rtp_port_range) << "\n"
       << "}\n"
       << "nat: {\n"
       << "  nice_debug = false\n"
       << "  ignore_mdns = true\n";
  if (!o.ice_enforce_list.empty()) core << "  ice_enforce_list = " << Quote(o.ice_enforce_list) << "\n";
  if (!o.nat_1_1_mapping.empty()) core << "  nat_1_1_mapping = " << Quote(o.nat_1_1_mapping) << "\n";
  auto host_port = [](const std::string& hp, std::string& host, std::string& port) {
    const auto colon = hp.rfind(':');
    host = colon == std::string::npos ? hp : hp.substr(0, colon);
    port = colon == std::string::npos ? "3478" : hp.substr(colon + 1);
  };
  if (!o.stun_server.empty()) {
    std::string host, port;
    host_port(o.stun_server, host, port);
    core << "  stun_server = " << Quote(host) << "\n  stun_port = " << port << "\n";
  }
  if (!o.turn_server.empty()) {
    std::string host, port;
    host_port(o.turn_server, host, port);
    core << "  turn_server = " << Quote(host) << "\n  turn_port = " << port
         << "\n  turn_type = \"udp\"\n  turn_user = " << Quote(o.turn_user)
         << "\n  turn_pwd = " << Quote(o.turn_password) << "\n";
  }
  core << "}\n"
       << "plugins: {\n  disable = "
       << Quote(DisableAllBut(lib / "plugins", {"libjanus_videoroom.so"})) << "\n}\n"
       << "transports: {\n  disable = "
       << Quote(DisableAllBut(lib / "transports",
                              {"libjanus_http.so", "libjanus_websockets.so"}))
       << "\n}\n"
       << "loggers: {\n  disable = " << Quote(DisableAllBut(lib / "loggers", {})) << "\n}\n"
       << "events: {\n  broadcast = true\n  disable = "
       << Quote(DisableAllBut(lib / "events", {"libjanus_sampleevh.so"})) << "\n}\n";
  TRY(WriteFile(o.work_dir / "janus.jcfg", core.str()));

  std::ostringstream http;
  http << "general: {\n  json = \"compact\"\n  base_path = \"/janus\"\n  http = true\n"
       << "  port = " << o.http_port << "\n  ip = " << Quote(o.http_ip) << "\n  https = false\n";
  if (!o.http_acl.empty()) http << "  acl = " << Quote(o.http_acl) << "\n";
  http << "}\n"
       << "admin: {\n  admin_http = false\n  admin_https = false\n}\n"
       << "cors: {\n}\n";
  TRY(WriteFile(o.work_dir / "janus.transport.http.jcfg", http.str()));

  std::ostringstream ws;
  ws << "general: {\n  json = \"compact\"\n  ws = true\n  ws_port = " << o.ws_port << "\n";
  if (!o.ws_ip.empty()) ws << "  ws_ip = " << Quote(o.ws_ip) << "\n";
  ws << "  wss = false\n  ws_logging = \"err\"\n}\n"
     << "admin: {\n  admin_ws = false\n  admin_wss = false\n}\n";
  TRY(WriteFile(o.work_dir / "janus.transport.websockets.jcfg", ws.str()));

  // Only the server holding admin_key may create rooms; clients cannot RTP-forward media.
  std::ostringstream room;
  room << "general: {\n  admin_key = " << Quote(o.admin_key) << "\n"
       << "  lock_rtp_forward = true\n  events = true\n  string_ids = false\n}\n";
  TRY(WriteFile(o.work_dir / "janus.plugin.videoroom.jcfg", room.str()));

  std::ostringstream evh;
  evh << "general: {\n  enabled = " << (o.events_url.empty() ? "false" : "true") << "\n"
      << "  events = \"sessions,handles,plugins,core,webrtc\"\n"
      << "  grouping = true\n  json = \"compact\"\n"
      << "  backend = " << Quote(o.events_url) << "\n"
      << "  backend_user = " << Quote(o.events_user) << "\n"
      << "  backend_pwd = " << Quote(o.events_secret) << "\n"
      << "  max_retransmissions = 5\n  retransmissions_backoff = 100\n}\n";
  TRY(WriteFile(o.work_dir / "janus.eventhandler.sampleevh.jcfg", evh.str()));
  return {};
}

JanusSupervisor::JanusSupervisor(JanusLaunchOptions options, MediaServer& probe,
                                 base::Metrics& metrics, std::function<void()> on_restart)
    : options_(std::move(options)),
      probe_(probe),
      metrics_(metrics),
      on_restart_(std::move(on_restart)) {
  metrics_.Describe("vitrina_media_server_up", "gauge", "1 when the embedded Janus answers");
  metrics_.Describe("vitrina_media_server_restarts_total", "counter",
                    "Times the embedded Janus was restarted after dying");
}

JanusSupervisor::~JanusSupervisor() { Stop(); }

bool JanusSupervisor::Spawn() {
  auto pid = base::SpawnDetached({options_.janus_bin, "-C", (options_.work_dir / "janus.jcfg").string(),
                                  "-F", options_.work_dir.string()},
                                 options_.work_dir / "janus.log", options_.work_dir);
  if (!pid) {
    base::log::Error("janus_spawn_failed", {{"error", pid.error().message}});
    return false;
  }
  pid_ = *pid;
  base::log::Info("janus_started", {{"pid", *pid}, {"log", (options_.work_dir / "janus.log").string()}});
  return true;
}

base::Result<void> JanusSupervisor::Start(int wait_ms) {
  TRY(WriteJanusConfig(options_));
  Spawn();
  for (int waited = 0; waited < wait_ms; waited += 100) {
    if (probe_.Ping()) {
      healthy_ = true;
      break;
    }
    if (pid_ > 0) {
      if (auto exited = base::TryReap(pid_); exited && *exited) {
        base::log::Error("janus_exited_at_start", {{"status", **exited}});
        pid_ = -1;
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  metrics_.Set("vitrina_media_server_up", {}, healthy_ ? 1 : 0);
  if (!healthy_) base::log::Warn("janus_not_ready", {{"waited_ms", wait_ms}});
  thread_ = std::thread([this] { Loop(); });
  return {};
}

void JanusSupervisor::Loop() {
  using namespace std::chrono;
  auto backoff = milliseconds(500);
  auto next_health = steady_clock::now();
  auto healthy_since = steady_clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, milliseconds(200), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    bool died = pid_ <= 0;
    if (pid_ > 0) {
      if (auto exited = base::TryReap(pid_); exited && *exited) {
        base::log::Error("janus_died", {{"pid", static_cast<int>(pid_)}, {"status", **exited}});
        pid_ = -1;
        died = true;
      }
    }
    if (died) {
      healthy_ = false;
      metrics_.Set("vitrina_media_server_up", {}, 0);
      lock.lock();
      wake_.wait_for(lock, backoff, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      backoff = std::min(backoff * 2, duration_cast<milliseconds>(seconds(30)));
      if (Spawn()) {
        ++restarts_;
        metrics_.Add("vitrina_media_server_restarts_total", {});
        // Wait until it answers, then let the owner reconcile (rooms are gone).
        for (int i = 0; i < 100 && !probe_.Ping(); ++i) {
          std::this_thread::sleep_for(milliseconds(100));
        }
        healthy_ = static_cast<bool>(probe_.Ping());
        metrics_.Set("vitrina_media_server_up", {}, healthy_ ? 1 : 0);
        healthy_since = steady_clock::now();
        if (healthy_ && on_restart_) on_restart_();
      }
    } else if (steady_clock::now() >= next_health) {
      const bool ok = static_cast<bool>(probe_.Ping());
      if (ok != healthy_) base::log::Warn("janus_health_changed", {{"healthy", ok}});
      healthy_ = ok;
      metrics_.Set("vitrina_media_server_up", {}, ok ? 1 : 0);
      next_health = steady_clock::now() + seconds(5);
      if (ok && steady_clock::now() - healthy_since > seconds(60)) backoff = milliseconds(500);
    }
    lock.lock();
  }
}

void JanusSupervisor::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable() && pid_ <= 0) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (pid_ > 0) {
    base::Terminate(pid_, std::chrono::milliseconds(5000));
    base::log::Info("janus_stopped", {{"pid", static_cast<int>(pid_)}});
    pid_ = -1;
  }
  healthy_ = false;
}

}  // namespace vitrina::media
