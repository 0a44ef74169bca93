#pragma once
// `vitrina media janus-config`: the configuration of an external Janus media node (one listed
// in media.janus_url), written by the same code as the embedded Janus's
// (media::WriteJanusConfig), so a node runs exactly what vitrina runs itself. Settings the node
// shares with the servers (admin key, events secret, RTP ports, ICE, TURN) default to the loaded
// configuration; the node's own addresses come from the flags.

#include <optional>
#include <string>

#include "app/config.h"
#include "base/result.h"
#include "media/janus_supervisor.h"

namespace vitrina::app {

// Flags of `vitrina media janus-config`; an unset flag takes the configuration's value.
struct JanusNodeFlags {
  std::string dir;                             // where the files go (required)
  std::optional<std::string> http_ip;          // HTTP API address (default 127.0.0.1)
  std::optional<int> http_port;                // default media.janus_http_port
  std::optional<std::string> http_acl;         // default "127."; "" allows any address
  std::optional<std::string> ws_ip;            // browsers' WebSocket address (default: all)
  std::optional<int> ws_port;                  // default media.janus_ws_port
  std::optional<std::string> admin_key;        // default media.admin_key
  std::optional<std::string> events_url;       // default http://127.0.0.1:<server.port>/api/v1/internal/janus/events
  std::optional<std::string> events_secret;    // default media.events_secret
  std::optional<std::string> rtp_ports;        // default media.rtp_port_range
  std::optional<std::string> interface;        // default media.interface
  std::optional<std::string> ice_enforce_list; // default media.ice_enforce_list, else the interface
  std::optional<std::string> lib_dir;          // default media.janus_lib_dir (else the Debian path)
};

// The node's launch options, or invalid_argument when a required value is missing (dir, the
// admin key and the events secret: a node with random ones could not serve any server).
base::Result<media::JanusLaunchOptions> JanusNodeOptions(const Config& config, const JanusNodeFlags& flags);

// The command that starts the node: `<media.janus_bin> -C <dir>/janus.jcfg -F <dir>`.
std::string JanusCommandLine(const media::JanusLaunchOptions& options);

}  // namespace vitrina::app
