#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "asr/audio.h"
#include "asr/speech_recognizer.h"
#include "asr/tests/test_audio.h"
#include "asr/transcriber.h"

namespace vitrina::asr {
namespace {

using testing::EncodeOpus;
using testing::Speak;
using testing::TempDir;
using testing::Wav;

// flite's slt voice says this so that en-us recognises it word for word.
constexpr const char* kSentence = "can you turn the camera to the back panel please";

std::string Joined(const Recognition& r) {
  std::string out;
  for (const Segment& s : r.segments) out += (out.empty() ? "" : " ") + s.text;
  return out;
}

// The first and last sample louder than 1 % of full scale, in ms.
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

void ExpectWellFormed(const Recognition& r, std::int64_t from_ms, std::int64_t to_ms) {
  std::int64_t previous_end = from_ms;
  for (const Segment& s : r.segments) {
    ASSERT_FALSE(s.words.empty());
    EXPECT_EQ(s.start_ms, s.words.front().start_ms);
    EXPECT_EQ(s.end_ms, s.words.back().end_ms);
    EXPECT_GE(s.confidence, 0.0);
    EXPECT_LE(s.confidence, 1.0);
    for (const Word& w : s.words) {
      EXPECT_GE(w.start_ms, previous_end) << w.text;  // increasing, not overlapping
      EXPECT_LT(w.start_ms, w.end_ms) << w.text;
      EXPECT_LE(w.end_ms, to_ms) << w.text;
      EXPECT_GE(w.confidence, 0.0) << w.text;
      EXPECT_LE(w.confidence, 1.0) << w.text;
      EXPECT_EQ(w.text.find_first_of("<[("), std::string::npos)
          << "filler or alternate: " << w.text;
      previous_end = w.end_ms;
    }
  }
}

class PocketSphinxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto made = MakePocketSphinxRecognizer();
    ASSERT_TRUE(made) << made.error().message;
    recognizer_ = std::move(*made).release();
  }
  static void TearDownTestSuite() {
    delete recognizer_;
    recognizer_ = nullptr;
  }

  // kSentence through flite and Opus, decoded again as the pipeline would.
  std::vector<std::int16_t> SentencePcm() {
    wav_ = Speak(kSentence, dir_.path() / "sentence.wav");
    EncodeOpus(dir_.path() / "sentence.wav", dir_.path() / "sentence.opus");
    auto audio = DecodeOpusFile(dir_.path() / "sentence.opus");
    EXPECT_TRUE(audio) << audio.error().message;
    return audio ? audio->samples : std::vector<std::int16_t>{};
  }

  static SpeechRecognizer* recognizer_;
  TempDir dir_;
  Wav wav_;
};

SpeechRecognizer* PocketSphinxTest::recognizer_ = nullptr;

TEST_F(PocketSphinxTest, RecognisesAKnownSentenceFromOpusWithWordTimesOnTheTimeline) {
  ASSERT_FALSE(SentencePcm().empty());
  const std::int64_t offset = 5'000;  // this track starts 5 s into the call
  auto t = TranscribeOpusFile(*recognizer_, dir_.path() / "sentence.opus", offset, "en");
  ASSERT_TRUE(t) << t.error().message;
  const Recognition& r = t->recognition;
  EXPECT_EQ(r.engine, "pocketsphinx-5prealpha");
  EXPECT_EQ(r.model, "cmusphinx-en-us-5prealpha");
  EXPECT_EQ(r.language, "en");
  EXPECT_EQ(Joined(r), kSentence);
  EXPECT_EQ(t->regions, 1);
  ASSERT_EQ(r.segments.size(), 1u);
  EXPECT_EQ(r.segments[0].words.size(), 10u);

  const auto duration_ms = static_cast<std::int64_t>(wav_.seconds() * 1000);
  ExpectWellFormed(r, offset, offset + duration_ms);
  // The words span the audible part of the file, shifted by the offset.
  const auto [loud_from, loud_to] = LoudSpanMs(wav_.samples);
  EXPECT_NEAR(r.segments[0].start_ms, offset + loud_from, 250);
  EXPECT_NEAR(r.segments[0].end_ms, offset + loud_to, 250);
  EXPECT_GT(r.segments[0].confidence, 0.5);
}

TEST_F(PocketSphinxTest, RecognizeAddsTheOffsetAndIsRepeatable) {
  const auto pcm = SentencePcm();
  auto at0 = recognizer_->Recognize(pcm, 0, "en");
  auto later = recognizer_->Recognize(pcm, 12'345, "en-US");  // region subtag falls back to "en"
  ASSERT_TRUE(at0) << at0.error().message;
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->language, "en");
  EXPECT_EQ(Joined(*at0), kSentence);
  ASSERT_EQ(at0->segments.size(), 1u);
  ASSERT_EQ(later->segments.size(), 1u);
  const auto& a = at0->segments[0].words;
  const auto& b = later->segments[0].words;
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(b[i].text, a[i].text);
    EXPECT_EQ(b[i].start_ms, a[i].start_ms + 12'345);
    EXPECT_EQ(b[i].end_ms, a[i].end_ms + 12'345);
    EXPECT_DOUBLE_EQ(b[i].confidence, a[i].confidence);
  }
}

TEST_F(PocketSphinxTest, WordTimesDoNotDependOnLeadingSilence) {
  // pocketsphinx's own silence removal (on by default) drops frames and, for a whole
  // utterance, shifts every later word: 2 s of leading silence moved "can" from 2.2 s to
  // 0.09 s. The recognizer turns it off; times must move exactly with the audio.
  const auto pcm = SentencePcm();
  std::vector<std::int16_t> padded(2 * kSampleRate, 0);
  padded.insert(padded.end(), pcm.begin(), pcm.end());
  padded.insert(padded.end(), 2 * kSampleRate, 0);
  auto plain = recognizer_->Recognize(pcm, 0, "en");
  auto shifted = recognizer_->Recognize(padded, 0, "en");
  ASSERT_TRUE(plain && shifted);
  ASSERT_EQ(plain->segments.size(), 1u);
  ASSERT_EQ(shifted->segments.size(), 1u);
  EXPECT_EQ(shifted->segments[0].text, kSentence);
  const auto& a = plain->segments[0].words;
  const auto& b = shifted->segments[0].words;
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(b[i].start_ms, a[i].start_ms + 2000, 30) << a[i].text;
    EXPECT_NEAR(b[i].end_ms, a[i].end_ms + 2000, 30) << a[i].text;
  }
}

TEST_F(PocketSphinxTest, UnknownLanguageIsAClearError) {
  const std::vector<std::int16_t> silence(kSampleRate, 0);
  for (const std::string language : {"ru", "", "english"}) {
    auto r = recognizer_->Recognize(silence, 0, language);
    ASSERT_FALSE(r) << language;
    EXPECT_EQ(r.error().kind, base::ErrorKind::kInvalidArgument);
    EXPECT_EQ(r.error().code, "unsupported_language");
    EXPECT_NE(r.error().message.find("\"" + language + "\""), std::string::npos);
    EXPECT_NE(r.error().message.find("configured: en"), std::string::npos) << r.error().message;
  }
  // The pipeline checks before doing any work, even for a file it could not read.
  auto t = TranscribeOpusFile(*recognizer_, dir_.path() / "missing.opus", 0, "ru");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "unsupported_language");
}

TEST_F(PocketSphinxTest, SilenceGivesNoSegments) {
  const std::vector<std::int16_t> silence(3 * kSampleRate, 0);
  auto t = TranscribePcm(*recognizer_, silence, 1000, "en");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->recognition.segments.empty());
  EXPECT_EQ(t->regions, 0);
  EXPECT_EQ(t->recognition.model, "cmusphinx-en-us-5prealpha");  // still says who listened
  auto r = recognizer_->Recognize({}, 0, "en");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->segments.empty());
}

TEST_F(PocketSphinxTest, ConcurrentCallsGetTheSameAnswer) {
  const auto pcm = SentencePcm();
  // Three threads, two decoders: one call waits for a decoder to come back.
  std::vector<Result<Recognition>> results(3, base::Internal("not run"));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = recognizer_->Recognize(pcm, 0, "en"); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(Joined(*r), kSentence);
    EXPECT_EQ(r->segments[0].words.back().end_ms, results[0]->segments[0].words.back().end_ms);
  }
}

TEST_F(PocketSphinxTest, ProgressCanStopThePipeline) {
  const auto pcm = SentencePcm();
  int calls = 0;
  TranscribeOptions options;
  options.progress = [&](std::int64_t done, std::int64_t total) {
    ++calls;
    EXPECT_LE(done, total);
    return false;
  };
  auto t = TranscribePcm(*recognizer_, pcm, 0, "en", options);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, base::ErrorKind::kUnavailable);
  EXPECT_EQ(t.error().code, "asr_cancelled");
  EXPECT_EQ(calls, 1);
}

TEST(PocketSphinxConfigTest, LongInputIsSplitIntoUtterances) {
  TempDir dir;
  const Wav one = Speak(kSentence, dir.path() / "one.wav");
  std::vector<std::int16_t> twice = one.samples;
  twice.insert(twice.end(), one.samples.begin(), one.samples.end());
  PocketSphinxOptions options;
  options.max_utterance_ms = static_cast<std::int64_t>(one.seconds() * 1000) + 500;
  options.max_decoders_per_language = 1;
  auto made = MakePocketSphinxRecognizer(options);
  ASSERT_TRUE(made) << made.error().message;
  auto r = (*made)->Recognize(twice, 100, "en");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->segments.size(), 2u);
  EXPECT_EQ(r->segments[0].text, kSentence);
  EXPECT_EQ(r->segments[1].text, kSentence);
  ExpectWellFormed(*r, 100, 100 + static_cast<std::int64_t>(2 * one.seconds() * 1000));
  EXPECT_GE(r->segments[1].start_ms, 100 + static_cast<std::int64_t>(one.seconds() * 1000) - 300);
}

TEST(PocketSphinxConfigTest, BadModelsAndOptionsFailAtCreation) {
  PocketSphinxOptions options;
  options.preload = false;
  SphinxModel model = DebianEnUsModel();
  model.lm = "/nonexistent/ru.lm.bin";
  options.languages = {{"ru", model}};
  auto missing = MakePocketSphinxRecognizer(options);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "asr_model_missing");
  EXPECT_NE(missing.error().message.find("/nonexistent/ru.lm.bin"), std::string::npos);

  model = DebianEnUsModel();
  model.extra_args = {{"-logfn", "/tmp/x"}};
  options.languages = {{"en", model}};
  auto bad_arg = MakePocketSphinxRecognizer(options);
  ASSERT_FALSE(bad_arg);
  EXPECT_EQ(bad_arg.error().code, "asr_config");

  model.extra_args = {{"-no-such-flag", "1"}};
  options.languages = {{"en", model}};
  auto unknown = MakePocketSphinxRecognizer(options);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "asr_config");
  EXPECT_NE(unknown.error().message.find("-no-such-flag"), std::string::npos);

  // A model file pocketsphinx cannot read fails when the decoder loads (preload: at
  // creation), with its complaint.
  TempDir dir;
  std::ofstream(dir.path() / "junk.lm.bin") << "this is not a language model\n";
  model = DebianEnUsModel();
  model.lm = (dir.path() / "junk.lm.bin").string();
  options.languages = {{"EN_us", model}};
  options.preload = true;
  auto bad_lm = MakePocketSphinxRecognizer(options);
  ASSERT_FALSE(bad_lm);
  EXPECT_EQ(bad_lm.error().code, "asr_failed");
  EXPECT_NE(bad_lm.error().message.find("junk.lm.bin"), std::string::npos)
      << bad_lm.error().message;

  options.max_decoders_per_language = 0;
  EXPECT_EQ(MakePocketSphinxRecognizer(options).error().code, "asr_config");
}

}  // namespace
}  // namespace vitrina::asr
