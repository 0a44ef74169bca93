#include "asr/audio.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <optional>
#include <random>

#include "asr/speech_recognizer.h"
#include "asr/tests/test_audio.h"

namespace vitrina::asr {
namespace {

using testing::EncodeOpus;
using testing::ReadWav;
using testing::Speak;
using testing::TempDir;
using testing::Wav;
using testing::WriteWav;

std::vector<float> Sine48k(double hz, double amplitude, double seconds) {
  std::vector<float> out(static_cast<std::size_t>(seconds * 48'000));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * hz * i / 48'000.0));
  }
  return out;
}

std::vector<std::int16_t> Decimate(const std::vector<float>& in, std::size_t chunk = 1000) {
  Decimator48kTo16k d;
  std::vector<std::int16_t> out;
  for (std::size_t i = 0; i < in.size(); i += chunk) {
    d.Push(std::span<const float>(in).subspan(i, std::min(chunk, in.size() - i)), out);
  }
  d.Finish(out);
  return out;
}

// RMS of the middle half (away from the edges' transients), relative to full scale.
double MiddleRms(const std::vector<std::int16_t>& x) {
  double sum = 0;
  const std::size_t a = x.size() / 4, b = 3 * x.size() / 4;
  for (std::size_t i = a; i < b; ++i) sum += static_cast<double>(x[i]) * x[i];
  return std::sqrt(sum / static_cast<double>(b - a)) / 32768.0;
}

double Db(double ratio) { return 20 * std::log10(ratio + 1e-12); }

TEST(DecimatorTest, PassesTheSpeechBandAndRejectsWhatWouldAlias) {
  const double amplitude = 0.5;
  const double sine_rms = amplitude / std::numbers::sqrt2;
  for (double hz : {100.0, 1000.0, 3000.0, 6500.0}) {
    const auto out = Decimate(Sine48k(hz, amplitude, 1.0));
    EXPECT_NEAR(Db(MiddleRms(out) / sine_rms), 0.0, 0.1) << hz << " Hz";
  }
  // Without the low-pass these would fold back to 6, 4 and 1 kHz at full level.
  for (double hz : {10'000.0, 12'000.0, 17'000.0}) {
    const auto out = Decimate(Sine48k(hz, amplitude, 1.0));
    EXPECT_LT(Db(MiddleRms(out) / sine_rms), -70.0) << hz << " Hz";
  }
}

TEST(DecimatorTest, KeepsTimingAndLength) {
  // An impulse at input 3k comes out centred on output k: no filter delay to correct later.
  std::vector<float> in(4800, 0.0f);
  in[3 * 700] = 1.0f;
  const auto out = Decimate(in, 333);
  ASSERT_EQ(out.size(), 1600u);
  const auto peak = std::max_element(out.begin(), out.end()) - out.begin();
  EXPECT_EQ(peak, 700);

  EXPECT_EQ(Decimate(std::vector<float>(3001, 0.1f)).size(), 1001u);  // ceil(n / 3)
  EXPECT_EQ(Decimate(std::vector<float>(1, 0.1f)).size(), 1u);
  EXPECT_TRUE(Decimate({}).empty());
}

TEST(DecodeOpusTest, DecodesFliteSpeechTo16kOnTheSameTimeline) {
  TempDir dir;
  const Wav wav = Speak("the quick brown fox jumps over the lazy dog", dir.path() / "fox.wav");
  ASSERT_EQ(wav.sample_rate, 16'000);
  EncodeOpus(dir.path() / "fox.wav", dir.path() / "fox.opus");

  auto audio = DecodeOpusFile(dir.path() / "fox.opus");
  ASSERT_TRUE(audio) << audio.error().message;
  EXPECT_EQ(audio->source_channels, 1);
  EXPECT_EQ(audio->holes, 0);
  const double decoded_s = static_cast<double>(audio->samples.size()) / kSampleRate;
  EXPECT_NEAR(decoded_s, wav.seconds(), wav.seconds() * 0.01);
  EXPECT_EQ(audio->duration_ms, static_cast<std::int64_t>(audio->samples.size()) / 16);

  // The waveform lines up with the original (pre-skip handled, no filter delay): the best
  // correlation is at lag 0 +- 1 sample, and it is high.
  const auto& a = wav.samples;
  const auto& b = audio->samples;
  const std::size_t n = std::min(a.size(), b.size());
  int best_lag = 0;
  double best = -1;
  for (int lag = -160; lag <= 160; ++lag) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 200; i + 200 < n; ++i) {
      const double x = a[i], y = b[static_cast<std::size_t>(static_cast<long>(i) + lag)];
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    const double r = ab / std::sqrt(aa * bb + 1e-9);
    if (r > best) {
      best = r;
      best_lag = lag;
    }
  }
  EXPECT_LE(std::abs(best_lag), 1);
  EXPECT_GT(best, 0.8);
}

TEST(DecodeOpusTest, DownmixesStereo48k) {
  TempDir dir;
  // A tone on the left (ffmpeg's sine: 1/8 full scale), silence on the right.
  testing::MustRun({"ffmpeg",
                    "-v",
                    "error",
                    "-y",
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=frequency=440:sample_rate=48000:duration=3",
                    "-f",
                    "lavfi",
                    "-t",
                    "3",
                    "-i",
                    "anullsrc=r=48000:cl=mono",
                    "-filter_complex",
                    "[0:a][1:a]amerge=inputs=2",
                    "-c:a",
                    "libopus",
                    "-b:a",
                    "128k",
                    (dir.path() / "stereo.opus").string()});
  auto audio = DecodeOpusFile(dir.path() / "stereo.opus");
  ASSERT_TRUE(audio) << audio.error().message;
  EXPECT_EQ(audio->source_channels, 2);
  EXPECT_NEAR(static_cast<double>(audio->samples.size()), 3.0 * kSampleRate,
              0.01 * 3 * kSampleRate);
  // The average of both channels: half the tone.
  EXPECT_NEAR(Db(MiddleRms(audio->samples) / (0.0625 / std::numbers::sqrt2)), 0.0, 0.5);
}

TEST(DecodeOpusTest, ReportsMissingAndCorruptFiles) {
  TempDir dir;
  auto missing = DecodeOpusFile(dir.path() / "nope.opus");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "audio_not_found");

  std::ofstream(dir.path() / "junk.opus") << std::string(4096, 'x');
  auto junk = DecodeOpusFile(dir.path() / "junk.opus");
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().kind, base::ErrorKind::kInvalidArgument);
  EXPECT_EQ(junk.error().code, "bad_audio");
  EXPECT_NE(junk.error().message.find("junk.opus"), std::string::npos) << junk.error().message;

  // A WAV is not Ogg Opus either.
  WriteWav(dir.path() / "x.wav", Wav{16'000, std::vector<std::int16_t>(16'000, 0)});
  auto wav = DecodeOpusFile(dir.path() / "x.wav");
  ASSERT_FALSE(wav);
  EXPECT_EQ(wav.error().code, "bad_audio");
}

// Speech boundaries of a flite WAV by a different rule than the detector's: the first and
// last sample louder than 1 % of full scale.
std::pair<std::int64_t, std::int64_t> LoudSpanMs(const std::vector<std::int16_t>& s) {
  std::size_t first = s.size(), last = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::abs(static_cast<int>(s[i])) > 328) {
      first = std::min(first, i);
      last = i;
    }
  }
  return {static_cast<std::int64_t>(first) / 16, static_cast<std::int64_t>(last) / 16};
}

class VadTest : public ::testing::Test {
 protected:
  // "hello", 2 s of silence, "goodbye" through Opus; with optional background noise (dBFS).
  std::vector<std::int16_t> HelloGoodbye(std::optional<double> noise_dbfs = std::nullopt) {
    const Wav hello = Speak("hello", dir_.path() / "hello.wav");
    const Wav bye = Speak("goodbye", dir_.path() / "bye.wav");
    hello_span_ = LoudSpanMs(hello.samples);
    const auto bye_span = LoudSpanMs(bye.samples);
    const std::int64_t bye_at = static_cast<std::int64_t>(hello.samples.size()) / 16 + 2000;
    bye_span_ = {bye_at + bye_span.first, bye_at + bye_span.second};

    Wav all{16'000, hello.samples};
    all.samples.insert(all.samples.end(), 2 * 16'000, 0);
    all.samples.insert(all.samples.end(), bye.samples.begin(), bye.samples.end());
    if (noise_dbfs) {
      std::mt19937 rng(7);
      std::normal_distribution<double> noise(0.0, 32768.0 * std::pow(10.0, *noise_dbfs / 20));
      for (auto& s : all.samples) {
        s = static_cast<std::int16_t>(std::clamp(s + noise(rng), -32768.0, 32767.0));
      }
    }
    WriteWav(dir_.path() / "all.wav", all);
    EncodeOpus(dir_.path() / "all.wav", dir_.path() / "all.opus");
    auto audio = DecodeOpusFile(dir_.path() / "all.opus");
    EXPECT_TRUE(audio) << audio.error().message;
    return audio ? audio->samples : std::vector<std::int16_t>{};
  }

  void ExpectHelloAndGoodbye(const std::vector<SpeechRegion>& regions) {
    ASSERT_EQ(regions.size(), 2u);
    // Each region covers its word (with some padding) ...
    EXPECT_LE(regions[0].start_ms, hello_span_.first);
    EXPECT_GE(regions[0].end_ms, hello_span_.second);
    EXPECT_LE(regions[1].start_ms, bye_span_.first);
    EXPECT_GE(regions[1].end_ms, bye_span_.second);
    // ... but not much more: the silence between them is skipped.
    EXPECT_GE(regions[0].start_ms, hello_span_.first - 300);
    EXPECT_LE(regions[0].end_ms, hello_span_.second + 400);
    EXPECT_GE(regions[1].start_ms, bye_span_.first - 400);
    EXPECT_LE(regions[1].end_ms, bye_span_.second + 400);
    EXPECT_GE(regions[1].start_ms - regions[0].end_ms, 1200);
  }

  TempDir dir_;
  std::pair<std::int64_t, std::int64_t> hello_span_, bye_span_;
};

TEST_F(VadTest, FindsHelloAndGoodbyeAroundTwoSecondsOfSilence) {
  const auto pcm = HelloGoodbye();
  ExpectHelloAndGoodbye(DetectSpeech(pcm));
}

TEST_F(VadTest, AdaptsToBackgroundNoise) {
  const auto pcm = HelloGoodbye(-50.0);
  ExpectHelloAndGoodbye(DetectSpeech(pcm));
}

TEST(VadRulesTest, SilenceAndClicksAreNotSpeech) {
  std::vector<std::int16_t> pcm(5 * kSampleRate, 0);
  EXPECT_TRUE(DetectSpeech(pcm).empty());
  EXPECT_TRUE(DetectSpeech({}).empty());
  // A 20 ms click is shorter than min_speech_ms.
  for (std::size_t i = 32'000; i < 32'320; ++i) pcm[i] = (i % 2) ? 20'000 : -20'000;
  EXPECT_TRUE(DetectSpeech(pcm).empty());
}

TEST(VadRulesTest, ShortPausesDoNotSplitAndPaddingIsClamped) {
  // Tone 0-1 s, 200 ms pause, tone 1.2-2 s, silence to 4 s, tone 4-4.5 s.
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(4.5 * kSampleRate), 0);
  auto tone = [&](double from, double to) {
    for (auto i = static_cast<std::size_t>(from * kSampleRate); i < to * kSampleRate; ++i) {
      pcm[i] = static_cast<std::int16_t>(8000 * std::sin(2 * std::numbers::pi * 300 * i / 16000.0));
    }
  };
  tone(0, 1);
  tone(1.2, 2);
  tone(4, 4.5);
  const auto regions = DetectSpeech(pcm);
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0], (SpeechRegion{0, 2200}));
  EXPECT_EQ(regions[1], (SpeechRegion{3800, 4500}));
}

TEST(VadRulesTest, LongRegionsAreCutAtQuietPoints) {
  // 70 s of steady tone with a 100 ms dip (too short for the detector to end speech) every
  // 7 s, then 10 s of silence (so the noise floor is silence, as in a real recording).
  std::vector<std::int16_t> pcm(80 * kSampleRate, 0);
  for (std::size_t i = 0; i < 70u * kSampleRate; ++i) {
    const bool dip = (i % (7 * kSampleRate)) < 1600;
    pcm[i] = static_cast<std::int16_t>((dip ? 300 : 8000) *
                                       std::sin(2 * std::numbers::pi * 200 * i / 16000.0));
  }
  VadOptions options;
  options.max_region_ms = 20'000;
  const auto regions = DetectSpeech(pcm, options);
  ASSERT_GE(regions.size(), 4u);
  EXPECT_EQ(regions.front().start_ms, 0);
  EXPECT_EQ(regions.back().end_ms, 70'000 + options.padding_ms);
  for (std::size_t i = 0; i < regions.size(); ++i) {
    EXPECT_LE(regions[i].end_ms - regions[i].start_ms, 20'000);
    if (i > 0) {
      EXPECT_EQ(regions[i].start_ms, regions[i - 1].end_ms);  // contiguous: nothing lost
      EXPECT_LT(regions[i].start_ms % 7000, 100) << "not cut inside a dip";
    }
  }
}

}  // namespace
}  // namespace vitrina::asr
