#include "service_level/service_level.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vitrina::service_level {
namespace {

constexpr Day kToday = 20'000;                           // 2024-10-04
constexpr TimeMs kNow = kToday * kDayMs + 12 * kHourMs;  // noon UTC

TimeMs DaysAgo(double days) { return kNow - static_cast<TimeMs>(days * kDayMs); }

// A seller active on each of the last `days` days.
SellerActivity ActiveFor(int days) {
  SellerActivity s;
  for (int i = 0; i < days; ++i) s.active_days.push_back(kToday - i);
  return s;
}

ListingInfo Listing(std::int64_t id, TimeMs updated, bool active = true) {
  ListingInfo l;
  l.id = id;
  l.created_at = updated;
  l.updated_at = updated;
  l.title =
      "Item " + std::string(1, static_cast<char>('a' + id % 26)) + " number " + std::to_string(id);
  l.description = "Description of item " + std::to_string(id);
  l.active = active;
  return l;
}

const ParameterResult& Get(const ServiceLevel& level, Parameter p) {
  return level.parameters.at(static_cast<std::size_t>(p));
}

std::optional<int> ScoreOf(const SellerActivity& s, Parameter p) {
  return Get(Compute(s, kNow), p).score;
}

void AddEndedCalls(SellerActivity* s, int n, double days_ago = 1) {
  for (int i = 0; i < n; ++i) s->ended_calls.push_back({DaysAgo(days_ago), 0, 0});
}

TEST(ServiceLevelTest, DayOfIsAFloor) {
  EXPECT_EQ(DayOf(0), 0);
  EXPECT_EQ(DayOf(kDayMs - 1), 0);
  EXPECT_EQ(DayOf(kDayMs), 1);
  EXPECT_EQ(DayOf(-1), -1);
  EXPECT_EQ(DayOf(-kDayMs), -1);
  EXPECT_EQ(DayOf(kNow), kToday);
}

TEST(ServiceLevelTest, ParametersAreReportedInOrderWithTheirCodes) {
  const ServiceLevel level = Compute(ActiveFor(30), kNow);
  ASSERT_EQ(level.parameters.size(), kAllParameters.size());
  const char* codes[] = {"listing_freshness", "description_truthful", "answers_messages",
                         "answers_calls",     "call_attendance",      "call_conduct",
                         "no_duplicates"};
  for (std::size_t i = 0; i < kAllParameters.size(); ++i) {
    EXPECT_EQ(level.parameters[i].parameter, kAllParameters[i]);
    EXPECT_EQ(ParameterCode(kAllParameters[i]), codes[i]);
    EXPECT_EQ(ParseParameter(codes[i]), kAllParameters[i]);
  }
  EXPECT_EQ(ParseParameter("delivery"), std::nullopt);
}

TEST(ServiceLevelTest, ListingFreshnessIsTheMeanOverActiveListings) {
  SellerActivity s = ActiveFor(30);
  s.listings = {Listing(1, DaysAgo(10)), Listing(2, DaysAgo(60)), Listing(3, DaysAgo(100)),
                Listing(4, DaysAgo(200), /*active=*/false)};
  const ParameterResult r = Get(Compute(s, kNow), Parameter::kListingFreshness);
  EXPECT_EQ(r.score, 50);  // (100 + 50 + 0) / 3; the archived listing does not count
  EXPECT_EQ(r.sample, 3);
  EXPECT_EQ(r.events, 2);
  s.listings = {Listing(1, DaysAgo(30)), Listing(2, DaysAgo(45))};
  EXPECT_EQ(ScoreOf(s, Parameter::kListingFreshness), 88);  // (100 + 75) / 2 = 87.5
  s.listings = {Listing(4, DaysAgo(1), /*active=*/false)};
  EXPECT_EQ(ScoreOf(s, Parameter::kListingFreshness), std::nullopt);
}

TEST(ServiceLevelTest, DescriptionTruthfulCountsUpheldComplaintsPerCall) {
  SellerActivity s = ActiveFor(30);
  AddEndedCalls(&s, 10);
  s.upheld_not_as_described = {DaysAgo(2)};
  EXPECT_EQ(ScoreOf(s, Parameter::kDescriptionTruthful), 50);  // 100 × (1 − 5 × 1/10)
  AddEndedCalls(&s, 10);
  EXPECT_EQ(ScoreOf(s, Parameter::kDescriptionTruthful), 75);  // 1 in 20 calls
  s.upheld_not_as_described.push_back(DaysAgo(3));
  s.upheld_not_as_described.push_back(DaysAgo(4));
  s.upheld_not_as_described.push_back(DaysAgo(5));
  s.upheld_not_as_described.push_back(DaysAgo(6));
  EXPECT_EQ(ScoreOf(s, Parameter::kDescriptionTruthful), 0);  // 5 in 20: floored at 0
  // Few calls and no complaint: not enough data. Few calls and a complaint: the floor of 10.
  SellerActivity few = ActiveFor(30);
  AddEndedCalls(&few, 4);
  EXPECT_EQ(ScoreOf(few, Parameter::kDescriptionTruthful), std::nullopt);
  AddEndedCalls(&few, 1);
  EXPECT_EQ(ScoreOf(few, Parameter::kDescriptionTruthful), 100);
  SellerActivity one = ActiveFor(30);
  AddEndedCalls(&one, 1);
  one.upheld_not_as_described = {DaysAgo(1)};
  EXPECT_EQ(ScoreOf(one, Parameter::kDescriptionTruthful), 50);
}

TEST(ServiceLevelTest, AnswersMessagesIsTheShareAnsweredWithin24Hours) {
  SellerActivity s = ActiveFor(30);
  for (int i = 0; i < 6; ++i) s.conversations.push_back({DaysAgo(5), DaysAgo(5) + kHourMs});
  s.conversations.push_back({DaysAgo(5), DaysAgo(5) + 24 * kHourMs});  // exactly 24 h: in time
  s.conversations.push_back({DaysAgo(5), DaysAgo(5) + 30 * kHourMs});  // late
  s.conversations.push_back({DaysAgo(3), std::nullopt});               // never
  s.conversations.push_back({kNow - 2 * kHourMs, std::nullopt});       // pending: not counted
  const ParameterResult r = Get(Compute(s, kNow), Parameter::kAnswersMessages);
  EXPECT_EQ(r.sample, 9);
  EXPECT_EQ(r.events, 2);
  EXPECT_EQ(r.score, 78);  // 7 / 9
  SellerActivity few = ActiveFor(30);
  for (int i = 0; i < 4; ++i) few.conversations.push_back({DaysAgo(2), std::nullopt});
  EXPECT_EQ(ScoreOf(few, Parameter::kAnswersMessages), std::nullopt);
}

TEST(ServiceLevelTest, AnswersCallsIsTheShareOfProposalsAccepted) {
  SellerActivity s = ActiveFor(30);
  auto add = [&s](int n, ProposalOutcome o) {
    for (int i = 0; i < n; ++i) s.proposals.push_back({DaysAgo(4), o});
  };
  add(6, ProposalOutcome::kAccepted);
  add(2, ProposalOutcome::kDeclined);
  add(2, ProposalOutcome::kUnanswered);
  add(3, ProposalOutcome::kOpen);
  const ParameterResult r = Get(Compute(s, kNow), Parameter::kAnswersCalls);
  EXPECT_EQ(r.score, 60);
  EXPECT_EQ(r.sample, 10);
  EXPECT_EQ(r.events, 4);
  SellerActivity few = ActiveFor(30);
  few.proposals = {{DaysAgo(1), ProposalOutcome::kDeclined},
                   {DaysAgo(1), ProposalOutcome::kDeclined},
                   {DaysAgo(1), ProposalOutcome::kOpen}};
  EXPECT_EQ(ScoreOf(few, Parameter::kAnswersCalls), std::nullopt);
}

TEST(ServiceLevelTest, CallAttendanceFallsWithNoShows) {
  SellerActivity s = ActiveFor(30);
  for (int i = 0; i < 9; ++i) s.due_calls.push_back({DaysAgo(3), false});
  s.due_calls.push_back({DaysAgo(3), true});
  EXPECT_EQ(ScoreOf(s, Parameter::kCallAttendance), 80);  // 100 × (1 − 2 × 1/10)
  SellerActivity small = ActiveFor(30);
  small.due_calls = {{DaysAgo(1), false}, {DaysAgo(1), false}};
  EXPECT_EQ(ScoreOf(small, Parameter::kCallAttendance), std::nullopt);
  small.due_calls.push_back({DaysAgo(1), true});
  EXPECT_EQ(ScoreOf(small, Parameter::kCallAttendance), 60);  // 1 of 3, floor 5
  small.due_calls.push_back({DaysAgo(1), true});
  EXPECT_EQ(ScoreOf(small, Parameter::kCallAttendance), 20);
}

TEST(ServiceLevelTest, CallConductWeighsComplaintsAndHighFlagsPerCall) {
  SellerActivity s = ActiveFor(30);
  AddEndedCalls(&s, 17);
  s.ended_calls.push_back({DaysAgo(2), 1, 0});  // an upheld complaint: a bad call
  s.ended_calls.push_back({DaysAgo(2), 0, 1});  // one high flag: half
  s.ended_calls.push_back({DaysAgo(2), 2, 3});  // at most one bad call per call
  const ParameterResult r = Get(Compute(s, kNow), Parameter::kCallConduct);
  EXPECT_EQ(r.sample, 20);
  EXPECT_DOUBLE_EQ(r.events, 2.5);
  EXPECT_EQ(r.score, 38);  // 100 × (1 − 5 × 2.5/20) = 37.5
  SellerActivity few = ActiveFor(30);
  AddEndedCalls(&few, 4);
  EXPECT_EQ(ScoreOf(few, Parameter::kCallConduct), std::nullopt);
  few.ended_calls.push_back({DaysAgo(1), 0, 1});
  EXPECT_EQ(ScoreOf(few, Parameter::kCallConduct), 75);  // 0.5 bad call, floor 10
}

TEST(ServiceLevelTest, NoDuplicatesFallsWithRepeatedActiveListings) {
  SellerActivity s = ActiveFor(30);
  s.listings = {Listing(1, DaysAgo(3)), Listing(2, DaysAgo(3)), Listing(3, DaysAgo(3)),
                Listing(4, DaysAgo(2))};
  s.listings[3].title = s.listings[0].title;  // 4 repeats 1
  s.listings[3].description = s.listings[0].description;
  ServiceLevel level = Compute(s, kNow);
  EXPECT_EQ(Get(level, Parameter::kNoDuplicates).score, 50);  // 100 × (1 − 2 × 1/4)
  ASSERT_EQ(level.duplicates.size(), 1u);
  EXPECT_EQ(level.duplicates[0].listing_id, 4);
  EXPECT_EQ(level.duplicates[0].original_id, 1);
  s.listings[3].active = false;  // the seller unpublished the copy
  EXPECT_EQ(ScoreOf(s, Parameter::kNoDuplicates), 100);
  s.listings.resize(1);
  EXPECT_EQ(ScoreOf(s, Parameter::kNoDuplicates), std::nullopt);
}

// The level is the lowest applicable parameter: one red parameter makes the seller red
// whatever the others are; 41 is red and 42 green.
TEST(ServiceLevelTest, LevelIsTheMinimumAndZoneBoundaryIs41) {
  auto seller = [](int accepted_of_100) {
    SellerActivity s = ActiveFor(30);
    s.listings = {Listing(1, DaysAgo(1)), Listing(2, DaysAgo(2))};
    AddEndedCalls(&s, 30);
    for (int i = 0; i < 10; ++i) s.conversations.push_back({DaysAgo(2), DaysAgo(2) + 1});
    for (int i = 0; i < 10; ++i) s.due_calls.push_back({DaysAgo(2), false});
    for (int i = 0; i < 100; ++i) {
      s.proposals.push_back({DaysAgo(2), i < accepted_of_100 ? ProposalOutcome::kAccepted
                                                             : ProposalOutcome::kDeclined});
    }
    return s;
  };
  const ServiceLevel red = Compute(seller(41), kNow);
  for (const ParameterResult& r : red.parameters) {
    ASSERT_TRUE(r.applicable()) << ParameterCode(r.parameter);
    if (r.parameter != Parameter::kAnswersCalls) {
      EXPECT_EQ(r.score, 100) << ParameterCode(r.parameter);
    }
  }
  EXPECT_EQ(red.level, 41);
  EXPECT_EQ(red.zone, Zone::kRed);
  EXPECT_EQ(red.weakest, Parameter::kAnswersCalls);
  const ServiceLevel green = Compute(seller(42), kNow);
  EXPECT_EQ(green.level, 42);
  EXPECT_EQ(green.zone, Zone::kGreen);
  const ServiceLevel zero = Compute(seller(0), kNow);
  EXPECT_EQ(zero.level, 0);
  EXPECT_EQ(zero.zone, Zone::kRed);
  EXPECT_EQ(Compute(seller(100), kNow).level, 100);

  EXPECT_EQ(ZoneOf(41), Zone::kRed);
  EXPECT_EQ(ZoneOf(42), Zone::kGreen);
  EXPECT_EQ(ZoneOf(0), Zone::kRed);
  EXPECT_EQ(ZoneOf(100), Zone::kGreen);
  EXPECT_EQ(ZoneName(Zone::kGreen), "green");
  EXPECT_EQ(ZoneName(Zone::kRed), "red");
}

TEST(ServiceLevelTest, WeakParametersAreBelow60) {
  SellerActivity s = ActiveFor(30);
  auto proposals = [&s](int accepted) {
    s.proposals.clear();
    for (int i = 0; i < 10; ++i) {
      s.proposals.push_back(
          {DaysAgo(1), i < accepted ? ProposalOutcome::kAccepted : ProposalOutcome::kUnanswered});
    }
    return Get(Compute(s, kNow), Parameter::kAnswersCalls);
  };
  EXPECT_FALSE(proposals(6).weak);
  EXPECT_TRUE(proposals(5).weak);
  EXPECT_EQ(proposals(5).score, 50);
  EXPECT_FALSE(Get(Compute(ActiveFor(30), kNow), Parameter::kAnswersCalls).weak);  // n/a
}

TEST(ServiceLevelTest, NotApplicableParametersAreIgnored) {
  SellerActivity s = ActiveFor(30);
  s.listings = {Listing(1, DaysAgo(1))};           // freshness 100; one listing: no_duplicates n/a
  s.conversations = {{DaysAgo(3), std::nullopt}};  // 1 of 5 needed
  s.proposals = {{DaysAgo(3), ProposalOutcome::kDeclined}};  // 1 of 3 needed
  s.due_calls = {{DaysAgo(3), false}};                       // 1 of 3 needed
  const ServiceLevel level = Compute(s, kNow);
  int applicable = 0;
  for (const ParameterResult& r : level.parameters) applicable += r.applicable();
  EXPECT_EQ(applicable, 1);
  EXPECT_EQ(level.level, 100);
  EXPECT_EQ(level.zone, Zone::kGreen);
  EXPECT_EQ(level.weakest, Parameter::kListingFreshness);
}

TEST(ServiceLevelTest, NoApplicableParameterMeansNoLevelAndGreen) {
  const ServiceLevel level = Compute(SellerActivity{}, kNow);
  EXPECT_EQ(level.level, std::nullopt);
  EXPECT_EQ(level.zone, Zone::kGreen);
  EXPECT_EQ(level.weakest, std::nullopt);
  EXPECT_EQ(level.window.active_days, 0);
  EXPECT_EQ(level.window.from, DayStart(kToday - 364));  // where it looked
  EXPECT_EQ(level.window.to, kNow);
  for (const ParameterResult& r : level.parameters) EXPECT_FALSE(r.applicable());
}

// The window is the last 30 days with active listings: a seller active every other day for
// the last 60 days has a window of 60 calendar days, and events on the days between count
// for nothing.
TEST(ServiceLevelTest, DaysWithoutActiveListingsDoNotCount) {
  SellerActivity s;
  for (int i = 0; i < 80; i += 2) s.active_days.push_back(kToday - i);  // 40 active days
  // Ten attended calls on active days, among them one 58 days ago (inside the 30 active days).
  for (int i = 0; i < 9; ++i) s.due_calls.push_back({DaysAgo(2), false});
  s.due_calls.push_back({DaysAgo(58), false});
  // No-shows on inactive days (odd), and on an active day beyond the 30 (day 60 ago).
  s.due_calls.push_back({DaysAgo(1), true});
  s.due_calls.push_back({DaysAgo(13), true});
  s.due_calls.push_back({DaysAgo(60), true});
  const ServiceLevel level = Compute(s, kNow);
  EXPECT_EQ(level.window.active_days, 30);
  EXPECT_EQ(level.window.from, DayStart(kToday - 58));
  EXPECT_EQ(level.window.to, kNow);
  const ParameterResult& r = Get(level, Parameter::kCallAttendance);
  EXPECT_EQ(r.sample, 10);
  EXPECT_EQ(r.events, 0);
  EXPECT_EQ(r.score, 100);
  // The same no-show on an active day counts.
  s.due_calls.push_back({DaysAgo(4), true});
  EXPECT_EQ(ScoreOf(s, Parameter::kCallAttendance), 82);  // 100 × (1 − 2 × 1/11)
}

TEST(ServiceLevelTest, WindowEndsAtTheLastActiveDay) {
  SellerActivity s;
  s.active_days = {kToday - 10, kToday - 12, kToday - 11, kToday - 10,
                   kToday + 3,  kToday - 400};  // unsorted, repeated, a future and a too old day
  const ServiceLevel level = Compute(s, kNow);
  EXPECT_EQ(level.window.active_days, 3);
  EXPECT_EQ(level.window.from, DayStart(kToday - 12));
  EXPECT_EQ(level.window.to, DayStart(kToday - 9));
  // A conversation left unanswered on an active day counts even though the seller has no
  // active listing today; one on today's (inactive) day does not.
  for (int i = 0; i < 5; ++i) s.conversations.push_back({DaysAgo(10.2), std::nullopt});
  s.conversations.push_back({DaysAgo(0.1), std::nullopt});
  const ParameterResult r = Get(Compute(s, kNow), Parameter::kAnswersMessages);
  EXPECT_EQ(r.sample, 5);
  EXPECT_EQ(r.score, 0);
}

TEST(ServiceLevelTest, ActiveDaysFromListingsSpanCreationToArchiving) {
  const std::vector<Day> days = ActiveDaysFromListings(
      {[] {
         ListingInfo l = Listing(1, DaysAgo(2));  // active since 2 days ago
         return l;
       }(),
       [] {
         ListingInfo l = Listing(2, DaysAgo(10), /*active=*/false);
         l.created_at = DaysAgo(12);  // active 12 → 10 days ago, then archived
         return l;
       }()},
      kNow);
  EXPECT_EQ(days, (std::vector<Day>{kToday - 12, kToday - 11, kToday - 10, kToday - 2, kToday - 1,
                                    kToday}));
}

}  // namespace
}  // namespace vitrina::service_level
