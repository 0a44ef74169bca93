#pragma once
// Agreement of a clustering with reference labels, for the evaluation of complaint themes
// (docs/quality.md). Labels and clusters are any integers; the two vectors are parallel.
// Stateless; any thread.

#include <vector>

namespace vitrina::themes {

// Share of items whose cluster's most frequent label is their own label. 1 for an empty input.
// Rises with the number of clusters (singletons score 1), so read it next to the ARI.
double Purity(const std::vector<int>& labels, const std::vector<int>& clusters);

// Adjusted Rand index (Hubert and Arabie 1985) from the contingency table: 1 for identical
// partitions, about 0 for a random one, negative below chance. 1 when the index is undefined
// (fewer than two items, or both partitions a single cluster or all singletons).
double AdjustedRandIndex(const std::vector<int>& labels, const std::vector<int>& clusters);

}  // namespace vitrina::themes
