#pragma once
// Latent semantic analysis: a truncated SVD of the TF-IDF matrix, so that complaints which say
// the same thing in different words ("задаток", "аванс", "предоплата") land near each other
// because those words keep the same company across the corpus. Short texts share few exact
// words; on the labelled set this is what makes the themes usable (docs/quality.md). Randomised
// range finder with power iterations (Halko, Martinsson, Tropp 2011) on a sample of documents,
// the small dense problem solved by Jacobi rotations. Stateless; any thread.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "themes/kmeans.h"

namespace vitrina::themes {

// The top `rank` right singular vectors of the matrix whose rows are `docs` (terms < dim), as a
// term-major projection: basis[term * rank + j]. Fewer columns when the matrix has lower rank.
struct LsaBasis {
  int rank = 0;
  std::vector<float> basis;
};

LsaBasis FitLsa(const std::vector<const SparseVector*>& docs, std::size_t dim, int rank,
                std::uint64_t seed);

// The document in the latent space (its coordinates on the basis), L2-normalised, as a dense
// vector stored in SparseVector form (terms 0..rank-1) so the k-means runs on it unchanged.
// Empty if the document has no weight on the basis.
SparseVector Project(const LsaBasis& lsa, const SparseVector& doc);

}  // namespace vitrina::themes
