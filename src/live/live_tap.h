#pragma once
// The live audio tap of one media node (issue 16, docs/live.md): a UDP socket Janus's
// `rtp_forward` sends each publisher's audio to (plain RTP, Opus), one stream per SSRC. Per
// stream: reordering, Opus decoding, voice activity and a streaming recogniser; partial and
// final words go to the sink. It never touches the recording path: the evidence still comes
// from the recording.
//
// Threads: one receives datagrams; `workers` process streams, each stream always on the same
// worker (by SSRC), so a stream's state needs no lock. A stream's recogniser decoder is held
// only while its speaker talks (between the voice detector's start and end). At most
// `max_sessions` streams are live at once; further ones are refused (the sink is told once, the
// call goes on without captions, `vitrina_live_sessions_refused_total` counts them) and tried
// again every few seconds, going live when a place comes free. A stream
// with no packets for `idle_ms` ends (the participant left or the room closed); a stream whose
// sender restarted (Janus restarted and the forwarder was re-created with the same SSRC) goes
// on where it was.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "asr/speech_recognizer.h"
#include "asr/streaming_recognizer.h"
#include "base/metrics.h"
#include "base/result.h"

namespace vitrina::live {

struct LiveAudioEvent;  // audio_stream.h

// What a stream is, as the sink resolves it from its SSRC.
struct StreamInfo {
  std::uint32_t ssrc = 0;
  std::int64_t call_id = 0;
  bool seller = false;
  std::string language = "en";
  // The call's timeline: stream time 0 (its first packet) is this many ms after the call's
  // start, so captions and flags carry call-timeline times.
  std::int64_t timeline_offset_ms = 0;
};

// Receives what the tap hears. Called on worker threads (several at once, for different
// streams); must not block for long.
class TapSink {
 public:
  virtual ~TapSink() = default;
  // The stream of an SSRC never seen (or forgotten): nullopt when it is not a live stream of
  // an active call (its packets are then dropped for a while).
  virtual std::optional<StreamInfo> Resolve(std::uint32_t ssrc) = 0;
  // The stream is live (captions will come), or refused (over the cap, or its language has
  // no streaming recogniser).
  virtual void OnStarted(const StreamInfo& stream) = 0;
  virtual void OnRefused(const StreamInfo& stream, const std::string& reason) = 0;
  // Words of the utterance `utterance` so far, and its final words. Utterances are named by
  // their start on the call's timeline (ms), unique per speaker.
  virtual void OnPartial(const StreamInfo& stream, std::int64_t utterance, const std::string& text,
                         std::int64_t start_ms) = 0;
  virtual void OnFinal(const StreamInfo& stream, std::int64_t utterance,
                       const asr::Segment& words) = 0;
  // A resolved stream ended (idle): every stream Resolve returned ends once; `was_live` says
  // whether it had gone live (OnStarted) by then.
  virtual void OnEnded(const StreamInfo& stream, bool was_live) = 0;
};

struct LiveTapOptions {
  std::string bind = "127.0.0.1";  // the tap runs on the media node: Janus sends to loopback
  int port = 0;                    // 0: any free port (see port())
  int max_sessions = 16;           // live streams (participants) at once on this node
  int workers = 0;                 // 0: one per core
  std::int64_t idle_ms = 10'000;
  std::int64_t end_silence_ms = 500;      // the voice detector's end of an utterance
  std::int64_t max_utterance_ms = 12'000;
  std::int64_t ignore_unknown_ms = 5'000;  // an unresolved SSRC is not asked about again this long
};

class LiveTap {
 public:
  LiveTap(LiveTapOptions options, asr::StreamingRecognizer& recognizer, TapSink& sink,
          base::Metrics& metrics);
  ~LiveTap();
  LiveTap(const LiveTap&) = delete;
  LiveTap& operator=(const LiveTap&) = delete;

  // Binds the socket and starts the threads. kUnavailable "live_tap_bind" when the address
  // cannot be bound.
  base::Result<void> Start();
  void Stop();
  int port() const { return port_; }
  // Streams live now.
  int sessions() const { return sessions_.load(); }

 private:
  struct Datagram {
    std::uint32_t ssrc = 0;
    std::int64_t arrival_ms = 0;
    std::vector<std::uint8_t> bytes;
  };
  struct Worker;
  struct Stream;
  void Receive();
  void Work(Worker& w);
  void Process(Stream& s, std::vector<LiveAudioEvent> events);
  // Takes a place under the cap and starts the stream's pipeline, or refuses it.
  void GoLive(Stream& s, std::int64_t now_ms);
  // Adds the worker's counts since the last report to the metrics (once a second).
  void Report(Worker& w);
  void EndStream(Stream& s);

  const LiveTapOptions options_;
  asr::StreamingRecognizer& recognizer_;
  TapSink& sink_;
  base::Metrics& metrics_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> sessions_{0};
  std::thread receiver_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace vitrina::live
