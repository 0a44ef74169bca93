#include "live/opus_stream.h"

#include <opus/opus.h>

#include <algorithm>
#include <string>

namespace vitrina::live {

namespace {

constexpr int kStep = OpusStreamDecoder::kSampleRate / 400;  // 2.5 ms: libopus's granularity

}  // namespace

void OpusStreamDecoder::Deleter::operator()(OpusDecoder* decoder) const {
  opus_decoder_destroy(decoder);
}

Result<OpusStreamDecoder> OpusStreamDecoder::Create() {
  int error = OPUS_OK;
  OpusDecoder* decoder = opus_decoder_create(kSampleRate, 1, &error);
  if (error != OPUS_OK || decoder == nullptr) {
    return base::Internal(std::string("opus_decoder_create: ") + opus_strerror(error));
  }
  return OpusStreamDecoder(decoder);
}

Result<std::vector<std::int16_t>> OpusStreamDecoder::Decode(std::span<const std::uint8_t> payload) {
  if (payload.empty()) return Conceal(kSampleRate / 50);  // libopus would conceal 0 samples
  std::vector<std::int16_t> pcm(kMaxFrameSamples);
  const int n = opus_decode(decoder_.get(), payload.data(), static_cast<opus_int32>(payload.size()),
                            pcm.data(), kMaxFrameSamples, 0);
  if (n < 0) {
    return base::InvalidArgument("bad_opus", std::string("opus_decode: ") + opus_strerror(n));
  }
  pcm.resize(static_cast<std::size_t>(n));
  return pcm;
}

Result<std::vector<std::int16_t>> OpusStreamDecoder::Conceal(int samples) {
  return Missing({}, samples);
}

Result<std::vector<std::int16_t>> OpusStreamDecoder::RecoverFromFec(
    std::span<const std::uint8_t> next, int samples) {
  return Missing(next, samples);
}

Result<std::vector<std::int16_t>> OpusStreamDecoder::Missing(std::span<const std::uint8_t> fec,
                                                             int samples) {
  std::vector<std::int16_t> out;
  if (samples <= 0) return out;
  out.reserve(static_cast<std::size_t>(samples) + kStep);
  std::vector<std::int16_t> pcm(kMaxFrameSamples);
  // FEC recovers the one frame before `next`; longer losses are PLC up to that frame.
  int remaining = (samples + kStep - 1) / kStep * kStep;
  while (remaining > 0) {
    const bool last = remaining <= kMaxFrameSamples;
    const int chunk = std::min(remaining, kMaxFrameSamples);
    const bool use_fec = last && !fec.empty();
    const int n = opus_decode(decoder_.get(), use_fec ? fec.data() : nullptr,
                              use_fec ? static_cast<opus_int32>(fec.size()) : 0, pcm.data(),
                              chunk, use_fec ? 1 : 0);
    if (n < 0) {
      return base::InvalidArgument("bad_opus", std::string("opus_decode (concealment): ") +
                                                   opus_strerror(n));
    }
    out.insert(out.end(), pcm.begin(), pcm.begin() + n);
    remaining -= chunk;
  }
  out.resize(static_cast<std::size_t>(samples));
  return out;
}

void OpusStreamDecoder::Reset() { opus_decoder_ctl(decoder_.get(), OPUS_RESET_STATE); }

}  // namespace vitrina::live
