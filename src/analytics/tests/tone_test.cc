#include "analytics/tone.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace vitrina::analytics {
namespace {

Tone LabelOf(std::string_view text, const Arousal& arousal = {}) {
  return ScoreTone(text, {}, arousal).label;
}
double ScoreOf(std::string_view text, const Arousal& arousal = {}) {
  return ScoreTone(text, {}, arousal).score;
}

TEST(Tone, LexiconIsSound) {
  for (const std::string& p : ToneLexiconProblems()) ADD_FAILURE() << p;
}

TEST(Tone, Names) {
  for (Tone t : {Tone::kPositive, Tone::kNeutral, Tone::kNegative}) {
    EXPECT_EQ(ParseTone(ToneName(t)), t);
  }
  EXPECT_EQ(ToneName(Tone::kNegative), "negative");
  EXPECT_EQ(ParseTone("Positive"), std::nullopt);
}

TEST(Tone, EmptyAndPlainTextAreNeutralZero) {
  for (std::string_view text : {"", "   ", "?!", "\xff\xfe", "пробег сто двадцать тысяч",
                                "the box and the receipt are in the drawer"}) {
    const ToneScore t = ScoreTone(text);
    EXPECT_EQ(t.label, Tone::kNeutral) << text;
    EXPECT_EQ(t.score, 0) << text;
  }
}

TEST(Tone, PolarWordsInBothLanguages) {
  EXPECT_EQ(LabelOf("спасибо большое"), Tone::kPositive);
  EXPECT_EQ(LabelOf("Отлично, беру!"), Tone::kPositive);
  EXPECT_EQ(LabelOf("great i will take it"), Tone::kPositive);
  EXPECT_EQ(LabelOf("это обман вы мошенник"), Tone::kNegative);
  EXPECT_EQ(LabelOf("this is a scam"), Tone::kNegative);
  EXPECT_EQ(LabelOf("the screen is broken and it is awful"), Tone::kNegative);
  EXPECT_EQ(LabelOf("заткнись"), Tone::kNegative);  // insults
  EXPECT_EQ(LabelOf("shut up you idiot"), Tone::kNegative);
  // Wear is stated, not complained about: a small scratch alone is not negative.
  EXPECT_EQ(LabelOf("тут небольшая царапина"), Tone::kNeutral);
  EXPECT_EQ(LabelOf("there is a small scratch here"), Tone::kNeutral);
  EXPECT_LT(ScoreOf("тут небольшая царапина"), 0);
  // Stems: other forms of a listed word count; ё is е.
  EXPECT_EQ(LabelOf("мошенники"), Tone::kNegative);
  EXPECT_EQ(LabelOf("я ужасно разочарована"), Tone::kNegative);
  EXPECT_EQ(LabelOf("всё ещё расстроена"), Tone::kNegative);
  EXPECT_EQ(LabelOf("Thanks"), Tone::kPositive);
}

TEST(Tone, NegationFlips) {
  // «не плохо», "not bad": a little praise, never negative.
  EXPECT_GT(ScoreOf("не плохо"), 0);
  EXPECT_NE(LabelOf("не плохо"), Tone::kNegative);
  EXPECT_NE(LabelOf("not bad at all"), Tone::kNegative);
  EXPECT_GT(ScoreOf("not bad"), 0);
  // "not good": negative.
  EXPECT_EQ(LabelOf("not good"), Tone::kNegative);
  EXPECT_EQ(LabelOf("это не хорошо"), Tone::kNegative);
  EXPECT_EQ(LabelOf("мне не нравится"), Tone::kNegative);
  EXPECT_EQ(LabelOf("i am not happy with it"), Tone::kNegative);  // up to three words ahead
  EXPECT_EQ(LabelOf("i dont like it"), Tone::kNegative);          // no apostrophes in transcripts
  EXPECT_EQ(LabelOf("it isnt nice"), Tone::kNegative);
  EXPECT_EQ(LabelOf("never happy"), Tone::kNegative);
  // «не» negates the next word only, through intensifiers.
  EXPECT_EQ(LabelOf("не очень хорошо"), Tone::kNegative);
  EXPECT_EQ(LabelOf("не знаю хорошо"), LabelOf("хорошо")) << "«не» belongs to «знаю»";
  // Phrases carrying their own negation are not flipped.
  EXPECT_EQ(LabelOf("да не за что"), Tone::kPositive);
  EXPECT_EQ(LabelOf("no problem"), Tone::kPositive);
  EXPECT_EQ(LabelOf("терпеть не могу"), Tone::kNegative);
  EXPECT_EQ(LabelOf("вы не пожалеете"), Tone::kPositive);
  // A contrast ends negation's reach backwards.
  EXPECT_GT(ScoreOf("not cheap but good"), 0);
}

TEST(Tone, IntensifiersAndDiminishers) {
  EXPECT_GT(ScoreOf("очень хорошо"), ScoreOf("хорошо"));
  EXPECT_GT(ScoreOf("really nice"), ScoreOf("nice"));
  EXPECT_LT(ScoreOf("совсем плохо"), ScoreOf("плохо"));
  EXPECT_LT(ScoreOf("so bad"), ScoreOf("bad"));
  EXPECT_LT(ScoreOf("slightly worn"), 0);
  EXPECT_GT(ScoreOf("slightly worn"), ScoreOf("worn"));
  EXPECT_GT(ScoreOf("немного дорого"), ScoreOf("дорого"));
  // Degree words alone carry no tone.
  EXPECT_EQ(ScoreOf("очень"), 0);
  EXPECT_EQ(ScoreOf("very very"), 0);
}

TEST(Tone, AcknowledgementAtTheStartIsWeak) {
  EXPECT_EQ(LabelOf("хорошо"), Tone::kPositive);
  EXPECT_EQ(LabelOf("хорошо тогда в субботу в двенадцать"), Tone::kNeutral);
  EXPECT_LT(ScoreOf("хорошо тогда в субботу"), ScoreOf("в субботу хорошо"));
  EXPECT_LT(ScoreOf("ok see you then"), ScoreOf("see you then ok"));
}

TEST(Tone, ContrastWeighsWhatFollows) {
  EXPECT_EQ(LabelOf("фото красивые но в жизни ужасно"), Tone::kNegative);
  EXPECT_EQ(LabelOf("a bit worn but works great"), Tone::kPositive);
}

TEST(Tone, LanguageDoesNotChangeTheResult) {
  for (std::string_view lang : {"", "ru", "en", "de"}) {
    EXPECT_EQ(ScoreTone("super спасибо", lang).score, ScoreTone("super спасибо").score);
  }
}

TEST(Tone, ArousalLevel) {
  EXPECT_EQ(ArousalLevel({}), 0);
  EXPECT_EQ(ArousalLevel({.loudness_rel_db = 2, .rate_ratio = 1.05}), 0);
  EXPECT_EQ(ArousalLevel({.loudness_rel_db = -10, .rate_ratio = 0.5}), 0);  // calm never dampens
  EXPECT_DOUBLE_EQ(ArousalLevel({.loudness_rel_db = 12, .rate_ratio = 1.5}), 1);
  EXPECT_DOUBLE_EQ(ArousalLevel({.loudness_rel_db = 20, .rate_ratio = 3}), 1);
  EXPECT_NEAR(ArousalLevel({.loudness_rel_db = 7.5, .rate_ratio = std::nullopt}), 0.35, 1e-9);
  EXPECT_NEAR(ArousalLevel({.loudness_rel_db = std::nullopt, .rate_ratio = 1.3}), 0.15, 1e-9);
}

TEST(Tone, ArousalAmplifiesButNeverCreatesTone) {
  const Arousal shouting{.loudness_rel_db = 15, .rate_ratio = 1.6};
  // No polar word: shouting stays neutral 0.
  const ToneScore plain = ScoreTone("приезжайте завтра в шесть", "ru", shouting);
  EXPECT_EQ(plain.label, Tone::kNeutral);
  EXPECT_EQ(plain.score, 0);
  // Magnitude grows, sign kept.
  EXPECT_LT(ScoreOf("это плохо", shouting), ScoreOf("это плохо"));
  EXPECT_GT(ScoreOf("great", shouting), ScoreOf("great"));
  EXPECT_GT(ScoreOf("great", shouting), 0);
  // A weak complaint said calmly is neutral; shouted, it is negative.
  EXPECT_EQ(LabelOf("тут проблема", {}), Tone::kNeutral);
  EXPECT_EQ(LabelOf("тут проблема", shouting), Tone::kNegative);
  EXPECT_EQ(LabelOf("there is a problem", shouting), Tone::kNegative);
  // Moderate emphasis (+5 dB) does not.
  EXPECT_EQ(LabelOf("тут проблема", {.loudness_rel_db = 5, .rate_ratio = 1}), Tone::kNeutral);
  // Scores stay inside (-1, 1).
  const ToneScore max = ScoreTone("ужасно ужасно мошенник обман развод дурак идиот", "", shouting);
  EXPECT_GT(max.score, -1);
  EXPECT_EQ(max.label, Tone::kNegative);
}

TEST(Tone, AggregateEmptyCallIsNeutral) {
  const CallTone c = AggregateTone({}, 60000);
  EXPECT_EQ(c.buyer.label, Tone::kNeutral);
  EXPECT_EQ(c.seller.score, 0);
  for (const ToneScore& q : c.buyer_quarters) EXPECT_EQ(q.score, 0);
}

TimedTone At(Role role, std::int64_t start, std::int64_t end, double score, std::int64_t words) {
  TimedTone t;
  t.role = role;
  t.start_ms = start;
  t.end_ms = end;
  t.tone.score = score;
  t.words = words;
  return t;
}

TEST(Tone, AggregatePerRoleAndQuarter) {
  // A 100 s call: the buyer is pleased early and angry in the last quarter; the seller is
  // neutral throughout.
  const std::vector<TimedTone> u = {
      At(Role::kBuyer, 1000, 5000, 0.6, 6),      // Q1
      At(Role::kSeller, 6000, 20000, 0.0, 30),   // Q1
      At(Role::kBuyer, 30000, 32000, 0.0, 4),    // Q2
      At(Role::kBuyer, 80000, 90000, -0.8, 10),  // Q4
      At(Role::kSeller, 90000, 95000, 0.2, 5),   // Q4
  };
  const CallTone c = AggregateTone(u, 100000);
  // Buyer: (0.6*6 + 0*4 - 0.8*10) / 20 = -0.22.
  EXPECT_NEAR(c.buyer.score, -0.22, 1e-9);
  EXPECT_EQ(c.buyer.label, Tone::kNegative);
  EXPECT_NEAR(c.seller.score, 0.2 * 5 / 35, 1e-9);
  EXPECT_EQ(c.seller.label, Tone::kNeutral);
  EXPECT_EQ(c.Of(Role::kBuyer).score, c.buyer.score);
  EXPECT_NEAR(c.buyer_quarters[0].score, 0.6, 1e-9);
  EXPECT_EQ(c.buyer_quarters[0].label, Tone::kPositive);
  EXPECT_EQ(c.buyer_quarters[1].label, Tone::kNeutral);
  EXPECT_EQ(c.buyer_quarters[2].score, 0);  // said nothing
  EXPECT_NEAR(c.buyer_quarters[3].score, -0.8, 1e-9);
  EXPECT_EQ(c.QuartersOf(Role::kBuyer)[3].label, Tone::kNegative);
  EXPECT_NEAR(c.seller_quarters[3].score, 0.2, 1e-9);
  EXPECT_EQ(c.seller_quarters[3].label, Tone::kPositive);
}

TEST(Tone, AggregateSplitsAnUtteranceAcrossQuarters) {
  // One negative utterance over 20..30 s of a 40 s call is split half into Q2, half into Q3;
  // a positive one wholly in Q2 with the same words outweighs the half in Q2.
  const std::vector<TimedTone> u = {
      At(Role::kSeller, 20000 - 5000, 20000 + 5000, -0.5, 10),
      At(Role::kSeller, 11000, 12000, 0.5, 10),
  };
  const CallTone c = AggregateTone(u, 40000);
  EXPECT_NEAR(c.seller_quarters[1].score, (0.5 * 10 - 0.5 * 5) / 15, 1e-9);
  EXPECT_NEAR(c.seller_quarters[2].score, -0.5, 1e-9);
  EXPECT_EQ(c.seller_quarters[0].score, 0);
  EXPECT_EQ(c.seller_quarters[3].score, 0);
}

TEST(Tone, AggregateUnknownDurationAndZeroLength) {
  const std::vector<TimedTone> u = {
      At(Role::kBuyer, 0, 0, 0.5, 0),           // zero length, no words: weight 1, Q1
      At(Role::kBuyer, 40000, 40000, -0.5, 1),  // at the very end: Q4
  };
  const CallTone c = AggregateTone(u, 0);  // duration = 40 s
  EXPECT_NEAR(c.buyer_quarters[0].score, 0.5, 1e-9);
  EXPECT_NEAR(c.buyer_quarters[3].score, -0.5, 1e-9);
  EXPECT_EQ(c.buyer.score, 0);
  // Beyond the call's end: clipped to it.
  const CallTone d = AggregateTone({At(Role::kSeller, 50000, 70000, -0.9, 3)}, 60000);
  EXPECT_NEAR(d.seller_quarters[3].score, -0.9, 1e-9);
}

TEST(Tone, FastEnough) {
  // Issue 12 budgets all analytics at under 2 % of recognition; a 15-word utterance should
  // take a few µs (built without sanitizers). Printed, not asserted: shared CI machines and
  // sanitizer builds vary too much for a hard bound.
  const std::string text =
      "ну что вы тянете это просто обман я очень недоволен и не буду "
      "ничего переводить вам";
  (void)ScoreTone(text);  // builds the lexicon
  constexpr int kN = 20000;
  double sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kN; ++i) sink += ScoreTone(text).score;
  const auto t1 = std::chrono::steady_clock::now();
  const double us = std::chrono::duration<double, std::micro>(t1 - t0).count() / kN;
  std::printf("ScoreTone: %.2f µs per 15-word utterance\n", us);
  EXPECT_LT(sink, 0);
}

}  // namespace
}  // namespace vitrina::analytics
