// Rules without a database: severity and priority, SLA states, quote matching.
#include <gtest/gtest.h>

#include "moderation/rules.h"

namespace vitrina::moderation {
namespace {

TEST(Rules, CategoriesAndSeverity) {
  for (auto c : kCategories) EXPECT_TRUE(IsCategory(c));
  EXPECT_FALSE(IsCategory("spam"));
  EXPECT_FALSE(IsCategory(""));
  EXPECT_EQ(Severity("fraud"), 1);
  EXPECT_EQ(Severity("prepayment_request"), 1);
  EXPECT_EQ(Severity("rude"), 2);
  EXPECT_EQ(Severity("not_as_described"), 2);
  EXPECT_EQ(Severity("no_show"), 3);
  EXPECT_EQ(Severity("other"), 3);
}

TEST(Rules, PriorityRisesWithComplainantsAndHistory) {
  EXPECT_EQ(CasePriority({3, 1, false}), 3);
  EXPECT_EQ(CasePriority({3, 2, false}), 3);
  EXPECT_EQ(CasePriority({3, 3, false}), 2);
  EXPECT_EQ(CasePriority({3, 3, true}), 1);
  EXPECT_EQ(CasePriority({2, 1, true}), 1);
  EXPECT_EQ(CasePriority({1, 5, true}), 1);  // never above 1
}

TEST(Rules, SlaStates) {
  SlaPolicy sla;  // P1 60 min
  const base::TimeMs due = 1'000'000'000;
  EXPECT_EQ(SlaState(sla, 1, due, due - 60 * 60'000), "on_time");
  EXPECT_EQ(SlaState(sla, 1, due, due - 15 * 60'000), "on_time");
  EXPECT_EQ(SlaState(sla, 1, due, due - 15 * 60'000 + 1), "at_risk");
  EXPECT_EQ(SlaState(sla, 1, due, due), "at_risk");
  EXPECT_EQ(SlaState(sla, 1, due, due + 1), "breached");
  EXPECT_EQ(SlaState(sla, 3, due, due - 13 * 60 * 60'000), "on_time");  // P3: 48 h, quarter 12 h
  EXPECT_EQ(SlaState(sla, 3, due, due - 11 * 60 * 60'000), "at_risk");
}

store::TranscriptSegment Segment(store::Id id, std::int64_t start, const std::string& text) {
  store::TranscriptSegment s;
  s.id = id;
  s.speaker = "seller";
  s.start_ms = start;
  s.text = text;
  std::int64_t t = start;
  std::string word;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ') {
      if (!word.empty()) s.words.push_back({word, t, t + 400, 0.9});
      t += 500;
      word.clear();
    } else {
      word += text[i];
    }
  }
  s.end_ms = t;
  return s;
}

TEST(Rules, QuoteFoundAcrossSegmentsWithStemsAndRecognitionErrors) {
  std::vector<store::TranscriptSegment> segs = {
      Segment(10, 0, "hello the camera works fine"),
      Segment(11, 10'000, "but please send a prepayment"),
      Segment(12, 20'000, "to my card first thanks"),
  };
  // Exact words across two segments.
  auto m = MatchQuote("send a prepayment to my card", segs);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->segment_ids, (std::vector<store::Id>{11, 12}));
  EXPECT_EQ(m->from_ms, 10'000 + 2 * 500);  // "send"
  EXPECT_EQ(m->to_ms, 20'000 + 2 * 500 + 400);  // "card"
  EXPECT_EQ(m->matched, m->words);
  // Other forms of the words and a misrecognised one still match (stems, 60 %).
  auto fuzzy = MatchQuote("Sending prepayments to his card", segs);
  ASSERT_TRUE(fuzzy);
  EXPECT_EQ(fuzzy->segment_ids.front(), 11);
  EXPECT_LT(fuzzy->matched, fuzzy->words);
  // Not said: no match.
  EXPECT_FALSE(MatchQuote("the apartment has three bedrooms", segs));
  EXPECT_FALSE(MatchQuote("", segs));
  EXPECT_FALSE(MatchQuote("send prepayment", {}));
}

TEST(Rules, QuoteInRussian) {
  std::vector<store::TranscriptSegment> segs = {Segment(5, 0, "переведите предоплату на мою карту")};
  auto m = MatchQuote("перевести предоплата на карту", segs);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->segment_ids, (std::vector<store::Id>{5}));
}

}  // namespace
}  // namespace vitrina::moderation
