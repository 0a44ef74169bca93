// Conversation metrics on hand-built timelines with known answers (docs/analytics.md).
#include "analytics/conversation_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vitrina::analytics {
namespace {

constexpr Role kB = Role::kBuyer;
constexpr Role kS = Role::kSeller;

// An utterance of `role` speaking without a pause from `start` to `end`: words of 400 ms every
// 500 ms (100 ms gaps, shorter than the merge pause), the last one ending exactly at `end`.
Utterance Speak(Role role, std::int64_t start, std::int64_t end, std::string text = "") {
  Utterance u{role, start, end, std::move(text), {}};
  const std::int64_t n = std::max<std::int64_t>(1, (end - start) / 500);
  for (std::int64_t k = 0; k < n; ++k) {
    const std::int64_t s = start + k * 500;
    u.words.push_back({"word", s, k + 1 == n ? end : std::min(s + 400, end)});
  }
  return u;
}

TEST(ConversationMetricsTest, OverlapOfExactly1200MsCountsAsTheLaterStartersInterruption) {
  const auto m = ComputeConversationMetrics({Speak(kB, 0, 5000), Speak(kS, 3800, 8000)}, 10000);
  EXPECT_EQ(m.overlaps.count, 1);
  EXPECT_EQ(m.overlaps.total_ms, 1200);
  ASSERT_EQ(m.overlap_spans.size(), 1u);
  EXPECT_EQ(m.overlap_spans[0].at, (Interval{3800, 5000}));
  EXPECT_EQ(m.overlap_spans[0].started_by, kS);
  EXPECT_EQ(m.seller.interruptions, 1);
  EXPECT_EQ(m.buyer.interruptions, 0);
  // Talk time is each side's own, overlap included; trailing 2 s are no silence.
  EXPECT_EQ(m.buyer.talk_ms, 5000);
  EXPECT_EQ(m.seller.talk_ms, 4200);
  EXPECT_EQ(m.silence.count, 0);
}

TEST(ConversationMetricsTest, OverlapOf900MsDoesNotCount) {
  const auto m = ComputeConversationMetrics({Speak(kB, 0, 5000), Speak(kS, 4100, 8000)}, 10000);
  EXPECT_EQ(m.overlaps.count, 0);
  EXPECT_EQ(m.overlaps.total_ms, 0);
  EXPECT_EQ(m.seller.interruptions, 0);
  EXPECT_TRUE(m.overlap_spans.empty());
  // Still a change of speaker.
  EXPECT_EQ(m.switches, 1);
}

TEST(ConversationMetricsTest, ThresholdsAreInclusiveAndComeFromTheOptions) {
  // Exactly 1000 ms of overlap and exactly 3000 ms of silence count by default.
  const std::vector<Utterance> call = {Speak(kB, 0, 5000), Speak(kS, 4000, 8000),
                                       Speak(kB, 11000, 12000)};
  auto m = ComputeConversationMetrics(call, 12000);
  EXPECT_EQ(m.overlaps.total_ms, 1000);
  EXPECT_EQ(m.silence.count, 1);
  EXPECT_EQ(m.silence.total_ms, 3000);

  MetricsOptions strict;
  strict.overlap_min_ms = 1001;
  strict.silence_min_ms = 3001;
  m = ComputeConversationMetrics(call, 12000, strict);
  EXPECT_EQ(m.overlaps.count, 0);
  EXPECT_EQ(m.silence.count, 0);

  MetricsOptions loose;
  loose.overlap_min_ms = 500;
  m = ComputeConversationMetrics({Speak(kB, 0, 5000), Speak(kS, 4100, 8000)}, 10000, loose);
  EXPECT_EQ(m.overlaps.total_ms, 900);
}

TEST(ConversationMetricsTest, SilenceOf4sCountsAndOneOf2900MsDoesNot) {
  const auto m = ComputeConversationMetrics(
      {Speak(kB, 0, 2000), Speak(kS, 6000, 8000), Speak(kB, 10900, 12000)}, 12000);
  EXPECT_EQ(m.silence.count, 1);
  EXPECT_EQ(m.silence.total_ms, 4000);
  EXPECT_EQ(m.silence.longest_ms, 4000);
  EXPECT_DOUBLE_EQ(m.silence.ratio, 4000.0 / 12000.0);
  ASSERT_EQ(m.silence_spans.size(), 1u);
  EXPECT_EQ(m.silence_spans[0], (Interval{2000, 6000}));
}

TEST(ConversationMetricsTest, SilenceBeforeTheFirstAndAfterTheLastWordCounts) {
  const auto m = ComputeConversationMetrics({Speak(kB, 5000, 6000)}, 10000);
  EXPECT_EQ(m.silence.count, 2);
  EXPECT_EQ(m.silence.total_ms, 9000);
  EXPECT_EQ(m.silence.longest_ms, 5000);
  EXPECT_DOUBLE_EQ(m.silence.ratio, 0.9);
  EXPECT_EQ(m.silence_spans, (std::vector<Interval>{{0, 5000}, {6000, 10000}}));
}

TEST(ConversationMetricsTest, ThirtySecondMonologue) {
  const auto m = ComputeConversationMetrics({Speak(kB, 0, 30000), Speak(kS, 31000, 32000)}, 32000);
  EXPECT_EQ(m.buyer.longest_monologue_ms, 30000);
  EXPECT_EQ(m.seller.longest_monologue_ms, 1000);
  EXPECT_EQ(m.buyer.talk_ms, 30000);
  EXPECT_EQ(m.buyer.words, 60);
  EXPECT_DOUBLE_EQ(m.buyer.wpm, 120.0);  // 60 words in half a minute of own talk
  EXPECT_EQ(m.buyer.turns, 1);
  EXPECT_EQ(m.seller.turns, 1);
}

TEST(ConversationMetricsTest, PauseOfThreeSecondsEndsAMonologueButNotTheTurn) {
  // 3.5 s pause: two monologues (10 s, 6.5 s) in one turn.
  auto m = ComputeConversationMetrics({Speak(kB, 0, 10000), Speak(kB, 13500, 20000)}, 20000);
  EXPECT_EQ(m.buyer.longest_monologue_ms, 10000);
  EXPECT_EQ(m.buyer.turns, 1);
  EXPECT_EQ(m.switches, 0);
  // 2 s pause: one monologue of 20 s, the pause inside it.
  m = ComputeConversationMetrics({Speak(kB, 0, 10000), Speak(kB, 12000, 20000)}, 20000);
  EXPECT_EQ(m.buyer.longest_monologue_ms, 20000);
  EXPECT_EQ(m.buyer.talk_ms, 18000);  // a 2 s pause is not talk
}

TEST(ConversationMetricsTest, PausesShorterThanTheMergePauseAreTalkTime) {
  Utterance u{kS, 0, 3000, "", {{"a", 0, 1000}, {"b", 1999, 2000}, {"c", 3000, 3500}}};
  // 999 ms pause joins a and b; 1000 ms does not join b and c.
  auto m = ComputeConversationMetrics({u}, 4000);
  EXPECT_EQ(m.seller.talk_ms, 2000 + 500);
  EXPECT_EQ(m.seller.words, 3);
  EXPECT_DOUBLE_EQ(m.seller.talk_ratio, 1.0);
}

TEST(ConversationMetricsTest, WhoInterruptedWhom) {
  const auto m = ComputeConversationMetrics(
      {
          Speak(kB, 0, 10000),      // buyer talks...
          Speak(kS, 2000, 5000),    // ...the seller talks over them for 3 s
          Speak(kS, 12000, 20000),  // seller's turn...
          Speak(kB, 15000, 22000),  // ...the buyer cuts in and goes on for 5 s of overlap
          Speak(kB, 30000, 35000),  // both start at once: an overlap, nobody interrupted
          Speak(kS, 30000, 32000),
      },
      40000);
  EXPECT_EQ(m.overlaps.count, 3);
  EXPECT_EQ(m.overlaps.total_ms, 3000 + 5000 + 2000);
  EXPECT_EQ(m.seller.interruptions, 1);
  EXPECT_EQ(m.buyer.interruptions, 1);
  ASSERT_EQ(m.overlap_spans.size(), 3u);
  EXPECT_EQ(m.overlap_spans[0].started_by, kS);
  EXPECT_EQ(m.overlap_spans[1].at, (Interval{15000, 20000}));
  EXPECT_EQ(m.overlap_spans[1].started_by, kB);
  EXPECT_EQ(m.overlap_spans[2].started_by, std::nullopt);
}

TEST(ConversationMetricsTest, AlternatingDialogueTurnsAndSwitchesPerMinute) {
  // Six 9 s utterances, buyer and seller in turn, 1 s apart, in a one-minute call.
  std::vector<Utterance> call;
  for (int k = 0; k < 6; ++k) call.push_back(Speak(k % 2 ? kS : kB, k * 10000, k * 10000 + 9000));
  const auto m = ComputeConversationMetrics(call, 60000);
  EXPECT_EQ(m.buyer.turns, 3);
  EXPECT_EQ(m.seller.turns, 3);
  EXPECT_EQ(m.switches, 5);
  EXPECT_DOUBLE_EQ(m.switches_per_minute, 5.0);
  EXPECT_EQ(m.buyer.talk_ms, 27000);
  EXPECT_DOUBLE_EQ(m.buyer.talk_ratio, 0.5);
  EXPECT_EQ(m.buyer.longest_monologue_ms, 9000);
  EXPECT_EQ(m.silence.count, 0);
  EXPECT_EQ(m.overlaps.count, 0);

  // The same dialogue over two minutes: half the switches per minute.
  EXPECT_DOUBLE_EQ(ComputeConversationMetrics(call, 120000).switches_per_minute, 2.5);
}

TEST(ConversationMetricsTest, BackchannelInsideTheOtherSidesSpeechIsNoTurn) {
  // The seller's "ага" (300 ms) while the buyer talks neither takes the floor nor splits the
  // buyer's turn or monologue.
  Utterance aga{kS, 4000, 4300, "ага", {{"ага", 4000, 4300}}};
  const auto m = ComputeConversationMetrics(
      {Speak(kB, 0, 10000), aga, Speak(kB, 12000, 20000), Speak(kS, 21000, 25000)}, 25000);
  EXPECT_EQ(m.buyer.turns, 1);
  EXPECT_EQ(m.seller.turns, 1);
  EXPECT_EQ(m.switches, 1);
  EXPECT_EQ(m.buyer.longest_monologue_ms, 20000);  // the 2 s pause is inside the monologue
  EXPECT_EQ(m.seller.talk_ms, 4300);               // but it is talk
  EXPECT_EQ(m.overlaps.count, 0);                  // and too short to be an overlap
}

TEST(ConversationMetricsTest, EmptyCall) {
  auto m = ComputeConversationMetrics({}, 60000);
  EXPECT_EQ(m.duration_ms, 60000);
  for (const SpeakerMetrics* s : {&m.buyer, &m.seller}) {
    EXPECT_EQ(s->talk_ms, 0);
    EXPECT_EQ(s->talk_ratio, 0.0);
    EXPECT_EQ(s->words, 0);
    EXPECT_EQ(s->wpm, 0.0);
    EXPECT_EQ(s->turns, 0);
    EXPECT_EQ(s->longest_monologue_ms, 0);
    EXPECT_EQ(s->questions, 0);
    EXPECT_EQ(s->interruptions, 0);
  }
  EXPECT_EQ(m.switches_per_minute, 0.0);
  EXPECT_EQ(m.overlaps.count, 0);
  // The whole call is one silence.
  EXPECT_EQ(m.silence.count, 1);
  EXPECT_EQ(m.silence.total_ms, 60000);
  EXPECT_DOUBLE_EQ(m.silence.ratio, 1.0);

  // Nothing at all, not even a duration: zeros, no division by zero.
  m = ComputeConversationMetrics({}, 0);
  EXPECT_EQ(m.duration_ms, 0);
  EXPECT_EQ(m.silence.count, 0);
  EXPECT_EQ(m.silence.ratio, 0.0);
  EXPECT_EQ(m.switches_per_minute, 0.0);
}

TEST(ConversationMetricsTest, OneSpeakerOnly) {
  const auto m = ComputeConversationMetrics({Speak(kS, 0, 20000)}, 20000);
  EXPECT_DOUBLE_EQ(m.seller.talk_ratio, 1.0);
  EXPECT_EQ(m.buyer.talk_ratio, 0.0);
  EXPECT_EQ(m.buyer.turns, 0);
  EXPECT_EQ(m.seller.turns, 1);
  EXPECT_EQ(m.switches, 0);
  EXPECT_EQ(m.buyer.wpm, 0.0);
  EXPECT_EQ(m.silence.count, 0);
}

TEST(ConversationMetricsTest, ZeroLengthWordsAreWordsWithoutTime) {
  Utterance u{kB,
              1000,
              3000,
              "one two three",
              {{"one", 1000, 1000}, {"two", 2000, 3000}, {"three", 3500, 3400}}};
  const auto m = ComputeConversationMetrics({u}, 6000);
  EXPECT_EQ(m.buyer.words, 3);
  EXPECT_EQ(m.buyer.talk_ms, 1000);  // only "two" has a duration (inverted = zero-length)
  EXPECT_DOUBLE_EQ(m.buyer.wpm, 180.0);
  // Silence around the one timed word: [0, 2000) is short, [3000, 6000] counts.
  EXPECT_EQ(m.silence_spans, (std::vector<Interval>{{3000, 6000}}));
}

TEST(ConversationMetricsTest, WordsOutsideTheCallAreClippedOrDropped) {
  Utterance u{kB,
              -500,
              12000,
              "early late gone",
              {{"early", -500, 500}, {"late", 9800, 10400}, {"gone", 10500, 12000}, {",", 0, 9}}};
  const auto m = ComputeConversationMetrics({u}, 10000);
  EXPECT_EQ(m.buyer.words, 2);  // "gone" is after the end; "," is no word
  EXPECT_EQ(m.buyer.talk_ms, 500 + 200);
  EXPECT_EQ(m.silence.total_ms, 9800 - 500);
  // An utterance wholly outside the call asks no questions.
  Utterance after{kS, 20000, 21000, "where is it", {{"where", 20000, 21000}}};
  EXPECT_EQ(ComputeConversationMetrics({after}, 10000).seller.questions, 0);
}

TEST(ConversationMetricsTest, OverlappingWordsOfOneSpeakerCountOnce) {
  // Two segments of the same speaker that overlap (a recogniser's chunk boundary).
  Utterance a{kS, 0, 4000, "", {{"a", 0, 4000}}};
  Utterance b{kS, 2000, 6000, "", {{"b", 2000, 6000}}};
  const auto m = ComputeConversationMetrics({b, a}, 6000);
  EXPECT_EQ(m.seller.talk_ms, 6000);
  EXPECT_EQ(m.seller.words, 2);
  EXPECT_EQ(m.overlaps.count, 0);  // a speaker never overlaps themselves
  EXPECT_EQ(m.seller.turns, 1);
  EXPECT_EQ(m.seller.longest_monologue_ms, 6000);
}

TEST(ConversationMetricsTest, UtteranceWithoutWordTimingsIsSpeechOverItsSpan) {
  Utterance u{kB, 1000, 4000, "сколько стоит доставка", {}};
  const auto m = ComputeConversationMetrics({u, Speak(kS, 4500, 6000)}, 6000);
  EXPECT_EQ(m.buyer.talk_ms, 3000);
  EXPECT_EQ(m.buyer.words, 3);
  EXPECT_EQ(m.buyer.questions, 1);
  EXPECT_DOUBLE_EQ(m.buyer.wpm, 60.0);
}

TEST(ConversationMetricsTest, UnknownDurationEndsWithTheLastWord) {
  const auto m = ComputeConversationMetrics({Speak(kB, 0, 2000), Speak(kS, 7000, 9000)}, 0);
  EXPECT_EQ(m.duration_ms, 9000);
  EXPECT_EQ(m.silence.total_ms, 5000);
  EXPECT_DOUBLE_EQ(m.switches_per_minute, 60000.0 / 9000.0);
}

TEST(ConversationMetricsTest, QuestionsAreCountedPerSide) {
  const auto m = ComputeConversationMetrics(
      {
          Speak(kB, 0, 2000, "is it still available"),
          Speak(kS, 2500, 4000, "yes it is"),
          Speak(kB, 4500, 6000, "Сколько стоит? А доставка есть?"),
          Speak(kS, 6500, 8000, "как договорились пятьсот рублей"),
          Speak(kS, 8500, 9000, "можно я перезвоню"),
      },
      9000);
  EXPECT_EQ(m.buyer.questions, 3);
  EXPECT_EQ(m.seller.questions, 1);
}

TEST(CountQuestionsTest, EnglishCuesAtTheStart) {
  for (const char* q :
       {"is it still available", "what is the lowest price", "how about fifty", "when can I come",
        "where are you", "why so cheap", "which one", "who is selling", "do you deliver",
        "does it work", "can you ship it", "could you send photos", "would you take forty",
        "will you be home", "are there any scratches", "okay so when can i pick it up",
        "Don't you have a box"}) {
    EXPECT_EQ(CountQuestions(q), 1) << q;
  }
  for (const char* s : {"i will send it tomorrow", "will do", "can't wait", "what a deal",
                        "the phone is new", "i know where it is", "thanks", ""}) {
    EXPECT_EQ(CountQuestions(s), 0) << s;
  }
}

TEST(CountQuestionsTest, RussianCuesAtTheStartAndTheParticleLi) {
  for (const char* q :
       {"как это работает", "что с батареей", "где можно встретиться", "когда можно посмотреть",
        "почему так дорого", "сколько стоит", "какой пробег", "какая комплектация",
        "какое состояние", "какие документы есть", "можно посмотреть сегодня", "зачем вам паспорт",
        "чей это телефон", "Чьё это", "есть ли доставка", "торг уместен ли",
        "ну а где вы находитесь", "скажите пожалуйста сколько лет машине", "как вы думаете"}) {
    EXPECT_EQ(CountQuestions(q), 1) << q;
  }
}

TEST(CountQuestionsTest, CueInTheMiddleOrInASetPhraseIsNoQuestion) {
  for (const char* s : {"как договорились", "да как договорились в пятницу", "как раз собирался",
                        "как вы и просили", "я не знаю что это", "позвоните когда приедете",
                        "вряд ли получится", "где-то в центре", "что-то сломалось",
                        "какой-нибудь чехол дам", "что касается цены то торг", "сколько угодно",
                        "так что берите", "i don't know how", "this is what i have"}) {
    EXPECT_EQ(CountQuestions(s), 0) << s;
  }
}

TEST(CountQuestionsTest, PunctuationWhenTheRecogniserGivesIt) {
  EXPECT_EQ(CountQuestions("Да?"), 1);
  EXPECT_EQ(CountQuestions("Хорошо. Когда?"), 1);
  EXPECT_EQ(CountQuestions("Сколько стоит? А доставка есть?"), 2);
  EXPECT_EQ(CountQuestions("Вы серьёзно?!"), 1);
  EXPECT_EQ(CountQuestions("Is it new？"), 1);  // full-width question mark
  // The recogniser punctuated a statement: the cue does not override it.
  EXPECT_EQ(CountQuestions("Как договорились."), 0);
  EXPECT_EQ(CountQuestions("Когда приедете, позвоните."), 0);
  // A decimal point is no sentence end; the unpunctuated rest is read for cues.
  EXPECT_EQ(CountQuestions("Отдам за 2.5 тысячи. Где встретимся"), 1);
  EXPECT_EQ(CountQuestions("?"), 0);  // no words
  EXPECT_EQ(CountQuestions("...?"), 0);
}

TEST(RoleTest, ParseAndName) {
  EXPECT_EQ(ParseRole("buyer"), Role::kBuyer);
  EXPECT_EQ(ParseRole("seller"), Role::kSeller);
  EXPECT_EQ(ParseRole("moderator"), std::nullopt);
  EXPECT_EQ(RoleName(Role::kSeller), "seller");
}

}  // namespace
}  // namespace vitrina::analytics
