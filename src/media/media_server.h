#pragma once
// The media-server boundary: what the call service needs from an SFU. The server, never a
// browser, creates a private room per call with recording forced on, lets in exactly the
// two participants, and destroys the room when the call ends. Janus (VideoRoom) is the one
// implementation; tests of the call service may use a fake. Implementations are
// thread-safe.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace vitrina::media {

using base::Result;

struct RoomSpec {
  std::int64_t room = 0;
  std::string description;
  std::string secret;                // needed to destroy/kick/edit
  std::string pin;                   // needed to join
  std::vector<std::string> allowed;  // join tokens; one per participant
  std::string rec_dir;               // where the recordings of this room go
  int bitrate = 512'000;             // per publisher, bits/s
};

// Where a participant's audio is copied to as plain RTP (the live tap, issue 16). The host is
// as the media server sees it: the tap runs on the same node, so normally 127.0.0.1.
struct AudioForward {
  std::string host = "127.0.0.1";
  int port = 0;
  std::uint32_t ssrc = 0;  // the forwarded stream's SSRC: the tap knows the stream by it
};

class MediaServer {
 public:
  virtual ~MediaServer() = default;
  // Creates the room unless it already exists (after a media-server restart it does not).
  // kUnavailable "media_unavailable" when the server cannot be reached.
  virtual Result<void> EnsureRoom(const RoomSpec& spec) = 0;
  // Destroys the room, which closes its recordings. A missing room is not an error.
  virtual Result<void> DestroyRoom(std::int64_t room, const std::string& secret) = 0;
  // Participant (feed) ids currently in the room; empty if the room does not exist.
  virtual Result<std::vector<std::int64_t>> Participants(std::int64_t room) = 0;
  virtual Result<void> Kick(std::int64_t room, const std::string& secret,
                            std::int64_t participant) = 0;
  // Copies `participant`'s published audio (Opus, RTP payload type 111) to `to` until they
  // unpublish or the room goes. Only the server can (VideoRoom lock_rtp_forward + admin_key).
  // Returns the forwarder's id. Media servers without forwarding say kUnavailable
  // "media_unsupported".
  virtual Result<std::int64_t> ForwardAudio(std::int64_t room, const std::string& secret,
                                            std::int64_t participant, const AudioForward& to) {
    (void)room, (void)secret, (void)participant, (void)to;
    return base::Fail(base::ErrorKind::kUnavailable, "media_unsupported",
                      "this media server cannot forward audio");
  }
  // Cheap health check.
  virtual Result<void> Ping() = 0;
  virtual std::string Describe() const = 0;
};

// A Janus node: its HTTP API (server side) and the WebSocket URL browsers use. An empty
// public URL means "ws://<host the browser used>:<ws_port>/".
struct JanusNode {
  std::string api_url;     // e.g. http://127.0.0.1:8088/janus
  std::string public_url;  // e.g. wss://media1.example.com/janus-ws
  int ws_port = 8188;
};

struct JanusOptions {
  std::string admin_key;  // the VideoRoom admin_key: only holders may create rooms
  int timeout_ms = 5000;
};

std::unique_ptr<MediaServer> MakeJanusMediaServer(JanusNode node, JanusOptions options);

}  // namespace vitrina::media
