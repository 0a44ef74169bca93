#include "live/jitter_buffer.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace vitrina::live {

namespace {

constexpr std::int64_t kMaxFrameTicks48k = 5'760;  // 120 ms, Opus's longest packet
constexpr std::int64_t kContinueSeqs = 10;         // a restart's second packet: this close

}  // namespace

JitterBuffer::JitterBuffer(JitterBufferOptions options)
    : options_(options), frame_ticks_(options.clock_rate / 50) {}

std::int64_t JitterBuffer::ExtendSeq(std::uint16_t seq) const {
  return highest_seq_ + static_cast<std::int16_t>(seq - static_cast<std::uint16_t>(highest_seq_));
}

std::int64_t JitterBuffer::ExtendTs(std::uint32_t ts) const {
  return highest_ts_ + static_cast<std::int32_t>(ts - static_cast<std::uint32_t>(highest_ts_));
}

void JitterBuffer::Push(const RtpPacket& packet, std::int64_t arrival_ms) {
  ++counters_.received;
  if (!started_) {
    StartEpoch(packet, arrival_ms, 0);
    return;
  }
  if (!IsFar(packet)) {
    Accept(packet, arrival_ms);
    return;
  }
  if (stray_ && Continues(*stray_, packet)) {
    Restart(packet, arrival_ms);
    return;
  }
  if (stray_) ++counters_.strays;
  stray_ = Stray{packet.ssrc, packet.seq, packet.timestamp, arrival_ms,
                 {packet.payload.begin(), packet.payload.end()}};
}

bool JitterBuffer::IsFar(const RtpPacket& packet) const {
  if (packet.ssrc != ssrc_) return true;
  const std::int64_t d = ExtendSeq(packet.seq) - highest_seq_;
  if (d > options_.max_dropout || d < -options_.max_misorder) return true;
  const std::int64_t expected_ts = highest_ts_ + d * frame_ticks_;
  const std::int64_t max_jump = options_.max_ts_jump_ms * options_.clock_rate / 1000;
  return std::llabs(ExtendTs(packet.timestamp) - expected_ts) > max_jump;
}

bool JitterBuffer::Continues(const Stray& stray, const RtpPacket& packet) const {
  const std::int64_t d = static_cast<std::int16_t>(packet.seq - stray.seq);
  const std::int64_t dts = static_cast<std::int32_t>(packet.timestamp - stray.timestamp);
  return packet.ssrc == stray.ssrc && d != 0 && std::llabs(d) <= kContinueSeqs &&
         std::llabs(dts) <= kContinueSeqs * kMaxFrameTicks48k * options_.clock_rate / 48'000;
}

void JitterBuffer::StartEpoch(const RtpPacket& packet, std::int64_t arrival_ms,
                              std::int64_t stream_ts) {
  started_ = true;
  ssrc_ = packet.ssrc;
  highest_seq_ = packet.seq;
  highest_ts_ = packet.timestamp;
  epoch_rtp_ts_ = highest_ts_;
  epoch_stream_ts_ = stream_ts;
  next_seq_ = highest_seq_;
  popped_in_epoch_ = false;
  last_popped_seq_.reset();
  delivered_.reset();
  buffer_[highest_seq_] = Entry{stream_ts, arrival_ms, {packet.payload.begin(), packet.payload.end()}};
  stream_end_ = std::max(stream_end_, stream_ts + frame_ticks_);
  last_arrival_ms_ = arrival_ms;
}

void JitterBuffer::Restart(const RtpPacket& packet, std::int64_t arrival_ms) {
  ++counters_.resets;
  // What the old stream still had buffered is good audio: it goes out first, gaps as lost.
  while (!buffer_.empty()) {
    auto it = buffer_.begin();
    if (it->first != next_seq_) EmitLost(it->first, it->second.stream_ts, ready_);
    EmitFrame(it->first, it->second, ready_);
    buffer_.erase(it);
  }
  Stray first = std::move(*stray_);
  stray_.reset();
  // The new stream continues the timeline where the old one ended, plus the wall-clock time
  // in between that the old stream's last frame does not cover.
  const std::int64_t frame_ms = frame_ticks_ * 1000 / options_.clock_rate;
  const std::int64_t gap_ms = std::max<std::int64_t>(0, first.arrival_ms - last_arrival_ms_ - frame_ms);
  const std::int64_t start = stream_end_ + gap_ms * options_.clock_rate / 1000;
  RtpPacket first_packet{0, false, first.seq, first.timestamp, first.ssrc, first.payload};
  StartEpoch(first_packet, first.arrival_ms, start);
  restart_pending_ = true;
  Accept(packet, arrival_ms);
}

void JitterBuffer::Accept(const RtpPacket& packet, std::int64_t arrival_ms) {
  const std::int64_t seq = ExtendSeq(packet.seq);
  const std::int64_t ts = ExtendTs(packet.timestamp);
  last_arrival_ms_ = std::max(last_arrival_ms_, arrival_ms);
  if (seq < next_seq_) {
    // Before anything of this epoch went out, an earlier packet that was overtaken by the
    // first one still has its place.
    if (!popped_in_epoch_ && next_seq_ - seq <= options_.max_misorder) {
      next_seq_ = seq;
    } else {
      const bool remembered = next_seq_ - seq <= static_cast<std::int64_t>(kHistory);
      if (remembered && delivered_[static_cast<std::size_t>(seq) % kHistory]) {
        ++counters_.duplicates;
      } else {
        ++counters_.late;
      }
      return;
    }
  }
  if (buffer_.contains(seq)) {
    ++counters_.duplicates;
    return;
  }
  const std::int64_t stream_ts = epoch_stream_ts_ + (ts - epoch_rtp_ts_);
  buffer_[seq] = Entry{stream_ts, arrival_ms, {packet.payload.begin(), packet.payload.end()}};
  if (seq > highest_seq_) {
    const std::int64_t dts = ts - highest_ts_;
    if (seq == highest_seq_ + 1 && dts > 0 && dts <= kMaxFrameTicks48k * options_.clock_rate / 48'000) {
      frame_ticks_ = dts;
    }
    highest_seq_ = seq;
    highest_ts_ = ts;
  }
  stream_end_ = std::max(stream_end_, stream_ts + frame_ticks_);
}

std::vector<JitterFrame> JitterBuffer::Pop(std::int64_t now_ms) {
  std::vector<JitterFrame> out = std::move(ready_);
  ready_.clear();
  while (!buffer_.empty()) {
    auto it = buffer_.begin();
    if (!last_popped_seq_ && counters_.resets == 0 && it->second.stream_ts != 0 &&
        now_ms - it->second.arrival_ms >= options_.hold_ms) {
      // The stream's first frame in sequence order (maybe not the first to arrive) is 0.
      const std::int64_t shift = it->second.stream_ts;
      for (auto& [seq, entry] : buffer_) entry.stream_ts -= shift;
      epoch_stream_ts_ -= shift;
      stream_end_ -= shift;
    }
    // The first frame of a stream waits too: a packet overtaken by it still has its place.
    if (it->first != next_seq_ || !popped_in_epoch_) {
      if (now_ms - it->second.arrival_ms < options_.hold_ms) break;
      EmitLost(it->first, it->second.stream_ts, out);
    }
    EmitFrame(it->first, it->second, out);
    buffer_.erase(it);
  }
  return out;
}

void JitterBuffer::EmitLost(std::int64_t until_seq, std::int64_t until_ts,
                            std::vector<JitterFrame>& out) {
  for (std::int64_t seq = next_seq_; seq < until_seq; ++seq) {
    JitterFrame frame;
    frame.seq = static_cast<std::uint16_t>(seq);
    if (last_popped_seq_) {
      frame.stream_ts = last_popped_ts_ + (until_ts - last_popped_ts_) * (seq - *last_popped_seq_) /
                                              (until_seq - *last_popped_seq_);
    } else {
      frame.stream_ts = until_ts - (until_seq - seq) * frame_ticks_;
    }
    frame.lost = true;
    frame.restart = std::exchange(restart_pending_, false);
    delivered_[static_cast<std::size_t>(seq) % kHistory] = false;
    out.push_back(std::move(frame));
    ++counters_.lost;
  }
  next_seq_ = std::max(next_seq_, until_seq);
}

void JitterBuffer::EmitFrame(std::int64_t seq, Entry& entry, std::vector<JitterFrame>& out) {
  JitterFrame frame;
  frame.seq = static_cast<std::uint16_t>(seq);
  frame.stream_ts = entry.stream_ts;
  frame.restart = std::exchange(restart_pending_, false);
  frame.payload = std::move(entry.payload);
  out.push_back(std::move(frame));
  delivered_[static_cast<std::size_t>(seq) % kHistory] = true;
  last_popped_seq_ = seq;
  last_popped_ts_ = entry.stream_ts;
  next_seq_ = seq + 1;
  popped_in_epoch_ = true;
}

}  // namespace vitrina::live
