#include "search/rank.h"

#include <cmath>
#include <cstring>

namespace vitrina::search {
namespace {
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
}  // namespace

void TierScorer::Add(const void* blob, int bytes) {
  const int count = bytes > 0 ? bytes / static_cast<int>(sizeof(std::int32_t)) : 0;
  if (phrases_ < 0) phrases_ = count > 0 ? count - 1 : 0;  // the same for every row of a query
  const std::size_t stride = static_cast<std::size_t>(phrases_) + 1;
  const std::size_t at = values_.size();
  values_.resize(at + stride, 0);
  if (blob && static_cast<std::size_t>(count) == stride &&
      bytes == static_cast<int>(stride * sizeof(std::int32_t))) {
    std::memcpy(values_.data() + at, blob, stride * sizeof(std::int32_t));
  }
  ++rows_;
}

std::vector<double> TierScorer::Scores() const {
  std::vector<double> scores(rows_, 0.0);
  if (rows_ == 0 || phrases_ <= 0) return scores;
  const std::size_t stride = static_cast<std::size_t>(phrases_) + 1;
  // Collection statistics of the tier: rows containing each phrase, mean length.
  std::vector<double> idf(static_cast<std::size_t>(phrases_), 0.0);
  double total_len = 0;
  for (std::size_t r = 0; r < rows_; ++r) {
    const std::int32_t* row = values_.data() + r * stride;
    total_len += row[0];
    for (int p = 0; p < phrases_; ++p) {
      if (row[p + 1] > 0) idf[static_cast<std::size_t>(p)] += 1;
    }
  }
  const double n = static_cast<double>(rows_);
  for (auto& v : idf) v = std::log(1.0 + (n - v + 0.5) / (v + 0.5));
  const double avg_len = total_len > 0 ? total_len / n : 1.0;
  for (std::size_t r = 0; r < rows_; ++r) {
    const std::int32_t* row = values_.data() + r * stride;
    const double len_norm = kK1 * (1.0 - kB + kB * static_cast<double>(row[0]) / avg_len);
    double score = 0;
    for (int p = 0; p < phrases_; ++p) {
      const double tf = row[p + 1];
      if (tf > 0) score += idf[static_cast<std::size_t>(p)] * tf * (kK1 + 1.0) / (tf + len_norm);
    }
    scores[r] = -score;
  }
  return scores;
}

}  // namespace vitrina::search
