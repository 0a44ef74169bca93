// libFuzzer target: the live tap's input (docs/live.md). Anyone on the media node could send
// datagrams to the tap's port, so its parsing, reordering and Opus decoding take anything. The
// input is a sequence of datagrams, each prefixed by its length (2 bytes, big-endian) and an
// arrival step (1 byte, ms); the stream is drained after each and finished at the end.
#include <cstddef>
#include <cstdint>
#include <span>

#include "live/audio_stream.h"
#include "live/rtp_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto stream = vitrina::live::LiveAudioStream::Create();
  if (!stream) __builtin_trap();
  std::int64_t now = 0;
  std::size_t at = 0;
  while (at + 3 <= size) {
    const std::size_t len = (std::size_t{data[at]} << 8) | data[at + 1];
    now += data[at + 2];
    at += 3;
    const std::span<const std::uint8_t> datagram(data + at, std::min(len, size - at));
    at += datagram.size();
    if (auto p = vitrina::live::ParseRtp(datagram); p && p->payload.size() > datagram.size()) __builtin_trap();
    stream->Push(datagram, now);
    for (const auto& e : stream->Drain(now)) {
      if (e.audio.size() > 16'000 * 60) __builtin_trap();  // never a minute of audio from one datagram
    }
  }
  (void)stream->Finish();
  return 0;
}
