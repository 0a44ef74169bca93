#pragma once
// Near-duplicate listings of one seller: one-word shingles (stems) of the title and description
// (search::Tokenize, so Russian and English inflections agree), a MinHash signature with fixed
// seeds (the Jaccard estimate), LSH banding to find candidate pairs without comparing every
// pair, and a title guard so that a shop's different items sharing one boilerplate description
// are not copies. Method, thresholds and limits: docs/service-level.md "Duplicates".
// Pure functions of their arguments, deterministic across runs and machines; any thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace vitrina::service_level {

using base::TimeMs;

// One listing of the seller, as the service level needs it.
struct ListingInfo {
  std::int64_t id = 0;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;  // last edit by the seller (or creation)
  std::string title;
  std::string description;
  bool active = false;  // published now (store status "active")
};

struct DuplicateOptions {
  // MinHash functions; a multiple of `bands`. The estimate's standard error is
  // sqrt(J(1-J)/num_hashes): 0.04 at J = 0.5 with 150.
  int num_hashes = 150;
  // LSH: `bands` bands of num_hashes/bands rows; two listings are compared only when one band
  // of their signatures agrees. 50 × 3: a pair at J = 0.5 is a candidate with p = 0.999,
  // at J = 0.3 with p = 0.75, at J = 0.1 with p = 0.05.
  int bands = 50;
  // Estimated Jaccard of the shingle sets from which two listings' texts are the same text.
  double text_threshold = 0.5;
  // Title guard: the overlap coefficient |A∩B| / min(|A|,|B|) of the titles' word sets must be
  // at least this, and the titles must name the same numbers (model, size, year, rooms).
  double title_overlap = 0.5;
};

// What a listing is compared by. An empty `minhash` means no words: never a duplicate.
struct ListingSignature {
  std::vector<std::uint64_t> minhash;
  std::vector<std::string> title_words;    // stems, sorted, unique
  std::vector<std::string> title_numbers;  // the title's tokens holding a digit, sorted, unique
};

// The shingles of a listing: the set of stems of its title and description (one-word
// shingles: a reworded repost keeps its words but not their order; docs/service-level.md
// says why longer shingles were not chosen). Sorted, unique. Exposed for tests and the note.
std::vector<std::string> Shingles(std::string_view title, std::string_view description);

ListingSignature Sign(std::string_view title, std::string_view description,
                      const DuplicateOptions& options = {});

// The share of equal MinHash values: an estimate of the Jaccard index of the shingle sets.
// 0 when either signature is empty or their lengths differ.
double EstimateJaccard(const ListingSignature& a, const ListingSignature& b);

// Whether two signatures are near-duplicates: the text estimate and the title guard.
bool NearDuplicate(const ListingSignature& a, const ListingSignature& b,
                   const DuplicateOptions& options = {});

// A listing that repeats an earlier one.
struct Repeat {
  std::int64_t listing_id = 0;
  std::int64_t original_id = 0;
  double similarity = 0;  // the estimated Jaccard of the texts
  friend bool operator==(const Repeat&, const Repeat&) = default;
};

// Among `listings` (order does not matter), each listing that is a near-duplicate of an
// older one (by created_at, then id), with the oldest listing it is a near-duplicate of (its
// original). The oldest listing of a group is not a repeat: a pair of copies is one repeat.
// Candidates come from LSH buckets, so the cost is about linear in the listings unless many
// of them share text without being copies (boilerplate): then up to quadratic cheap compares.
std::vector<Repeat> FindRepeats(const std::vector<ListingInfo>& listings,
                                const DuplicateOptions& options = {});

}  // namespace vitrina::service_level
