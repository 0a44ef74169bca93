#include "app/janus_node.h"

#include <filesystem>

namespace vitrina::app {

namespace {

// Janus's port range syntax: "min-max", both in 1..65535, min <= max.
bool ValidPortRange(const std::string& range) {
  const auto dash = range.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= range.size()) return false;
  try {
    std::size_t used = 0;
    const int low = std::stoi(range.substr(0, dash), &used);
    if (used != dash) return false;
    const int high = std::stoi(range.substr(dash + 1), &used);
    if (used != range.size() - dash - 1) return false;
    return low >= 1 && high <= 65535 && low <= high;
  } catch (const std::exception&) {
    return false;
  }
}

bool ValidPort(int port) { return port >= 1 && port <= 65535; }

}  // namespace

base::Result<media::JanusLaunchOptions> JanusNodeOptions(const Config& config, const JanusNodeFlags& flags) {
  if (flags.dir.empty()) return base::InvalidArgument("dir", "--dir is required");
  media::JanusLaunchOptions o;
  o.janus_bin = config.janus_bin;
  o.work_dir = std::filesystem::absolute(flags.dir);
  o.lib_dir = flags.lib_dir.value_or(config.janus_lib_dir);
  o.http_ip = flags.http_ip.value_or("127.0.0.1");
  o.http_port = flags.http_port.value_or(config.janus_http_port);
  o.http_acl = flags.http_acl.value_or("127.");
  o.ws_ip = flags.ws_ip.value_or("");
  o.ws_port = flags.ws_port.value_or(config.janus_ws_port);
  o.interface = flags.interface.value_or(config.media_interface);
  o.ice_enforce_list = flags.ice_enforce_list.value_or(
      !config.ice_enforce_list.empty() ? config.ice_enforce_list : o.interface);
  o.rtp_port_range = flags.rtp_ports.value_or(config.rtp_port_range);
  o.nat_1_1_mapping = config.nat_1_1_mapping;
  o.stun_server = config.stun_server;
  o.turn_server = config.turn_server;
  o.turn_user = config.turn_user;
  o.turn_password = config.turn_password;
  o.admin_key = flags.admin_key.value_or(config.media_admin_key);
  o.events_secret = flags.events_secret.value_or(config.media_events_secret);
  o.events_url = flags.events_url.value_or("http://127.0.0.1:" + std::to_string(config.port) +
                                           "/api/v1/internal/janus/events");
  o.note = "Written by `vitrina media janus-config` for an external node; run the command again to change it.";
  if (o.admin_key.empty()) {
    return base::InvalidArgument("admin_key", "--admin-key (or media.admin_key) is required: every server must "
                                              "hold the node's VideoRoom admin key");
  }
  if (o.events_secret.empty()) {
    return base::InvalidArgument("events_secret", "--events-secret (or media.events_secret) is required: the "
                                                  "servers accept events only with it");
  }
  if (!ValidPort(o.http_port) || !ValidPort(o.ws_port)) {
    return base::InvalidArgument("port", "--http-port and --ws-port must be in 1..65535");
  }
  if (o.http_port == o.ws_port) {
    return base::InvalidArgument("port", "--http-port and --ws-port must differ");
  }
  if (!ValidPortRange(o.rtp_port_range)) {
    return base::InvalidArgument("rtp_ports", "--rtp-ports must look like 20000-20999");
  }
  if (!o.events_url.starts_with("http://") && !o.events_url.starts_with("https://")) {
    return base::InvalidArgument("events_url", "--events-url must be an http:// or https:// URL");
  }
  return o;
}

std::string JanusCommandLine(const media::JanusLaunchOptions& o) {
  return o.janus_bin + " -C " + (o.work_dir / "janus.jcfg").string() + " -F " + o.work_dir.string();
}

}  // namespace vitrina::app
