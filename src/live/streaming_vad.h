#pragma once
// A streaming voice-activity detector for one participant's live audio (16 kHz mono int16),
// cutting it into utterances for a streaming recogniser. Unlike asr::DetectSpeech, which sees
// the whole track, it decides as the audio comes, 10 ms at a time.
//
// How it decides: the energy of each 10 ms frame against a noise floor tracked as the minimum
// of the 50 ms mean energy, falling at once and rising slowly (floor_rise_db_per_s), so it
// follows a microphone's noise without looking ahead. A frame is loud at the start level
// max(floor + start_above_floor_db, min_start_dbfs), and still speech inside an utterance
// down to hysteresis_db below that. An utterance starts after onset_ms of consecutive loud
// frames, beginning pre_roll_ms before them (word onsets are quiet; never before the previous
// utterance's end); it ends after end_silence_ms of non-speech frames, which it keeps as its
// tail. Beyond 3/4 of max_utterance_ms it ends at the first non-speech frame, and at
// max_utterance_ms it is cut hard and the next one starts at once (no audio lost or repeated).
// The floor starts at the first frames' level: a stream that starts in mid-speech is found
// from the first pause on.
//
// The contract for the caller: the audio of the kAudio events between a kStart at s and the
// kEnd at e is exactly the samples [s, e) of the stream, in order, each once; no kAudio is
// outside an utterance. So a recogniser is started at kStart, fed every kAudio and finished
// at kEnd. Sample indexes count from the first sample fed (16 per ms).

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace vitrina::live {

struct StreamingVadOptions {
  double start_above_floor_db = 12;
  double min_start_dbfs = -55;  // never start below this (near-digital silence)
  double hysteresis_db = 6;
  double floor_rise_db_per_s = 1;
  std::int64_t onset_ms = 60;
  std::int64_t end_silence_ms = 500;
  std::int64_t pre_roll_ms = 200;
  std::int64_t max_utterance_ms = 12'000;
};

struct VadEvent {
  enum class Type { kStart, kAudio, kEnd };
  enum class EndReason { kSilence, kMaxLength, kFlush };

  Type type = Type::kAudio;
  // kStart: the utterance's first sample (pre-roll included); kAudio: the sample index of
  // audio[0]; kEnd: one past the utterance's last sample.
  std::int64_t sample = 0;
  // kAudio only. Points into the detector: valid until its next Feed or Flush.
  std::span<const std::int16_t> audio;
  EndReason reason = EndReason::kSilence;  // kEnd only
};

// Owns its buffers (the pre-roll and the last call's output). Not thread-safe: one per stream.
class StreamingVad {
 public:
  static constexpr int kSampleRate = 16'000;
  static constexpr int kFrameSamples = kSampleRate / 100;

  explicit StreamingVad(StreamingVadOptions options = {});

  // Takes any number of samples; decides on each whole 10 ms frame (the rest waits for the
  // next call). Returns the events those frames caused, in order.
  std::vector<VadEvent> Feed(std::span<const std::int16_t> pcm);
  // The stream ended (or paused): ends an open utterance after the samples fed so far,
  // including a partial frame (reason kFlush). Returns nothing outside an utterance.
  std::vector<VadEvent> Flush();

  bool is_speech() const { return in_speech_; }                  // inside an utterance
  std::int64_t position() const { return position_ + static_cast<std::int64_t>(frame_.size()); }  // samples fed
  double noise_floor_dbfs() const { return floor_db_; }

 private:
  struct Pending {  // an event whose audio is out_[offset, offset + size)
    VadEvent event;
    std::size_t offset = 0;
    std::size_t size = 0;
  };

  void Frame(std::span<const std::int16_t> frame);
  void Start(std::int64_t at);
  void End(std::int64_t at, VadEvent::EndReason reason);
  void Audio(std::int64_t at, std::span<const std::int16_t> samples);
  std::vector<VadEvent> Finish();

  StreamingVadOptions options_;
  std::int64_t onset_frames_, end_frames_, pre_roll_samples_, max_samples_, history_samples_;
  double rise_per_frame_db_;

  std::vector<std::int16_t> frame_;  // the partial frame waiting for more samples
  std::int64_t position_ = 0;        // sample index of frame_[0]
  // Noise floor.
  bool floor_set_ = false;
  double floor_db_ = -100;
  double recent_energy_[5] = {};  // linear, last 5 frames
  int recent_count_ = 0;
  // Outside an utterance: the latest samples, for the pre-roll; they end at position_.
  std::deque<std::int16_t> history_;
  int onset_run_ = 0;
  std::int64_t onset_start_ = 0;
  std::int64_t last_end_ = 0;
  // Inside an utterance.
  bool in_speech_ = false;
  std::int64_t utterance_start_ = 0;
  int silence_run_ = 0;
  // The current call's output.
  std::vector<std::int16_t> out_;
  std::vector<Pending> pending_;
};

}  // namespace vitrina::live
