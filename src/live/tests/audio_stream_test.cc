#include "live/audio_stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "live/tests/rtp_test_stream.h"

namespace vitrina::live {
namespace {

using testing::Datagram;
using testing::Dbfs;
using testing::EncodeOpus;
using testing::Packetise;
using testing::Region;
using testing::RtpDatagram;
using testing::TwoSentences;

constexpr std::uint32_t kSsrc = 0x5eed;

struct Utterance {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = -1;
  std::vector<std::int16_t> audio;
  friend bool operator==(const Utterance&, const Utterance&) = default;
};

struct Outcome {
  std::vector<Utterance> utterances;
  LiveAudioCounters counters;
  std::int64_t position_ms = 0;
};

// Pushes the datagrams in their arrival order, draining after each, then finishes.
Outcome RunStream(std::vector<Datagram> datagrams, LiveAudioOptions options = {}) {
  std::stable_sort(datagrams.begin(), datagrams.end(),
                   [](const Datagram& a, const Datagram& b) { return a.arrival_ms < b.arrival_ms; });
  auto stream = LiveAudioStream::Create(options);
  EXPECT_TRUE(stream);
  Outcome out;
  auto take = [&](const std::vector<LiveAudioEvent>& events) {
    for (const LiveAudioEvent& e : events) {
      if (e.type == LiveAudioEvent::Type::kStart) {
        out.utterances.push_back({e.time_ms, -1, {}});
      } else if (e.type == LiveAudioEvent::Type::kAudio) {
        EXPECT_FALSE(out.utterances.empty());
        out.utterances.back().audio.insert(out.utterances.back().audio.end(), e.audio.begin(),
                                           e.audio.end());
      } else {
        out.utterances.back().end_ms = e.time_ms;
        EXPECT_EQ(static_cast<std::int64_t>(out.utterances.back().audio.size()),
                  (e.time_ms - out.utterances.back().start_ms) * 16);
      }
    }
  };
  for (const Datagram& d : datagrams) {
    stream->Push(d.bytes, d.arrival_ms);
    take(stream->Drain(d.arrival_ms));
  }
  take(stream->Finish());
  out.counters = stream->counters();
  out.position_ms = stream->position_ms();
  return out;
}

double Correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const auto n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

const std::vector<std::vector<std::uint8_t>>& Frames() {
  static const auto frames = EncodeOpus(TwoSentences().pcm);
  return frames;
}

std::vector<Datagram> InOrder() { return Packetise(Frames(), 65'000, 4'000'000'000u, kSsrc); }

std::int64_t TrackMs() { return static_cast<std::int64_t>(Frames().size()) * 20; }

// Both sentences found, on the timeline shifted by `shift_ms` from `second_from` on.
void ExpectSentences(const Outcome& out, std::int64_t second_shift_ms = 0) {
  const auto& real = TwoSentences().speech;
  ASSERT_EQ(real.size(), 2u);
  ASSERT_EQ(out.utterances.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    const std::int64_t shift = i == 1 ? second_shift_ms : 0;
    const Utterance& u = out.utterances[i];
    EXPECT_LE(u.start_ms, real[i].start_ms + shift);
    EXPECT_NEAR(u.start_ms + 200, real[i].start_ms + shift, 150);
    EXPECT_GE(u.end_ms, real[i].end_ms + shift);
    EXPECT_LE(u.end_ms, real[i].end_ms + shift + 600);
  }
}

TEST(LiveAudioStreamTest, InOrderStreamDecodesToTheTrackAndFindsBothSentences) {
  const Outcome out = RunStream(InOrder());
  EXPECT_EQ(out.position_ms, TrackMs());
  ExpectSentences(out);
  EXPECT_EQ(out.counters.datagrams, Frames().size());
  EXPECT_EQ(out.counters.jitter.received, Frames().size());
  EXPECT_EQ(out.counters.jitter.lost + out.counters.jitter.late + out.counters.jitter.resets, 0u);
  EXPECT_EQ(out.counters.concealed_ms, 0);
  EXPECT_EQ(out.counters.utterances, 2u);
  // The utterance's audio is the speech at its place: its 20 ms energy envelope follows the
  // original's (Opus's 6.5 ms delay is inside a frame; SILK does not keep every fricative's
  // level, hence a correlation and not a frame-by-frame match).
  const auto& pcm = TwoSentences().pcm;
  for (const Utterance& u : out.utterances) {
    std::vector<double> a, b;
    for (std::int64_t ms = u.start_ms; ms + 20 <= u.end_ms; ms += 20) {
      a.push_back(Dbfs(std::span(pcm).subspan(static_cast<std::size_t>(ms * 16), 320)));
      b.push_back(Dbfs(std::span(u.audio).subspan(static_cast<std::size_t>((ms - u.start_ms) * 16), 320)));
    }
    EXPECT_GT(Correlation(a, b), 0.9);
    EXPECT_NEAR(Dbfs(u.audio), Dbfs(std::span(pcm).subspan(static_cast<std::size_t>(u.start_ms * 16), u.audio.size())), 3);
  }
}

TEST(LiveAudioStreamTest, ReorderingWithin40MsChangesNothing) {
  auto datagrams = InOrder();
  std::mt19937 rng(3);
  for (auto& d : datagrams) d.arrival_ms += rng() % 41;
  const Outcome out = RunStream(datagrams);
  EXPECT_EQ(out.utterances, RunStream(InOrder()).utterances);  // bit for bit
  EXPECT_EQ(out.counters.jitter.lost + out.counters.jitter.late, 0u);
  EXPECT_EQ(out.position_ms, TrackMs());
}

TEST(LiveAudioStreamTest, DuplicatesAreDroppedAndCounted) {
  auto datagrams = InOrder();
  std::mt19937 rng(4);
  const std::size_t n = datagrams.size();
  std::uint64_t duplicated = 0;
  for (std::size_t i = 0; i < n; i += 1 + rng() % 30) {
    Datagram copy = datagrams[i];
    copy.arrival_ms += rng() % 100;  // before or long after the original was popped
    datagrams.push_back(copy);
    ++duplicated;
  }
  const Outcome out = RunStream(datagrams);
  EXPECT_EQ(out.utterances, RunStream(InOrder()).utterances);
  EXPECT_EQ(out.counters.jitter.duplicates, duplicated);
  EXPECT_EQ(out.counters.jitter.late + out.counters.jitter.lost, 0u);
}

TEST(LiveAudioStreamTest, ConcealsFivePercentLoss) {
  auto datagrams = InOrder();
  std::mt19937 rng(5);
  std::set<std::size_t> dropped;
  while (dropped.size() < datagrams.size() / 20) dropped.insert(1 + rng() % (datagrams.size() - 2));
  std::erase_if(datagrams, [&](const Datagram& d) { return dropped.contains(d.index); });
  const Outcome out = RunStream(datagrams);
  EXPECT_EQ(out.counters.jitter.lost, dropped.size());
  EXPECT_EQ(out.counters.concealed_ms, static_cast<std::int64_t>(dropped.size()) * 20);
  EXPECT_EQ(out.position_ms, TrackMs());
  ExpectSentences(out);
  // Lost frames inside speech are not silence: PLC/FEC made something like the original.
  const auto& pcm = TwoSentences().pcm;
  int concealed_in_speech = 0;
  for (const std::size_t i : dropped) {
    const auto ms = static_cast<std::int64_t>(i) * 20;
    if (Dbfs(std::span(pcm).subspan(static_cast<std::size_t>(ms * 16), 320)) < -30) continue;
    for (const Utterance& u : out.utterances) {
      if (ms < u.start_ms || ms + 20 > u.end_ms) continue;
      const auto made = std::span(u.audio).subspan(static_cast<std::size_t>((ms - u.start_ms) * 16), 320);
      EXPECT_GT(Dbfs(made), -45) << "frame " << i;
      ++concealed_in_speech;
    }
  }
  EXPECT_GT(concealed_in_speech, 3);
}

TEST(LiveAudioStreamTest, FollowsASenderRestartMidSentence) {
  auto datagrams = InOrder();
  const std::size_t half = datagrams.size() * 3 / 4;  // inside sentence two
  for (std::size_t i = half; i < datagrams.size(); ++i) {
    datagrams[i].bytes = RtpDatagram(static_cast<std::uint16_t>(1'000 + i - half),
                                     77'777 + static_cast<std::uint32_t>(i - half) * 960, kSsrc,
                                     Frames()[i]);
  }
  const Outcome out = RunStream(datagrams);
  EXPECT_EQ(out.counters.jitter.resets, 1u);
  EXPECT_EQ(out.counters.jitter.lost + out.counters.jitter.late + out.counters.jitter.strays, 0u);
  EXPECT_EQ(out.position_ms, TrackMs()) << "no gap on the wall clock: none on the timeline";
  ExpectSentences(out);
}

TEST(LiveAudioStreamTest, ARestartAfterAPauseContinuesTheTimelineByTheWallClock) {
  auto datagrams = InOrder();
  const auto& real = TwoSentences().speech;
  const auto pause = static_cast<std::size_t>((real[0].end_ms + real[1].start_ms) / 2 / 20);
  for (std::size_t i = pause; i < datagrams.size(); ++i) {
    datagrams[i].bytes = RtpDatagram(static_cast<std::uint16_t>(30'000 + i), static_cast<std::uint32_t>(i * 960 + 1'000'000'000u),
                                     kSsrc + 1, Frames()[i]);  // a new forwarder, a new SSRC
    datagrams[i].arrival_ms += 1'000;  // Janus took a second to come back
  }
  const Outcome out = RunStream(datagrams);
  EXPECT_EQ(out.counters.jitter.resets, 1u);
  EXPECT_EQ(out.position_ms, TrackMs() + 1'000);
  ExpectSentences(out, 1'000);
}

TEST(LiveAudioStreamTest, StereoOpusComesOutMono) {
  const Outcome out = RunStream(Packetise(EncodeOpus(TwoSentences().pcm, 2), 1, 1, kSsrc));
  EXPECT_EQ(out.position_ms, TrackMs());
  ExpectSentences(out);
}

TEST(LiveAudioStreamTest, DropsWhatIsNotThisStream) {
  auto datagrams = InOrder();
  const std::vector<std::uint8_t> payload = {1, 2, 3};
  std::vector<std::uint8_t> rtcp_rr = {0x80, 201, 0, 1, 0, 0, 0x5e, 0xed};
  for (std::size_t i = 0; i < Frames().size(); i += 25) {
    const std::int64_t at = static_cast<std::int64_t>(i) * 20 + 5;
    datagrams.push_back({0, at, rtcp_rr});
    datagrams.push_back({0, at, {0x80, 111, 0}});                                       // short
    datagrams.push_back({0, at, RtpDatagram(static_cast<std::uint16_t>(i), 0, kSsrc, payload, 0)});  // PT 0
    datagrams.push_back({0, at, RtpDatagram(static_cast<std::uint16_t>(i), 0, 99, payload)});  // SSRC
  }
  LiveAudioOptions options;
  options.ssrc = kSsrc;
  const Outcome out = RunStream(datagrams, options);
  const std::uint64_t rounds = (Frames().size() + 24) / 25;
  EXPECT_EQ(out.counters.malformed, 2 * rounds);
  EXPECT_EQ(out.counters.foreign, 2 * rounds);
  EXPECT_EQ(out.counters.jitter.received, Frames().size());
  EXPECT_EQ(out.utterances, RunStream(InOrder()).utterances);
}

TEST(LiveAudioStreamTest, CorruptOpusIsConcealedAndCounted) {
  auto datagrams = InOrder();
  const std::size_t bad = 30;
  // TOC byte of a code-3 packet with a frame count of 0: invalid.
  datagrams[bad].bytes = RtpDatagram(static_cast<std::uint16_t>(65'000 + bad),
                                     4'000'000'000u + bad * 960, kSsrc, std::vector<std::uint8_t>{0x03, 0x00});
  const Outcome out = RunStream(datagrams);
  EXPECT_EQ(out.counters.decode_errors, 1u);
  EXPECT_EQ(out.counters.concealed_ms, 20);
  EXPECT_EQ(out.position_ms, TrackMs());
  ExpectSentences(out);
}

}  // namespace
}  // namespace vitrina::live
