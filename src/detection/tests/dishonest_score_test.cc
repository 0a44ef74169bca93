#include "detection/dishonest_score.h"

#include <gtest/gtest.h>

#include <cmath>

#include <optional>
#include <string>
#include <vector>

namespace vitrina::detection {
namespace {

FlagSignal Flag(std::int64_t call, std::string category, FlagSeverity sev = FlagSeverity::kHigh,
                FlagVerdict verdict = FlagVerdict::kNone, std::int64_t counterpart = 0,
                std::string phrase = "") {
  FlagSignal f;
  f.category = std::move(category);
  f.severity = sev;
  f.verdict = verdict;
  f.counterpart_id = counterpart ? counterpart : 1000 + call;
  f.phrase = std::move(phrase);
  f.evidence = {call, call * 10, call * 10 + 5};
  return f;
}

ComplaintSignal Complaint(std::int64_t reporter, std::string category, ComplaintStatus status,
                          std::int64_t call = 1) {
  return {reporter, std::move(category), status, {call, 0, 0}};
}

// A copy, so that it may be taken from a temporary score.
std::optional<Reason> Find(const UserScore& s, std::string_view code) {
  for (const auto& r : s.reasons)
    if (r.code == code) return r;
  return std::nullopt;
}

TEST(DishonestScoreTest, EmptyUserScoresZeroWithoutReasons) {
  UserSignals u;
  u.user_id = 7;
  u.calls = 40;
  u.account_age_days = 400;
  const auto s = ScoreUser(u);
  EXPECT_EQ(s.user_id, 7);
  EXPECT_EQ(s.score, 0);
  EXPECT_TRUE(s.reasons.empty());
}

TEST(DishonestScoreTest, DefaultWeightsSumTo100) {
  const auto& p = DefaultParams();
  EXPECT_DOUBLE_EQ(p.upheld_sanction.max_points + p.complaints.max_points +
                       p.flags_high.max_points + p.flags_warn.max_points +
                       p.repeated_phrase.max_points + p.new_account.max_points +
                       p.no_shows.max_points,
                   100);
}

TEST(DishonestScoreTest, SanctionsRaiseScoreByKindAndFadeWithAge) {
  UserSignals warn, block, ban, old_ban, overturned;
  warn.sanctions = {{SanctionKind::kWarn, 10, false, {{5, 1000, 2000}}}};
  block.sanctions = {{SanctionKind::kBlock, 10, false, {}}};
  ban.sanctions = {{SanctionKind::kBan, 10, false, {}}};
  old_ban.sanctions = {{SanctionKind::kBan, 400, false, {}}};
  overturned.sanctions = {{SanctionKind::kBan, 10, true, {}}};
  const double w = ScoreUser(warn).score, b = ScoreUser(block).score, n = ScoreUser(ban).score;
  EXPECT_GT(w, 0);
  EXPECT_GT(b, w);
  EXPECT_GT(n, b);
  EXPECT_LT(ScoreUser(old_ban).score, n);
  EXPECT_EQ(ScoreUser(overturned).score, 0);
  const auto s = ScoreUser(warn);
  ASSERT_EQ(s.reasons.size(), 1u);
  EXPECT_EQ(s.reasons[0].code, "upheld_sanction");
  EXPECT_EQ(s.reasons[0].evidence, (std::vector<Evidence>{{5, 1000, 2000}}));
}

TEST(DishonestScoreTest, ComplaintsCountDistinctReportersAndDismissedLowerOpenOnes) {
  UserSignals one, same_twice, two;
  one.complaints = {Complaint(1, "fraud", ComplaintStatus::kUpheld)};
  same_twice.complaints = {Complaint(1, "fraud", ComplaintStatus::kUpheld),
                           Complaint(1, "fraud", ComplaintStatus::kUpheld, 2)};
  two.complaints = {Complaint(1, "fraud", ComplaintStatus::kUpheld),
                    Complaint(2, "fraud", ComplaintStatus::kUpheld, 2)};
  EXPECT_GT(ScoreUser(one).score, 0);
  EXPECT_EQ(ScoreUser(same_twice).score, ScoreUser(one).score);
  EXPECT_GT(ScoreUser(two).score, ScoreUser(one).score);

  UserSignals open, dismissed_only, open_after_dismissals;
  open.complaints = {Complaint(1, "fraud", ComplaintStatus::kOpen)};
  dismissed_only.complaints = {Complaint(1, "fraud", ComplaintStatus::kDismissed)};
  open_after_dismissals.complaints = {Complaint(1, "fraud", ComplaintStatus::kOpen),
                                      Complaint(2, "fraud", ComplaintStatus::kDismissed),
                                      Complaint(3, "fraud", ComplaintStatus::kDismissed)};
  EXPECT_GT(ScoreUser(open).score, 0);
  EXPECT_LT(ScoreUser(open).score, ScoreUser(one).score);  // open counts less than upheld
  EXPECT_EQ(ScoreUser(dismissed_only).score, 0);
  EXPECT_LT(ScoreUser(open_after_dismissals).score, ScoreUser(open).score);

  UserSignals rude;
  rude.complaints = {Complaint(1, "rude", ComplaintStatus::kUpheld)};
  EXPECT_GT(ScoreUser(rude).score, 0);
  EXPECT_LT(ScoreUser(rude).score, ScoreUser(one).score);  // rudeness is not fraud
}

TEST(DishonestScoreTest, HighFlagsRaiseScoreBySeverityAndCategory) {
  UserSignals high, warn, insult, confirmed;
  high.flags = {Flag(1, "prepayment")};
  warn.flags = {Flag(1, "prepayment", FlagSeverity::kWarn)};
  insult.flags = {Flag(1, "insult")};
  confirmed.flags = {Flag(1, "prepayment", FlagSeverity::kHigh, FlagVerdict::kCorrect)};
  const auto h = ScoreUser(high);
  ASSERT_FALSE(h.reasons.empty());
  EXPECT_EQ(h.reasons[0].code, "flags_high_severity");
  EXPECT_GT(h.score, ScoreUser(warn).score);
  EXPECT_EQ(ScoreUser(warn).reasons[0].code, "flags_warn_severity");
  EXPECT_GT(h.score, ScoreUser(insult).score);
  EXPECT_GT(ScoreUser(confirmed).score, h.score);
}

TEST(DishonestScoreTest, FlagsMarkedWrongNeverCount) {
  UserSignals u;
  u.account_age_days = 2;
  u.first_call_ids = {1, 2};
  for (int i = 1; i <= 6; ++i)
    u.flags.push_back(Flag(i, "fake_link", FlagSeverity::kHigh, FlagVerdict::kWrong, 50 + i, "same"));
  EXPECT_EQ(ScoreUser(u).score, 0);
  EXPECT_TRUE(ScoreUser(u).reasons.empty());
}

TEST(DishonestScoreTest, SeveralFlagsOfOneCategoryInOneCallCountOnce) {
  UserSignals once, thrice, two_calls;
  once.flags = {Flag(1, "prepayment")};
  thrice.flags = {Flag(1, "prepayment"), Flag(1, "prepayment"), Flag(1, "prepayment")};
  two_calls.flags = {Flag(1, "prepayment"), Flag(2, "prepayment")};
  EXPECT_EQ(ScoreUser(thrice).score, ScoreUser(once).score);
  EXPECT_GT(ScoreUser(two_calls).score, ScoreUser(once).score);
}

TEST(DishonestScoreTest, BackgroundNoiseOfManyCallsIsSubtracted) {
  UserSignals few, many;
  few.calls = 5;
  many.calls = 300;  // 0.015 × 300 = 4.5 high flags expected of an honest user
  few.flags = many.flags = {Flag(1, "prepayment"), Flag(2, "prepayment")};
  EXPECT_GT(ScoreUser(few).score, 0);
  EXPECT_EQ(ScoreUser(many).score, 0);
}

TEST(DishonestScoreTest, EachSignalSaturatesAtItsWeight) {
  const auto& p = DefaultParams();
  UserSignals u;
  for (int i = 1; i <= 1000; ++i) u.flags.push_back(Flag(i, "card_or_code_request"));
  const auto s = ScoreUser(u);
  const auto r = Find(s, "flags_high_severity");
  ASSERT_NE(r, std::nullopt);
  EXPECT_LE(r->weight, p.flags_high.max_points);
  EXPECT_GT(r->weight, p.flags_high.max_points - 0.1);
  EXPECT_EQ(r->units, 1000);
  // Half the points at half_units, three quarters at twice that.
  UserSignals half, twice;
  const auto n = std::llround(p.flags_high.half_units);
  ASSERT_GE(n, 1);
  for (int i = 1; i <= n; ++i) half.flags.push_back(Flag(i, "prepayment"));
  for (int i = 1; i <= 2 * n; ++i) twice.flags.push_back(Flag(i, "prepayment"));
  EXPECT_NEAR(Find(ScoreUser(half), "flags_high_severity")->weight, p.flags_high.max_points / 2,
              0.051);
  EXPECT_NEAR(Find(ScoreUser(twice), "flags_high_severity")->weight,
              p.flags_high.max_points * 3 / 4, 0.051);  // weights are rounded to 0.1
  // The repeated phrase alone cannot push a user past its weight + the flags' weight.
  EXPECT_LE(s.score, p.flags_high.max_points + p.repeated_phrase.max_points + 0.1);
  for (const auto& x : s.reasons) EXPECT_LE(x.evidence.size(), 5u);
}

TEST(DishonestScoreTest, RepeatedPhraseNeedsDistinctCounterparts) {
  UserSignals same_person, three_people, different_phrases;
  same_person.flags = {Flag(1, "off_platform_payment", FlagSeverity::kHigh, FlagVerdict::kNone, 9, "p"),
                       Flag(2, "off_platform_payment", FlagSeverity::kHigh, FlagVerdict::kNone, 9, "p")};
  three_people.flags = {Flag(1, "off_platform_payment", FlagSeverity::kHigh, FlagVerdict::kNone, 9, "p"),
                        Flag(2, "off_platform_payment", FlagSeverity::kHigh, FlagVerdict::kNone, 8, "p"),
                        Flag(3, "off_platform_payment", FlagSeverity::kHigh, FlagVerdict::kNone, 7, "p")};
  different_phrases.flags = {Flag(1, "off_platform_payment", FlagSeverity::kHigh, FlagVerdict::kNone, 9, "a"),
                             Flag(2, "off_platform_payment", FlagSeverity::kHigh, FlagVerdict::kNone, 8, "b"),
                             Flag(3, "off_platform_payment", FlagSeverity::kHigh, FlagVerdict::kNone, 7, "c")};
  EXPECT_EQ(Find(ScoreUser(same_person), "repeated_phrase_across_counterparts"), std::nullopt);
  EXPECT_EQ(Find(ScoreUser(different_phrases), "repeated_phrase_across_counterparts"), std::nullopt);
  const auto r = Find(ScoreUser(three_people), "repeated_phrase_across_counterparts");
  ASSERT_NE(r, std::nullopt);
  EXPECT_EQ(r->units, 2);  // three counterparts = two repetitions
  EXPECT_EQ(r->evidence.size(), 3u);
  EXPECT_GT(ScoreUser(three_people).score, ScoreUser(different_phrases).score);
}

TEST(DishonestScoreTest, NewAccountFirstCallsFlagged) {
  UserSignals fresh, old, later_call;
  fresh.account_age_days = 3;
  fresh.first_call_ids = {1, 2, 3};
  fresh.flags = {Flag(1, "contact_exchange", FlagSeverity::kWarn)};
  old = fresh;
  old.account_age_days = 365;
  later_call = fresh;
  later_call.first_call_ids = {5, 6, 7, 8, 9, 1};  // call 1 is the 6th: not among the first 5
  const auto r = Find(ScoreUser(fresh), "new_account_flagged");
  ASSERT_NE(r, std::nullopt);
  EXPECT_EQ(r->evidence, (std::vector<Evidence>{{1, 10, 15}}));
  EXPECT_GT(ScoreUser(fresh).score, ScoreUser(old).score);
  EXPECT_EQ(Find(ScoreUser(old), "new_account_flagged"), std::nullopt);
  EXPECT_EQ(Find(ScoreUser(later_call), "new_account_flagged"), std::nullopt);
}

TEST(DishonestScoreTest, NoShowsBeyondTheUsualShare) {
  UserSignals flaky, busy;
  flaky.calls = 4;
  flaky.no_shows = {{11, 0, 0}, {12, 0, 0}, {13, 0, 0}};
  busy = flaky;
  busy.calls = 200;  // 3 of 203 agreed calls is below 5 %
  const auto r = Find(ScoreUser(flaky), "no_shows");
  ASSERT_NE(r, std::nullopt);
  EXPECT_EQ(r->evidence.size(), 3u);
  EXPECT_EQ(ScoreUser(busy).score, 0);
}

TEST(DishonestScoreTest, ReasonsOrderedByWeightWithEvidence) {
  UserSignals u;
  u.calls = 10;
  u.sanctions = {{SanctionKind::kBan, 1, false, {{3, 100, 900}}}};
  u.complaints = {Complaint(1, "no_show", ComplaintStatus::kUpheld, 4)};
  u.flags = {Flag(1, "prepayment"), Flag(2, "prepayment", FlagSeverity::kHigh, FlagVerdict::kCorrect)};
  const auto s = ScoreUser(u);
  ASSERT_EQ(s.reasons.size(), 3u);
  double sum = 0;
  for (std::size_t i = 0; i < s.reasons.size(); ++i) {
    sum += s.reasons[i].weight;
    EXPECT_FALSE(s.reasons[i].evidence.empty()) << s.reasons[i].code;
    if (i > 0) {
      EXPECT_GE(s.reasons[i - 1].weight, s.reasons[i].weight);
    }
  }
  EXPECT_NEAR(s.score, sum, 0.15);
  EXPECT_EQ(s.reasons[0].code, "upheld_sanction");
  // Within a reason the strongest evidence first: the confirmed flag of call 2.
  const auto f = Find(s, "flags_high_severity");
  ASSERT_NE(f, std::nullopt);
  EXPECT_EQ(f->evidence.front().call_id, 2);
  EXPECT_EQ(Find(s, "complaints_distinct_reporters")->evidence.front(), (Evidence{4, 0, 0}));
}

TEST(DishonestScoreTest, ScoreStaysWithin0And100) {
  UserSignals u;
  u.account_age_days = 1;
  for (int i = 1; i <= 200; ++i) {
    u.first_call_ids.push_back(i);
    u.sanctions.push_back({SanctionKind::kBan, 0, false, {}});
    u.complaints.push_back(Complaint(i, "fraud", ComplaintStatus::kUpheld, i));
    u.flags.push_back(Flag(i, "fake_link", FlagSeverity::kHigh, FlagVerdict::kCorrect, i, "x"));
    u.flags.push_back(Flag(i, "pressure", FlagSeverity::kWarn, FlagVerdict::kCorrect, i));
    u.no_shows.push_back({1000 + i, 0, 0});
  }
  const auto s = ScoreUser(u);
  EXPECT_LE(s.score, 100);
  EXPECT_GT(s.score, 99);
  EXPECT_EQ(s.reasons.size(), 5u);  // max_reasons
}

TEST(DishonestScoreTest, ParsesStoreStrings) {
  EXPECT_EQ(ParseSanctionKind("block"), SanctionKind::kBlock);
  EXPECT_EQ(ParseSanctionKind("mute"), std::nullopt);
  EXPECT_EQ(ParseComplaintStatus("in_review"), ComplaintStatus::kOpen);
  EXPECT_EQ(ParseFlagSeverity("high"), FlagSeverity::kHigh);
  EXPECT_EQ(ParseFlagVerdict(""), FlagVerdict::kNone);
  EXPECT_EQ(ParseFlagVerdict("wrong"), FlagVerdict::kWrong);
  EXPECT_EQ(ParseFlagVerdict("maybe"), std::nullopt);
}

std::vector<UserScore> Scores(std::vector<std::pair<std::int64_t, double>> v) {
  std::vector<UserScore> out;
  for (auto [id, score] : v) out.push_back({id, score, {}});
  return out;
}

std::vector<std::int64_t> Ids(const std::vector<UserScore>& v) {
  std::vector<std::int64_t> ids;
  for (const auto& s : v) ids.push_back(s.user_id);
  return ids;
}

TEST(DishonestRankTest, ByScoreThenId) {
  auto v = Scores({{5, 10}, {3, 50}, {9, 50}, {1, 10}, {2, 80}});
  SortRanking(v);
  EXPECT_EQ(Ids(v), (std::vector<std::int64_t>{2, 3, 9, 1, 5}));
}

TEST(DishonestRankTest, KeysetCursorWalksEveryRowOnceAndSkipsZeros) {
  const auto all = Scores({{5, 10}, {3, 50}, {9, 50}, {1, 10}, {2, 80}, {4, 0}, {6, 50}});
  std::vector<std::int64_t> seen;
  std::optional<RankCursor> cursor;
  int pages = 0;
  do {
    auto page = Rank(all, cursor, 2);
    for (auto id : Ids(page.items)) seen.push_back(id);
    cursor = page.next;
    if (cursor) {  // the cursor goes through its text form, as it does through the API
      auto decoded = DecodeCursor(EncodeCursor(*cursor));
      ASSERT_TRUE(decoded.has_value());
      cursor = *decoded;
    }
    ++pages;
  } while (cursor && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{2, 3, 6, 9, 1, 5}));  // user 4 scores 0
  EXPECT_EQ(pages, 3);
  // A cursor survives a row disappearing: after (50, 6) come 9, 1, 5 whether or not 6 exists.
  auto without6 = Scores({{5, 10}, {3, 50}, {9, 50}, {1, 10}, {2, 80}});
  EXPECT_EQ(Ids(Rank(without6, RankCursor{50, 6}, 10).items), (std::vector<std::int64_t>{9, 1, 5}));
  EXPECT_FALSE(Rank(without6, RankCursor{50, 6}, 10).next.has_value());
}

TEST(DishonestRankTest, CursorText) {
  EXPECT_EQ(EncodeCursor({87.3, 1042}), "873.1042");
  auto c = DecodeCursor("873.1042");
  ASSERT_TRUE(c.has_value());
  EXPECT_DOUBLE_EQ(c->score, 87.3);
  EXPECT_EQ(c->user_id, 1042);
  for (std::string_view bad : {"", "873", ".5", "873.", "a.1", "87.3.1", "-1.5", "1001.2", "5.x"}) {
    auto r = DecodeCursor(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, "invalid_cursor");
  }
}

}  // namespace
}  // namespace vitrina::detection
