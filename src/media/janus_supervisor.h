#pragma once
// Runs the embedded Janus: writes its configuration into the data directory (never the
// system's /etc/janus), starts it as a child process, checks its health, restarts it with
// backoff when it dies, and stops it cleanly. Used when no external Janus URL is
// configured. Start/Stop from one thread; healthy()/pid() from any.

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/metrics.h"
#include "base/result.h"
#include "media/media_server.h"

namespace vitrina::media {

struct JanusLaunchOptions {
  std::string janus_bin = "janus";
  std::filesystem::path work_dir;  // config and log go here
  std::string lib_dir;             // plugins/transports/events; empty: the Debian path
  std::string http_ip = "127.0.0.1";
  int http_port = 8088;
  std::string http_acl = "127.";  // address prefixes allowed on the HTTP API; empty: any
  std::string ws_ip;  // empty: all addresses
  int ws_port = 8188;
  std::string interface;         // address Janus puts in SDP / gathers on (media.interface)
  std::string ice_enforce_list;  // interfaces/prefixes ICE may use; empty: all but loopback
  std::string rtp_port_range = "20000-40000";
  std::string nat_1_1_mapping;  // public address for ICE behind 1:1 NAT
  std::string stun_server;      // host:port, optional
  std::string turn_server;      // host:port, optional (Janus itself relaying)
  std::string turn_user;
  std::string turn_password;
  std::string admin_key;      // VideoRoom admin_key (room creation)
  std::string events_url;     // vitrina's event endpoint
  std::string events_user = "janus";
  std::string events_secret;  // Basic auth password Janus uses on events_url
  int debug_level = 4;
  // First line of janus.jcfg (a comment) for whoever opens the file.
  std::string note = "Written by vitrina at every start; edit vitrina's configuration instead.";
};

// Writes janus.jcfg and the plugin/transport/event-handler configs into work_dir.
base::Result<void> WriteJanusConfig(const JanusLaunchOptions& options);

class JanusSupervisor {
 public:
  // `probe` checks health (MediaServer::Ping); `on_restart` runs (on the supervisor thread)
  // after Janus came back from a crash, so callers can reconcile.
  JanusSupervisor(JanusLaunchOptions options, MediaServer& probe, base::Metrics& metrics,
                  std::function<void()> on_restart);
  ~JanusSupervisor();

  // Writes the config and starts Janus; waits up to `wait_ms` for it to answer. A Janus
  // that does not come up is not fatal: the supervisor keeps retrying and calls answer
  // 503 meanwhile.
  base::Result<void> Start(int wait_ms = 10'000);
  void Stop();
  bool healthy() const { return healthy_; }
  pid_t pid() const { return pid_; }
  int restarts() const { return restarts_; }

 private:
  void Loop();
  bool Spawn();

  JanusLaunchOptions options_;
  MediaServer& probe_;
  base::Metrics& metrics_;
  std::function<void()> on_restart_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<pid_t> pid_{-1};
  std::atomic<bool> healthy_{false};
  std::atomic<int> restarts_{0};
};

}  // namespace vitrina::media
