#pragma once
// One participant's audio to timed words: decode (Opus -> 16 kHz mono), skip silence with the
// voice-activity detector, recognise each speech region, and place everything on the call's
// timeline. What a transcription job calls for each participant track.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>

#include "asr/audio.h"
#include "asr/speech_recognizer.h"
#include "base/result.h"

namespace vitrina::asr {

struct TranscribeOptions {
  VadOptions vad;
  // Called after each speech region with the audio covered so far and in total (ms of the
  // input, not of the timeline). Return false to stop: the call then fails with kUnavailable
  // "asr_cancelled" (e.g. the worker pool is stopping; the job is retried later).
  std::function<bool(std::int64_t done_ms, std::int64_t total_ms)> progress;
};

struct Transcription {
  Recognition recognition;     // segments in time order, times on the caller's timeline
  std::int64_t audio_ms = 0;   // length of the input
  std::int64_t speech_ms = 0;  // of it, what the detector sent to the recognizer
  int regions = 0;             // speech regions found
};

// RMS level of `pcm` in dBFS (0 dB: a full-scale square wave); -120 for silence or no samples.
double LoudnessDbfs(std::span<const std::int16_t> pcm);

// Recognises `pcm_16k` (16 kHz mono) whose first sample lies at `offset_ms` on the timeline.
// Silence yields no segments (not an error). Errors: the recognizer's (e.g. kInvalidArgument
// "unsupported_language", checked even for silent input), "asr_cancelled".
// Thread-safe if the recognizer is; blocks for as long as recognition takes.
[[nodiscard]] Result<Transcription> TranscribePcm(SpeechRecognizer& recognizer,
                                                  std::span<const std::int16_t> pcm_16k,
                                                  std::int64_t offset_ms,
                                                  const std::string& language,
                                                  const TranscribeOptions& options = {});

// DecodeOpusFile + TranscribePcm. Errors: those of both.
[[nodiscard]] Result<Transcription> TranscribeOpusFile(SpeechRecognizer& recognizer,
                                                       const std::filesystem::path& path,
                                                       std::int64_t offset_ms,
                                                       const std::string& language,
                                                       const TranscribeOptions& options = {});

}  // namespace vitrina::asr
