// LiveRuleWatcher on the shipped rules: phrases across utterances, once per speaker and rule,
// the speaker's own side only, times of the matched words.

#include "live/live_rules.h"

#include <gtest/gtest.h>

#include <sstream>

#include "analytics/default_rules.h"

namespace vitrina::live {
namespace {

using analytics::Role;

std::vector<LiveWord> Words(const std::string& text, std::int64_t start_ms, std::int64_t step = 400) {
  std::vector<LiveWord> out;
  std::istringstream in(text);
  std::string w;
  while (in >> w) {
    out.push_back({w, start_ms, start_ms + step - 50});
    start_ms += step;
  }
  return out;
}

analytics::RuleMatcher LiveMatcher() {
  std::vector<analytics::Rule> live;
  for (auto& r : analytics::DefaultRules()) {
    if (r.live) live.push_back(r);
  }
  auto m = analytics::RuleMatcher::Build(std::move(live));
  EXPECT_TRUE(m) << m.error().message;
  return std::move(*m);
}

TEST(LiveRulesTest, TheShippedScamCategoriesAreLiveAndTheOthersAreNot) {
  for (const auto& r : analytics::DefaultRules()) {
    EXPECT_EQ(r.live, r.severity == analytics::Severity::kHigh) << r.category << " " << r.expression;
  }
}

TEST(LiveRulesTest, APrepaymentRequestFiresOnceWithTheTimesOfItsWords) {
  const auto rules = LiveMatcher();
  LiveRuleWatcher w;
  auto hits = w.Add(&rules, Role::kSeller, "en", Words("the battery holds a charge for two days", 1000));
  EXPECT_TRUE(hits.empty());
  hits = w.Add(&rules, Role::kSeller, "en", Words("and i need a prepayment to my card", 6000));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].hit.category, "prepayment");
  EXPECT_EQ(hits[0].hit.severity, analytics::Severity::kHigh);
  EXPECT_EQ(hits[0].speaker, Role::kSeller);
  EXPECT_GE(hits[0].start_ms, 6000);
  EXPECT_LE(hits[0].end_ms, 6000 + 8 * 400);
  EXPECT_NE(hits[0].text.find("prepayment"), std::string::npos) << hits[0].text;
  // Said again (the fake microphone loops): no second warning.
  hits = w.Add(&rules, Role::kSeller, "en", Words("and i need a prepayment to my card", 16000));
  EXPECT_TRUE(hits.empty());
}

TEST(LiveRulesTest, APhraseSplitAcrossTwoUtterancesIsFound) {
  const auto rules = LiveMatcher();
  LiveRuleWatcher split;
  auto first = split.Add(&rules, Role::kSeller, "en", Words("please send me a prepayment", 1000));
  auto second = split.Add(&rules, Role::kSeller, "en", Words("to my card today", 4000));
  LiveRuleWatcher whole;
  auto together = whole.Add(&rules, Role::kSeller, "en", Words("please send me a prepayment to my card today", 1000));
  ASSERT_FALSE(together.empty());
  EXPECT_EQ(first.size() + second.size(), together.size());
}

TEST(LiveRulesTest, EachSpeakerHasTheirOwnWindowAndRules) {
  const auto rules = LiveMatcher();
  LiveRuleWatcher w;
  // The buyer's words do not complete the seller's phrase.
  EXPECT_TRUE(w.Add(&rules, Role::kBuyer, "en", Words("i need a", 1000)).empty());
  auto hits = w.Add(&rules, Role::kSeller, "en", Words("prepayment to my card", 2000));
  for (const auto& h : hits) EXPECT_EQ(h.speaker, Role::kSeller);
  // Russian rules fire on Russian words.
  auto ru = w.Add(&rules, Role::kSeller, "ru", Words("переведите предоплату мне на карту", 9000));
  bool prepayment = false;
  for (const auto& h : ru) prepayment = prepayment || h.hit.category == "prepayment";
  EXPECT_TRUE(prepayment) << ru.size() << " hits";
}

TEST(LiveRulesTest, OldWordsLeaveTheWindow) {
  const auto rules = LiveMatcher();
  LiveRuleWatcher w(LiveRuleOptions{.window_ms = 5'000, .window_words = 60});
  EXPECT_TRUE(w.Add(&rules, Role::kSeller, "en", Words("i need a", 1000)).empty());
  // Half a minute later the rest of the phrase alone does not complete it.
  auto hits = w.Add(&rules, Role::kSeller, "en", Words("prepayment to my card", 40'000));
  for (const auto& h : hits) EXPECT_GE(h.start_ms, 40'000);
}

TEST(LiveRulesTest, AnOldMatchDoesNotHideANewOneOfTheSameRule) {
  const auto rules = LiveMatcher();
  LiveRuleWatcher w;
  // The rule matched these words before it was live (or before a restart): already judged.
  auto old = w.Add(nullptr, Role::kSeller, "en", Words("i need a prepayment to my card", 1000));
  EXPECT_TRUE(old.empty());
  // Said again in the window: the new words fire it, with their own times.
  auto hits = w.Add(&rules, Role::kSeller, "en", Words("so i need a prepayment to my card", 6000));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].hit.category, "prepayment");
  EXPECT_GE(hits[0].start_ms, 6000);
}

TEST(LiveRulesTest, ARuleThatFiredBeforeTheStreamWasLostStaysFired) {
  const auto rules = LiveMatcher();
  LiveRuleWatcher w;
  auto first = LiveRuleWatcher().Add(&rules, Role::kSeller, "en", Words("i need a prepayment to my card", 1000));
  ASSERT_EQ(first.size(), 1u);
  w.MarkFired(Role::kSeller, first[0].hit.rule_id);
  EXPECT_TRUE(w.Add(&rules, Role::kSeller, "en", Words("i need a prepayment to my card", 30'000)).empty());
  // The other speaker's side is their own.
  EXPECT_EQ(w.Add(&rules, Role::kBuyer, "en", Words("i need a prepayment to my card", 31'000)).size(), 1u);
}

}  // namespace
}  // namespace vitrina::live
