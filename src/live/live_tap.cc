#include "live/live_tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <unordered_map>

#include "base/log.h"
#include "live/audio_stream.h"

namespace vitrina::live {

namespace {

std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

constexpr std::size_t kMaxQueued = 4096;  // datagrams per worker (~80 s of one stream)

}  // namespace

struct LiveTap::Stream {
  StreamInfo info;
  std::optional<LiveAudioStream> audio;
  std::unique_ptr<asr::LiveUtterance> utterance;
  std::int64_t utterance_no = 0;
  std::int64_t utterance_start_ms = 0;  // call timeline
  std::int64_t last_packet_ms = 0;       // steady clock
  std::int64_t last_audio_arrival_ms = 0;  // steady clock of the newest packet fed
  bool refused = false;                 // over the cap (or no recogniser): packets dropped
  bool at_capacity = false;             // refused for the cap: tried again after retry_at_ms
  bool live = false;                    // counted in sessions_
  std::int64_t retry_at_ms = 0;         // unresolved or at capacity: try again after this
  bool resolved = false;
  std::int64_t resolved_at_ms = 0;       // steady clock of Resolve (info.timeline_offset_ms then)
  bool fed = false;                      // got packets since the last drain
  std::uint64_t lost_reported = 0;       // lost frames already counted in the metric
};

struct LiveTap::Worker {
  std::mutex mu;
  std::condition_variable wake;
  std::deque<Datagram> queue;
  std::thread thread;
  std::unordered_map<std::uint32_t, Stream> streams;  // the worker's own; no lock
  double cpu_reported = 0;
  // Counted here and added to the metrics once a second (no shared lock per packet).
  std::uint64_t packets_ok = 0;
  std::uint64_t packets_unknown = 0;
  std::uint64_t lost_frames = 0;
};

LiveTap::LiveTap(LiveTapOptions options, asr::StreamingRecognizer& recognizer, TapSink& sink,
                 base::Metrics& metrics)
    : options_(std::move(options)), recognizer_(recognizer), sink_(sink), metrics_(metrics) {
  metrics_.Describe("vitrina_live_sessions", "gauge", "Live audio streams (participants) on this tap now.");
  metrics_.Describe("vitrina_live_sessions_max", "gauge", "The tap's cap on live streams (live.max_sessions).");
  metrics_.Describe("vitrina_live_sessions_refused_total", "counter",
                    "Streams refused a live path, by reason (capacity, language): those calls have no captions.");
  metrics_.Describe("vitrina_live_packets_total", "counter", "RTP datagrams the tap received, by result.");
  metrics_.Describe("vitrina_live_lost_frames_total", "counter", "Audio frames lost on the way to the tap (concealed).");
  metrics_.Describe("vitrina_live_cpu_seconds_total", "counter",
                    "CPU time of the tap's workers (decoding, voice detection, recognition).");
  metrics_.Describe("vitrina_live_final_seconds", "histogram",
                    "From the newest audio of an utterance reaching the tap to its final words out.");
  metrics_.Describe("vitrina_live_errors_total", "counter", "Live path failures by stage; the call itself goes on.");
  metrics_.Set("vitrina_live_sessions_max", {}, options_.max_sessions);
  metrics_.Set("vitrina_live_sessions", {}, 0);
}

LiveTap::~LiveTap() { Stop(); }

base::Result<void> LiveTap::Start() {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return base::Fail(base::ErrorKind::kUnavailable, "live_tap_bind", std::strerror(errno));
  const int buf = 4 << 20;
  (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(options_.port));
  if (::inet_pton(AF_INET, options_.bind.c_str(), &addr.sin_addr) != 1 ||
      ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return base::Fail(base::ErrorKind::kUnavailable, "live_tap_bind",
                      "cannot bind the live tap to " + options_.bind + ":" +
                          std::to_string(options_.port) + ": " + why);
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  int n = options_.workers > 0 ? options_.workers
                               : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>());
  for (auto& w : workers_) w->thread = std::thread([this, &w = *w] { Work(w); });
  receiver_ = std::thread([this] { Receive(); });
  base::log::Info("live_tap_started", {{"bind", options_.bind},
                                       {"port", static_cast<std::int64_t>(port_)},
                                       {"workers", static_cast<std::int64_t>(n)},
                                       {"max_sessions", static_cast<std::int64_t>(options_.max_sessions)}});
  return {};
}

void LiveTap::Stop() {
  if (stopping_.exchange(true)) return;
  if (receiver_.joinable()) receiver_.join();
  for (auto& w : workers_) {
    w->wake.notify_all();
    if (w->thread.joinable()) w->thread.join();
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void LiveTap::Receive() {
  std::vector<std::uint8_t> buf(2048);
  while (!stopping_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const ssize_t got = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (got < 12) {
      if (got >= 0) metrics_.Add("vitrina_live_packets_total", {{"result", "malformed"}});
      continue;
    }
    const std::uint32_t ssrc = (std::uint32_t{buf[8]} << 24) | (std::uint32_t{buf[9]} << 16) |
                               (std::uint32_t{buf[10]} << 8) | buf[11];
    Worker& w = *workers_[ssrc % workers_.size()];
    bool queued = false;
    {
      std::lock_guard lock(w.mu);
      if (w.queue.size() < kMaxQueued) {
        w.queue.push_back({ssrc, SteadyMs(), std::vector<std::uint8_t>(buf.begin(), buf.begin() + got)});
        queued = true;
      }
    }
    if (!queued) {
      metrics_.Add("vitrina_live_packets_total", {{"result", "overflow"}});
      continue;
    }
    w.wake.notify_one();
  }
}

void LiveTap::Work(Worker& w) {
  std::deque<Datagram> batch;
  std::int64_t next_sweep = SteadyMs() + 1000;
  std::int64_t next_tick = SteadyMs() + 20;
  while (!stopping_) {
    {
      std::unique_lock lock(w.mu);
      w.wake.wait_for(lock, std::chrono::milliseconds(20), [&] { return stopping_ || !w.queue.empty(); });
      batch.swap(w.queue);
    }
    const auto now = SteadyMs();
    for (auto& d : batch) {
      auto [it, fresh] = w.streams.try_emplace(d.ssrc);
      Stream& s = it->second;
      s.last_packet_ms = d.arrival_ms;
      if (!s.resolved) {
        if (now < s.retry_at_ms) {
          ++w.packets_unknown;
          continue;
        }
        auto info = sink_.Resolve(d.ssrc);
        if (!info) {
          s.retry_at_ms = now + options_.ignore_unknown_ms;
          ++w.packets_unknown;
          continue;
        }
        s.resolved = true;
        s.resolved_at_ms = now;
        s.info = *info;
        if (!recognizer_.Supports(s.info.language)) {
          s.refused = true;
          metrics_.Add("vitrina_live_sessions_refused_total", {{"reason", "language"}});
          sink_.OnRefused(s.info, "no streaming recogniser for " + s.info.language);
        } else {
          GoLive(s, now);
        }
      } else if (s.at_capacity && now >= s.retry_at_ms) {
        GoLive(s, now);  // a place may have come free
      }
      if (s.refused || !s.audio) continue;
      ++w.packets_ok;
      s.audio->Push(d.bytes, d.arrival_ms);
      s.last_audio_arrival_ms = d.arrival_ms;
      s.fed = true;
    }
    batch.clear();
    // Streams that got packets now; all of them every 20 ms (held packets fall due, a silent
    // sender's utterance ends).
    const bool tick = now >= next_tick;
    if (tick) next_tick = now + 20;
    for (auto& [ssrc, s] : w.streams) {
      if (!s.audio || !(s.fed || tick)) continue;
      s.fed = false;
      Process(s, s.audio->Drain(now));
    }
    if (now >= next_sweep) {
      next_sweep = now + 1000;
      for (auto it = w.streams.begin(); it != w.streams.end();) {
        if (now - it->second.last_packet_ms > options_.idle_ms) {
          EndStream(it->second);
          it = w.streams.erase(it);
        } else {
          ++it;
        }
      }
      for (auto& [ssrc, s] : w.streams) {
        if (!s.audio) continue;
        const auto lost = s.audio->counters().jitter.lost;
        w.lost_frames += lost - s.lost_reported;
        s.lost_reported = lost;
      }
      Report(w);
    }
  }
  for (auto& [ssrc, s] : w.streams) EndStream(s);
  w.streams.clear();
  Report(w);
}

void LiveTap::Report(Worker& w) {
  const double cpu = ThreadCpuSeconds();
  metrics_.Add("vitrina_live_cpu_seconds_total", {}, cpu - w.cpu_reported);
  w.cpu_reported = cpu;
  if (w.packets_ok > 0) metrics_.Add("vitrina_live_packets_total", {{"result", "ok"}}, static_cast<double>(w.packets_ok));
  if (w.packets_unknown > 0) {
    metrics_.Add("vitrina_live_packets_total", {{"result", "unknown_stream"}}, static_cast<double>(w.packets_unknown));
  }
  if (w.lost_frames > 0) metrics_.Add("vitrina_live_lost_frames_total", {}, static_cast<double>(w.lost_frames));
  w.packets_ok = w.packets_unknown = w.lost_frames = 0;
  metrics_.Set("vitrina_live_sessions", {}, sessions_.load());
}

void LiveTap::GoLive(Stream& s, std::int64_t now_ms) {
  if (sessions_.fetch_add(1) >= options_.max_sessions) {
    sessions_.fetch_sub(1);
    s.refused = true;
    s.retry_at_ms = now_ms + options_.ignore_unknown_ms;
    if (!s.at_capacity) {  // told once; it goes live later if a place comes free
      s.at_capacity = true;
      metrics_.Add("vitrina_live_sessions_refused_total", {{"reason", "capacity"}});
      sink_.OnRefused(s.info, "the live tap is at capacity");
    }
    return;
  }
  LiveAudioOptions audio;
  audio.ssrc = s.info.ssrc;
  audio.vad.end_silence_ms = options_.end_silence_ms;
  audio.vad.max_utterance_ms = options_.max_utterance_ms;
  auto made = LiveAudioStream::Create(audio);
  if (!made) {
    sessions_.fetch_sub(1);
    s.refused = true;
    s.at_capacity = false;
    metrics_.Add("vitrina_live_errors_total", {{"stage", "decoder"}});
    sink_.OnRefused(s.info, made.error().message);
    return;
  }
  s.audio.emplace(std::move(*made));
  // Stream time 0 is the first packet from now on: a stream that waited for a place starts
  // that much later on the call's timeline.
  s.info.timeline_offset_ms += now_ms - s.resolved_at_ms;
  s.refused = false;
  s.at_capacity = false;
  s.live = true;
  metrics_.Set("vitrina_live_sessions", {}, sessions_.load());
  sink_.OnStarted(s.info);
}

void LiveTap::Process(Stream& s, std::vector<LiveAudioEvent> events) {
  for (auto& e : events) {
    const std::int64_t at = s.info.timeline_offset_ms + e.time_ms;
    switch (e.type) {
      case LiveAudioEvent::Type::kStart: {
        s.utterance.reset();
        auto begun = recognizer_.Begin(s.info.language, at);
        if (!begun) {
          // No decoder free (or it failed): this utterance has no captions; the next may.
          metrics_.Add("vitrina_live_errors_total", {{"stage", begun.error().code}});
          break;
        }
        s.utterance = std::move(*begun);
        s.utterance_start_ms = at;
        // Named by its start on the call's timeline: unique per speaker also across a new
        // stream of the same participant (after a media-server restart).
        s.utterance_no = std::max(at, s.utterance_no + 1);
        break;
      }
      case LiveAudioEvent::Type::kAudio: {
        if (!s.utterance) break;
        auto partial = s.utterance->Feed(e.audio);
        if (!partial) {
          metrics_.Add("vitrina_live_errors_total", {{"stage", "recognise"}});
          s.utterance.reset();
          break;
        }
        if (*partial && !(*partial)->empty()) {
          sink_.OnPartial(s.info, s.utterance_no, **partial, s.utterance_start_ms);
        }
        break;
      }
      case LiveAudioEvent::Type::kEnd: {
        if (!s.utterance) break;
        auto words = s.utterance->Finish();
        s.utterance.reset();
        if (!words) {
          metrics_.Add("vitrina_live_errors_total", {{"stage", "recognise"}});
          break;
        }
        metrics_.Observe("vitrina_live_final_seconds", {},
                         static_cast<double>(SteadyMs() - s.last_audio_arrival_ms) / 1000.0);
        if (!words->words.empty()) sink_.OnFinal(s.info, s.utterance_no, *words);
        break;
      }
    }
  }
}

void LiveTap::EndStream(Stream& s) {
  if (s.audio) {
    Process(s, s.audio->Finish());  // ends an open utterance with its final words
    if (s.utterance) {
      auto words = s.utterance->Finish();
      if (words && !words->words.empty()) sink_.OnFinal(s.info, s.utterance_no, *words);
      s.utterance.reset();
    }
  }
  const bool was_live = s.live;
  if (s.live) {
    s.live = false;
    metrics_.Set("vitrina_live_sessions", {}, sessions_.fetch_sub(1) - 1);
  }
  if (s.resolved) sink_.OnEnded(s.info, was_live);
}

}  // namespace vitrina::live
