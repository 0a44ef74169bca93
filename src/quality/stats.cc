#include "quality/stats.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>

namespace vitrina::quality {
namespace {

constexpr double kZ95 = 1.959963984540054;
constexpr double kMadToSigma = 1.4826;
constexpr double kMeanAdToSigma = 1.2533;  // sqrt(pi / 2)

}  // namespace

Interval Wilson95(std::int64_t successes, std::int64_t n) {
  return WilsonInterval(successes, n, kZ95);
}

Interval WilsonInterval(std::int64_t successes, std::int64_t n, double z) {
  if (n <= 0) return {0, 1};
  successes = std::clamp<std::int64_t>(successes, 0, n);
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double denominator = 1 + z2 / nn;
  const double center = (p + z2 / (2 * nn)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denominator;
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

double Mad(const std::vector<double>& values, double median) {
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::abs(v - median));
  return Median(std::move(deviations));
}

double MeanAbsDeviation(const std::vector<double>& values, double center) {
  if (values.empty()) return 0;
  double sum = 0;
  for (double v : values) sum += std::abs(v - center);
  return sum / static_cast<double>(values.size());
}

double RobustZ(double x, double median, double mad, double meanad) {
  if (mad > 0) return (x - median) / (kMadToSigma * mad);
  if (meanad > 0) return (x - median) / (kMeanAdToSigma * meanad);
  return 0;
}

std::optional<double> CohenKappa(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
  if (a.empty() || a.size() != b.size()) return std::nullopt;
  const double n = static_cast<double>(a.size());
  std::map<std::string, std::pair<double, double>> marginals;  // label -> (count a, count b)
  double agreed = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) ++agreed;
    ++marginals[a[i]].first;
    ++marginals[b[i]].second;
  }
  double expected = 0;
  for (const auto& [label, counts] : marginals)
    expected += (counts.first / n) * (counts.second / n);
  const double observed = agreed / n;
  // p_e reaches 1 only when both raters used one and the same label throughout.
  if (expected >= 1 - 1e-12) return 1.0;
  return (observed - expected) / (1 - expected);
}

}  // namespace vitrina::quality
