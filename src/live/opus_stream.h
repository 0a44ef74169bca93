#pragma once
// Decoding of one Opus RTP stream straight to 16 kHz mono (libopus resamples and downmixes
// internally), with packet-loss concealment for the frames the jitter buffer gave up on.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/result.h"

struct OpusDecoder;

namespace vitrina::live {

using base::Result;

// Owns one libopus decoder (~25 KB), whose state carries over from packet to packet: one per
// stream, fed in sequence order. Not thread-safe; movable.
class OpusStreamDecoder {
 public:
  static constexpr int kSampleRate = 16'000;
  static constexpr int kMaxFrameSamples = kSampleRate * 120 / 1000;  // Opus's longest packet

  // Errors: kInternal if libopus cannot make a decoder.
  [[nodiscard]] static Result<OpusStreamDecoder> Create();

  // The packet's audio (any Opus mode, frame size and channel count; stereo is averaged).
  // Errors: kInvalidArgument "bad_opus" for a corrupt packet (the decoder stays usable;
  // conceal the frame instead).
  [[nodiscard]] Result<std::vector<std::int16_t>> Decode(std::span<const std::uint8_t> payload);
  // `samples` of concealment for lost audio (libopus PLC; it fades to silence over a long
  // loss). Rounded up to whole 2.5 ms steps as libopus needs, then cut to `samples`.
  [[nodiscard]] Result<std::vector<std::int16_t>> Conceal(int samples);
  // Like Conceal, but recovers the lost audio from the in-band FEC (LBRR) copy in `next`,
  // the packet after the loss, if the sender put one there (WebRTC does when it sees loss);
  // libopus falls back to PLC otherwise. `samples` should be the lost frame's duration.
  [[nodiscard]] Result<std::vector<std::int16_t>> RecoverFromFec(
      std::span<const std::uint8_t> next, int samples);
  // Forgets the stream (after a sender restart the next packet starts a new encoder's stream).
  void Reset();

 private:
  struct Deleter {
    void operator()(OpusDecoder* decoder) const;
  };
  explicit OpusStreamDecoder(OpusDecoder* decoder) : decoder_(decoder) {}
  Result<std::vector<std::int16_t>> Missing(std::span<const std::uint8_t> fec, int samples);

  std::unique_ptr<OpusDecoder, Deleter> decoder_;
};

}  // namespace vitrina::live
