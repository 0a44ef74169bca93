#include "live/streaming_vad.h"

#include <algorithm>
#include <cmath>

namespace vitrina::live {

namespace {

constexpr double kFullScale = 32768.0;
constexpr double kSilenceDb = -100;  // energy of digital silence, instead of -inf
constexpr int kSmoothFrames = 5;     // the floor follows the 50 ms mean energy

double Db(double linear) { return std::max(kSilenceDb, 10 * std::log10(linear + 1e-12)); }

std::int64_t Frames(std::int64_t ms) { return std::max<std::int64_t>(1, (ms + 9) / 10); }

}  // namespace

StreamingVad::StreamingVad(StreamingVadOptions options)
    : options_(options),
      onset_frames_(Frames(options.onset_ms)),
      end_frames_(Frames(options.end_silence_ms)),
      pre_roll_samples_(std::max<std::int64_t>(0, options.pre_roll_ms) * kSampleRate / 1000),
      max_samples_(std::max<std::int64_t>(Frames(options.max_utterance_ms) * kFrameSamples,
                                          kFrameSamples)),
      history_samples_(pre_roll_samples_ + (onset_frames_ + 1) * kFrameSamples),
      rise_per_frame_db_(options.floor_rise_db_per_s / 100) {
  frame_.reserve(kFrameSamples);
}

std::vector<VadEvent> StreamingVad::Feed(std::span<const std::int16_t> pcm) {
  out_.clear();
  pending_.clear();
  while (!pcm.empty()) {
    const std::size_t take = std::min(pcm.size(), kFrameSamples - frame_.size());
    frame_.insert(frame_.end(), pcm.begin(), pcm.begin() + static_cast<std::ptrdiff_t>(take));
    pcm = pcm.subspan(take);
    if (frame_.size() == kFrameSamples) {
      Frame(frame_);
      position_ += kFrameSamples;
      frame_.clear();
    }
  }
  return Finish();
}

std::vector<VadEvent> StreamingVad::Flush() {
  out_.clear();
  pending_.clear();
  const std::int64_t end = position();
  if (in_speech_) {
    if (!frame_.empty()) Audio(position_, frame_);
    End(end, VadEvent::EndReason::kFlush);
  }
  history_.clear();  // a pause: the next pre-roll does not reach back across it
  position_ = end;
  last_end_ = end;
  frame_.clear();
  onset_run_ = 0;
  return Finish();
}

void StreamingVad::Frame(std::span<const std::int16_t> frame) {
  double sum = 0;
  for (const std::int16_t s : frame) sum += static_cast<double>(s) * s;
  const double energy = sum / (kFullScale * kFullScale * frame.size());
  const double db = Db(energy);
  if (!floor_set_) {
    floor_db_ = db;
    floor_set_ = true;
  }

  const double start_level =
      std::max(floor_db_ + options_.start_above_floor_db, options_.min_start_dbfs);
  const double speech_level = start_level - options_.hysteresis_db;
  const std::int64_t end = position_ + kFrameSamples;

  // The floor moves after the decision: it is what was known before this frame.
  recent_energy_[recent_count_++ % kSmoothFrames] = energy;
  double mean = 0;
  const int n = std::min(recent_count_, kSmoothFrames);
  for (int i = 0; i < n; ++i) mean += recent_energy_[i];
  const double smooth_db = Db(mean / n);
  if (smooth_db < floor_db_) {
    floor_db_ = smooth_db;
  } else {
    floor_db_ = std::min(smooth_db, floor_db_ + rise_per_frame_db_);
  }

  if (!in_speech_) {
    history_.insert(history_.end(), frame.begin(), frame.end());
    while (static_cast<std::int64_t>(history_.size()) > history_samples_) history_.pop_front();
    if (db >= start_level) {
      if (onset_run_++ == 0) onset_start_ = position_;
    } else {
      onset_run_ = 0;
    }
    if (onset_run_ < onset_frames_) return;
    const std::int64_t history_start = end - static_cast<std::int64_t>(history_.size());
    const std::int64_t start = std::max({onset_start_ - pre_roll_samples_, history_start, last_end_});
    Start(start);
    std::vector<std::int16_t> pre(history_.begin() + (start - history_start), history_.end());
    Audio(start, pre);
    history_.clear();
    onset_run_ = 0;
    return;
  }

  Audio(position_, frame);
  silence_run_ = db >= speech_level ? 0 : silence_run_ + 1;
  const std::int64_t length = end - utterance_start_;
  if (silence_run_ >= end_frames_) {
    End(end, VadEvent::EndReason::kSilence);
  } else if (silence_run_ > 0 && 4 * length >= 3 * max_samples_) {
    End(end, VadEvent::EndReason::kMaxLength);  // long: end at the first pause
  } else if (length >= max_samples_) {
    End(end, VadEvent::EndReason::kMaxLength);  // no pause: cut, and go on at once
    Start(end);
  }
}

void StreamingVad::Start(std::int64_t at) {
  in_speech_ = true;
  utterance_start_ = at;
  silence_run_ = 0;
  pending_.push_back({VadEvent{VadEvent::Type::kStart, at, {}, {}}, 0, 0});
}

void StreamingVad::End(std::int64_t at, VadEvent::EndReason reason) {
  in_speech_ = false;
  last_end_ = at;
  onset_run_ = 0;
  history_.clear();
  pending_.push_back({VadEvent{VadEvent::Type::kEnd, at, {}, reason}, 0, 0});
}

void StreamingVad::Audio(std::int64_t at, std::span<const std::int16_t> samples) {
  if (samples.empty()) return;
  if (!pending_.empty()) {
    Pending& last = pending_.back();
    if (last.event.type == VadEvent::Type::kAudio &&
        last.event.sample + static_cast<std::int64_t>(last.size) == at) {
      out_.insert(out_.end(), samples.begin(), samples.end());
      last.size += samples.size();
      return;
    }
  }
  pending_.push_back({VadEvent{VadEvent::Type::kAudio, at, {}, {}}, out_.size(), samples.size()});
  out_.insert(out_.end(), samples.begin(), samples.end());
}

std::vector<VadEvent> StreamingVad::Finish() {
  std::vector<VadEvent> events;
  events.reserve(pending_.size());
  for (Pending& p : pending_) {
    if (p.event.type == VadEvent::Type::kAudio) {
      p.event.audio = std::span<const std::int16_t>(out_).subspan(p.offset, p.size);
    }
    events.push_back(p.event);
  }
  return events;
}

}  // namespace vitrina::live
