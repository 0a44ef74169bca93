// Deviation search: hand-built peer groups with known answers, and the generated month of the
// issue's acceptance (tests/generated_month.h) over many seeds.
#include "quality/deviation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "quality/tests/generated_month.h"

namespace vitrina::quality {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// An ordinary moderator with 200 decisions; small differences by id so that the peers' spread
// (MAD) is not 0.
ModeratorFigures Typical(std::int64_t id, std::vector<std::string> skills = {"en"}) {
  ModeratorFigures f;
  f.moderator_id = id;
  f.name = "moderator " + std::to_string(id);
  f.skills = std::move(skills);
  f.decided = 200;
  f.handling_time_p50_s = 290 + 10 * static_cast<double>(id % 3);  // 290, 300, 310
  const std::int64_t d = id % 3 - 1;                               // -1, 0, 1
  f.decisions["fraud"] = {{"dismiss", 30 + d}, {"warn", 25}, {"block", 30 - d}, {"ban", 15}};
  f.decisions["rudeness"] = {{"dismiss", 40 + d}, {"warn", 48 - d}, {"block", 12}};
  f.appealed = 20;
  f.overturned = 4 + d;
  f.honeypot_n = 40;
  f.honeypot_correct = 30 + d;
  f.agreement_kappa = 0.80 + 0.02 * static_cast<double>(d);
  f.sla_breaches = 4 + d;
  f.hours_on_shift = 25 + d;
  return f;
}

std::vector<ModeratorFigures> Team(int n, std::vector<std::string> skills = {"en"}) {
  std::vector<ModeratorFigures> team;
  for (int i = 1; i <= n; ++i) team.push_back(Typical(i, skills));
  return team;
}

const Deviation* Find(const std::vector<Deviation>& found, const std::string& metric) {
  for (const Deviation& d : found) {
    if (d.metric == metric) return &d;
  }
  return nullptr;
}

std::string Describe(const std::vector<Deviation>& found) {
  std::ostringstream out;
  for (const Deviation& d : found) {
    out << "  " << d.metric << " z=" << d.z << ": " << d.explanation << "\n";
  }
  return out.str();
}

TEST(FindDeviationsTest, ExplainsADismisserInPlainWords) {
  auto team = Team(8);
  ModeratorFigures odd = Typical(100);
  odd.decisions["fraud"] = {{"dismiss", 94}, {"warn", 2}, {"block", 3}, {"ban", 1}};
  team.push_back(odd);
  const auto found = FindDeviations(team, {});
  ASSERT_EQ(found.size(), team.size());
  for (int i = 0; i < 8; ++i) EXPECT_THAT(found[i], IsEmpty()) << Describe(found[i]);
  const Deviation* d = Find(found[8], "dismiss_rate.fraud");
  ASSERT_NE(d, nullptr) << Describe(found[8]);
  EXPECT_DOUBLE_EQ(d->value, 0.94);
  EXPECT_DOUBLE_EQ(d->peer_median, 0.30);
  EXPECT_GE(d->z, 2);
  EXPECT_EQ(d->explanation,
            "dismisses fraud complaints 3.1× as often as the peer median (94% of 100 cases "
            "against 30%)");
  const Deviation* warn = Find(found[8], "warn_rate.fraud");
  ASSERT_NE(warn, nullptr);
  EXPECT_EQ(warn->explanation,
            "answers fraud complaints with a warning in only 2% of 100 cases against a peer "
            "median of 25%");
  // Largest |z| first.
  for (std::size_t k = 1; k < found[8].size(); ++k) {
    EXPECT_GE(std::abs(found[8][k - 1].z), std::abs(found[8][k].z));
  }
}

TEST(FindDeviationsTest, ExplainsASlowModeratorInMinutes) {
  auto team = Team(8);
  ModeratorFigures slow = Typical(100);  // id 100: 300 s like the median
  slow.handling_time_p50_s = 1500;
  team.push_back(slow);
  const auto found = FindDeviations(team, {});
  ASSERT_EQ(found[8].size(), 1u) << Describe(found[8]);
  EXPECT_EQ(found[8][0].metric, "handling_time_p50_s");
  EXPECT_EQ(found[8][0].explanation,
            "takes 5.0× as long per case as the peer median (25 min against 5.0 min)");
}

TEST(FindDeviationsTest, SaysSoWhenThePeerMedianIsZero) {
  auto team = Team(8);
  ModeratorFigures banner = Typical(100);
  banner.decisions["rudeness"] = {{"dismiss", 30}, {"warn", 30}, {"ban", 40}};
  team.push_back(banner);
  const auto found = FindDeviations(team, {});
  const Deviation* d = Find(found[8], "ban_rate.rudeness");
  ASSERT_NE(d, nullptr) << Describe(found[8]);
  EXPECT_EQ(d->explanation,
            "answers rudeness complaints with a ban in 40% of 100 cases, where the peers' "
            "median is 0%");
}

TEST(FindDeviationsTest, ATinyDifferenceWhereEveryoneIsIdenticalIsNotFlagged) {
  // Nobody bans on rudeness; one moderator did it twice in 100 cases. MAD is 0, so the robust
  // z is large — but two cases in a hundred is no finding.
  auto team = Team(8);
  ModeratorFigures odd = Typical(100);
  odd.decisions["rudeness"] = {{"dismiss", 40}, {"warn", 46}, {"block", 12}, {"ban", 2}};
  team.push_back(odd);
  EXPECT_THAT(FindDeviations(team, {})[8], IsEmpty());

  DeviationOptions z_only;
  z_only.min_rate_difference = -1;
  z_only.rate_interval_z = 0;
  const auto z_only_found = FindDeviations(team, z_only);
  const Deviation* d = Find(z_only_found[8], "ban_rate.rudeness");
  ASSERT_NE(d, nullptr) << "the z-score alone flags it; the minimum difference is what stops it";
  EXPECT_GE(d->z, 2);
}

TEST(FindDeviationsTest, PaceWithinTheUsualSpreadIsNotFlagged) {
  auto team = Team(8);
  ModeratorFigures odd = Typical(100);
  odd.handling_time_p50_s = 500;  // 1.7× the median, but under the 2× minimum
  team.push_back(odd);
  EXPECT_THAT(FindDeviations(team, {})[8], IsEmpty());
  team.back().handling_time_p50_s = 110;  // under half: "as fast"
  const auto found = FindDeviations(team, {});
  ASSERT_EQ(found[8].size(), 1u) << Describe(found[8]);
  EXPECT_EQ(found[8][0].explanation,
            "is 2.7× as fast per case as the peer median (110 s against 5.0 min)");
}

TEST(FindDeviationsTest, QualityBetterThanPeersIsNoFinding) {
  auto team = Team(8);
  ModeratorFigures good = Typical(100);
  good.honeypot_correct = 40;
  good.overturned = 0;
  good.sla_breaches = 0;
  good.agreement_kappa = 1.0;
  team.push_back(good);
  EXPECT_THAT(FindDeviations(team, {})[8], IsEmpty());

  ModeratorFigures bad = Typical(101);
  bad.honeypot_correct = 10;
  bad.appealed = 20;
  bad.overturned = 15;
  bad.sla_breaches = 60;
  bad.agreement_kappa = 0.3;
  team.back() = bad;
  const auto found = FindDeviations(team, {});
  ASSERT_EQ(found[8].size(), 4u) << Describe(found[8]);
  EXPECT_EQ(Find(found[8], "honeypot_accuracy")->explanation,
            "honeypot accuracy 25% (10 of 40) against a peer median of 75%");
  EXPECT_EQ(Find(found[8], "overturned_share")->explanation,
            "is overturned on appeal 3.8× as often as the peer median (75% of 20 appealed "
            "decisions against 20%)");
  EXPECT_EQ(Find(found[8], "sla_breach_share")->explanation,
            "breaches the SLA 15× as often as the peer median (30% of 200 cases against 2%)");
  EXPECT_EQ(Find(found[8], "agreement_kappa")->explanation,
            "agrees with second reviewers at κ = 0.30 against a peer median of 0.80");
}

TEST(FindDeviationsTest, FewerThan30DecisionsAreNeverFlagged) {
  auto team = Team(8);
  ModeratorFigures odd = Typical(100);
  odd.decided = 29;
  odd.decisions = {{"fraud", {{"dismiss", 28}, {"warn", 1}}}};
  odd.handling_time_p50_s = 3000;
  team.push_back(odd);
  EXPECT_THAT(FindDeviations(team, {})[8], IsEmpty());

  team.back().decided = 30;
  team.back().decisions["fraud"]["warn"] = 2;
  const auto found = FindDeviations(team, {});
  EXPECT_NE(Find(found[8], "dismiss_rate.fraud"), nullptr) << Describe(found[8]);
  EXPECT_NE(Find(found[8], "handling_time_p50_s"), nullptr) << Describe(found[8]);
}

TEST(FindDeviationsTest, FewerThanMinPeersFlagsNothing) {
  ModeratorFigures odd = Typical(100);
  odd.decisions["fraud"] = {{"dismiss", 94}, {"warn", 2}, {"block", 3}, {"ban", 1}};
  odd.handling_time_p50_s = 3000;

  auto four = Team(4);  // four peers besides the moderator: fewer than min_peers (5)
  four.push_back(odd);
  for (const auto& found : FindDeviations(four, {})) EXPECT_THAT(found, IsEmpty());

  auto five = Team(5);
  five.push_back(odd);
  EXPECT_THAT(FindDeviations(five, {})[5], ::testing::Not(IsEmpty()));
}

TEST(FindDeviationsTest, PeersHaveTheSameSkills) {
  auto team = Team(8, {"en", "ru"});
  ModeratorFigures odd = Typical(100, {"en"});  // the only one with these skills
  odd.handling_time_p50_s = 3000;
  team.push_back(odd);
  EXPECT_THAT(FindDeviations(team, {})[8], IsEmpty());

  team.back().skills = {"ru", "en"};  // the same set in another order
  const auto found = FindDeviations(team, {});
  EXPECT_NE(Find(found[8], "handling_time_p50_s"), nullptr);
}

TEST(FindDeviationsTest, PeersWithTooFewDecisionsDoNotCount) {
  auto team = Team(8);
  for (int i = 0; i < 3; ++i) team[i].decided = 10;  // 5 peers with enough decisions remain
  ModeratorFigures odd = Typical(100);
  odd.handling_time_p50_s = 3000;
  team.push_back(odd);
  auto found = FindDeviations(team, {});
  EXPECT_NE(Find(found[8], "handling_time_p50_s"), nullptr);
  team[3].decided = 10;  // now 4
  found = FindDeviations(team, {});
  EXPECT_THAT(found[8], IsEmpty());
}

// The acceptance: in a generated month of 30 moderators, exactly the dismisser and the
// slow one are flagged, with readable explanations; returns what went wrong, empty when all is
// well.
std::string CheckGeneratedMonth(std::uint64_t seed, bool print) {
  const testing::GeneratedMonth month = testing::GenerateMonth({.seed = seed});
  const std::vector<ModeratorFigures> figures = testing::FiguresOf(month);
  const auto found = FindDeviations(figures, {});
  std::ostringstream problems;
  if (figures.size() != 30 || found.size() != 30) problems << "not 30 moderators\n";
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const std::int64_t id = figures[i].moderator_id;
    if (print) {
      for (const Deviation& d : found[i]) {
        std::cout << "    " << figures[i].name << " (" << d.metric << ", z " << std::setprecision(3)
                  << d.z << "): " << d.explanation << "\n";
      }
    }
    if (id == month.dismisser_id) {
      const Deviation* d = Find(found[i], "dismiss_rate.fraud");
      if (d == nullptr || d->explanation.find("fraud") == std::string::npos ||
          d->explanation.find("dismisses") == std::string::npos || d->z < 2) {
        problems << "dismisser " << id << " not flagged for dismissing fraud:\n"
                 << Describe(found[i]);
      }
    } else if (id == month.slow_id) {
      const Deviation* d = Find(found[i], "handling_time_p50_s");
      if (d == nullptr || d->explanation.find("as long") == std::string::npos || d->z < 2) {
        problems << "slow moderator " << id << " not flagged for handling time:\n"
                 << Describe(found[i]);
      }
    } else if (!found[i].empty()) {
      problems << "moderator " << id << " flagged:\n" << Describe(found[i]);
    }
  }
  return problems.str();
}

TEST(GeneratedMonthTest, FlagsExactlyTheDismisserAndTheSlowOne) {
  const auto month = testing::GenerateMonth({.seed = 20240601});
  EXPECT_NE(month.dismisser_id, month.slow_id);
  EXPECT_GT(month.decisions.size(), 25000u);
  EXPECT_EQ(CheckGeneratedMonth(20240601, /*print=*/true), "");
}

TEST(GeneratedMonthTest, TwentySeedsAllPass) {
  int passed = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::string problems = CheckGeneratedMonth(seed, /*print=*/false);
    EXPECT_EQ(problems, "") << "seed " << seed;
    passed += problems.empty() ? 1 : 0;
  }
  EXPECT_EQ(passed, 20);
}

TEST(GeneratedMonthTest, IsDeterministicForASeed) {
  const auto a = testing::FiguresOf(testing::GenerateMonth({.seed = 7}));
  const auto b = testing::FiguresOf(testing::GenerateMonth({.seed = 7}));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].decided, b[i].decided);
    EXPECT_EQ(a[i].decisions, b[i].decisions);
    EXPECT_EQ(a[i].handling_time_p50_s, b[i].handling_time_p50_s);
  }
}

TEST(GeneratedMonthTest, WithoutTheTwoNobodyIsFlagged) {
  // The same month with the dismisser and the slow one behaving like everyone else.
  const auto month =
      testing::GenerateMonth({.seed = 3, .dismisser_fraud_dismiss = -1, .slow_factor = 1});
  for (const auto& found : FindDeviations(testing::FiguresOf(month), {})) {
    EXPECT_THAT(found, IsEmpty()) << Describe(found);
  }
}

}  // namespace
}  // namespace vitrina::quality
