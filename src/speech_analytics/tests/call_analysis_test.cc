#include "speech_analytics/call_analysis.h"

#include <gtest/gtest.h>

namespace vitrina::speech_analytics {
namespace {

store::TranscriptSegment Seg(store::Id id, const std::string& speaker, std::int64_t start,
                             const std::vector<std::string>& words, std::optional<double> dbfs = -20,
                             std::int64_t word_ms = 400) {
  store::TranscriptSegment s;
  s.id = id;
  s.speaker = speaker;
  s.start_ms = start;
  std::int64_t t = start;
  for (const auto& w : words) {
    if (!s.text.empty()) s.text += ' ';
    s.text += w;
    s.words.push_back({w, t, t + word_ms - 50, 0.9});
    t += word_ms;
  }
  s.end_ms = t - 50;
  s.loudness_dbfs = dbfs;
  return s;
}

analytics::RuleMatcher Rules() {
  analytics::Rule r;
  r.id = 7;
  r.category = "prepayment";
  r.expression = "предоплата NEAR/3 карту";
  r.severity = analytics::Severity::kHigh;
  r.action = analytics::RuleAction::kCase;
  auto m = analytics::RuleMatcher::Build({r});
  EXPECT_TRUE(m) << m.error().message;
  return *m;
}

TEST(CallAnalysisTest, PlacesAHitOnTheTimeOfItsWords) {
  store::Transcript t;
  t.call_id = 1;
  t.version = 2;
  t.language = "ru";
  t.segments.push_back(Seg(10, "buyer", 0, {"здравствуйте", "велосипед", "ещё", "продаётся"}));
  // The hit is words 2..4 of this segment: 10000 + 400*2 .. 10000 + 400*4 + 350.
  t.segments.push_back(Seg(11, "seller", 10'000, {"да", "нужна", "предоплата", "на", "карту", "сегодня"}));
  const auto a = AnalyzeTranscript(t, 20'000, Rules());
  ASSERT_EQ(a.hits.size(), 1u);
  const auto& h = a.hits[0];
  EXPECT_EQ(h.hit.rule_id, 7);
  EXPECT_EQ(h.segment_id, 11);
  EXPECT_EQ(h.role, analytics::Role::kSeller);
  EXPECT_EQ(h.start_ms, 10'800);
  EXPECT_EQ(h.end_ms, 11'950);
  EXPECT_EQ(h.text, "предоплата на карту");
  EXPECT_EQ(a.metrics.duration_ms, 20'000);
}

TEST(CallAnalysisTest, LoudnessLevelIsRelativeToTheSpeakersOwnMedian) {
  store::Transcript t;
  t.language = "en";
  t.segments.push_back(Seg(1, "buyer", 0, {"hello", "there"}, -30));
  t.segments.push_back(Seg(2, "buyer", 5'000, {"is", "it", "new"}, -30));
  t.segments.push_back(Seg(3, "buyer", 9'000, {"what", "is", "this"}, -20));  // +10 dB
  t.segments.push_back(Seg(4, "seller", 13'000, {"yes", "it", "is"}, -10));   // its own median
  t.segments.push_back(Seg(5, "seller", 17'000, {"fine"}, std::nullopt));
  const auto a = AnalyzeTranscript(t, 0, Rules());
  ASSERT_EQ(a.utterances.size(), 5u);
  EXPECT_DOUBLE_EQ(*a.utterances[0].loudness_level, 50);
  EXPECT_DOUBLE_EQ(*a.utterances[2].loudness_level, 100);  // +10 dB at 5 points per dB
  EXPECT_DOUBLE_EQ(*a.utterances[3].loudness_level, 50);   // a loud speaker is not "loud"
  EXPECT_FALSE(a.utterances[4].loudness_level);
  EXPECT_DOUBLE_EQ(*a.utterances[2].loudness_dbfs, -20);
}

TEST(CallAnalysisTest, JsonCarriesTheApiFields) {
  store::Transcript t;
  t.language = "en";
  t.segments.push_back(Seg(1, "buyer", 0, {"you", "are", "a", "liar", "and", "a", "cheat"}));
  t.segments.push_back(Seg(2, "seller", 4'000, {"thank", "you", "great", "bike"}));
  const auto a = AnalyzeTranscript(t, 10'000, Rules());
  const auto o = AnalysisJson(a, 42, 3);
  EXPECT_EQ(o.at("call_id").as_string(), "42");
  EXPECT_EQ(o.at("transcript_version").as_int64(), 3);
  EXPECT_EQ(o.at("duration_ms").as_int64(), 10'000);
  for (const char* k : {"talk_ms", "talk_ratio", "words", "wpm", "turns", "longest_monologue_ms",
                        "questions", "interruptions"}) {
    EXPECT_TRUE(o.at("speakers").at("buyer").as_object().contains(k)) << k;
  }
  for (const char* k : {"count", "total_ms", "longest_ms", "ratio"}) {
    EXPECT_TRUE(o.at("silence").as_object().contains(k)) << k;
  }
  EXPECT_EQ(o.at("tone").at("buyer").at("label").as_string(), "negative");
  EXPECT_EQ(o.at("tone").at("seller").at("label").as_string(), "positive");
  const auto& u = o.at("utterances").as_array();
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].at("segment_id").as_string(), "1");
  EXPECT_EQ(u[0].at("tone").as_string(), "negative");
  EXPECT_TRUE(u[0].as_object().contains("tone_score"));
  EXPECT_TRUE(u[0].as_object().contains("loudness"));
  ASSERT_EQ(o.at("markers").at("negative_tone").as_array().size(), 1u);
}

}  // namespace
}  // namespace vitrina::speech_analytics
