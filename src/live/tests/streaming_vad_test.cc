#include "live/streaming_vad.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "live/tests/rtp_test_stream.h"

namespace vitrina::live {
namespace {

using testing::Region;
using testing::TwoSentences;

struct Utterance {
  std::int64_t start = 0;  // samples
  std::int64_t end = -1;
  VadEvent::EndReason reason = VadEvent::EndReason::kSilence;
  std::vector<std::int16_t> audio;
};

// Feeds `pcm` in chunks of random sizes (1..max_chunk), checking the event contract on the
// way: audio only inside utterances, contiguous from the start, ending at the end.
std::vector<Utterance> RunVad(StreamingVad& vad, std::span<const std::int16_t> pcm,
                           std::size_t max_chunk = 700, bool flush = true) {
  std::vector<Utterance> out;
  std::mt19937 rng(7);
  auto take = [&](const std::vector<VadEvent>& events) {
    for (const VadEvent& e : events) {
      switch (e.type) {
        case VadEvent::Type::kStart:
          EXPECT_TRUE(out.empty() || out.back().end >= 0) << "start inside an utterance";
          EXPECT_TRUE(out.empty() || e.sample >= out.back().end) << "overlaps the previous";
          out.push_back({e.sample, -1, {}, {}});
          break;
        case VadEvent::Type::kAudio:
          EXPECT_TRUE(!out.empty() && out.back().end < 0) << "audio outside an utterance";
          if (out.empty()) break;
          EXPECT_EQ(e.sample, out.back().start + static_cast<std::int64_t>(out.back().audio.size()));
          out.back().audio.insert(out.back().audio.end(), e.audio.begin(), e.audio.end());
          break;
        case VadEvent::Type::kEnd:
          EXPECT_TRUE(!out.empty() && out.back().end < 0);
          if (out.empty()) break;
          out.back().end = e.sample;
          out.back().reason = e.reason;
          EXPECT_EQ(e.sample, out.back().start + static_cast<std::int64_t>(out.back().audio.size()));
          break;
      }
    }
  };
  std::size_t at = 0;
  while (at < pcm.size()) {
    const std::size_t n = std::min<std::size_t>(pcm.size() - at, 1 + rng() % max_chunk);
    take(vad.Feed(pcm.subspan(at, n)));
    at += n;
    EXPECT_EQ(vad.position(), static_cast<std::int64_t>(at));
  }
  if (flush) take(vad.Flush());
  return out;
}

std::int64_t Ms(std::int64_t samples) { return samples / 16; }

TEST(StreamingVadTest, FindsEachSentenceWithItsPreRollAndTail) {
  const auto& track = TwoSentences();
  ASSERT_EQ(track.speech.size(), 2u) << "the generated speech should be two sentences";
  StreamingVad vad;
  const auto utterances = RunVad(vad, track.pcm);
  ASSERT_EQ(utterances.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const Region& real = track.speech[i];
    const Utterance& u = utterances[i];
    SCOPED_TRACE(i);
    // The start includes 200 ms of pre-roll: the onset itself is found within 150 ms.
    EXPECT_LE(Ms(u.start), real.start_ms) << "clips the first word";
    EXPECT_NEAR(Ms(u.start) + 200, real.start_ms, 150);
    EXPECT_GE(Ms(u.end), real.end_ms);
    EXPECT_LE(Ms(u.end), real.end_ms + 600);
    EXPECT_EQ(u.reason, VadEvent::EndReason::kSilence);
    // The audio is exactly the stream's samples of the utterance.
    ASSERT_EQ(static_cast<std::int64_t>(u.audio.size()), u.end - u.start);
    EXPECT_TRUE(std::equal(u.audio.begin(), u.audio.end(), track.pcm.begin() + u.start));
  }
  EXPECT_FALSE(vad.is_speech());
}

TEST(StreamingVadTest, ResultsDoNotDependOnChunkSizes) {
  const auto& track = TwoSentences();
  StreamingVad a, b;
  const auto big = RunVad(a, track.pcm, 16'000);
  const auto tiny = RunVad(b, track.pcm, 3);
  ASSERT_EQ(big.size(), tiny.size());
  for (std::size_t i = 0; i < big.size(); ++i) {
    EXPECT_EQ(big[i].start, tiny[i].start);
    EXPECT_EQ(big[i].end, tiny[i].end);
  }
}

TEST(StreamingVadTest, StaysQuietOnSteadyNoise) {
  std::vector<std::int16_t> noise(16'000 * 5);
  std::mt19937 rng(1);
  std::normal_distribution<double> n(0, 1000);  // about -30 dBFS
  for (auto& s : noise) s = static_cast<std::int16_t>(n(rng));
  StreamingVad vad;
  EXPECT_TRUE(RunVad(vad, noise).empty());
  EXPECT_NEAR(vad.noise_floor_dbfs(), -30.3, 2);
}

TEST(StreamingVadTest, EndsAfterTheConfiguredSilence) {
  const auto& track = TwoSentences();
  StreamingVad vad(StreamingVadOptions{.end_silence_ms = 300});
  const auto u = RunVad(vad, track.pcm);
  ASSERT_EQ(u.size(), 2u);
  EXPECT_LE(Ms(u[0].end), track.speech[0].end_ms + 400);
  EXPECT_GE(Ms(u[0].end), track.speech[0].end_ms + 250);
}

TEST(StreamingVadTest, CutsLongUtterances) {
  // 1 s of quiet, then 10 s of a warbling tone at -20 dBFS without a pause.
  std::vector<std::int16_t> pcm(16'000 * 11, 0);
  for (std::size_t i = 16'000; i < pcm.size(); ++i) {
    const double t = static_cast<double>(i) / 16'000;
    pcm[i] = static_cast<std::int16_t>(3000 * std::sin(2 * std::numbers::pi * (300 + 50 * std::sin(t)) * t));
  }
  StreamingVad vad(StreamingVadOptions{.max_utterance_ms = 4'000});
  const auto u = RunVad(vad, pcm);
  ASSERT_GE(u.size(), 3u);
  EXPECT_EQ(u[0].reason, VadEvent::EndReason::kMaxLength);
  EXPECT_EQ(u[0].end - u[0].start, 4'000 * 16);
  EXPECT_EQ(u[1].start, u[0].end) << "the next goes on at once";
  EXPECT_EQ(u[1].reason, VadEvent::EndReason::kMaxLength);
  EXPECT_EQ(u.back().reason, VadEvent::EndReason::kFlush);
  EXPECT_EQ(u.back().end, static_cast<std::int64_t>(pcm.size()));
  for (const auto& x : u) EXPECT_LE(x.end - x.start, 4'000 * 16);
}

TEST(StreamingVadTest, FlushEndsAnOpenUtteranceWithThePartialFrame) {
  const auto& track = TwoSentences();
  const std::int64_t mid = (track.speech[0].start_ms + 500) * 16 + 77;  // inside sentence one
  StreamingVad vad;
  const auto u = RunVad(vad, std::span(track.pcm).first(static_cast<std::size_t>(mid)), 500, false);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_TRUE(vad.is_speech());
  const auto events = vad.Flush();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, VadEvent::Type::kAudio);
  EXPECT_EQ(events[0].audio.size(), 77u);
  EXPECT_EQ(events[1].type, VadEvent::Type::kEnd);
  EXPECT_EQ(events[1].sample, mid);
  EXPECT_EQ(events[1].reason, VadEvent::EndReason::kFlush);
  EXPECT_FALSE(vad.is_speech());
  EXPECT_TRUE(vad.Flush().empty());
}

}  // namespace
}  // namespace vitrina::live
