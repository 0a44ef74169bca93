#pragma once
// Reordering of one RTP stream (one SSRC as Janus's rtp_forward sends it) into frames in
// sequence order on a monotonic timeline, with the gaps marked so the decoder can conceal them.

#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "live/rtp_packet.h"

namespace vitrina::live {

struct JitterBufferOptions {
  // A packet that came after a gap waits at most this long for the missing ones, counted from
  // its own arrival; then the missing sequence numbers are given up as lost. Packets that
  // come in order are released at once (no added delay without reordering), except the
  // first of a stream (and after a restart), which waits hold_ms for packets it overtook.
  std::int64_t hold_ms = 60;
  int clock_rate = 48'000;  // RTP clock (Opus: always 48 kHz)
  // A packet whose sequence number is more than max_misorder behind or max_dropout ahead of
  // the highest seen, or whose timestamp is more than max_ts_jump_ms away from where its
  // sequence number puts it, or with another SSRC, is not of this stream (RFC 3550 A.1): if
  // the next such packet continues it, the sender restarted (e.g. Janus restarted and the
  // forwarder was re-created with new bases) and the buffer resets; a lone one is a stray.
  int max_misorder = 100;
  int max_dropout = 3'000;
  std::int64_t max_ts_jump_ms = 60'000;
};

// One frame, in sequence order.
struct JitterFrame {
  std::uint16_t seq = 0;
  // The frame's place on the stream's timeline, in RTP clock ticks: the RTP timestamp
  // unwrapped to 64 bits, 0 at the stream's first frame, continued across sender restarts
  // (the new stream starts where the old one ended plus the wall-clock gap between them).
  // For lost frames it is interpolated between their neighbours.
  std::int64_t stream_ts = 0;
  bool lost = false;     // nothing arrived in time: conceal (payload empty)
  bool restart = false;  // first frame after a sender restart: reset the decoder first
  std::vector<std::uint8_t> payload;
};

struct JitterCounters {
  std::uint64_t received = 0;    // packets pushed
  std::uint64_t lost = 0;        // lost frames popped
  std::uint64_t late = 0;        // came after their place was popped (or given up): dropped
  std::uint64_t duplicates = 0;  // already buffered or popped: dropped
  std::uint64_t resets = 0;      // sender restarts followed
  std::uint64_t strays = 0;      // lone packets far outside the window: dropped
};

// Owns copies of the buffered payloads. Not thread-safe: one per stream, used by the thread
// that reads its socket. Time is the caller's (arrival_ms / now_ms on any monotonic clock).
class JitterBuffer {
 public:
  explicit JitterBuffer(JitterBufferOptions options = {});

  // Takes a copy of the payload. Drops (and counts) duplicates, late packets and strays.
  void Push(const RtpPacket& packet, std::int64_t arrival_ms);
  // The frames that are due at now_ms, in order: everything up to the first gap, and past a
  // gap once the packet after it has waited hold_ms (the gap's sequence numbers come out as
  // lost frames).
  std::vector<JitterFrame> Pop(std::int64_t now_ms);

  const JitterCounters& counters() const { return counters_; }
  std::size_t buffered() const { return buffer_.size() + ready_.size(); }

 private:
  struct Entry {
    std::int64_t stream_ts = 0;
    std::int64_t arrival_ms = 0;
    std::vector<std::uint8_t> payload;
  };
  struct Stray {
    std::uint32_t ssrc = 0;
    std::uint16_t seq = 0;
    std::uint32_t timestamp = 0;
    std::int64_t arrival_ms = 0;
    std::vector<std::uint8_t> payload;
  };

  void StartEpoch(const RtpPacket& packet, std::int64_t arrival_ms, std::int64_t stream_ts);
  void Accept(const RtpPacket& packet, std::int64_t arrival_ms);
  bool IsFar(const RtpPacket& packet) const;
  bool Continues(const Stray& stray, const RtpPacket& packet) const;
  void Restart(const RtpPacket& packet, std::int64_t arrival_ms);
  void EmitLost(std::int64_t until_seq, std::int64_t until_ts, std::vector<JitterFrame>& out);
  void EmitFrame(std::int64_t seq, Entry& entry, std::vector<JitterFrame>& out);
  std::int64_t ExtendSeq(std::uint16_t seq) const;
  std::int64_t ExtendTs(std::uint32_t ts) const;

  static constexpr std::size_t kHistory = 1024;  // popped seqs remembered (duplicate vs late)

  JitterBufferOptions options_;
  JitterCounters counters_;
  bool started_ = false;
  std::uint32_t ssrc_ = 0;
  // Current epoch (since the last restart); sequence numbers and timestamps extended to 64 bits.
  std::int64_t highest_seq_ = 0;
  std::int64_t highest_ts_ = 0;  // RTP timestamp of highest_seq_, extended
  std::int64_t epoch_rtp_ts_ = 0;  // extended RTP timestamp that maps to epoch_stream_ts_
  std::int64_t epoch_stream_ts_ = 0;
  std::int64_t next_seq_ = 0;  // the next to pop
  bool popped_in_epoch_ = false;
  bool restart_pending_ = false;
  std::optional<std::int64_t> last_popped_seq_;
  std::int64_t last_popped_ts_ = 0;
  std::bitset<kHistory> delivered_;  // by seq % kHistory, for [next_seq_ - kHistory, next_seq_)
  std::int64_t frame_ticks_ = 960;   // learned from consecutive packets
  std::int64_t stream_end_ = 0;      // stream_ts + frame_ticks_ of the latest frame received
  std::int64_t last_arrival_ms_ = 0;
  std::map<std::int64_t, Entry> buffer_;  // by extended seq
  std::vector<JitterFrame> ready_;        // flushed from the previous epoch at a restart
  std::optional<Stray> stray_;
};

}  // namespace vitrina::live
