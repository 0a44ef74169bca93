#pragma once
// Small statistics for moderator quality (issue "Deviation search"): the Wilson interval of a
// share, median and median absolute deviation, the robust z-score, and Cohen's kappa. Pure
// functions of their arguments, no I/O; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vitrina::quality {

// A closed interval of a share, both ends in [0, 1].
struct Interval {
  double low = 0, high = 0;
};

// 95 % Wilson score interval of `successes` out of `n` (z = 1.959964). Unlike the normal
// approximation it stays inside [0, 1] and is sensible at 0/n and n/n, which is why accuracy on
// a few dozen honeypots is shown with it. n <= 0 -> {0, 1} (nothing is known); successes is
// clamped to [0, n].
Interval Wilson95(std::int64_t successes, std::int64_t n);

// The Wilson score interval at any z (1.959964 for 95 %, 3.290527 for 99.9 %); same rules.
Interval WilsonInterval(std::int64_t successes, std::int64_t n, double z);

// Median; the mean of the two middle values for an even count. Empty -> 0.
double Median(std::vector<double> values);

// Median absolute deviation from `median`, unscaled (multiply by 1.4826 for a normal sigma).
// Empty -> 0.
double Mad(const std::vector<double>& values, double median);

// Mean absolute deviation from `center` (the median, for RobustZ's fall-back). Empty -> 0.
double MeanAbsDeviation(const std::vector<double>& values, double center);

// Robust z: (x - median) / (1.4826 * MAD). When MAD is 0 (more than half the values equal the
// median) fall back to (x - median) / (1.2533 * mean absolute deviation), as Iglewicz and
// Hoaglin do; when that is 0 too (all values equal) return 0.
double RobustZ(double x, double median, double mad, double meanad);

// Cohen's kappa of two raters over paired labels: (p_o - p_e) / (1 - p_e). nullopt when there
// is no pair or the lengths differ; 1.0 when both raters used one and the same label only
// (p_e = 1, where the formula is 0/0).
std::optional<double> CohenKappa(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b);

}  // namespace vitrina::quality
