#pragma once
// Spherical k-means over sparse unit vectors (cosine similarity), k-means++ seeding from a
// seeded generator, and the choice of k by the mean silhouette on a sample. The clustering
// engine of themes.h, exposed for its unit tests and the benchmark; docs/quality.md
// "## Complaint themes" explains the choices. Stateless functions; any thread.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace vitrina::themes {

struct TermWeight {
  std::uint32_t term = 0;
  float weight = 0;
};
// Sorted by term, no repeats; unit L2 norm (or empty).
using SparseVector = std::vector<TermWeight>;

// SplitMix64: the same sequence on every platform (std:: distributions are not specified
// bit for bit), so a seed reproduces the themes anywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next();
  double Uniform();                    // [0, 1)
  std::size_t Below(std::size_t n);    // [0, n), n > 0

 private:
  std::uint64_t state_;
};

struct Clustering {
  int k = 0;
  std::size_t dim = 0;
  std::vector<int> assignment;  // per document, in [0, k); a cluster may end up empty
  // Term-major, so that a sparse document meets all k centroids in one contiguous row:
  // centroids[term * k + cluster]. Each cluster's column has unit norm (zero if empty).
  std::vector<float> centroids;
  double objective = 0;  // sum over documents of the cosine to their own centroid

  float Weight(int cluster, std::uint32_t term) const {
    return centroids[static_cast<std::size_t>(term) * static_cast<std::size_t>(k) +
                     static_cast<std::size_t>(cluster)];
  }
};

// Cosine of `doc` to every centroid of `c` (doc must be a unit vector or empty).
void Similarities(const Clustering& c, const SparseVector& doc, std::vector<float>* out);

// The nearest centroid and its cosine; ties go to the lower cluster.
std::pair<int, float> Nearest(const Clustering& c, const SparseVector& doc);

// Lloyd iterations of spherical k-means from k-means++ seeds, `restarts` runs with seeds
// drawn from `seed`, the one with the highest objective kept. Requires 1 <= k <= docs.size(),
// non-empty unit vectors with terms < dim. Cost per iteration: k * (non-zeros of the docs).
Clustering SphericalKMeans(const std::vector<const SparseVector*>& docs, std::size_t dim, int k,
                           std::uint64_t seed, int restarts = 3, int max_iterations = 50);

// Lloyd iterations from the centroids of `c` (k, dim and centroids set; a clustering of a
// sample, say) until no document moves or max_iterations.
Clustering Lloyd(const std::vector<const SparseVector*>& docs, Clustering c, int max_iterations);

// n x n cosines of the documents (row-major).
std::vector<float> SimilarityMatrix(const std::vector<const SparseVector*>& docs,
                                    std::size_t dim);

// Mean silhouette of an assignment with cosine distance (1 - cosine), from SimilarityMatrix:
// in [-1, 1], 0 for members of singleton clusters. O(n^2) per call.
double MeanSilhouette(const std::vector<float>& similarity, const std::vector<int>& assignment,
                      int k);

struct KChoice {
  int k = 1;
  std::vector<std::pair<int, double>> silhouettes;  // (k, mean silhouette) for every k tried
  Clustering clustering;  // of the sample with the chosen k (empty when none was tried)
};

// The k in [max(min_k, 2), min(max_k, n - 1)] whose clustering of `sample` has the highest
// mean silhouette (the smaller k on a tie); outside that range (tiny samples), min_k capped
// to [1, n].
KChoice ChooseK(const std::vector<const SparseVector*>& sample, std::size_t dim, int min_k,
                int max_k, std::uint64_t seed);

}  // namespace vitrina::themes
