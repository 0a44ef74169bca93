#include "themes/cluster_metrics.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <utility>

namespace vitrina::themes {
namespace {

double Pairs(double n) { return n * (n - 1) / 2; }

}  // namespace

double Purity(const std::vector<int>& labels, const std::vector<int>& clusters) {
  const std::size_t n = std::min(labels.size(), clusters.size());
  if (n == 0) return 1;
  std::map<int, std::map<int, int>> table;  // cluster -> label -> count
  for (std::size_t i = 0; i < n; ++i) ++table[clusters[i]][labels[i]];
  long majority = 0;
  for (const auto& [cluster, counts] : table) {
    int best = 0;
    for (const auto& [label, count] : counts) best = std::max(best, count);
    majority += best;
  }
  return static_cast<double>(majority) / static_cast<double>(n);
}

double AdjustedRandIndex(const std::vector<int>& labels, const std::vector<int>& clusters) {
  const std::size_t n = std::min(labels.size(), clusters.size());
  if (n < 2) return 1;
  std::map<std::pair<int, int>, long> cells;
  std::map<int, long> label_sizes, cluster_sizes;
  for (std::size_t i = 0; i < n; ++i) {
    ++cells[{labels[i], clusters[i]}];
    ++label_sizes[labels[i]];
    ++cluster_sizes[clusters[i]];
  }
  double index = 0, sum_labels = 0, sum_clusters = 0;
  for (const auto& [cell, count] : cells) index += Pairs(static_cast<double>(count));
  for (const auto& [label, count] : label_sizes) sum_labels += Pairs(static_cast<double>(count));
  for (const auto& [cluster, count] : cluster_sizes) {
    sum_clusters += Pairs(static_cast<double>(count));
  }
  const double expected = sum_labels * sum_clusters / Pairs(static_cast<double>(n));
  const double maximum = (sum_labels + sum_clusters) / 2;
  if (maximum == expected) return 1;
  return (index - expected) / (maximum - expected);
}

}  // namespace vitrina::themes
