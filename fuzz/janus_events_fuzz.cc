// libFuzzer target: media-server event batches (they arrive over HTTP, so untrusted).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/janus_events.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (const auto& e : vitrina::media::ParseJanusEvents(body)) {
    if (e.room == 0 || e.participant == 0) __builtin_trap();  // never passed on
  }
  return 0;
}
