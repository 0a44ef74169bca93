#include "live/audio_stream.h"

#include <limits>
#include <utility>

namespace vitrina::live {

namespace {

constexpr std::int64_t kSamplesPerMs = OpusStreamDecoder::kSampleRate / 1000;
constexpr int kDefaultFrameSamples = OpusStreamDecoder::kSampleRate / 50;  // 20 ms

}  // namespace

Result<LiveAudioStream> LiveAudioStream::Create(LiveAudioOptions options) {
  OpusStreamDecoder decoder = TRY(OpusStreamDecoder::Create());
  return LiveAudioStream(std::move(options), std::move(decoder));
}

LiveAudioStream::LiveAudioStream(LiveAudioOptions options, OpusStreamDecoder decoder)
    : options_(std::move(options)),
      jitter_(options_.jitter),
      decoder_(std::move(decoder)),
      vad_(options_.vad) {}

void LiveAudioStream::Push(std::span<const std::uint8_t> datagram, std::int64_t arrival_ms) {
  ++counters_.datagrams;
  const std::optional<RtpPacket> packet = ParseRtp(datagram);
  if (!packet) {
    ++counters_.malformed;
    return;
  }
  if (packet->payload_type != options_.payload_type ||
      (options_.ssrc && packet->ssrc != *options_.ssrc)) {
    ++counters_.foreign;
    return;
  }
  last_arrival_ms_ = arrival_ms;
  jitter_.Push(*packet, arrival_ms);
}

std::vector<LiveAudioEvent> LiveAudioStream::Drain(std::int64_t now_ms) {
  std::vector<LiveAudioEvent> events;
  for (JitterFrame& frame : jitter_.Pop(now_ms)) Frame(frame, events);
  FeedVad(events);
  if (vad_.is_speech() && jitter_.buffered() == 0 &&
      now_ms - last_arrival_ms_ >= options_.idle_end_ms) {
    Convert(vad_.Flush(), events);
  }
  return events;
}

std::vector<LiveAudioEvent> LiveAudioStream::Finish() {
  std::vector<LiveAudioEvent> events = Drain(std::numeric_limits<std::int64_t>::max() / 2);
  Convert(vad_.Flush(), events);
  return events;
}

void LiveAudioStream::Frame(JitterFrame& frame, std::vector<LiveAudioEvent>& events) {
  if (frame.restart) decoder_.Reset();
  if (frame.lost) {
    // Concealed when the next packet is decoded: its timestamp says how much is missing, and
    // its in-band FEC may carry the last lost frame.
    lost_pending_ = started_;
    return;
  }
  if (!started_) {
    started_ = true;
    origin_ts_ = frame.stream_ts;
  }
  const int clock = options_.jitter.clock_rate;
  const std::int64_t target = (frame.stream_ts - origin_ts_) * OpusStreamDecoder::kSampleRate / clock;
  const std::int64_t gap = target - produced_;
  if (gap > options_.max_gap_fill_ms * kSamplesPerMs) {
    FeedVad(events);
    Convert(vad_.Flush(), events);
    produced_ += gap;
    skipped_ += gap;
    counters_.skipped_ms += gap / kSamplesPerMs;
  } else if (gap > 0 && lost_pending_) {
    auto recovered = decoder_.RecoverFromFec(frame.payload, static_cast<int>(gap));
    Append(recovered ? *recovered : std::vector<std::int16_t>(static_cast<std::size_t>(gap)));
    counters_.concealed_ms += gap / kSamplesPerMs;
  } else if (gap > 0) {
    Append(std::vector<std::int16_t>(static_cast<std::size_t>(gap)));  // DTX or a pause
  }
  lost_pending_ = false;

  auto decoded = decoder_.Decode(frame.payload);
  if (!decoded) {
    ++counters_.decode_errors;
    decoded = decoder_.Conceal(kDefaultFrameSamples);
    if (!decoded) decoded = std::vector<std::int16_t>(kDefaultFrameSamples);
    counters_.concealed_ms += kDefaultFrameSamples / kSamplesPerMs;
  }
  if (gap < 0) {
    // Overlaps what was already decoded (a restart's new stream started early): keep the
    // timeline, drop the overlap.
    const auto overlap = std::min<std::size_t>(static_cast<std::size_t>(-gap), decoded->size());
    decoded->erase(decoded->begin(), decoded->begin() + static_cast<std::ptrdiff_t>(overlap));
  }
  Append(*decoded);
}

void LiveAudioStream::Append(const std::vector<std::int16_t>& samples) {
  pcm_.insert(pcm_.end(), samples.begin(), samples.end());
  produced_ += static_cast<std::int64_t>(samples.size());
}

void LiveAudioStream::FeedVad(std::vector<LiveAudioEvent>& events) {
  if (pcm_.empty()) return;
  Convert(vad_.Feed(pcm_), events);
  pcm_.clear();
}

void LiveAudioStream::Convert(const std::vector<VadEvent>& vad_events,
                              std::vector<LiveAudioEvent>& events) {
  for (const VadEvent& e : vad_events) {
    LiveAudioEvent out;
    out.type = e.type;
    out.time_ms = (e.sample + skipped_) / kSamplesPerMs;
    out.audio.assign(e.audio.begin(), e.audio.end());
    out.reason = e.reason;
    if (e.type == LiveAudioEvent::Type::kStart) ++counters_.utterances;
    events.push_back(std::move(out));
  }
}

LiveAudioCounters LiveAudioStream::counters() const {
  LiveAudioCounters c = counters_;
  c.jitter = jitter_.counters();
  return c;
}

std::int64_t LiveAudioStream::position_ms() const { return produced_ / kSamplesPerMs; }

}  // namespace vitrina::live
