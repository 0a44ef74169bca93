// The reliable-seller badge, the recommendations and the analysts' zone shares.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "service_level/service_level.h"

namespace vitrina::service_level {
namespace {

ServiceLevel WithLevel(std::optional<int> level) {
  ServiceLevel l;
  l.level = level;
  l.zone = level ? ZoneOf(*level) : Zone::kGreen;
  return l;
}

using Missing = std::vector<std::string>;

TEST(BadgeTest, GreenLevelGoodRatingAndVerifiedProfileEarnIt) {
  const Badge b = EvaluateBadge(WithLevel(42), {4.5, 30, true});
  EXPECT_TRUE(b.reliable);
  EXPECT_EQ(b.missing, Missing{});
  EXPECT_TRUE(EvaluateBadge(WithLevel(100), {5.0, 1000, true}).reliable);
}

TEST(BadgeTest, EachConditionIsNamedWhenMissing) {
  EXPECT_EQ(EvaluateBadge(WithLevel(41), {4.8, 50, true}).missing, Missing{"level_red"});
  EXPECT_EQ(EvaluateBadge(WithLevel(std::nullopt), {4.8, 50, true}).missing,
            Missing{"level_unknown"});
  EXPECT_EQ(EvaluateBadge(WithLevel(90), {4.49, 50, true}).missing, Missing{"rating_low"});
  EXPECT_EQ(EvaluateBadge(WithLevel(90), {4.9, 29, true}).missing, Missing{"ratings_few"});
  EXPECT_EQ(EvaluateBadge(WithLevel(90), {4.9, 30, false}).missing, Missing{"not_verified"});
  // No ratings at all: too few, but not "low".
  EXPECT_EQ(EvaluateBadge(WithLevel(90), {0, 0, true}).missing, Missing{"ratings_few"});
  const Badge none = EvaluateBadge(WithLevel(10), {3.0, 5, false});
  EXPECT_FALSE(none.reliable);
  EXPECT_EQ(none.missing, (Missing{"level_red", "rating_low", "ratings_few", "not_verified"}));
}

TEST(BadgeTest, ThresholdsAreSettings) {
  Options o;
  o.badge_min_rating = 4.0;
  o.badge_min_ratings = 10;
  EXPECT_TRUE(EvaluateBadge(WithLevel(60), {4.0, 10, true}, o).reliable);
  EXPECT_FALSE(EvaluateBadge(WithLevel(60), {4.0, 10, true}).reliable);
}

TEST(RecommendationTest, EveryParameterHasOneInRussianAndEnglish) {
  std::set<std::string_view> seen;
  for (Parameter p : kAllParameters) {
    const std::string_view ru = Recommendation(p, Language::kRu);
    const std::string_view en = Recommendation(p, Language::kEn);
    EXPECT_GT(ru.size(), 20u) << ParameterCode(p);
    EXPECT_GT(en.size(), 20u) << ParameterCode(p);
    EXPECT_NE(ru.find("\xD0"), std::string_view::npos) << "Cyrillic expected: " << ru;
    EXPECT_EQ(en.find("\xD0"), std::string_view::npos) << "no Cyrillic expected: " << en;
    EXPECT_TRUE(seen.insert(ru).second);
    EXPECT_TRUE(seen.insert(en).second);
  }
  EXPECT_NE(Recommendation(Parameter::kAnswersMessages, Language::kEn).find("24 hours"),
            std::string_view::npos);
  EXPECT_EQ(ParseLanguage("ru"), Language::kRu);
  EXPECT_EQ(ParseLanguage("en"), Language::kEn);
  EXPECT_EQ(ParseLanguage("de"), std::nullopt);
}

TEST(ZoneSharesTest, SharesAreAmongSellersWithALevel) {
  const ZoneShares z = CountZones({100, 42, 41, 0, std::nullopt, 77, std::nullopt});
  EXPECT_EQ(z.green, 3);
  EXPECT_EQ(z.red, 2);
  EXPECT_EQ(z.no_level, 2);
  EXPECT_DOUBLE_EQ(z.green_share, 0.6);
  EXPECT_DOUBLE_EQ(z.red_share, 0.4);
  const ZoneShares empty = CountZones({std::nullopt});
  EXPECT_EQ(empty.green_share, 0);
  EXPECT_EQ(empty.red_share, 0);
}

}  // namespace
}  // namespace vitrina::service_level
