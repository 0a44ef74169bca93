#pragma once
// The ranking and paging of transcript search, the same in every backend (docs/search.md
// "Ranking"): candidates come in tiers of the newest `tier_size` matches in a segment-id range
// (ids ascend with the call's start), each tier is scored with BM25 from its own statistics
// (search::TierScorer) and read best first, newer first among equals; the cursor names the
// tier by its newest id and the last hit's (score, id), so rows indexed later never move a
// page. A backend supplies only the two index reads: a tier's candidates with their BM25
// inputs, and a hit's row with the filters re-checked. Same data, same pages, either backend.

#include <functional>
#include <optional>
#include <vector>

#include "base/result.h"
#include "store/records.h"

namespace vitrina::store {

using base::Result;

// Segment ids: (call start in seconds << kSegmentIdShift) | n.
inline constexpr int kSegmentIdShift = 24;
inline constexpr Id kSegmentIdBlock = Id{1} << kSegmentIdShift;
inline constexpr int kMaxSearchLimit = 100;

inline Id SecondOf(TimeMs t) { return t <= 0 ? 0 : t / 1000; }

struct SearchCandidate {
  Id id = 0;
  double score = 0;
};

struct SearchTier {
  std::vector<SearchCandidate> hits;  // rank order (RankTier)
  Id newest = 0;                      // id range of the tier
  Id oldest = 0;
  bool older = false;  // more matches exist below `oldest`
};

// Scores: BM25 inputs per candidate in id-descending order (tokens, then the count of each
// query phrase in the row, as search::TierScorer takes them); fills scores, sorts, sets the
// range. `older`: whether the fetch saw a row beyond the tier.
SearchTier RankTier(std::vector<Id> ids_newest_first, const std::vector<std::vector<std::int32_t>>& stats,
                    bool older);

// bad_query (no words), bad_filter (speaker, vertical): checked before any index read.
Result<void> ValidateSearchQuery(const SearchQuery& q);

// Filter tags of an indexed segment and of a query (docs/search.md "Filters and access"):
// "_u<buyer> _u<seller> _l<listing> _v<vertical> _c<call>" for a call, "_s<speaker>" per row.
std::string CallTags(Id buyer_id, Id seller_id, Id listing_id, const std::string& vertical, Id call_id);
std::vector<std::string> QueryTags(const SearchQuery& q);

// The candidates of [lo, hi] (newest tier_size, ranked).
using FetchTierFn = std::function<Result<SearchTier>(Id lo, Id hi)>;
// The hit of one candidate with access and filters re-checked on the call; nullopt when it
// does not pass (e.g. outside the exact time window).
using LoadHitFn = std::function<Result<std::optional<SearchHit>>(Id segment_id, double score)>;

// One page of `q` (validated first; q.after decoded: invalid_cursor).
Result<SearchPage> RankedSearch(const SearchQuery& q, const FetchTierFn& fetch, const LoadHitFn& load);

}  // namespace vitrina::store
