#include "themes/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vitrina::themes {

std::uint64_t Rng::Next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

std::size_t Rng::Below(std::size_t n) { return static_cast<std::size_t>(Next() % n); }

void Similarities(const Clustering& c, const SparseVector& doc, std::vector<float>* out) {
  const auto k = static_cast<std::size_t>(c.k);
  out->assign(k, 0.0f);
  float* sims = out->data();
  for (const TermWeight& tw : doc) {
    if (tw.term >= c.dim) continue;
    const float* row = c.centroids.data() + static_cast<std::size_t>(tw.term) * k;
    for (std::size_t j = 0; j < k; ++j) sims[j] += tw.weight * row[j];
  }
}

std::pair<int, float> Nearest(const Clustering& c, const SparseVector& doc) {
  std::vector<float> sims;
  Similarities(c, doc, &sims);
  int best = 0;
  for (int j = 1; j < c.k; ++j) {
    if (sims[static_cast<std::size_t>(j)] > sims[static_cast<std::size_t>(best)]) best = j;
  }
  return {best, sims.empty() ? 0.0f : sims[static_cast<std::size_t>(best)]};
}

namespace {

float Dot(const SparseVector& doc, const std::vector<float>& dense) {
  float s = 0;
  for (const TermWeight& tw : doc) s += tw.weight * dense[tw.term];
  return s;
}

// k-means++: each next seed drawn with probability proportional to the squared cosine distance
// to the nearest seed so far. Returns document indices.
std::vector<std::size_t> SeedPlusPlus(const std::vector<const SparseVector*>& docs,
                                      std::size_t dim, int k, Rng& rng) {
  const std::size_t n = docs.size();
  std::vector<std::size_t> seeds;
  std::vector<char> taken(n, 0);
  std::vector<float> nearest(n, -1.0f);  // cosine to the nearest seed
  std::vector<float> dense(dim, 0.0f);
  auto add = [&](std::size_t s) {
    seeds.push_back(s);
    taken[s] = 1;
    for (const TermWeight& tw : *docs[s]) dense[tw.term] = tw.weight;
    for (std::size_t i = 0; i < n; ++i) nearest[i] = std::max(nearest[i], Dot(*docs[i], dense));
    for (const TermWeight& tw : *docs[s]) dense[tw.term] = 0;
  };
  add(rng.Below(n));
  while (seeds.size() < static_cast<std::size_t>(k)) {
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (taken[i]) continue;
      const double d = std::max(0.0, 1.0 - static_cast<double>(nearest[i]));
      total += d * d;
    }
    std::size_t pick = n;
    if (total > 0) {
      double r = rng.Uniform() * total;
      for (std::size_t i = 0; i < n; ++i) {
        if (taken[i]) continue;
        const double d = std::max(0.0, 1.0 - static_cast<double>(nearest[i]));
        pick = i;
        r -= d * d;
        if (r < 0) break;
      }
    } else {  // every remaining document repeats a seed: any of them
      std::size_t skip = rng.Below(n - seeds.size());
      for (std::size_t i = 0; i < n; ++i) {
        if (taken[i]) continue;
        pick = i;
        if (skip-- == 0) break;
      }
    }
    add(pick);
  }
  return seeds;
}

}  // namespace

Clustering Lloyd(const std::vector<const SparseVector*>& docs, Clustering c,
                 int max_iterations) {
  const std::size_t n = docs.size();
  const std::size_t dim = c.dim;
  const auto kk = static_cast<std::size_t>(c.k);
  c.assignment.assign(n, -1);
  std::vector<float> own(n, 0.0f);  // cosine to the own centroid
  std::vector<float> sims;
  std::vector<std::size_t> counts(kk);
  std::vector<double> norms(kk);
  for (int iteration = 0;; ++iteration) {
    std::size_t changed = 0;
    c.objective = 0;
    for (std::size_t i = 0; i < n; ++i) {
      Similarities(c, *docs[i], &sims);
      std::size_t best = 0;
      for (std::size_t j = 1; j < kk; ++j) {
        if (sims[j] > sims[best]) best = j;
      }
      if (c.assignment[i] != static_cast<int>(best)) ++changed;
      c.assignment[i] = static_cast<int>(best);
      own[i] = sims[best];
      c.objective += sims[best];
    }
    if (changed == 0 || iteration >= max_iterations) break;
    // New centroids: the normalised sums of their members.
    std::fill(c.centroids.begin(), c.centroids.end(), 0.0f);
    std::fill(counts.begin(), counts.end(), 0);
    for (std::size_t i = 0; i < n; ++i) {
      const auto j = static_cast<std::size_t>(c.assignment[i]);
      ++counts[j];
      for (const TermWeight& tw : *docs[i]) c.centroids[tw.term * kk + j] += tw.weight;
    }
    // An emptied cluster takes the document worst served by its own (non-singleton) cluster.
    for (std::size_t j = 0; j < kk; ++j) {
      if (counts[j] != 0) continue;
      std::size_t worst = n;
      for (std::size_t i = 0; i < n; ++i) {
        if (counts[static_cast<std::size_t>(c.assignment[i])] < 2) continue;
        if (worst == n || own[i] < own[worst]) worst = i;
      }
      if (worst == n) continue;
      const auto from = static_cast<std::size_t>(c.assignment[worst]);
      for (const TermWeight& tw : *docs[worst]) {
        c.centroids[tw.term * kk + from] -= tw.weight;
        c.centroids[tw.term * kk + j] += tw.weight;
      }
      --counts[from];
      ++counts[j];
      c.assignment[worst] = static_cast<int>(j);
      own[worst] = 1;  // not chosen again
    }
    std::fill(norms.begin(), norms.end(), 0.0);
    for (std::size_t t = 0; t < dim; ++t) {
      for (std::size_t j = 0; j < kk; ++j) {
        const double v = c.centroids[t * kk + j];
        norms[j] += v * v;
      }
    }
    for (std::size_t j = 0; j < kk; ++j) norms[j] = norms[j] > 0 ? 1.0 / std::sqrt(norms[j]) : 0;
    for (std::size_t t = 0; t < dim; ++t) {
      for (std::size_t j = 0; j < kk; ++j) {
        c.centroids[t * kk + j] = static_cast<float>(c.centroids[t * kk + j] * norms[j]);
      }
    }
  }
  return c;
}

Clustering SphericalKMeans(const std::vector<const SparseVector*>& docs, std::size_t dim, int k,
                           std::uint64_t seed, int restarts, int max_iterations) {
  Rng rng(seed);
  Clustering best;
  for (int r = 0; r < std::max(restarts, 1); ++r) {
    Rng run(rng.Next());
    Clustering c;
    c.k = k;
    c.dim = dim;
    c.centroids.assign(dim * static_cast<std::size_t>(k), 0.0f);
    const std::vector<std::size_t> seeds = SeedPlusPlus(docs, dim, k, run);
    for (std::size_t j = 0; j < seeds.size(); ++j) {
      for (const TermWeight& tw : *docs[seeds[j]]) {
        c.centroids[tw.term * static_cast<std::size_t>(k) + j] = tw.weight;
      }
    }
    c = Lloyd(docs, std::move(c), max_iterations);
    if (r == 0 || c.objective > best.objective) best = std::move(c);
  }
  return best;
}

std::vector<float> SimilarityMatrix(const std::vector<const SparseVector*>& docs,
                                    std::size_t dim) {
  const std::size_t n = docs.size();
  std::vector<float> s(n * n, 0.0f);
  std::vector<float> dense(dim, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    for (const TermWeight& tw : *docs[i]) dense[tw.term] = tw.weight;
    for (std::size_t j = i; j < n; ++j) s[i * n + j] = s[j * n + i] = Dot(*docs[j], dense);
    for (const TermWeight& tw : *docs[i]) dense[tw.term] = 0;
  }
  return s;
}

double MeanSilhouette(const std::vector<float>& similarity, const std::vector<int>& assignment,
                      int k) {
  const std::size_t n = assignment.size();
  if (n == 0) return 0;
  const auto kk = static_cast<std::size_t>(k);
  std::vector<std::size_t> counts(kk, 0);
  for (int a : assignment) ++counts[static_cast<std::size_t>(a)];
  std::vector<double> distance(kk);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto own = static_cast<std::size_t>(assignment[i]);
    if (counts[own] < 2) continue;  // a singleton's silhouette is 0
    std::fill(distance.begin(), distance.end(), 0.0);
    const float* row = similarity.data() + i * n;
    for (std::size_t j = 0; j < n; ++j) {
      distance[static_cast<std::size_t>(assignment[j])] += 1.0 - static_cast<double>(row[j]);
    }
    distance[own] -= 1.0 - static_cast<double>(row[i]);  // itself
    const double a = distance[own] / static_cast<double>(counts[own] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < kk; ++j) {
      if (j != own && counts[j] > 0) b = std::min(b, distance[j] / static_cast<double>(counts[j]));
    }
    if (!std::isfinite(b)) continue;
    const double m = std::max(a, b);
    if (m > 0) total += (b - a) / m;
  }
  return total / static_cast<double>(n);
}

KChoice ChooseK(const std::vector<const SparseVector*>& sample, std::size_t dim, int min_k,
                int max_k, std::uint64_t seed) {
  const int n = static_cast<int>(sample.size());
  KChoice choice;
  const int lo = std::max(min_k, 2);
  const int hi = std::min(max_k, n - 1);
  if (lo > hi) {
    choice.k = std::clamp(min_k, 1, std::max(n, 1));
    return choice;
  }
  const std::vector<float> similarity = SimilarityMatrix(sample, dim);
  Rng rng(seed);
  double best = -2;
  for (int k = lo; k <= hi; ++k) {
    Clustering c = SphericalKMeans(sample, dim, k, rng.Next());
    const double s = MeanSilhouette(similarity, c.assignment, k);
    choice.silhouettes.emplace_back(k, s);
    if (s > best) {
      best = s;
      choice.k = k;
      choice.clustering = std::move(c);
    }
  }
  return choice;
}

}  // namespace vitrina::themes
