#include "transcripts/webvtt.h"

#include <gtest/gtest.h>

namespace vitrina::transcripts {
namespace {

store::TranscriptSegment Segment(std::string speaker, std::vector<store::TranscriptWord> words) {
  store::TranscriptSegment s;
  s.speaker = std::move(speaker);
  s.start_ms = words.front().start_ms;
  s.end_ms = words.back().end_ms;
  for (const auto& w : words) s.text += (s.text.empty() ? "" : " ") + w.w;
  s.words = std::move(words);
  return s;
}

TEST(WebVtt, TimestampsCoverHoursAndClampNegatives) {
  EXPECT_EQ(VttTimestamp(0), "00:00:00.000");
  EXPECT_EQ(VttTimestamp(3'723'045), "01:02:03.045");
  EXPECT_EQ(VttTimestamp(-5), "00:00:00.000");
}

TEST(WebVtt, CuesAreInTimeOrderWithVoiceTagsAndEscapedText) {
  store::Transcript t;
  t.segments.push_back(Segment("seller", {{"a<b>&c", 5'000, 5'400, 0.9}}));
  t.segments.push_back(Segment("buyer", {{"hello", 1'000, 1'300, 0.9}, {"there", 1'300, 1'700, 0.8}}));
  EXPECT_EQ(ToWebVtt(t),
            "WEBVTT\n"
            "\n1\n00:00:01.000 --> 00:00:01.700\n<v Buyer>hello there</v>\n"
            "\n2\n00:00:05.000 --> 00:00:05.400\n<v Seller>a&lt;b&gt;&amp;c</v>\n");
}

TEST(WebVtt, LongSegmentsAreCutAtWordBoundaries) {
  std::vector<store::TranscriptWord> words;
  for (int i = 0; i < 10; ++i) words.push_back({"w" + std::to_string(i), i * 1'000, i * 1'000 + 800, 0.5});
  store::Transcript t;
  t.segments.push_back(Segment("buyer", words));
  VttOptions options;
  options.max_cue_ms = 3'000;
  const auto vtt = ToWebVtt(t, options);
  // 0-2.8 s, 3-5.8 s, 6-8.8 s, 9-9.8 s: each cue at most 3 s long.
  EXPECT_NE(vtt.find("00:00:00.000 --> 00:00:02.800\n<v Buyer>w0 w1 w2</v>"), std::string::npos) << vtt;
  EXPECT_NE(vtt.find("00:00:09.000 --> 00:00:09.800\n<v Buyer>w9</v>"), std::string::npos) << vtt;
  EXPECT_NE(vtt.find("\n4\n"), std::string::npos);
  EXPECT_EQ(vtt.find("\n5\n"), std::string::npos);
}

TEST(WebVtt, SegmentWithoutWordsIsOneCue) {
  store::TranscriptSegment s;
  s.speaker = "seller";
  s.start_ms = 2'000;
  s.end_ms = 2'000;  // zero length still gets a positive duration
  s.text = "ok";
  store::Transcript t;
  t.segments.push_back(s);
  EXPECT_NE(ToWebVtt(t).find("00:00:02.000 --> 00:00:02.001\n<v Seller>ok</v>"), std::string::npos);
}

}  // namespace
}  // namespace vitrina::transcripts
