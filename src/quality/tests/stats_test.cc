// Known values for the small statistics of stats.h.
#include "quality/stats.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vitrina::quality {
namespace {

TEST(Wilson95Test, EightOfTenIsAbout049To094) {
  const Interval w = Wilson95(8, 10);
  EXPECT_NEAR(w.low, 0.4902, 1e-4);
  EXPECT_NEAR(w.high, 0.9433, 1e-4);
}

TEST(Wilson95Test, StaysInsideZeroOneAtTheEnds) {
  const Interval none = Wilson95(0, 10);
  EXPECT_DOUBLE_EQ(none.low, 0);
  EXPECT_NEAR(none.high, 0.2775, 1e-4);
  const Interval all = Wilson95(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 1e-4);
  EXPECT_NEAR(all.high, 1, 1e-12);
}

TEST(Wilson95Test, NoObservationsIsTheWholeRange) {
  const Interval w = Wilson95(0, 0);
  EXPECT_DOUBLE_EQ(w.low, 0);
  EXPECT_DOUBLE_EQ(w.high, 1);
}

TEST(Wilson95Test, NarrowsWithTheSampleSize) {
  const Interval small = Wilson95(50, 100);
  const Interval large = Wilson95(500, 1000);
  EXPECT_NEAR(small.low, 0.4038, 1e-4);
  EXPECT_NEAR(small.high, 0.5962, 1e-4);
  EXPECT_LT(large.high - large.low, small.high - small.low);
}

TEST(WilsonIntervalTest, WiderAtHigherConfidence) {
  const Interval w95 = WilsonInterval(8, 10, 1.959964);
  const Interval w999 = WilsonInterval(8, 10, 3.290527);
  EXPECT_NEAR(w95.low, Wilson95(8, 10).low, 1e-6);
  EXPECT_LT(w999.low, w95.low);
  EXPECT_GT(w999.high, w95.high);
}

TEST(MedianTest, OddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(Median({5, 1, 3}), 3);
  EXPECT_DOUBLE_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(Median({}), 0);
  EXPECT_DOUBLE_EQ(Median({7}), 7);
}

TEST(MadTest, MedianOfAbsoluteDeviations) {
  // Deviations from 3: 2, 1, 0, 1, 97 -> median 1 (the outlier does not move it).
  EXPECT_DOUBLE_EQ(Mad({1, 2, 3, 4, 100}, 3), 1);
  EXPECT_DOUBLE_EQ(Mad({}, 0), 0);
  EXPECT_DOUBLE_EQ(MeanAbsDeviation({5, 5, 5, 5, 9}, 5), 0.8);
}

TEST(RobustZTest, ScalesMadToASigma) {
  // (100 - 3) / (1.4826 * 1)
  EXPECT_NEAR(RobustZ(100, 3, 1, 20.2), 65.4256, 1e-4);
  EXPECT_NEAR(RobustZ(1, 3, 1, 20.2), -1.3490, 1e-4);
}

TEST(RobustZTest, FallsBackToMeanAbsoluteDeviationWhenMadIsZero) {
  // {5, 5, 5, 5, 9}: median 5, MAD 0, mean absolute deviation 0.8 -> 4 / (1.2533 * 0.8).
  const std::vector<double> values = {5, 5, 5, 5, 9};
  const double median = Median(values);
  const double mad = Mad(values, median);
  ASSERT_DOUBLE_EQ(mad, 0);
  EXPECT_NEAR(RobustZ(9, median, mad, MeanAbsDeviation(values, median)), 3.9894, 1e-4);
}

TEST(RobustZTest, ZeroWhenEveryoneIsTheSame) { EXPECT_DOUBLE_EQ(RobustZ(5, 5, 0, 0), 0); }

// Wikipedia "Cohen's kappa", first example: 50 proposals, both yes 20, A yes B no 5, A no B yes
// 10, both no 15 -> p_o 0.7, p_e 0.5, kappa 0.4.
TEST(CohenKappaTest, TextbookExample) {
  std::vector<std::string> a, b;
  auto add = [&](int n, const char* x, const char* y) {
    for (int i = 0; i < n; ++i) {
      a.push_back(x);
      b.push_back(y);
    }
  };
  add(20, "yes", "yes");
  add(5, "yes", "no");
  add(10, "no", "yes");
  add(15, "no", "no");
  const auto kappa = CohenKappa(a, b);
  ASSERT_TRUE(kappa.has_value());
  EXPECT_NEAR(*kappa, 0.4, 1e-12);
}

// Wikipedia's second example: both yes 45, A yes B no 15, A no B yes 25, both no 15 -> p_o 0.6,
// p_e 0.54, kappa 0.1304.
TEST(CohenKappaTest, SecondTextbookExample) {
  std::vector<std::string> a, b;
  auto add = [&](int n, const char* x, const char* y) {
    for (int i = 0; i < n; ++i) {
      a.push_back(x);
      b.push_back(y);
    }
  };
  add(45, "yes", "yes");
  add(15, "yes", "no");
  add(25, "no", "yes");
  add(15, "no", "no");
  EXPECT_NEAR(*CohenKappa(a, b), 0.1304, 1e-4);
}

TEST(CohenKappaTest, EdgeCases) {
  EXPECT_FALSE(CohenKappa({}, {}).has_value());
  EXPECT_FALSE(CohenKappa({"ban"}, {"ban", "warn"}).has_value());
  EXPECT_DOUBLE_EQ(*CohenKappa({"ban", "ban", "ban"}, {"ban", "ban", "ban"}), 1.0);
  EXPECT_DOUBLE_EQ(*CohenKappa({"warn", "ban"}, {"warn", "ban"}), 1.0);
  EXPECT_DOUBLE_EQ(*CohenKappa({"warn", "ban"}, {"ban", "warn"}), -1.0);
}

}  // namespace
}  // namespace vitrina::quality
