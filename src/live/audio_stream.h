#pragma once
// One participant's live audio, from RTP datagrams to utterances: RTP parsing, jitter buffer,
// Opus decoding to 16 kHz mono with loss concealment, and the streaming voice-activity
// detector, on the stream's timeline (ms since its first packet).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "live/jitter_buffer.h"
#include "live/opus_stream.h"
#include "live/streaming_vad.h"

namespace vitrina::live {

struct LiveAudioOptions {
  // Only packets of this SSRC; unset: whichever comes, following a change of SSRC as a sender
  // restart (the tap has one port per participant).
  std::optional<std::uint32_t> ssrc;
  std::uint8_t payload_type = 111;  // Janus's Opus
  JitterBufferOptions jitter;
  StreamingVadOptions vad;
  // Holes in the timeline without lost packets (Opus DTX, a paused sender) are filled with
  // silence up to this long; a longer one ends the open utterance and is skipped (the
  // timeline still advances by it).
  std::int64_t max_gap_fill_ms = 2'000;
  // No packet for this long inside an utterance: the sender went quiet; end the utterance.
  std::int64_t idle_end_ms = 1'000;
};

// For metrics: totals since the stream was made.
struct LiveAudioCounters {
  std::uint64_t datagrams = 0;    // pushed
  std::uint64_t malformed = 0;    // not RTP (RTCP included): dropped
  std::uint64_t foreign = 0;      // another SSRC or payload type: dropped
  JitterCounters jitter;          // received, lost, late, duplicates, resets, strays
  std::uint64_t decode_errors = 0;  // corrupt Opus packets (concealed instead)
  std::int64_t concealed_ms = 0;  // audio made up by PLC/FEC for lost or corrupt packets
  std::int64_t skipped_ms = 0;    // timeline holes skipped (see max_gap_fill_ms)
  std::uint64_t utterances = 0;   // started
};

struct LiveAudioEvent {
  using Type = VadEvent::Type;
  Type type = Type::kAudio;
  // kStart/kEnd: the utterance's start (pre-roll included) / end on the stream timeline, in
  // ms since the stream's first packet; kAudio: the time of audio[0].
  std::int64_t time_ms = 0;
  // kAudio: 16 kHz mono; owned, so it can be posted to a recogniser's thread. As with
  // VadEvent, the kAudio events from a kStart to its kEnd are the utterance's audio, whole.
  std::vector<std::int16_t> audio;
  VadEvent::EndReason reason = VadEvent::EndReason::kSilence;  // kEnd only
};

// Owns the pipeline of one stream. Not thread-safe: one per participant, on the thread that
// reads its socket (Push) and drives it (Drain, on every datagram and on a ~20 ms timer).
// Movable.
class LiveAudioStream {
 public:
  // Errors: kInternal if libopus cannot make a decoder.
  [[nodiscard]] static Result<LiveAudioStream> Create(LiveAudioOptions options = {});

  // One UDP datagram as it came (arrival_ms on a monotonic clock). Anything that is not an
  // RTP packet of this stream is counted and dropped.
  void Push(std::span<const std::uint8_t> datagram, std::int64_t arrival_ms);
  // Decodes what the jitter buffer releases at now_ms and runs the detector over it.
  [[nodiscard]] std::vector<LiveAudioEvent> Drain(std::int64_t now_ms);
  // The stream ended: everything buffered goes out (gaps concealed) and an open utterance ends.
  [[nodiscard]] std::vector<LiveAudioEvent> Finish();

  LiveAudioCounters counters() const;
  std::int64_t position_ms() const;  // the timeline decoded so far
  bool in_utterance() const { return vad_.is_speech(); }

 private:
  explicit LiveAudioStream(LiveAudioOptions options, OpusStreamDecoder decoder);
  void Frame(JitterFrame& frame, std::vector<LiveAudioEvent>& events);
  void FeedVad(std::vector<LiveAudioEvent>& events);
  void Convert(const std::vector<VadEvent>& vad_events, std::vector<LiveAudioEvent>& events);
  void Append(const std::vector<std::int16_t>& samples);

  LiveAudioOptions options_;
  JitterBuffer jitter_;
  OpusStreamDecoder decoder_;
  StreamingVad vad_;
  LiveAudioCounters counters_;
  bool started_ = false;
  std::int64_t origin_ts_ = 0;      // stream_ts of the first frame (timeline 0)
  std::int64_t produced_ = 0;       // timeline samples decoded (or skipped) so far
  std::int64_t skipped_ = 0;        // timeline samples not given to the detector
  bool lost_pending_ = false;       // lost frames since the last decoded one
  std::int64_t last_arrival_ms_ = 0;
  std::vector<std::int16_t> pcm_;   // decoded, not yet given to the detector
};

}  // namespace vitrina::live
