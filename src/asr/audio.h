#pragma once
// Audio for recognition: Ogg Opus files decoded to 16 kHz mono PCM (libopusfile plus our own
// 48 kHz -> 16 kHz decimator), and an energy-based voice-activity detector that finds the
// stretches worth sending to a recognizer.
//
// Everything here is a free function or a small value-type class without shared state: safe
// to use from any number of threads at once (each on its own objects).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "base/result.h"

namespace vitrina::asr {

using base::Result;

// ---- Decoding ------------------------------------------------------------------------------

struct DecodedAudio {
  std::vector<std::int16_t> samples;  // 16 kHz mono
  std::int64_t duration_ms = 0;       // samples.size() in ms
  int source_channels = 0;            // of the file's first link (stereo etc. is averaged)
  // Places where pages were missing from the Ogg stream and opusfile skipped ahead: audio
  // after a hole comes earlier than it should. Zero for files ffmpeg/janus-pp-rec wrote.
  int holes = 0;
};

// Decodes an Ogg Opus file (any channel count, chained streams too) to 16 kHz mono, in
// streaming fashion: memory is the 16 kHz output (~115 MB per hour) plus small buffers.
// Errors: kNotFound "audio_not_found"; kInvalidArgument "bad_audio" (not Ogg Opus, corrupt
// headers or packets), naming the file and opusfile's reason.
[[nodiscard]] Result<DecodedAudio> DecodeOpusFile(const std::filesystem::path& path);

// 48 kHz -> 16 kHz: a linear-phase low-pass FIR (Kaiser-windowed sinc, 241 taps: flat to
// 7 kHz, >= 80 dB down from 8 kHz) evaluated only at every third input sample. Zero delay:
// output sample k is centred on input sample 3k, so times are unchanged. Streaming: feed any
// number of Push calls, then Finish once; the output has ceil(inputs / 3) samples.
// Not thread-safe; one per stream.
class Decimator48kTo16k {
 public:
  Decimator48kTo16k();
  // Input in [-1, 1]; appends the finished outputs (rounded, clamped to int16) to `out`.
  void Push(std::span<const float> in, std::vector<std::int16_t>& out);
  void Finish(std::vector<std::int16_t>& out);

  static constexpr int kFactor = 3;
  static constexpr int kTaps = 241;

 private:
  void Drain(std::vector<std::int16_t>& out, std::size_t limit);

  std::vector<float> buf_;      // pending input, with kTaps/2 zeros in front at the start
  std::size_t pos_ = 0;         // index in buf_ of the first tap of the next output
  std::uint64_t pushed_ = 0;    // input samples so far
  std::uint64_t produced_ = 0;  // output samples so far
  bool finished_ = false;
};

// ---- Voice activity ------------------------------------------------------------------------

// [start_ms, end_ms) within the PCM given.
struct SpeechRegion {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  friend bool operator==(const SpeechRegion&, const SpeechRegion&) = default;
};

// An energy detector on 10 ms frames. The noise floor is a low percentile of the whole
// input's frame energies (we always have the whole recording), so it adapts to each
// participant's microphone; speech starts above floor + start_above_floor_db and, with
// hysteresis, goes on until the energy has stayed below the start threshold minus
// hysteresis_db for min_silence_ms.
struct VadOptions {
  double floor_percentile = 10;         // of frame energies, taken as the noise floor
  double start_above_floor_db = 12;     // speech starts this far above the floor ...
  double min_start_dbfs = -55;          // ... but never below this (near-digital silence)
  double hysteresis_db = 6;             // and continues until this far below the start level
  std::int64_t min_silence_ms = 300;    // quieter stretches shorter than this do not split
  std::int64_t min_speech_ms = 80;      // shorter bursts (clicks, pops) are dropped
  std::int64_t padding_ms = 200;        // added on both sides (word onsets/offsets are quiet)
  std::int64_t max_region_ms = 30'000;  // longer regions are cut at their quietest points
};

// Speech regions of 16 kHz mono PCM, sorted, non-overlapping (padding that would overlap
// merges neighbours), clamped to the input's duration. Empty for silence.
std::vector<SpeechRegion> DetectSpeech(std::span<const std::int16_t> pcm_16k,
                                       const VadOptions& options = {});

// Cuts every region longer than max_ms at the quietest 10 ms frame of its last half window
// (between max_ms/2 and max_ms from its start), repeatedly, so no piece exceeds max_ms.
std::vector<SpeechRegion> SplitLongRegions(std::span<const std::int16_t> pcm_16k,
                                           std::vector<SpeechRegion> regions, std::int64_t max_ms);

// Sample index of a time within 16 kHz PCM (clamped to [0, size]).
std::size_t SampleAt(std::int64_t ms, std::size_t size);

}  // namespace vitrina::asr
