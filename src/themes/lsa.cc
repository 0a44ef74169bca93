#include "themes/lsa.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vitrina::themes {
namespace {

// Orthonormalises the `cols` columns of the row-major rows x cols matrix `m` in place (modified
// Gram-Schmidt, twice for stability); a column that vanishes is zeroed. Returns how many
// columns survive.
int Orthonormalise(std::vector<double>& m, std::size_t rows, std::size_t cols) {
  int kept = 0;
  for (std::size_t j = 0; j < cols; ++j) {
    double original = 0;
    for (std::size_t r = 0; r < rows; ++r) original += m[r * cols + j] * m[r * cols + j];
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t p = 0; p < j; ++p) {
        double dot = 0;
        for (std::size_t r = 0; r < rows; ++r) dot += m[r * cols + j] * m[r * cols + p];
        for (std::size_t r = 0; r < rows; ++r) m[r * cols + j] -= dot * m[r * cols + p];
      }
    }
    double norm = 0;
    for (std::size_t r = 0; r < rows; ++r) norm += m[r * cols + j] * m[r * cols + j];
    const bool alive = original > 0 && norm > 1e-20 * original;
    const double scale = alive ? 1.0 / std::sqrt(norm) : 0.0;
    for (std::size_t r = 0; r < rows; ++r) m[r * cols + j] *= scale;
    kept += alive ? 1 : 0;
  }
  return kept;
}

// Eigen-decomposition of the symmetric l x l matrix `a` (destroyed) by cyclic Jacobi rotations:
// eigenvalues on return in `values`, eigenvectors as the columns of `vectors`.
void Jacobi(std::vector<double>& a, std::size_t l, std::vector<double>* values,
            std::vector<double>* vectors) {
  std::vector<double>& v = *vectors;
  v.assign(l * l, 0.0);
  for (std::size_t i = 0; i < l; ++i) v[i * l + i] = 1;
  for (int sweep = 0; sweep < 60; ++sweep) {
    double off = 0, diag = 0;
    for (std::size_t i = 0; i < l; ++i) {
      diag += a[i * l + i] * a[i * l + i];
      for (std::size_t j = i + 1; j < l; ++j) off += a[i * l + j] * a[i * l + j];
    }
    if (off <= 1e-22 * diag) break;
    for (std::size_t p = 0; p < l; ++p) {
      for (std::size_t q = p + 1; q < l; ++q) {
        const double apq = a[p * l + q];
        if (std::abs(apq) < 1e-300) continue;
        const double theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) /
                         (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (std::size_t k = 0; k < l; ++k) {  // columns p, q
          const double akp = a[k * l + p], akq = a[k * l + q];
          a[k * l + p] = c * akp - s * akq;
          a[k * l + q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < l; ++k) {  // rows p, q
          const double apk = a[p * l + k], aqk = a[q * l + k];
          a[p * l + k] = c * apk - s * aqk;
          a[q * l + k] = s * apk + c * aqk;
        }
        for (std::size_t k = 0; k < l; ++k) {
          const double vkp = v[k * l + p], vkq = v[k * l + q];
          v[k * l + p] = c * vkp - s * vkq;
          v[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  values->resize(l);
  for (std::size_t i = 0; i < l; ++i) (*values)[i] = a[i * l + i];
}

}  // namespace

LsaBasis FitLsa(const std::vector<const SparseVector*>& docs, std::size_t dim, int rank,
                std::uint64_t seed) {
  LsaBasis lsa;
  const std::size_t n = docs.size();
  if (n == 0 || dim == 0 || rank <= 0) return lsa;
  const std::size_t l = std::min({static_cast<std::size_t>(rank) + 10, n, dim});
  Rng rng(seed);
  // Range finder: Y = A * Omega, then two power iterations Y = A * (A^T * Y), orthonormalised
  // in between so the small singular values do not drown.
  std::vector<double> omega(dim * l);
  for (double& x : omega) x = rng.Uniform() * 2 - 1;
  std::vector<double> y(n * l, 0.0);
  auto times_a = [&](const std::vector<double>& z, std::vector<double>& out) {  // out = A z
    std::fill(out.begin(), out.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (const TermWeight& tw : *docs[i]) {
        const double* row = z.data() + static_cast<std::size_t>(tw.term) * l;
        for (std::size_t j = 0; j < l; ++j) out[i * l + j] += tw.weight * row[j];
      }
    }
  };
  auto times_at = [&](const std::vector<double>& q, std::vector<double>& out) {  // out = A^T q
    std::fill(out.begin(), out.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (const TermWeight& tw : *docs[i]) {
        double* row = out.data() + static_cast<std::size_t>(tw.term) * l;
        for (std::size_t j = 0; j < l; ++j) row[j] += tw.weight * q[i * l + j];
      }
    }
  };
  times_a(omega, y);
  Orthonormalise(y, n, l);
  for (int power = 0; power < 2; ++power) {
    times_at(y, omega);
    Orthonormalise(omega, dim, l);
    times_a(omega, y);
    Orthonormalise(y, n, l);
  }
  // B^T = A^T Q (dim x l); the right singular vectors of A are those of B: eigenvectors of
  // B B^T give them as B^T u / sigma.
  std::vector<double>& bt = omega;
  times_at(y, bt);
  std::vector<double> bbt(l * l, 0.0);
  for (std::size_t t = 0; t < dim; ++t) {
    const double* row = bt.data() + t * l;
    for (std::size_t i = 0; i < l; ++i) {
      if (row[i] == 0) continue;
      for (std::size_t j = 0; j < l; ++j) bbt[i * l + j] += row[i] * row[j];
    }
  }
  std::vector<double> values, vectors;
  Jacobi(bbt, l, &values, &vectors);
  std::vector<std::size_t> order(l);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] > values[b]; });
  const double largest = values[order[0]];
  std::vector<std::size_t> keep;
  for (std::size_t i : order) {
    if (static_cast<int>(keep.size()) >= rank) break;
    if (values[i] <= 1e-10 * largest || values[i] <= 0) break;
    keep.push_back(i);
  }
  lsa.rank = static_cast<int>(keep.size());
  const auto r = static_cast<std::size_t>(lsa.rank);
  lsa.basis.assign(dim * r, 0.0f);
  for (std::size_t c = 0; c < r; ++c) {
    const std::size_t e = keep[c];
    const double inv_sigma = 1.0 / std::sqrt(values[e]);
    for (std::size_t t = 0; t < dim; ++t) {
      double s = 0;
      for (std::size_t j = 0; j < l; ++j) s += bt[t * l + j] * vectors[j * l + e];
      lsa.basis[t * r + c] = static_cast<float>(s * inv_sigma);
    }
  }
  return lsa;
}

SparseVector Project(const LsaBasis& lsa, const SparseVector& doc) {
  const auto r = static_cast<std::size_t>(lsa.rank);
  std::vector<double> coords(r, 0.0);
  for (const TermWeight& tw : doc) {
    const float* row = lsa.basis.data() + static_cast<std::size_t>(tw.term) * r;
    for (std::size_t c = 0; c < r; ++c) coords[c] += tw.weight * row[c];
  }
  double norm = 0;
  for (double x : coords) norm += x * x;
  SparseVector out;
  if (norm <= 1e-20) return out;
  const double scale = 1.0 / std::sqrt(norm);
  out.reserve(r);
  for (std::size_t c = 0; c < r; ++c) {
    out.push_back({static_cast<std::uint32_t>(c), static_cast<float>(coords[c] * scale)});
  }
  return out;
}

}  // namespace vitrina::themes
