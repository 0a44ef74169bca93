#pragma once
// Relevance of a bounded candidate set ("tier", docs/search.md): BM25 computed from the
// per-row statistics `vitrina_stats()` returns, with the collection statistics (row count,
// rows per phrase, average length) taken from the tier itself. A tier's scores therefore
// depend only on the rows in it, which keeps a keyset cursor over (score, id) stable while
// newer rows are indexed elsewhere. Plain value type; one thread at a time.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vitrina::search {

class TierScorer {
 public:
  // Adds one candidate row from its vitrina_stats() blob (int32: [tokens, tf phrase 0, ...]).
  // A malformed blob counts as a row with no matches.
  void Add(const void* blob, int bytes);
  std::size_t size() const { return rows_; }
  // BM25 of every added row, in the order added: lower is better (negative, as FTS5's bm25()).
  std::vector<double> Scores() const;

 private:
  int phrases_ = -1;  // per row, fixed by the first well-formed row
  std::size_t rows_ = 0;
  std::vector<std::int32_t> values_;  // rows_ × (phrases_ + 1)
};

}  // namespace vitrina::search
