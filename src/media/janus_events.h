#pragma once
// Janus event-handler (sampleevh) batches → the few facts the call service acts on. Input
// is untrusted (it arrives over HTTP): anything unexpected is skipped, never fatal.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vitrina::media {

struct MediaEvent {
  enum class Kind { kJoined, kPublished, kLeft };
  Kind kind = Kind::kJoined;
  std::int64_t room = 0;
  std::int64_t participant = 0;
  std::int64_t at_ms = 0;  // when Janus saw it (wall clock, ms)
  std::string token;       // "joined": the room token the participant entered with
};

// Accepts one event object or an array of them (sampleevh "grouping"). VideoRoom plugin
// events (type 64) "joined" → kJoined, "published" → kPublished, "leaving" and
// "unpublished" → kLeft; everything else is ignored.
std::vector<MediaEvent> ParseJanusEvents(std::string_view body);

}  // namespace vitrina::media
