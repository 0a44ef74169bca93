#include "asr/audio.h"

#include <opusfile.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <numbers>
#include <string>
#include <system_error>

#include "asr/speech_recognizer.h"

namespace vitrina::asr {

namespace {

constexpr int kFrameSamples = kSampleRate / 100;  // 10 ms
constexpr std::int64_t kFrameMs = 10;

const char* OpusErrorName(int code) {
  switch (code) {
    case OP_FALSE:
      return "OP_FALSE (no data)";
    case OP_EOF:
      return "OP_EOF";
    case OP_HOLE:
      return "OP_HOLE (missing or corrupt pages)";
    case OP_EREAD:
      return "OP_EREAD (read error)";
    case OP_EFAULT:
      return "OP_EFAULT (internal error or out of memory)";
    case OP_EIMPL:
      return "OP_EIMPL (unsupported feature)";
    case OP_EINVAL:
      return "OP_EINVAL";
    case OP_ENOTFORMAT:
      return "OP_ENOTFORMAT (not Ogg Opus)";
    case OP_EBADHEADER:
      return "OP_EBADHEADER (bad Opus header)";
    case OP_EVERSION:
      return "OP_EVERSION (unknown Opus header version)";
    case OP_ENOTAUDIO:
      return "OP_ENOTAUDIO";
    case OP_EBADPACKET:
      return "OP_EBADPACKET (corrupt packet)";
    case OP_EBADLINK:
      return "OP_EBADLINK (broken chain)";
    case OP_ENOSEEK:
      return "OP_ENOSEEK";
    case OP_EBADTIMESTAMP:
      return "OP_EBADTIMESTAMP (bad granule positions)";
    default:
      return "unknown opusfile error";
  }
}

struct OpusFileCloser {
  void operator()(OggOpusFile* f) const { op_free(f); }
};

// The low-pass prototype: cut-off midway between the 7 kHz passband edge and 8 kHz (the new
// Nyquist frequency), Kaiser window with beta for ~80 dB stopband attenuation
// (beta = 0.1102 (A - 8.7), A = 80; N = (A - 7.95) / (14.36 * 1 kHz / 48 kHz) + 1 = 241).
const std::array<float, Decimator48kTo16k::kTaps>& LowPassTaps() {
  static const std::array<float, Decimator48kTo16k::kTaps> taps = [] {
    constexpr int n = Decimator48kTo16k::kTaps;
    constexpr double kCutoff = 7'500.0 / 48'000.0;  // cycles per sample
    constexpr double kBeta = 0.1102 * (80.0 - 8.7);
    const double center = (n - 1) / 2.0;
    const double i0_beta = std::cyl_bessel_i(0.0, kBeta);
    std::array<double, n> h{};
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      const double t = i - center;
      const double sinc =
          t == 0 ? 2 * kCutoff
                 : std::sin(2 * std::numbers::pi * kCutoff * t) / (std::numbers::pi * t);
      const double r = t / center;
      const double window = std::cyl_bessel_i(0.0, kBeta * std::sqrt(1 - r * r)) / i0_beta;
      h[i] = sinc * window;
      sum += h[i];
    }
    std::array<float, n> out{};
    for (int i = 0; i < n; ++i) out[i] = static_cast<float>(h[i] / sum);  // unity gain at DC
    return out;
  }();
  return taps;
}

std::int16_t ToInt16(float v) {
  const float scaled = std::nearbyint(v * 32768.0f);
  return static_cast<std::int16_t>(std::clamp(scaled, -32768.0f, 32767.0f));
}

// Energy of each 10 ms frame in dBFS (a full-scale square wave is 0; digital silence -120).
std::vector<double> FrameEnergiesDb(std::span<const std::int16_t> pcm) {
  std::vector<double> out;
  out.reserve(pcm.size() / kFrameSamples + 1);
  for (std::size_t i = 0; i < pcm.size(); i += kFrameSamples) {
    const std::size_t end = std::min(pcm.size(), i + kFrameSamples);
    double sum = 0;
    for (std::size_t j = i; j < end; ++j) sum += static_cast<double>(pcm[j]) * pcm[j];
    const double mean = sum / static_cast<double>(end - i) / (32768.0 * 32768.0);
    out.push_back(10 * std::log10(mean + 1e-12));
  }
  return out;
}

std::int64_t DurationMs(std::size_t samples) {
  return static_cast<std::int64_t>(samples) * 1000 / kSampleRate;
}

}  // namespace

std::size_t SampleAt(std::int64_t ms, std::size_t size) {
  if (ms <= 0) return 0;
  const auto at = static_cast<std::uint64_t>(ms) * kSampleRate / 1000;
  return static_cast<std::size_t>(std::min<std::uint64_t>(at, size));
}

// ---- Decimator -----------------------------------------------------------------------------

Decimator48kTo16k::Decimator48kTo16k() : buf_(kTaps / 2, 0.0f) {}

void Decimator48kTo16k::Drain(std::vector<std::int16_t>& out, std::size_t limit) {
  const auto& h = LowPassTaps();
  while (produced_ < limit && pos_ + kTaps <= buf_.size()) {
    const float* x = buf_.data() + pos_;
    float acc = 0;
    for (int j = 0; j < kTaps; ++j) acc += h[j] * x[j];
    out.push_back(ToInt16(acc));
    ++produced_;
    pos_ += kFactor;
  }
  // Drop consumed input now and then rather than on every call.
  if (pos_ > 8192) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
}

void Decimator48kTo16k::Push(std::span<const float> in, std::vector<std::int16_t>& out) {
  if (finished_ || in.empty()) return;
  buf_.insert(buf_.end(), in.begin(), in.end());
  pushed_ += in.size();
  Drain(out, UINT64_MAX);
}

void Decimator48kTo16k::Finish(std::vector<std::int16_t>& out) {
  if (finished_) return;
  finished_ = true;
  buf_.insert(buf_.end(), kTaps / 2, 0.0f);  // the right half of the last outputs' windows
  Drain(out, (pushed_ + kFactor - 1) / kFactor);
}

// ---- Decoding ------------------------------------------------------------------------------

Result<DecodedAudio> DecodeOpusFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return base::NotFound("audio_not_found", "no audio file at " + path.string());
  }
  int error = 0;
  std::unique_ptr<OggOpusFile, OpusFileCloser> file(op_open_file(path.c_str(), &error));
  if (!file) {
    return base::InvalidArgument(
        "bad_audio", "cannot open " + path.string() + " as Ogg Opus: " + OpusErrorName(error));
  }

  DecodedAudio audio;
  audio.source_channels = op_channel_count(file.get(), -1);
  const ogg_int64_t total_48k = op_pcm_total(file.get(), -1);  // < 0 when unknown
  if (total_48k > 0) audio.samples.reserve(static_cast<std::size_t>(total_48k / 3 + 1));

  // 120 ms at 48 kHz (the longest Opus packet) for up to 8 channels.
  constexpr int kMaxFrames = 5760;
  std::vector<float> interleaved(static_cast<std::size_t>(kMaxFrames) * 8);
  std::vector<float> mono(interleaved.size());
  Decimator48kTo16k decimator;
  int consecutive_holes = 0;
  for (;;) {
    int link = -1;
    const int n =
        op_read_float(file.get(), interleaved.data(), static_cast<int>(interleaved.size()), &link);
    if (n == 0) break;
    if (n == OP_HOLE) {
      ++audio.holes;
      // opusfile skips the gap and goes on; a file of nothing but holes must still end.
      if (++consecutive_holes > 1000) {
        return base::InvalidArgument("bad_audio", path.string() + ": no decodable audio after " +
                                                      std::to_string(audio.holes) + " holes");
      }
      continue;
    }
    if (n < 0) {
      return base::InvalidArgument("bad_audio",
                                   "cannot decode " + path.string() + " at " +
                                       std::to_string(audio.samples.size() * 1000 / kSampleRate) +
                                       " ms: " + OpusErrorName(n));
    }
    consecutive_holes = 0;
    const int channels = std::max(1, op_channel_count(file.get(), link));
    if (channels == 1) {
      decimator.Push(std::span<const float>(interleaved.data(), static_cast<std::size_t>(n)),
                     audio.samples);
      continue;
    }
    const float scale = 1.0f / static_cast<float>(channels);
    for (int i = 0; i < n; ++i) {
      float sum = 0;
      for (int c = 0; c < channels; ++c) sum += interleaved[i * channels + c];
      mono[i] = sum * scale;
    }
    decimator.Push(std::span<const float>(mono.data(), static_cast<std::size_t>(n)), audio.samples);
  }
  decimator.Finish(audio.samples);
  audio.duration_ms = DurationMs(audio.samples.size());
  return audio;
}

// ---- Voice activity ------------------------------------------------------------------------

std::vector<SpeechRegion> DetectSpeech(std::span<const std::int16_t> pcm_16k,
                                       const VadOptions& options) {
  const std::vector<double> energy = FrameEnergiesDb(pcm_16k);
  if (energy.empty()) return {};

  std::vector<double> sorted = energy;
  const double pct = std::clamp(options.floor_percentile, 0.0, 100.0) / 100.0;
  const auto nth = static_cast<std::size_t>(pct * static_cast<double>(sorted.size() - 1));
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(nth), sorted.end());
  const double floor_db = sorted[nth];
  const double start_db = std::max(floor_db + options.start_above_floor_db, options.min_start_dbfs);
  const double continue_db = start_db - options.hysteresis_db;
  const std::int64_t min_silence_frames =
      std::max<std::int64_t>(1, options.min_silence_ms / kFrameMs);

  // Raw regions in frames, [first, last voiced + 1).
  std::vector<std::pair<std::int64_t, std::int64_t>> raw;
  bool in_speech = false;
  std::int64_t start = 0, last_voiced = 0;
  const auto n_frames = static_cast<std::int64_t>(energy.size());
  for (std::int64_t f = 0; f < n_frames; ++f) {
    const double e = energy[static_cast<std::size_t>(f)];
    if (!in_speech) {
      if (e >= start_db) {
        in_speech = true;
        start = last_voiced = f;
      }
    } else if (e >= continue_db) {
      last_voiced = f;
    } else if (f - last_voiced >= min_silence_frames) {
      raw.emplace_back(start, last_voiced + 1);
      in_speech = false;
    }
  }
  if (in_speech) raw.emplace_back(start, last_voiced + 1);

  const std::int64_t total_ms = DurationMs(pcm_16k.size());
  std::vector<SpeechRegion> regions;
  for (const auto& [first, end] : raw) {
    if ((end - first) * kFrameMs < options.min_speech_ms) continue;
    SpeechRegion r{std::max<std::int64_t>(0, first * kFrameMs - options.padding_ms),
                   std::min(total_ms, end * kFrameMs + options.padding_ms)};
    if (r.end_ms <= r.start_ms) continue;
    if (!regions.empty() && r.start_ms <= regions.back().end_ms) {
      regions.back().end_ms = std::max(regions.back().end_ms, r.end_ms);
    } else {
      regions.push_back(r);
    }
  }
  return SplitLongRegions(pcm_16k, std::move(regions), options.max_region_ms);
}

std::vector<SpeechRegion> SplitLongRegions(std::span<const std::int16_t> pcm_16k,
                                           std::vector<SpeechRegion> regions, std::int64_t max_ms) {
  if (max_ms < 2 * kFrameMs) return regions;
  std::vector<SpeechRegion> out;
  out.reserve(regions.size());
  for (SpeechRegion r : regions) {
    while (r.end_ms - r.start_ms > max_ms) {
      // The quietest frame between max/2 and max from the start; cut at its middle.
      const std::int64_t from = r.start_ms + max_ms / 2;
      const std::int64_t to = r.start_ms + max_ms - kFrameMs;
      std::int64_t best_at = to;
      double best = INFINITY;
      for (std::int64_t t = from; t <= to; t += kFrameMs) {
        const std::size_t a = SampleAt(t, pcm_16k.size());
        const std::size_t b = SampleAt(t + kFrameMs, pcm_16k.size());
        double sum = 0;
        for (std::size_t i = a; i < b; ++i) sum += static_cast<double>(pcm_16k[i]) * pcm_16k[i];
        if (sum < best) {
          best = sum;
          best_at = t;
        }
      }
      const std::int64_t cut = best_at + kFrameMs / 2;
      out.push_back({r.start_ms, cut});
      r.start_ms = cut;
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace vitrina::asr
